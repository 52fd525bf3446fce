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
from app.grading.sandboxing import run_limits
from app.sandbox import Isolation, Sandbox, Verdict
from app.sandbox.suite import CallRecord, CallsRun, CallStatus, CheckJob, CheckStatus, run_calls, run_checks
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


def _judge_call(index: int, test: CallTest, record: CallRecord) -> CaseResult:
    expected = parse_expected(test)
    got = decode(record.value)
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


# No call status means "passed": only a comparison out here, or a check run without the
# candidate's code, can pass a test.
_CALL_VERDICTS = {
    CallStatus.error: CaseVerdict.error,
    CallStatus.time_limit: CaseVerdict.time_limit,
    CallStatus.memory_limit: CaseVerdict.memory_limit,
}
_CHECK_VERDICTS = {
    CheckStatus.passed: CaseVerdict.passed,
    CheckStatus.failed: CaseVerdict.wrong_answer,
    CheckStatus.error: CaseVerdict.error,
    CheckStatus.time_limit: CaseVerdict.time_limit,
    CheckStatus.memory_limit: CaseVerdict.memory_limit,
    CheckStatus.rubric_error: CaseVerdict.error,
}
_RUN_VERDICTS = {Verdict.time_limit: CallStatus.time_limit, Verdict.memory_limit: CallStatus.memory_limit}


def _failed_call(record: CallRecord) -> tuple[CaseVerdict, str]:
    verdict = _CALL_VERDICTS.get(record.status, CaseVerdict.error)
    detail = record.detail[:SHOWN_CHARS]
    if verdict is CaseVerdict.time_limit and not detail:
        detail = f"the call ran out of its time budget ({record.budget_seconds or 0:g} s)"
        if record.budget_seconds is not None and record.budget_seconds < 1:
            detail += "; the budget is reduced after two calls have run out of time"
    return verdict, detail


def _record_or_failure(calls: CallsRun, index: int) -> CallRecord:
    """The call's record, or what stood in its way: the load failed, or the run died."""
    record = calls.records.get(index)
    if record is not None:
        return record
    load = calls.load
    if load is not None and load.status is not CallStatus.loaded:
        return CallRecord(
            status=load.status, detail=f"the code could not be loaded: {load.detail or load.status}"
        )
    run = calls.run
    if run.verdict is Verdict.ok:
        return CallRecord(status=CallStatus.error, detail="the program exited before this call finished")
    return CallRecord(
        status=_RUN_VERDICTS.get(run.verdict, CallStatus.error), detail=run.detail or run.verdict
    )


def _case(index: int, test: CallTest | CheckTest, verdict: CaseVerdict, detail: str) -> CaseResult:
    return CaseResult(
        index=index,
        kind="call" if isinstance(test, CallTest) else "check",
        verdict=verdict,
        weight=test.weight,
        points=test.weight if verdict is CaseVerdict.passed else 0.0,
        detail=detail,
        args=test.args if isinstance(test, CallTest) else None,
        expected=test.expected if isinstance(test, CallTest) else None,
    )


def _judge_checks(
    *,
    checks: dict[int, CheckTest],
    spans: dict[int, range],
    calls: CallsRun,
    spec: CodeSpec,
    sandbox: Sandbox,
) -> dict[int, CaseResult]:
    """Replay every check test over the candidate's results, in a sandbox without its code."""
    jobs = [
        CheckJob(
            script=test.script,
            calls=test.calls,
            results=[_record_or_failure(calls, call) for call in spans[index]],
        )
        for index, test in checks.items()
    ]
    run, records = run_checks(
        sandbox=sandbox,
        preamble=spec.preamble,
        solution=spec.solution,
        entry_point=spec.entry_point,
        checks=jobs,
        per_check=run_limits(sandbox, spec.limits),
    )
    results = {}
    for position, (index, test) in enumerate(checks.items()):
        record = records.get(position)
        if record is None:
            results[index] = _case(index, test, CaseVerdict.error, f"the check could not run: {run.detail}")
            continue
        detail = record.detail[:SHOWN_CHARS]
        if record.status is CheckStatus.rubric_error:
            detail = f"rubric problem, not the candidate's: {detail}"
        results[index] = _case(index, test, _CHECK_VERDICTS[record.status], detail)
    return results


def _grade(*, source: str, spec: CodeSpec, sandbox: Sandbox, tests: list[CallTest | CheckTest]) -> CodeGrade:
    arguments: list[str] = []
    spans: dict[int, range] = {}
    for index, test in enumerate(tests):
        if isinstance(test, CallTest):
            parse_expected(test)  # a broken rubric fails before the run, not after
            new_calls = [test.args]
        elif not test.calls:
            raise Invalid("check test %(n)s has no recorded calls: re-import the problem", n=index + 1)
        else:
            new_calls = test.calls
        spans[index] = range(len(arguments), len(arguments) + len(new_calls))
        arguments += new_calls
    calls = run_calls(
        sandbox=sandbox,
        source=source,
        preamble=spec.preamble,
        entry_point=spec.entry_point,
        calls=arguments,
        per_call=run_limits(sandbox, spec.limits),
    )
    results: dict[int, CaseResult] = {}
    for index, test in enumerate(tests):
        if isinstance(test, CallTest):
            record = _record_or_failure(calls, spans[index].start)
            if record.status is CallStatus.returned:
                results[index] = _judge_call(index, test, record)
            else:
                results[index] = _case(index, test, *_failed_call(record))
    checks = {index: test for index, test in enumerate(tests) if isinstance(test, CheckTest)}
    if checks:
        results |= _judge_checks(checks=checks, spans=spans, calls=calls, spec=spec, sandbox=sandbox)
    ordered = [results[index] for index in range(len(tests))]
    run = calls.run
    return CodeGrade(
        points=sum(result.points for result in ordered),
        max_points=sum(test.weight for test in tests),
        tests=ordered,
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
