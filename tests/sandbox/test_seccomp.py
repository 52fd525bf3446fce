"""The seccomp filter: kernel surfaces a submission has no use for fail with an error, at once,
while the calls ordinary code makes (fork, threads, files, numpy) keep working."""

import struct

import pytest

from app.sandbox import Verdict
from app.sandbox.seccomp import ARCHITECTURES, DENIED, UnsupportedArchitecture, filter_program

from .conftest import RunCase

# Raw syscalls through libc: errno tells whether the filter (EPERM) or the kernel answered.
PROBE = """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
def probe(label, number, *args):
    result = libc.syscall(number, *args)
    print(label, 'ALLOWED' if result >= 0 else os.strerror(ctypes.get_errno()).replace(' ', '_'))
"""
X86_64_CALLS = {
    "ptrace_attach_pid1": "101, 16, 1, 0, 0",  # PTRACE_ATTACH to the sandbox's own pid 1
    "ptrace_traceme": "101, 0, 0, 0, 0",
    "unshare_user": "272, 0x10000000",
    "mount_tmpfs": "165, b'none', b'/tmp', b'tmpfs', 0, 0",
    "keyctl": "250, 0, 0, 0, 0, 0",
    "bpf": "321, 0, 0, 0",
    "perf_event_open": "298, 0, 0, -1, -1, 0",
    "io_uring_setup": "425, 1, 0",
    "userfaultfd": "323, 0",
    "clone_newnet": "56, 0x40000000 | 17, 0, 0, 0, 0",
}


@pytest.mark.skipif(
    __import__("platform").machine() != "x86_64", reason="syscall numbers of the probe are x86_64's"
)
def test_denied_calls_fail_with_eperm_at_once(run_case: RunCase) -> None:
    code = PROBE + "".join(f"probe({label!r}, {args})\n" for label, args in X86_64_CALLS.items())
    result = run_case(code)
    assert result.verdict is Verdict.ok, result.stderr
    outcomes = dict(line.split() for line in result.stdout.splitlines())
    assert outcomes == dict.fromkeys(X86_64_CALLS, "Operation_not_permitted")


def test_ordinary_code_still_runs(run_case: RunCase) -> None:
    code = (
        "import os, threading, subprocess, numpy\n"
        "pid = os.fork()\n"
        "if pid == 0:\n    os._exit(7)\n"
        "print('fork', os.waitpid(pid, 0)[1] >> 8)\n"
        "box = []\n"
        "thread = threading.Thread(target=lambda: box.append(1)); thread.start(); thread.join()\n"
        "print('thread', box)\n"
        "print('numpy', int(numpy.arange(10).sum()))\n"
        "print('child', subprocess.run(['/usr/bin/python3', '-c', 'print(3)'], capture_output=True).stdout)\n"
    )
    result = run_case(code)
    assert result.verdict is Verdict.ok, result.stderr
    assert result.stdout.splitlines() == ["fork 7", "thread [1]", "numpy 45", "child b'3\\n'"]


def test_the_program_is_valid_bpf_for_each_architecture() -> None:
    for machine, arch in ARCHITECTURES.items():
        program = filter_program(machine)
        assert len(program) % 8 == 0
        instructions = [struct.unpack("=HBBI", program[i : i + 8]) for i in range(0, len(program), 8)]
        assert instructions[1] == (0x15, 1, 0, arch.audit_arch)
        denied_numbers = {arch.numbers[name] for name in DENIED if name in arch.numbers}
        compared = {k for code, _, _, k in instructions if code == 0x15}
        assert denied_numbers <= compared
        jumps = [(i, jt, jf) for i, (code, jt, jf, _) in enumerate(instructions) if code & 0x07 == 0x05]
        assert all(i + 1 + max(jt, jf) < len(instructions) for i, jt, jf in jumps)  # all land inside
        assert instructions[-3:] == [(0x06, 0, 0, 0x7FFF0000), (0x06, 0, 0, 0x50001), (0x06, 0, 0, 0x50026)]
    with pytest.raises(UnsupportedArchitecture):
        filter_program("sparc")
