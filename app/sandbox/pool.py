"""The Sandbox: worker slots built once at start-up, each with its own unprivileged uid.

`Sandbox.run_python` is thread-safe: a caller takes an idle slot, waits for its run and puts
the slot back. With one uid per slot, RLIMIT_NPROC counts only that slot's processes.
"""

import logging
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path

from app.sandbox.bwrap import bwrap_available
from app.sandbox.errors import SandboxBusy, SandboxFailure, SandboxUnavailable
from app.sandbox.limits import RunLimits
from app.sandbox.result import Isolation, RunResult, Verdict
from app.sandbox.runner import Job, Outcome
from app.sandbox.verdict import to_result

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MAIN_FILE = "main.py"
UNSAFE_WARNING = "SANDBOX UNSAFE MODE: candidate code runs WITHOUT isolation (development only)"


class _Slot:
    """One worker process and the uid its runs use."""

    def __init__(self, uid: int) -> None:
        self.uid = uid
        self._start()

    def _start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app.sandbox.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=PROJECT_ROOT,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self._requests = Connection(os.dup(self.process.stdin.fileno()), readable=False)
        self._replies = Connection(os.dup(self.process.stdout.fileno()), writable=False)
        self.process.stdin.close()
        self.process.stdout.close()

    def run(self, job: Job) -> Outcome:
        try:
            self._requests.send(job)
            outcome: Outcome = self._replies.recv()
            return outcome
        except (EOFError, OSError) as error:
            self.close()
            self._start()  # the next run gets a fresh worker
            raise SandboxFailure(f"sandbox worker died: {error}") from error

    def close(self) -> None:
        self._requests.close()
        self._replies.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _unavailable_reason() -> str | None:
    if not bwrap_available():
        return "bubblewrap (/usr/bin/bwrap) or Debian's /usr/bin/python3 is not installed"
    if os.geteuid() != 0:
        return "the sandbox must start as root to run each worker slot as its own unprivileged uid"
    return None


class Sandbox:
    def __init__(
        self, *, limits: RunLimits, workers: int = 2, uid_base: int = 64100, allow_unsafe: bool = False
    ) -> None:
        self.default_limits = limits
        self.isolation = Isolation.bwrap
        reason = _unavailable_reason()
        if reason is not None:
            self._go_unsafe_or_refuse(reason, allow_unsafe)
        self._slots = [_Slot(uid_base + number) for number in range(workers)]
        self._idle: queue.Queue[_Slot] = queue.Queue()
        for slot in self._slots:
            self._idle.put(slot)
        # Example runs never hold every slot, so a submitted assessment's grading always finds one.
        self._example_turns = threading.BoundedSemaphore(max(1, workers - 1))
        self._turn = threading.local()  # .deadline: set while this thread takes an example turn
        if self.isolation is Isolation.bwrap:
            self._probe(allow_unsafe)

    def _go_unsafe_or_refuse(self, reason: str, allow_unsafe: bool) -> None:
        if not allow_unsafe:
            raise SandboxUnavailable(f"code cannot be run safely on this server: {reason}")
        log.warning("%s: %s", UNSAFE_WARNING, reason)
        self.isolation = Isolation.unsafe

    def _probe(self, allow_unsafe: bool) -> None:
        """Each slot's uid must be able to create the namespaces; fail at start-up, not per run."""
        for slot in self._slots:
            job = self._job(python_args=[MAIN_FILE], files={MAIN_FILE: b"print('ready')"}, stdin=b"")
            result = to_result(slot.run(job), job.limits, self.isolation)
            if result.verdict is not Verdict.ok or result.stdout != "ready\n":
                self._go_unsafe_or_refuse(
                    f"bubblewrap failed for uid {slot.uid}: {result.stderr.strip()[-300:] or result.detail}",
                    allow_unsafe,
                )
                return

    def _job(
        self,
        *,
        python_args: list[str],
        files: dict[str, bytes],
        stdin: bytes,
        limits: RunLimits | None = None,
        uid: int = 0,
    ) -> Job:
        return Job(
            python_args=python_args,
            files=files,
            stdin=stdin,
            limits=limits or self.default_limits,
            uid=uid,
            isolated=self.isolation is Isolation.bwrap,
        )

    def run(
        self,
        *,
        python_args: list[str],
        files: dict[str, bytes],
        stdin: bytes = b"",
        limits: RunLimits | None = None,
    ) -> RunResult:
        """Run `/usr/bin/python3 -I <python_args>` in /box holding `files` (read-only)."""
        slot = self._take_slot()
        try:
            job = self._job(python_args=python_args, files=files, stdin=stdin, limits=limits, uid=slot.uid)
            outcome = slot.run(job)
        finally:
            self._idle.put(slot)
        if outcome.error is not None:
            raise SandboxFailure(f"the sandbox could not start the program: {outcome.error}")
        if self.isolation is Isolation.unsafe:
            log.warning(UNSAFE_WARNING)
        return to_result(outcome, job.limits, self.isolation)

    def _take_slot(self) -> _Slot:
        deadline: float | None = getattr(self._turn, "deadline", None)
        if deadline is None:
            return self._idle.get()  # grading waits its turn however long the queue is
        try:
            return self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise SandboxBusy("no sandbox slot came free in time") from None

    @contextmanager
    def example_turn(self, *, wait_s: float) -> Iterator[None]:
        """Runs in this block are a candidate's example runs: they wait at most `wait_s` in all
        for a slot (then SandboxBusy), and at most workers - 1 such blocks run at once."""
        deadline = time.monotonic() + wait_s
        if not self._example_turns.acquire(timeout=wait_s):
            raise SandboxBusy("every slot for example runs is busy")
        self._turn.deadline = deadline
        try:
            yield
        finally:
            self._turn.deadline = None
            self._example_turns.release()

    def run_python(self, code: str, stdin: bytes = b"", limits: RunLimits | None = None) -> RunResult:
        return self.run(python_args=[MAIN_FILE], files={MAIN_FILE: code.encode()}, stdin=stdin, limits=limits)

    @property
    def workers(self) -> int:
        return len(self._slots)

    @property
    def uids(self) -> list[int]:
        return [slot.uid for slot in self._slots]

    def close(self) -> None:
        for slot in self._slots:
            slot.close()

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
