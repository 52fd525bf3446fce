"""A real sandbox with the design note's limits, and the checks every attack case makes:
nothing of the slot uids is left running, a sentinel of each slot uid outside survives,
no file appeared on the host, and the run ended within its wall limit plus a margin."""

import os
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.sandbox import RunLimits, RunResult, Sandbox
from app.settings import PROJECT_ROOT

# The design note's limits (sandbox-cases.md); a uid range apart from the app's default one.
DESIGN_LIMITS = RunLimits(
    cpu_seconds=2.0,
    wall_seconds=5.0,
    memory_mb=512,
    max_processes=32,
    file_size_mb=8,
    open_files=64,
    output_bytes=64 * 1024,
    scratch_mb=16,
)
TEST_UID_BASE = 64200
WALL_MARGIN_SECONDS = 1.0
WATCHED_DIRS = [
    Path("/"),
    Path("/tmp"),
    Path("/var/tmp"),
    Path("/dev/shm"),
    Path("/root"),
    Path("/usr"),
    PROJECT_ROOT,
]
PROBE_NAMES = {"ESCAPED", "persist_probe", "big"}

RunCase = Callable[..., RunResult]


def processes_of(uid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        uid_line = next(line for line in status.splitlines() if line.startswith("Uid:"))
        if int(uid_line.split()[1]) == uid:
            found.add(int(entry))
    return found


def host_entries() -> set[tuple[str, str, int]]:
    entries = set()
    for directory in WATCHED_DIRS:
        for path in directory.iterdir():
            try:
                entries.add((str(directory), path.name, path.lstat().st_uid))
            except FileNotFoundError:  # another developer's temporary file, gone already
                continue
    return entries


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(limits=DESIGN_LIMITS, workers=2, uid_base=TEST_UID_BASE) as built:
        yield built


@pytest.fixture(scope="session")
def sentinels(sandbox: Sandbox) -> Iterator[dict[int, subprocess.Popen[bytes]]]:
    """A sleeping process of each slot uid outside the sandbox: a run must never touch it."""
    started = {
        uid: subprocess.Popen(["sleep", "3600"], user=uid, group=uid, extra_groups=[]) for uid in sandbox.uids
    }
    yield started
    for process in started.values():
        process.kill()
        process.wait()


@pytest.fixture
def run_case(sandbox: Sandbox, sentinels: dict[int, subprocess.Popen[bytes]]) -> RunCase:
    def run(code: str, stdin: bytes = b"", limits: RunLimits | None = None) -> RunResult:
        before = host_entries()
        started = time.monotonic()
        result = sandbox.run_python(code, stdin=stdin, limits=limits)
        elapsed = time.monotonic() - started
        assert elapsed <= (limits or DESIGN_LIMITS).wall_seconds + WALL_MARGIN_SECONDS, elapsed
        for uid, sentinel in sentinels.items():
            assert sentinel.poll() is None, f"the sentinel of uid {uid} died"
            assert processes_of(uid) == {sentinel.pid}, f"processes of uid {uid} left behind"
        appeared = host_entries() - before
        sandbox_uids = set(sandbox.uids)
        assert not {entry for entry in appeared if entry[2] in sandbox_uids or entry[1] in PROBE_NAMES}, (
            appeared
        )
        return result

    return run
