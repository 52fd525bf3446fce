"""What a sandbox run returns to the rest of the app."""

from dataclasses import dataclass
from enum import StrEnum


class Verdict(StrEnum):
    ok = "ok"
    runtime_error = "runtime_error"
    time_limit = "time_limit"
    memory_limit = "memory_limit"
    output_limit = "output_limit"


class Isolation(StrEnum):
    bwrap = "bwrap"
    unsafe = "unsafe"  # development only: no namespaces, no filesystem isolation


@dataclass(frozen=True)
class RunResult:
    verdict: Verdict
    exit_code: int | None  # None when killed by a signal
    signal: int | None
    stdout: str
    stderr: str
    output_truncated: bool
    cpu_seconds: float
    wall_seconds: float
    peak_memory_mb: float
    isolation: Isolation
    detail: str = ""  # why the run was stopped, e.g. "wall clock limit 5 s"
    channel: bytes = b""  # what the grading harness wrote to its result pipe; not program output

    @property
    def unsafe(self) -> bool:
        return self.isolation is Isolation.unsafe
