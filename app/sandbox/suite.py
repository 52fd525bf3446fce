"""Running a test suite against a submission so that the candidate cannot report its own success.

Two kinds of sandbox run, never mixed:
- `run_calls`: the candidate's code and harness.py, ONE sandbox start for all calls. Only
  argument expressions go in; what comes back is what each call returned (or how it failed).
  The caller compares with expected values that stay outside.
- `run_checks` / `record_checks`: check scripts and checker.py, WITHOUT the candidate's code;
  the candidate's returned values go in as data.
"""

import json
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from app.sandbox.limits import RunLimits
from app.sandbox.pool import Sandbox
from app.sandbox.result import RunResult
from app.sandbox.runner import CHANNEL_FD_PLACEHOLDER

_HERE = Path(__file__).parent
HARNESS_SOURCE = (_HERE / "harness.py").read_bytes()
CHECKER_SOURCE = (_HERE / "checker.py").read_bytes()
VALUES_SOURCE = (_HERE / "values.py").read_bytes()
STARTUP_CPU_SECONDS = 1.0  # interpreter start and imports, on top of the calls' budgets


class CallStatus(StrEnum):
    loaded = "loaded"  # the load record only
    returned = "returned"
    error = "error"
    time_limit = "time_limit"
    memory_limit = "memory_limit"


class CheckStatus(StrEnum):
    passed = "passed"
    failed = "failed"  # an assertion of the check failed
    error = "error"  # the check raised something else (e.g. on a value of the wrong type)
    time_limit = "time_limit"
    memory_limit = "memory_limit"
    rubric_error = "rubric_error"  # the check made a call that was not recorded


@dataclass(frozen=True)
class CallRecord:
    status: CallStatus
    value: Any = None  # returned: the type-tagged value (app.sandbox.values.decode reads it)
    detail: str = ""
    budget_seconds: float | None = None  # time_limit: the budget the call had


@dataclass(frozen=True)
class CallsRun:
    run: RunResult
    load: CallRecord | None  # None if the harness never reported loading the code
    records: dict[int, CallRecord] = field(default_factory=dict)  # call index -> record


@dataclass(frozen=True)
class CheckJob:
    script: str  # defines check(candidate)
    calls: list[str]  # the recorded argument expressions, in the order the check makes them
    results: list[CallRecord] = field(default_factory=list)  # replay: the candidate's, per call


@dataclass(frozen=True)
class CheckRecord:
    status: CheckStatus
    detail: str = ""
    calls: list[str] = field(default_factory=list)  # record mode: the calls the check made


def _lines(channel: bytes, key: str, count: int) -> dict[int, dict[str, Any]]:
    """index -> the first well-formed line for it; anything else on the pipe is ignored."""
    found: dict[int, dict[str, Any]] = {}
    for line in channel.decode("utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if not isinstance(record, dict):
            continue
        index = record.get(key)
        if isinstance(index, int) and -1 <= index < count and index not in found:
            found[index] = record
    return found


def parse_call_records(channel: bytes, calls: int) -> tuple[CallRecord | None, dict[int, CallRecord]]:
    """A line whose status is not a call status (say a forged "passed") does not count."""
    records: dict[int, CallRecord] = {}
    for index, line in _lines(channel, "call", calls).items():
        try:
            status = CallStatus(str(line.get("status")))
        except ValueError:
            continue
        budget = line.get("budget_seconds")
        records[index] = CallRecord(
            status=status,
            value=line.get("value"),
            detail=str(line.get("detail", ""))[:1000],
            budget_seconds=float(budget) if isinstance(budget, (int, float)) else None,
        )
    return records.pop(-1, None), records


def parse_check_records(channel: bytes, checks: int) -> dict[int, CheckRecord]:
    records: dict[int, CheckRecord] = {}
    for index, line in _lines(channel, "check", checks).items():
        calls = line.get("calls", [])
        try:
            status = CheckStatus(str(line.get("status")))
        except ValueError:
            continue
        records[index] = CheckRecord(
            status=status,
            detail=str(line.get("detail", ""))[:1000],
            calls=[str(call) for call in calls] if isinstance(calls, list) else [],
        )
    return records


def suite_limits(per_call: RunLimits, calls: int) -> RunLimits:
    """Each call (and the loading) gets the per-call budget; the run gets the sum."""
    cpu = per_call.cpu_seconds * (calls + 1) + STARTUP_CPU_SECONDS
    return per_call.with_overrides(cpu_seconds=cpu, wall_seconds=per_call.wall_seconds + cpu)


def run_calls(
    *, sandbox: Sandbox, source: str, preamble: str, entry_point: str, calls: list[str], per_call: RunLimits
) -> CallsRun:
    """Call `entry_point` of the candidate's `source` once per argument expression."""
    job = {
        "source": source,
        "preamble": preamble,
        "entry_point": entry_point,
        "cpu_seconds": per_call.cpu_seconds,
        "wall_seconds": per_call.wall_seconds,
        "calls": calls,
    }
    run = sandbox.run(
        python_args=["harness.py", CHANNEL_FD_PLACEHOLDER],
        files={"harness.py": HARNESS_SOURCE, "job.json": json.dumps(job).encode()},
        limits=suite_limits(per_call, len(calls)),
    )
    load, records = parse_call_records(run.channel, len(calls))
    return CallsRun(run=run, load=load, records=records)


def _run_checker(
    *, sandbox: Sandbox, job: dict[str, Any], checks: int, per_check: RunLimits
) -> tuple[RunResult, dict[int, CheckRecord]]:
    job = {**job, "cpu_seconds": per_check.cpu_seconds, "wall_seconds": per_check.wall_seconds}
    run = sandbox.run(
        python_args=["checker.py", CHANNEL_FD_PLACEHOLDER],
        files={
            "checker.py": CHECKER_SOURCE,
            "harness.py": HARNESS_SOURCE,
            "values.py": VALUES_SOURCE,
            "checker-job.json": json.dumps(job).encode(),
        },
        limits=suite_limits(per_check, checks),
    )
    return run, parse_check_records(run.channel, checks)


def _tagged(record: CallRecord) -> dict[str, Any]:
    return {"status": record.status.value, "value": record.value, "detail": record.detail}


def run_checks(
    *,
    sandbox: Sandbox,
    preamble: str,
    solution: str,
    entry_point: str,
    checks: list[CheckJob],
    per_check: RunLimits,
) -> tuple[RunResult, dict[int, CheckRecord]]:
    """Replay each check over the candidate's results (in `CheckJob.results`), without its code.

    The trusted reference `solution` is loaded too: checks use the problem's helper functions.
    """
    job = {
        "mode": "replay",
        "preamble": preamble,
        "solution": solution,
        "entry_point": entry_point,
        "checks": [
            {"script": check.script, "calls": check.calls, "results": [_tagged(r) for r in check.results]}
            for check in checks
        ],
    }
    return _run_checker(sandbox=sandbox, job=job, checks=len(checks), per_check=per_check)


def record_checks(
    *,
    sandbox: Sandbox,
    preamble: str,
    solution: str,
    entry_point: str,
    scripts: list[str],
    per_check: RunLimits,
) -> tuple[RunResult, dict[int, CheckRecord]]:
    """Run each check against the reference `solution`, writing down the calls it makes."""
    job = {
        "mode": "record",
        "preamble": preamble,
        "solution": solution,
        "entry_point": entry_point,
        "checks": [{"script": script} for script in scripts],
    }
    return _run_checker(sandbox=sandbox, job=job, checks=len(scripts), per_check=per_check)
