"""Derive a HumanEval problem's tests and visible examples from its `check` function and prompt.

A test function whose every statement is `assert candidate(ARGS) == EXPECTED` (EXPECTED a
literal, or arithmetic on literals) or `assert abs(candidate(ARGS) - X) < TOL` becomes one call
test per assert, so expected values stay outside the sandbox. Anything else is kept whole as
one check test. Visible examples come from the asserts, else from the prompt's doctests, else
(for encode/decode pairs) from a round trip through the prompt's encoder.
"""

import ast
import doctest
import operator
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from app.bank.schema import CallTest, CheckTest, CodeTest

EXAMPLES = 2
ROUND_TRIP_SAMPLE = "helloworld"

_ARITHMETIC: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}


class NotConvertible(Exception):
    pass


def _fold(node: ast.expr) -> Any:
    """The value of a literal, or of arithmetic on number literals (e.g. `2.0 / 3.0`)."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        items = [_fold(item) for item in node.elts]
        return {ast.Tuple: tuple, ast.List: list, ast.Set: set}[type(node)](items)
    if isinstance(node, ast.Dict) and all(key is not None for key in node.keys):
        return {
            _fold(key): _fold(value)
            for key, value in zip(node.keys, node.values, strict=True)
            if key is not None
        }
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _fold(node.operand)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC:
        left, right = _fold(node.left), _fold(node.right)
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (left, right)):
            return _ARITHMETIC[type(node.op)](left, right)
    raise NotConvertible(ast.unparse(node))


def _literal(node: ast.expr) -> str:
    text = repr(_fold(node))
    try:
        ast.literal_eval(text)
    except (ValueError, SyntaxError) as error:  # e.g. a float that folds to nan
        raise NotConvertible(text) from error
    return text


def _call_args(node: ast.expr, name: str, local_names: set[str]) -> str:
    """ARGS of `name(ARGS)`, if they are plain positional expressions the sandbox can evaluate."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name):
        raise NotConvertible(ast.unparse(node))
    if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args):
        raise NotConvertible(ast.unparse(node))
    used = {n.id for arg in node.args for n in ast.walk(arg) if isinstance(n, ast.Name)}
    if used & (local_names | {"candidate"}):
        raise NotConvertible(ast.unparse(node))
    return ", ".join(ast.unparse(arg) for arg in node.args)


def _exact_call_test(test: ast.expr, local_names: set[str]) -> CallTest:
    """`candidate(A) == E`, `E == candidate(A)`, `abs(candidate(A) - E) < T` (or `<=`)."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        raise NotConvertible(ast.unparse(test))
    left, op, right = test.left, test.ops[0], test.comparators[0]
    if isinstance(op, ast.Eq):
        call, expected = (left, right) if isinstance(left, ast.Call) else (right, left)
        return CallTest(args=_call_args(call, "candidate", local_names), expected=_literal(expected))
    if isinstance(op, (ast.Lt, ast.LtE)) and isinstance(left, ast.Call) and _is_name(left.func, "abs"):
        difference = left.args[0] if len(left.args) == 1 else None
        if isinstance(difference, ast.BinOp) and isinstance(difference.op, ast.Sub):
            call, expected = (difference.left, difference.right)
            if not isinstance(call, ast.Call):
                call, expected = expected, call
            tolerance = _fold(right)
            if isinstance(tolerance, (int, float)) and tolerance >= 0:
                args = _call_args(call, "candidate", local_names)
                return CallTest(args=args, expected=_literal(expected), tolerance=float(tolerance))
    raise NotConvertible(ast.unparse(test))


def _is_name(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _example_call_test(test: ast.expr, local_names: set[str]) -> CallTest:
    """Also the looser forms, good enough to show: `is True`, truthiness, `tuple(...) == tuple(E)`."""
    try:
        return _exact_call_test(test, local_names)
    except NotConvertible:
        pass
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return CallTest(args=_call_args(test.operand, "candidate", local_names), expected="False")
    if isinstance(test, ast.Call) and _is_name(test.func, "candidate"):
        return CallTest(args=_call_args(test, "candidate", local_names), expected="True")
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Is, ast.Eq)):
        left, right = test.left, test.comparators[0]
        if isinstance(left, ast.Call) and _is_name(left.func, "tuple") and len(left.args) == 1:
            left = left.args[0]
        if isinstance(right, ast.Call) and _is_name(right.func, "tuple") and len(right.args) == 1:
            right = right.args[0]
        return CallTest(args=_call_args(left, "candidate", local_names), expected=_literal(right))
    raise NotConvertible(ast.unparse(test))


def _check_function(test_source: str) -> ast.FunctionDef:
    module = ast.parse(test_source)
    checks = [node for node in module.body if isinstance(node, ast.FunctionDef) and node.name == "check"]
    if len(checks) != 1:
        raise ValueError("the test script must define check(candidate) once")
    return checks[0]


def _only_check_and_metadata(test_source: str) -> bool:
    for node in ast.parse(test_source).body:
        is_metadata = isinstance(node, ast.Assign) and all(_is_name(t, "METADATA") for t in node.targets)
        if not (is_metadata or (isinstance(node, ast.FunctionDef) and node.name == "check")):
            return False
    return True


def _local_names(function: ast.FunctionDef) -> set[str]:
    names = {
        node.id
        for node in ast.walk(function)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    }
    for node in ast.walk(function):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    return names


def _is_no_op(statement: ast.stmt) -> bool:
    """`assert True, "..."`: HumanEval's filler, it tests nothing."""
    return (
        isinstance(statement, ast.Assert)
        and isinstance(statement.test, ast.Constant)
        and statement.test.value is True
    )


def convert_tests(test_source: str) -> list[CodeTest]:
    """One call test per assert when all of them convert faithfully, else one check test."""
    whole: list[CodeTest] = [CheckTest(kind="check", script=test_source)]
    statements = [s for s in _check_function(test_source).body if not _is_no_op(s)]
    asserts = [s for s in statements if isinstance(s, ast.Assert)]
    if not _only_check_and_metadata(test_source) or not asserts or len(asserts) != len(statements):
        return whole
    try:
        return [_exact_call_test(statement.test, set()) for statement in asserts]
    except NotConvertible:
        return whole


def _first(candidates: Iterable[Callable[[], CallTest]], count: int) -> list[CallTest]:
    found: list[CallTest] = []
    for make in candidates:
        try:
            found.append(make())
        except NotConvertible:
            continue
        if len(found) == count:
            break
    return found


def _doctest_examples(prompt: str, entry_point: str) -> list[Callable[[], CallTest]]:
    makers: list[Callable[[], CallTest]] = []
    for example in doctest.DocTestParser().get_examples(prompt):

        def make(source: str = example.source, want: str = example.want) -> CallTest:
            try:
                expression = ast.parse(source.strip(), mode="eval").body
                expected = repr(ast.literal_eval(want.strip()))
            except (SyntaxError, ValueError) as error:
                raise NotConvertible(source) from error
            if (
                isinstance(expression, ast.Call)
                and _is_name(expression.func, "round")
                and len(expression.args) == 2
            ):
                digits = _fold(expression.args[1])
                args = _call_args(expression.args[0], entry_point, set())
                return CallTest(args=args, expected=expected, tolerance=0.5 * 10.0 ** -int(digits))
            return CallTest(args=_call_args(expression, entry_point, set()), expected=expected)

        makers.append(make)
    return makers


def _round_trip_example(prompt: str, entry_point: str) -> list[Callable[[], CallTest]]:
    """decode_x(encode_x(sample)) == sample, when the prompt defines the matching encoder."""
    encoder = entry_point.replace("decode", "encode", 1)
    defined = {node.name for node in ast.parse(prompt).body if isinstance(node, ast.FunctionDef)}
    if not entry_point.startswith("decode") or encoder not in defined:
        return []
    return [lambda: CallTest(args=f"{encoder}({ROUND_TRIP_SAMPLE!r})", expected=repr(ROUND_TRIP_SAMPLE))]


def choose_examples(*, test_source: str, prompt: str, entry_point: str) -> list[CallTest]:
    check = _check_function(test_source)
    local_names = _local_names(check)
    from_asserts: list[Callable[[], CallTest]] = [
        partial(_example_call_test, s.test, local_names)
        for s in check.body
        if isinstance(s, ast.Assert) and not _is_no_op(s)
    ]
    for source in (
        from_asserts,
        _doctest_examples(prompt, entry_point),
        _round_trip_example(prompt, entry_point),
    ):
        examples = _first(source, EXAMPLES)
        if examples:
            return examples
    raise ValueError("no visible example could be derived")
