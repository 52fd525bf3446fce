"""Grading code answers: the task's tests run in the sandbox, results are judged out here.

`grade_code` runs the hidden suite (for interviewers: the results include the tests' inputs
and expected values); `run_examples` runs only the visible examples (safe to show the
candidate). Both are pure apart from the one sandbox run.
"""

import ast
import math
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel

from app.bank.schema import CallTest, CheckTest, CodeSpec
from app.errors import Invalid
from app.sandbox import Isolation, Sandbox, Verdict
from app.sandbox.suite import SuiteRun, SuiteTest, run_suite
from app.sandbox.values import Opaque, decode

SHOWN_CHARS = 200  # of an expected or returned value in a detail
SHOWN_OUTPUT_CHARS = 4000  # of the program's stdout and stderr in a grade


class CaseVerdict(StrEnum):
    passed = "passed"
    wrong_answer = "wrong_answer"
    error = "error"
    time_limit = "time_limit"
    memory_limit = "memory_limit"


class CaseResult(BaseModel):
    index: int
    kind: Literal["call", "check"]
    verdict: CaseVerdict
    weight: float
    points: float
    detail: str = ""  # a short diff, or the last line of the traceback
    args: str | None = None
    expected: str | None = None
    got: str | None = None


class CodeGrade(BaseModel):
    points: float
    max_points: float
    tests: list[CaseResult]
    run_verdict: Verdict
    run_detail: str
    cpu_seconds: float
    wall_seconds: float
    isolation: Isolation
    stdout: str  # the candidate's prints, truncated
    stderr: str


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def values_equal(expected: Any, got: Any, tolerance: float) -> bool:
    """Python equality, except: tuples equal lists, floats within `tolerance`, NaN equals NaN."""
    if isinstance(got, Opaque):
        return False
    numbers = (int, float)
    if isinstance(expected, numbers) and isinstance(got, numbers):
        if isinstance(expected, float) or isinstance(got, float):
            if math.isnan(expected) or math.isnan(got):
                return math.isnan(expected) and math.isnan(got)
            return expected == got or abs(expected - got) <= tolerance
        return expected == got
    sequences = (list, tuple)
    if isinstance(expected, sequences) and isinstance(got, sequences):
        return len(expected) == len(got) and all(
            values_equal(e, g, tolerance) for e, g in zip(expected, got, strict=True)
        )
    if isinstance(expected, dict) and isinstance(got, dict):
        return expected.keys() == got.keys() and all(
            values_equal(value, got[key], tolerance) for key, value in expected.items()
        )
    try:
        return bool(expected == got)
    except Exception:  # e.g. comparing sets holding values that refuse comparison
        return False


def parse_expected(test: CallTest) -> Any:
    try:
        return ast.literal_eval(test.expected)
    except (ValueError, SyntaxError, MemoryError, RecursionError) as error:
        raise Invalid(f"expected value {test.expected!r} is not a Python literal: {error}") from error


def _judge_call(index: int, test: CallTest, record: dict[str, Any]) -> CaseResult:
    expected = parse_expected(test)
    got = decode(record.get("value"))
    passed = values_equal(expected, got, test.tolerance)
    return CaseResult(
        index=index,
        kind="call",
        verdict=CaseVerdict.passed if passed else CaseVerdict.wrong_answer,
        weight=test.weight,
        points=test.weight if passed else 0.0,
        detail="" if passed else f"expected {_shown(expected)}, got {_shown(got)}",
        args=test.args,
        expected=test.expected,
        got=_shown(got),
    )


_RECORD_VERDICTS = {
    "passed": CaseVerdict.passed,
    "error": CaseVerdict.error,
    "time_limit": CaseVerdict.time_limit,
    "memory_limit": CaseVerdict.memory_limit,
}
_RUN_VERDICTS = {
    Verdict.time_limit: CaseVerdict.time_limit,
    Verdict.memory_limit: CaseVerdict.memory_limit,
}


def _without_record(suite: SuiteRun) -> tuple[CaseVerdict, str]:
    """The verdict of a test that reported nothing: the load failed, or the run died."""
    if suite.load is not None and suite.load.get("status") != "loaded":
        verdict = _RECORD_VERDICTS.get(str(suite.load.get("status")), CaseVerdict.error)
        return verdict, f"the code could not be loaded: {suite.load.get('detail') or verdict.value}"
    run = suite.run
    if run.verdict is Verdict.ok:
        return CaseVerdict.error, "the program exited before this test finished"
    return _RUN_VERDICTS.get(run.verdict, CaseVerdict.error), run.detail or run.verdict.value


def _judge(index: int, test: CallTest | CheckTest, suite: SuiteRun) -> CaseResult:
    record = suite.records.get(index)
    if record is not None and record.get("status") == "returned" and isinstance(test, CallTest):
        return _judge_call(index, test, record)
    if record is not None and record.get("status") in _RECORD_VERDICTS:
        verdict = _RECORD_VERDICTS[record["status"]]
        detail = str(record.get("detail", ""))[:SHOWN_CHARS]
    else:
        verdict, detail = _without_record(suite)
    if verdict is CaseVerdict.time_limit and not detail:
        detail = "CPU or wall-clock budget of the test exceeded"
    is_call = isinstance(test, CallTest)
    return CaseResult(
        index=index,
        kind="call" if is_call else "check",
        verdict=verdict,
        weight=test.weight,
        points=test.weight if verdict is CaseVerdict.passed else 0.0,
        detail=detail,
        args=test.args if isinstance(test, CallTest) else None,
        expected=test.expected if isinstance(test, CallTest) else None,
    )


def _grade(*, source: str, spec: CodeSpec, sandbox: Sandbox, tests: list[CallTest | CheckTest]) -> CodeGrade:
    for test in tests:
        if isinstance(test, CallTest):
            parse_expected(test)  # a broken rubric fails before the run, not after
    suite = run_suite(
        sandbox=sandbox,
        source=source,
        preamble=spec.preamble,
        entry_point=spec.entry_point,
        tests=[
            SuiteTest(kind="call", args=test.args)
            if isinstance(test, CallTest)
            else SuiteTest(kind="check", script=test.script)
            for test in tests
        ],
        per_test=sandbox.limits_for(spec.limits),
    )
    results = [_judge(index, test, suite) for index, test in enumerate(tests)]
    run = suite.run
    return CodeGrade(
        points=sum(result.points for result in results),
        max_points=sum(test.weight for test in tests),
        tests=results,
        run_verdict=run.verdict,
        run_detail=run.detail,
        cpu_seconds=run.cpu_seconds,
        wall_seconds=run.wall_seconds,
        isolation=run.isolation,
        stdout=run.stdout[:SHOWN_OUTPUT_CHARS],
        stderr=run.stderr[-SHOWN_OUTPUT_CHARS:],
    )


def grade_code(*, source: str, spec: CodeSpec, sandbox: Sandbox) -> CodeGrade:
    """The hidden tests, all in one sandbox start; points are the weights of the passed tests."""
    return _grade(source=source, spec=spec, sandbox=sandbox, tests=list(spec.hidden_tests))


def run_examples(*, source: str, spec: CodeSpec, sandbox: Sandbox) -> CodeGrade:
    """The visible examples only: everything in the result may be shown to the candidate."""
    return _grade(source=source, spec=spec, sandbox=sandbox, tests=list(spec.examples))
