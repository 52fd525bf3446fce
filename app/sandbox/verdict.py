"""From what the runner observed to the verdict the app shows."""

import signal

from app.sandbox.limits import MIB, RunLimits
from app.sandbox.result import Isolation, RunResult, Verdict
from app.sandbox.runner import Outcome


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def _judge(outcome: Outcome, limits: RunLimits, stderr: str) -> tuple[Verdict, str]:
    soft_cpu, _ = limits.cpu_rlimit()
    if outcome.stopped == "output":
        return Verdict.output_limit, f"output limit of {limits.output_bytes} bytes exceeded"
    if outcome.stopped == "memory":
        return (
            Verdict.memory_limit,
            f"memory limit of {limits.memory_mb} MiB exceeded (summed over processes)",
        )
    if outcome.stopped == "wall":
        return Verdict.time_limit, f"wall-clock limit of {limits.wall_seconds:g} s exceeded"
    cpu_killed = outcome.signal == signal.SIGXCPU or (
        outcome.signal == signal.SIGKILL and outcome.cpu_seconds >= soft_cpu
    )
    if outcome.stopped == "cpu" or cpu_killed or outcome.cpu_seconds > limits.cpu_seconds:
        return Verdict.time_limit, (
            f"CPU time limit of {limits.cpu_seconds:g} s exceeded ({outcome.cpu_seconds:.2f} s used)"
        )
    if outcome.signal is not None:
        return Verdict.runtime_error, f"killed by {_signal_name(outcome.signal)}"
    if outcome.exit_code == 0:
        return Verdict.ok, ""
    last = _last_line(stderr)
    if "MemoryError" in last.split(":")[0]:
        return Verdict.memory_limit, last
    return Verdict.runtime_error, last or f"exit code {outcome.exit_code}"


def to_result(outcome: Outcome, limits: RunLimits, isolation: Isolation) -> RunResult:
    stdout = outcome.stdout.decode("utf-8", errors="replace")
    stderr = outcome.stderr.decode("utf-8", errors="replace")
    verdict, detail = _judge(outcome, limits, stderr)
    return RunResult(
        verdict=verdict,
        exit_code=outcome.exit_code,
        signal=outcome.signal,
        stdout=stdout,
        stderr=stderr,
        output_truncated=outcome.output_truncated,
        cpu_seconds=round(outcome.cpu_seconds, 4),
        wall_seconds=round(outcome.wall_seconds, 4),
        peak_memory_mb=round(outcome.peak_memory_bytes / MIB, 2),
        isolation=isolation,
        detail=detail,
        channel=outcome.channel,
    )
