"""The app's side of the sandbox library: limits from the settings and from a question's rubric."""

from app.bank.schema import Limits
from app.sandbox import RunLimits, Sandbox
from app.settings import Settings


def build_sandbox(settings: Settings) -> Sandbox:
    """The process's sandbox pool; raises SandboxUnavailable where code cannot run safely."""
    limits = RunLimits(
        cpu_seconds=settings.sandbox_cpu_seconds,
        wall_seconds=settings.sandbox_wall_seconds,
        memory_mb=settings.sandbox_memory_mb,
        max_processes=settings.sandbox_max_processes,
        file_size_mb=settings.sandbox_file_size_mb,
        open_files=settings.sandbox_open_files,
        output_bytes=settings.sandbox_output_bytes,
        scratch_mb=settings.sandbox_scratch_mb,
    )
    return Sandbox(
        limits=limits,
        workers=settings.sandbox_workers,
        uid_base=settings.sandbox_uid_base,
        allow_unsafe=settings.sandbox_allow_unsafe,
    )


def run_limits(sandbox: Sandbox, overrides: Limits) -> RunLimits:
    """The server's limits with a question's own CPU, wall-clock and memory overrides."""
    return sandbox.default_limits.with_overrides(
        cpu_seconds=overrides.cpu_seconds,
        wall_seconds=overrides.wall_seconds,
        memory_mb=overrides.memory_mb,
    )
