"""The bubblewrap command line: what the sandboxed program can see and do.

Every namespace is unshared (no network, no host pids, no IPC), nested user namespaces are
disabled, the root is an empty read-only tmpfs with /usr bound read-only, /proc and /dev are
fresh, and /tmp, /box and /dev/shm are small tmpfs scratch spaces thrown away after the run.
Input files come in as file descriptors copied by bwrap, never as host paths.
"""

from pathlib import Path

from app.sandbox.limits import MIB, RunLimits

BWRAP = "/usr/bin/bwrap"
PYTHON = "/usr/bin/python3"  # Debian's interpreter with python3-numpy, never the app's virtualenv
BOX = "/box"  # working directory inside; files passed in are read-only there

ENVIRONMENT = {
    "LANG": "C.UTF-8",
    "PATH": "/usr/bin:/bin",
    "HOME": BOX,
    # One BLAS thread: threads count against the process limit and the CPU time is shared.
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
}

# Debian's BLAS and LAPACK are reached through /etc/alternatives symlinks.
HOST_FILES_READ_ONLY = ("/etc/alternatives", "/etc/ld.so.cache")


def bwrap_available() -> bool:
    return Path(BWRAP).is_file() and Path(PYTHON).is_file()


def bwrap_argv(
    *, limits: RunLimits, file_fds: dict[str, int], seccomp_fd: int, python_args: list[str]
) -> list[str]:
    """argv for bwrap running `python3 -I <python_args>` in /box; `file_fds` maps names to fds;
    `seccomp_fd` holds the filter (seccomp.py) bwrap installs just before it starts python3."""
    scratch = str(limits.scratch_mb * MIB)
    argv = [
        BWRAP,
        "--unshare-all",
        "--unshare-user",
        "--disable-userns",
        "--die-with-parent",
        "--new-session",
        "--hostname",
        "sandbox",
        "--ro-bind",
        "/usr",
        "/usr",
        "--symlink",
        "usr/lib",
        "/lib",
        "--symlink",
        "usr/lib64",
        "/lib64",
        "--symlink",
        "usr/bin",
        "/bin",
        "--symlink",
        "usr/sbin",
        "/sbin",
    ]
    for path in HOST_FILES_READ_ONLY:
        argv += ["--ro-bind-try", path, path]
    argv += [
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--size",
        str(limits.scratch_mb * MIB // 4),
        "--tmpfs",
        "/dev/shm",  # noqa: S108 - a fresh tmpfs inside the sandbox
        "--size",
        scratch,
        "--tmpfs",
        "/tmp",  # noqa: S108 - a fresh tmpfs inside the sandbox
        "--size",
        scratch,
        "--tmpfs",
        BOX,
    ]
    for name, fd in file_fds.items():
        argv += ["--perms", "0444", "--ro-bind-data", str(fd), f"{BOX}/{name}"]
    argv += ["--remount-ro", "/dev", "--remount-ro", "/", "--seccomp", str(seccomp_fd), "--clearenv"]
    for key, value in ENVIRONMENT.items():
        argv += ["--setenv", key, value]
    argv += ["--chdir", BOX, PYTHON, "-I", *python_args]
    return argv


def unsafe_argv(*, python_args: list[str]) -> list[str]:
    """Development only: the same interpreter with rlimits and nothing else."""
    return [PYTHON, "-I", *python_args]
