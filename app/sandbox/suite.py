"""Run a whole test suite against a submission in ONE sandbox start, via harness.py inside.

Only test inputs go in (call arguments as expressions, or check scripts); expected values of
call tests stay outside. The harness's JSON lines come back on their own pipe.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.sandbox.limits import RunLimits
from app.sandbox.pool import Sandbox
from app.sandbox.result import RunResult
from app.sandbox.runner import CHANNEL_FD_PLACEHOLDER

HARNESS_SOURCE = (Path(__file__).parent / "harness.py").read_bytes()
STARTUP_CPU_SECONDS = 1.0  # interpreter start and imports, on top of the tests' budgets


@dataclass(frozen=True)
class SuiteTest:
    kind: str  # "call" or "check"
    args: str = ""  # call: a Python expression for the positional arguments
    script: str = ""  # check: defines check(candidate)


@dataclass(frozen=True)
class SuiteRun:
    run: RunResult
    load: dict[str, Any] | None  # the harness's record of loading the code; None if it never reported
    records: dict[int, dict[str, Any]] = field(default_factory=dict)  # test index -> record


def suite_limits(per_test: RunLimits, tests: int) -> RunLimits:
    """Each test (and the loading) gets the per-test budget; the run gets the sum."""
    cpu = per_test.cpu_seconds * (tests + 1) + STARTUP_CPU_SECONDS
    return per_test.with_overrides(cpu_seconds=cpu, wall_seconds=per_test.wall_seconds + cpu)


def parse_records(channel: bytes, tests: int) -> tuple[dict[str, Any] | None, dict[int, dict[str, Any]]]:
    """The first well-formed line per test wins; anything else on the pipe is ignored."""
    load: dict[str, Any] | None = None
    records: dict[int, dict[str, Any]] = {}
    for line in channel.decode("utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if not isinstance(record, dict) or not isinstance(record.get("test"), int):
            continue
        index = record["test"]
        if index == -1 and load is None:
            load = record
        elif 0 <= index < tests and index not in records:
            records[index] = record
    return load, records


def run_suite(
    *,
    sandbox: Sandbox,
    source: str,
    preamble: str,
    entry_point: str,
    tests: list[SuiteTest],
    per_test: RunLimits,
) -> SuiteRun:
    job = {
        "source": source,
        "preamble": preamble,
        "entry_point": entry_point,
        "cpu_seconds": per_test.cpu_seconds,
        "wall_seconds": per_test.wall_seconds,
        "tests": [{"kind": test.kind, "args": test.args, "script": test.script} for test in tests],
    }
    run = sandbox.run(
        python_args=["harness.py", CHANNEL_FD_PLACEHOLDER],
        files={"harness.py": HARNESS_SOURCE, "job.json": json.dumps(job).encode()},
        limits=suite_limits(per_test, len(tests)),
    )
    load, records = parse_records(run.channel, len(tests))
    return SuiteRun(run=run, load=load, records=records)
