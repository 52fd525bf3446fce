"""Check tests of imported problems: record, against the reference solution, the calls each check
makes, so that grading can send those calls to a candidate's code and replay the check over
the answers in a sandbox without that code (see app/sandbox/checker.py)."""

from app.bank.schema import CheckTest, Question
from app.grading.sandboxing import run_limits
from app.sandbox import Sandbox
from app.sandbox.suite import CheckStatus, record_checks


class CheckNotRecordable(ValueError):
    """The reference solution fails its own check, or the check's arguments are not literals."""


def record_check_calls(*, question: Question, sandbox: Sandbox) -> Question:
    """The question with every check test's `calls` filled in; other tests unchanged."""
    code = question.code
    if code is None:
        return question
    checks = [test for test in code.hidden_tests if isinstance(test, CheckTest)]
    if not checks:
        return question
    run, records = record_checks(
        sandbox=sandbox,
        preamble=code.preamble,
        solution=code.solution,
        entry_point=code.entry_point,
        scripts=[test.script for test in checks],
        per_check=run_limits(sandbox, code.limits),
    )
    recorded: dict[int, CheckTest] = {}
    for position, test in enumerate(checks):
        record = records.get(position)
        if record is None or record.status is not CheckStatus.passed or not record.calls:
            why = record.detail or record.status if record else run.detail or "no result"
            raise CheckNotRecordable(f"{question.id}: check {position + 1} cannot be recorded: {why}")
        recorded[id(test)] = test.model_copy(update={"calls": record.calls})
    hidden = [recorded.get(id(test), test) for test in code.hidden_tests]
    return question.model_copy(update={"code": code.model_copy(update={"hidden_tests": hidden})})
