"""The select loop of one started run: feed stdin, collect stdout, stderr and the result channel,
and kill the process tree when it exceeds the limits rlimits cannot enforce (wall time, CPU and
memory summed over processes, output).
"""

import contextlib
import os
import selectors
import signal
import time
from typing import TYPE_CHECKING

from app.sandbox.limits import MIB
from app.sandbox.procwatch import tree_usage

if TYPE_CHECKING:  # type-only: the runner imports this module at run time
    from app.sandbox.runner import Job, Outcome

CHANNEL_BYTES = 8 * MIB  # the grading harness's result lines
POLL_SECONDS = 0.05  # how often the process tree's CPU and memory are summed
DRAIN_SECONDS = 2.0  # after a kill, how long to wait for the pipes to close
READ_CHUNK = 65536


class _Supervisor:
    """The select loop of one run; holds the state the loop shares between events."""

    def __init__(self, job: "Job", pid: int, started: float, outcome: "Outcome") -> None:
        self.job, self.pid, self.started, self.outcome = job, pid, started, outcome
        self.pidfd = os.pidfd_open(pid)
        self.selector = selectors.DefaultSelector()
        self.buffers: dict[int, bytearray] = {}
        self.caps: dict[int, int] = {}
        self.output_used = 0
        self.stopped_at: float | None = None
        self.exited = False

    def stop(self, reason: str) -> None:
        if self.outcome.stopped is None and not self.exited:
            self.outcome.stopped = reason
            self.stopped_at = time.monotonic()
            # bwrap's pid-1 child dies with it (--die-with-parent), and with pid 1 the namespace.
            signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            if not self.job.isolated:
                with contextlib.suppress(ProcessLookupError):  # no pid namespace: the group at least
                    os.killpg(self.pid, signal.SIGKILL)


def supervise(
    job: "Job", pid: int, started: float, outcome: "Outcome", *, stdin_w: int, readers: tuple[int, ...]
) -> None:
    state = _Supervisor(job, pid, started, outcome)
    stdout_r, stderr_r, channel_r = readers
    for fd, cap in (
        (stdout_r, job.limits.output_bytes),
        (stderr_r, job.limits.output_bytes),
        (channel_r, CHANNEL_BYTES),
    ):
        state.buffers[fd] = bytearray()
        state.caps[fd] = cap
        state.selector.register(fd, selectors.EVENT_READ)
    state.selector.register(state.pidfd, selectors.EVENT_READ)
    pending_stdin = memoryview(job.stdin)
    if pending_stdin:
        os.set_blocking(stdin_w, False)
        state.selector.register(stdin_w, selectors.EVENT_WRITE)
    else:
        os.close(stdin_w)
    deadline = started + job.limits.wall_seconds
    next_poll = started + POLL_SECONDS
    memory_limit = job.limits.memory_mb * MIB
    try:
        while state.selector.get_map():
            now = time.monotonic()
            if state.stopped_at is not None and now > state.stopped_at + DRAIN_SECONDS:
                break  # something still holds a pipe open; the reaper will wait for it
            if now >= deadline:
                state.stop("wall")
            if now >= next_poll and not state.exited:
                next_poll = now + POLL_SECONDS
                usage = tree_usage(pid, memory_threshold=memory_limit)
                outcome.cpu_seconds = max(outcome.cpu_seconds, usage.cpu_seconds)
                outcome.peak_memory_bytes = max(outcome.peak_memory_bytes, usage.memory_bytes)
                if usage.cpu_seconds > job.limits.cpu_seconds:
                    state.stop("cpu")
                elif usage.memory_bytes > memory_limit:
                    state.stop("memory")
            timeout = max(0.0, min(deadline, next_poll) - time.monotonic())
            for key, _ in state.selector.select(timeout if state.stopped_at is None else POLL_SECONDS):
                fd = int(key.fd)
                if fd == state.pidfd:
                    state.exited = True
                    outcome.wall_seconds = time.monotonic() - started
                    state.selector.unregister(fd)
                elif fd == stdin_w:
                    pending_stdin = _feed(state, stdin_w, pending_stdin)
                else:
                    _drain(state, fd, is_output=fd != channel_r)
    finally:
        for key in list(state.selector.get_map().values()):
            if key.fd == stdin_w:
                os.close(stdin_w)
        state.selector.close()
        os.close(state.pidfd)
        if not state.exited:
            outcome.wall_seconds = time.monotonic() - started
    outcome.stdout = bytes(state.buffers[stdout_r])
    outcome.stderr = bytes(state.buffers[stderr_r])
    outcome.channel = bytes(state.buffers[channel_r])


def _feed(state: _Supervisor, stdin_w: int, pending: memoryview) -> memoryview:
    try:
        pending = pending[os.write(stdin_w, pending[:READ_CHUNK]) :]
    except BlockingIOError:
        return pending
    except BrokenPipeError:  # the program closed stdin or exited: it does not want the rest
        pending = pending[:0]
    if not pending:
        state.selector.unregister(stdin_w)
        os.close(stdin_w)
    return pending


def _drain(state: _Supervisor, fd: int, *, is_output: bool) -> None:
    chunk = os.read(fd, READ_CHUNK)
    if not chunk:
        state.selector.unregister(fd)
        return
    buffer = state.buffers[fd]
    if is_output:
        room = state.job.limits.output_bytes - state.output_used
        state.output_used += len(chunk)
        buffer += chunk[: max(0, room)]
        if state.output_used > state.job.limits.output_bytes:
            state.outcome.output_truncated = True
            state.stop("output")
    else:
        buffer += chunk
        if len(buffer) > state.caps[fd]:
            state.stop("output")
