"""Resource limits of one sandbox run, and how they become rlimits in the child process.

Stdlib only: the worker process imports this without the app's heavier dependencies.
"""

import math
import resource
from dataclasses import dataclass, replace

MIB = 1024 * 1024


@dataclass(frozen=True)
class RunLimits:
    cpu_seconds: float = 2.0  # summed over every process of the run
    wall_seconds: float = 5.0
    memory_mb: int = 512  # address space per process; resident memory summed over processes
    max_processes: int = 32  # processes and threads of the slot uid (RLIMIT_NPROC)
    file_size_mb: int = 8
    open_files: int = 64
    output_bytes: int = 64 * 1024  # stdout + stderr together
    scratch_mb: int = 16  # each tmpfs: /tmp and /box (and /dev/shm, a quarter of it)

    def with_overrides(
        self,
        *,
        cpu_seconds: float | None = None,
        wall_seconds: float | None = None,
        memory_mb: int | None = None,
    ) -> "RunLimits":
        return replace(
            self,
            cpu_seconds=self.cpu_seconds if cpu_seconds is None else cpu_seconds,
            wall_seconds=self.wall_seconds if wall_seconds is None else wall_seconds,
            memory_mb=self.memory_mb if memory_mb is None else memory_mb,
        )

    def rlimits(self) -> list[tuple[int, int]]:
        """(resource, value) pairs; soft and hard are equal except for the CPU time."""
        return [
            (resource.RLIMIT_AS, self.memory_mb * MIB),
            (resource.RLIMIT_NPROC, self.max_processes),
            (resource.RLIMIT_FSIZE, self.file_size_mb * MIB),
            (resource.RLIMIT_NOFILE, self.open_files),
            (resource.RLIMIT_CORE, 0),
        ]

    def cpu_rlimit(self) -> tuple[int, int]:
        """SIGXCPU at the soft limit, SIGKILL one second later for code that ignores it."""
        soft = max(1, math.ceil(self.cpu_seconds))
        return soft, soft + 1


def apply_rlimits(limits: RunLimits) -> None:
    """Called in the forked child before exec; lowering limits needs no privilege."""
    for which, value in limits.rlimits():
        resource.setrlimit(which, (value, value))
    resource.setrlimit(resource.RLIMIT_CPU, limits.cpu_rlimit())
