"""One run, inside a worker process: fork, drop to the slot uid, exec bwrap, feed and read the
pipes, enforce the limits rlimits cannot, kill, and reap every process of the run.

The worker is a child subreaper with no other children, so `wait4(-1)` collects bwrap, its
orphaned pid-1 reaper and anything else of the run; their rusage sums to the run's CPU time.
"""

import contextlib
import ctypes
import os
import selectors
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass

from app.sandbox.bwrap import ENVIRONMENT, bwrap_argv, unsafe_argv
from app.sandbox.limits import MIB, RunLimits, apply_rlimits
from app.sandbox.procwatch import tree_usage

CHANNEL_FD_PLACEHOLDER = "{channel_fd}"
CHANNEL_BYTES = 8 * MIB  # the grading harness's result lines
POLL_SECONDS = 0.05  # how often the process tree's CPU and memory are summed
DRAIN_SECONDS = 2.0  # after a kill, how long to wait for the pipes to close
READ_CHUNK = 65536

_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36
_libc = ctypes.CDLL(None, use_errno=True)


def become_subreaper() -> None:
    if _libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


@dataclass(frozen=True)
class Job:
    python_args: list[str]  # CHANNEL_FD_PLACEHOLDER is replaced by the result pipe's fd
    files: dict[str, bytes]  # read-only files in the working directory
    stdin: bytes
    limits: RunLimits
    uid: int  # the slot's unprivileged uid (and gid)
    isolated: bool  # False: development-only unsafe mode


@dataclass
class Outcome:
    stdout: bytes = b""
    stderr: bytes = b""
    channel: bytes = b""
    output_truncated: bool = False
    exit_code: int | None = None
    signal: int | None = None
    cpu_seconds: float = 0.0
    wall_seconds: float = 0.0
    peak_memory_bytes: int = 0
    stopped: str | None = None  # "wall", "cpu", "memory" or "output": why the runner killed it
    error: str | None = None  # the program could not be started


def _exec_child(job: Job, argv: list[str], env: dict[str, str], cwd: str, fds: dict[str, int]) -> None:
    """In the forked child: never returns. Runs single-threaded, so only simple calls here."""
    try:
        os.setsid()
        for target, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
            os.dup2(fds[name], target)
        for name, fd in fds.items():
            if name.startswith("keep:"):
                os.set_inheritable(fd, True)
        if os.geteuid() == 0:
            # The kernel skips RLIMIT_NPROC for uid 0 and bwrap as root can read root's files,
            # so the uid is dropped here, before bwrap starts.
            os.setgroups([])
            os.setresgid(job.uid, job.uid, job.uid)
            os.setresuid(job.uid, job.uid, job.uid)
        # after the uid change, which clears it: die with the worker
        _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != fds["parent_pid"]:
            os._exit(126)
        apply_rlimits(job.limits)
        os.chdir(cwd)
        os.execve(argv[0], argv, env)  # noqa: S606 - argv is ours, no shell
    except BaseException as error:  # report any failure to start through the error pipe
        try:
            os.write(fds["error"], f"{type(error).__name__}: {error}".encode())
        finally:
            os._exit(127)


def _memfd(name: str, data: bytes) -> int:
    fd = os.memfd_create(name)
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def run_job(job: Job) -> Outcome:
    """Run `job` to completion; the caller must be a subreaper with no other children."""
    opened: list[int] = []
    scratch_dir = None
    try:
        stdin_r, stdin_w = os.pipe()
        stdout_r, stdout_w = os.pipe()
        stderr_r, stderr_w = os.pipe()
        channel_r, channel_w = os.pipe()
        error_r, error_w = os.pipe()
        opened += [
            stdin_r,
            stdin_w,
            stdout_r,
            stdout_w,
            stderr_r,
            stderr_w,
            channel_r,
            channel_w,
            error_r,
            error_w,
        ]
        fds: dict[str, int] = {
            "stdin": stdin_r,
            "stdout": stdout_w,
            "stderr": stderr_w,
            "error": error_w,
            "keep:channel": channel_w,
            "parent_pid": os.getpid(),
        }
        python_args = [arg.replace(CHANNEL_FD_PLACEHOLDER, str(channel_w)) for arg in job.python_args]
        if job.isolated:
            file_fds = {name: _memfd(name, data) for name, data in job.files.items()}
            opened += file_fds.values()
            fds.update({f"keep:{name}": fd for name, fd in file_fds.items()})
            argv = bwrap_argv(limits=job.limits, file_fds=file_fds, python_args=python_args)
            env, cwd = {}, "/"
        else:
            scratch_dir = tempfile.mkdtemp(prefix="sandbox-unsafe-")
            os.chmod(scratch_dir, 0o755)  # noqa: S103 - the slot uid must read its files
            for name, data in job.files.items():
                with open(os.path.join(scratch_dir, name), "wb") as file:
                    file.write(data)
            argv = unsafe_argv(python_args=python_args)
            env, cwd = {**ENVIRONMENT, "HOME": scratch_dir}, scratch_dir
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:
            _exec_child(job, argv, env, cwd, fds)
        for fd in (stdin_r, stdout_w, stderr_w, channel_w, error_w):
            os.close(fd)
            opened.remove(fd)
        outcome = Outcome()
        failure = _read_all(error_r)
        if failure:
            outcome.error = failure.decode(errors="replace")
        else:
            _supervise(job, pid, started, outcome, stdin_w=stdin_w, readers=(stdout_r, stderr_r, channel_r))
            opened.remove(stdin_w)  # _supervise closes it
        _reap(pid, job.isolated, outcome)
        return outcome
    finally:
        for fd in opened:
            os.close(fd)
        if scratch_dir is not None:
            shutil.rmtree(scratch_dir, ignore_errors=True)  # fd-based: never follows symlinks out


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, READ_CHUNK):
        chunks.append(chunk)
    return b"".join(chunks)


class _Supervisor:
    """The select loop of one run; holds the state the loop shares between events."""

    def __init__(self, job: Job, pid: int, started: float, outcome: Outcome) -> None:
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


def _supervise(
    job: Job, pid: int, started: float, outcome: Outcome, *, stdin_w: int, readers: tuple[int, ...]
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


def _reap(pid: int, isolated: bool, outcome: Outcome) -> None:
    """Collect every child, including reparented orphans, summing their CPU time."""
    cpu = 0.0
    peak_kib = 0
    while True:
        try:
            reaped, status, usage = os.wait4(-1, 0)
        except ChildProcessError:
            break
        cpu += usage.ru_utime + usage.ru_stime
        peak_kib = max(peak_kib, usage.ru_maxrss)
        if reaped == pid:
            code = os.waitstatus_to_exitcode(status)
            if code < 0:
                outcome.signal = -code
            elif isolated and 128 < code <= 128 + 64:
                outcome.signal = code - 128  # bwrap reports the program's death by signal N as 128+N
            else:
                outcome.exit_code = code
    outcome.cpu_seconds = max(outcome.cpu_seconds, cpu)
    outcome.peak_memory_bytes = max(outcome.peak_memory_bytes, peak_kib * 1024)
