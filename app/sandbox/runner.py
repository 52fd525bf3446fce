"""One run, inside a worker process: fork, drop to the slot uid, exec bwrap, hand the pipes to
the supervisor's select loop (which enforces the limits rlimits cannot), and reap every process
of the run.

The worker is a child subreaper with no other children, so `wait4(-1)` collects bwrap, its
orphaned pid-1 reaper and anything else of the run; their rusage sums to the run's CPU time.
"""

import ctypes
import os
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass

from app.sandbox.bwrap import ENVIRONMENT, bwrap_argv, unsafe_argv
from app.sandbox.limits import RunLimits, apply_rlimits
from app.sandbox.seccomp import filter_program
from app.sandbox.supervisor import READ_CHUNK, supervise

CHANNEL_FD_PLACEHOLDER = "{channel_fd}"

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
            seccomp_fd = _memfd("seccomp", filter_program())
            opened += [*file_fds.values(), seccomp_fd]
            fds.update({f"keep:{name}": fd for name, fd in file_fds.items()})
            fds["keep:seccomp"] = seccomp_fd
            argv = bwrap_argv(
                limits=job.limits, file_fds=file_fds, seccomp_fd=seccomp_fd, python_args=python_args
            )
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
            supervise(job, pid, started, outcome, stdin_w=stdin_w, readers=(stdout_r, stderr_r, channel_r))
            opened.remove(stdin_w)  # supervise closes it
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
