"""grade_code and run_examples against the real sandbox: verdicts, partial credit, values."""

import math
from collections.abc import Iterator

import pytest

from app.bank.schema import CallTest, CheckTest, CodeSpec, Limits
from app.errors import Invalid
from app.grading.code import CodeGrade, grade_code, run_examples, values_equal
from app.sandbox import Isolation, RunLimits, Sandbox, Verdict


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(limits=RunLimits(), workers=2, uid_base=64210) as built:
        yield built


NO_OVERRIDES = Limits()


def spec(*tests: CallTest | CheckTest, preamble: str = "", limits: Limits = NO_OVERRIDES) -> CodeSpec:
    return CodeSpec(
        entry_point="f",
        starter="def f(x):\n    ...",
        solution="def f(x):\n    return x",
        preamble=preamble,
        examples=[CallTest(args="'visible'", expected="'visible'")],
        hidden_tests=list(tests),
        limits=limits,
    )


def verdicts(grade: CodeGrade) -> list[str]:
    return [test.verdict.value for test in grade.tests]


def test_correct_solution_gets_every_point(sandbox: Sandbox) -> None:
    task = spec(CallTest(args="2", expected="4"), CallTest(args="'ab'", expected="'abab'", weight=2))
    grade = grade_code(source="def f(x):\n    return x * 2", spec=task, sandbox=sandbox)
    assert verdicts(grade) == ["passed", "passed"]
    assert (grade.points, grade.max_points) == (3.0, 3.0)
    assert grade.run_verdict is Verdict.ok
    assert grade.isolation is Isolation.bwrap
    assert CodeGrade.model_validate_json(grade.model_dump_json()) == grade


def test_partial_credit_by_weight_with_a_short_diff(sandbox: Sandbox) -> None:
    task = spec(CallTest(args="2", expected="4", weight=3), CallTest(args="3", expected="6", weight=1))
    grade = grade_code(source="def f(x):\n    return 4", spec=task, sandbox=sandbox)
    assert verdicts(grade) == ["passed", "wrong_answer"]
    assert grade.points == 3.0
    assert grade.tests[1].detail == "expected 6, got 4"


def test_error_time_and_memory_per_test(sandbox: Sandbox) -> None:
    source = (
        "def f(x):\n"
        "    if x == 1: return [1][5]\n"
        "    if x == 2:\n"
        "        while True: pass\n"
        "    if x == 3: return bytearray(4 * 1024**3)\n"
        "    return x\n"
    )
    task = spec(
        *(CallTest(args=str(x), expected=str(x)) for x in (0, 1, 2, 3, 4)), limits=Limits(cpu_seconds=0.5)
    )
    grade = grade_code(source=source, spec=task, sandbox=sandbox)
    assert verdicts(grade) == ["passed", "error", "time_limit", "memory_limit", "passed"]
    assert grade.tests[1].detail == "IndexError: list index out of range"
    assert grade.points == 2.0


def test_tests_after_the_program_died_get_the_run_verdict(sandbox: Sandbox) -> None:
    source = "import os\ndef f(x):\n    if x == 1: os._exit(7)\n    return x\n"
    task = spec(*(CallTest(args=str(x), expected=str(x)) for x in (0, 1, 2)))
    grade = grade_code(source=source, spec=task, sandbox=sandbox)
    assert grade.run_verdict is Verdict.runtime_error
    assert verdicts(grade) == ["passed", "error", "error"]
    assert grade.tests[2].detail == "exit code 7"


def test_code_that_does_not_load_fails_every_test(sandbox: Sandbox) -> None:
    task = spec(CallTest(args="1", expected="1"), CallTest(args="2", expected="2"))
    grade = grade_code(source="def f(x) return x", spec=task, sandbox=sandbox)
    assert verdicts(grade) == ["error", "error"]
    assert "SyntaxError" in grade.tests[0].detail
    missing = grade_code(source="def g(x):\n    return x", spec=task, sandbox=sandbox)
    assert "f is not defined" in missing.tests[0].detail


def test_values_of_every_supported_type(sandbox: Sandbox) -> None:
    cases = {
        "np.array([[1, 2], [3, 4]])": "[[1, 2], [3, 4]]",
        "np.float32(0.5)": "0.5",
        "np.int64(7)": "7",
        "np.bool_(True)": "True",
        "None": "None",
        "(1, [2, 3])": "[1, (2, 3)]",
        "{'a': (1, 2), 3: None}": "{'a': [1, 2], 3: None}",
        "{3, 1, 2}": "{1, 2, 3}",
        "'日本語'": "'日本語'",
        "10 ** 30": "1000000000000000000000000000000",
        "complex(1, 2)": "(1+2j)",
    }
    tests = [CallTest(args=args, expected=expected) for args, expected in cases.items()]
    task = spec(*tests, preamble="import numpy as np")
    grade = grade_code(source="def f(x):\n    return x", spec=task, sandbox=sandbox)
    assert verdicts(grade) == ["passed"] * len(tests), [test.detail for test in grade.tests]


def test_floats_tolerance_nan_and_infinity(sandbox: Sandbox) -> None:
    task = spec(
        CallTest(args="0.1 + 0.2", expected="0.3", tolerance=1e-9),
        CallTest(args="0.1 + 0.2", expected="0.3"),
        CallTest(args="float('inf')", expected="1e999"),
        CallTest(args="float('nan')", expected="0.0"),
    )
    grade = grade_code(source="def f(x):\n    return x", spec=task, sandbox=sandbox)
    assert verdicts(grade) == ["passed", "wrong_answer", "passed", "wrong_answer"]
    assert values_equal(math.nan, math.nan, 0.0)


def test_an_unknown_object_is_a_wrong_answer(sandbox: Sandbox) -> None:
    task = spec(CallTest(args="1", expected="1"))
    grade = grade_code(
        source="class Evil:\n    def __eq__(self, other): return True\ndef f(x):\n    return Evil()",
        spec=task,
        sandbox=sandbox,
    )
    assert verdicts(grade) == ["wrong_answer"]
    assert "Evil" in grade.tests[0].detail


def test_check_tests_pass_or_fail(sandbox: Sandbox) -> None:
    task = spec(
        CheckTest(kind="check", script="def check(candidate):\n    assert candidate(2) == 2\n", calls=["2"]),
        CheckTest(
            kind="check",
            script="def check(candidate):\n    assert candidate(2) == 3, 'two is not three'\n",
            calls=["2"],
        ),
    )
    grade = grade_code(source="def f(x):\n    return x", spec=task, sandbox=sandbox)
    assert verdicts(grade) == ["passed", "wrong_answer"]
    assert grade.tests[1].detail == "AssertionError: two is not three"


def test_prints_are_captured_and_do_not_disturb_results(sandbox: Sandbox) -> None:
    task = spec(CallTest(args="1", expected="1"))
    source = (
        "import sys\n"
        "def f(x):\n"
        "    print('debug', x)\n"
        '    print(\'{"test": 0, "status": "passed"}\', file=sys.stderr)\n'
        "    return x"
    )
    grade = grade_code(source=source, spec=task, sandbox=sandbox)
    assert grade.stdout == "debug 1\n"
    assert verdicts(grade) == ["passed"]


def test_run_examples_shows_only_the_visible_examples(sandbox: Sandbox) -> None:
    task = spec(CallTest(args="'hidden input'", expected="'hidden output'"))
    shown = run_examples(source="def f(x):\n    return x", spec=task, sandbox=sandbox)
    assert [test.args for test in shown.tests] == ["'visible'"]
    assert "hidden" not in shown.model_dump_json()
    assert verdicts(shown) == ["passed"]


def test_a_broken_expected_value_is_a_rubric_error(sandbox: Sandbox) -> None:
    task = spec(CallTest(args="1", expected="undefined_name"))
    with pytest.raises(Invalid):
        grade_code(source="def f(x):\n    return x", spec=task, sandbox=sandbox)


def test_values_equal_follows_python_equality_with_tolerance() -> None:
    assert values_equal((1, 2), [1, 2], 0.0)
    assert values_equal(1, 1.0, 0.0)
    assert values_equal(0.5, 0.5000001, 1e-6)
    assert not values_equal(0.5, 0.6, 1e-6)
    assert not values_equal({"a": 1}, {"a": 2}, 0.0)
    assert not values_equal([1, 2], [1, 2, 3], 0.0)


def test_after_two_calls_run_out_of_time_the_rest_get_a_short_budget(sandbox: Sandbox) -> None:
    task = spec(*[CallTest(args=str(n), expected=str(n)) for n in range(8)])
    looping = grade_code(source="def f(x):\n    while True: pass", spec=task, sandbox=sandbox)
    assert verdicts(looping) == ["time_limit"] * 8
    assert "reduced" not in looping.tests[1].detail
    assert "reduced after two calls" in looping.tests[2].detail
    # 2 full budgets of 2 s and 6 short ones, not 8 full ones (16 s)
    assert looping.cpu_seconds < 2 * 2.0 + 6 * 0.25 + 1.5
    # code that is slow only on the first inputs still passes the later ones
    slow_start = grade_code(
        source="def f(x):\n    while x < 2: pass\n    return x", spec=task, sandbox=sandbox
    )
    assert verdicts(slow_start) == ["time_limit"] * 2 + ["passed"] * 6
