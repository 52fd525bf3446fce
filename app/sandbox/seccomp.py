"""A seccomp filter for the sandboxed program, as the classic BPF program bwrap's --seccomp loads.

Namespaces and rlimits already confine the program; the filter takes away the kernel surfaces
it has no business with, so a kernel bug behind them cannot be reached: tracing (ptrace on
the sandbox's own pid 1 otherwise hangs a run), mounts and new namespaces, keyrings, eBPF,
perf, io_uring, kernel modules, clocks, reboot and the like. A denied call fails with EPERM
(the program sees an ordinary error); clone3 fails with ENOSYS so the C library falls back to
clone, whose flags the filter can read. A foreign architecture or the x32 ABI is killed.

Stdlib only. Numbers are the kernel's (x86_64: asm/unistd_64.h; aarch64: asm-generic/unistd.h).
"""

import errno
import platform
import struct
from dataclasses import dataclass
from functools import cache

# clone(2) flags that create namespaces (CLONE_NEWNS ... CLONE_NEWTIME); threads and fork pass.
NAMESPACE_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000
NAMESPACE_FLAGS |= 0x40000000 | 0x00000080  # CLONE_NEWNET, CLONE_NEWTIME


@dataclass(frozen=True)
class Architecture:
    audit_arch: int
    numbers: dict[str, int]  # the denied calls, and clone and clone3
    x32_bit: int = 0  # x86_64: syscalls with this bit set are the x32 ABI


# Syscall numbers: (x86_64, aarch64); None where the architecture has no such call. Every call
# here is denied except clone and clone3, whose handling depends on their arguments.
SYSCALLS: dict[str, tuple[int, int | None]] = {
    "ptrace": (101, 117),
    "mount": (165, 40),
    "umount2": (166, 39),
    "unshare": (272, 97),
    "setns": (308, 268),
    "keyctl": (250, 219),
    "add_key": (248, 217),
    "request_key": (249, 218),
    "bpf": (321, 280),
    "perf_event_open": (298, 241),
    "userfaultfd": (323, 282),
    "kexec_load": (246, 104),
    "kexec_file_load": (320, 294),
    "init_module": (175, 105),
    "finit_module": (313, 273),
    "delete_module": (176, 106),
    "pivot_root": (155, 41),
    "chroot": (161, 51),
    "swapon": (167, 224),
    "swapoff": (168, 225),
    "reboot": (169, 142),
    "acct": (163, 89),
    "quotactl": (179, 60),
    "process_vm_readv": (310, 270),
    "process_vm_writev": (311, 271),
    "name_to_handle_at": (303, 264),
    "open_by_handle_at": (304, 265),
    "lookup_dcookie": (212, 18),
    "iopl": (172, None),
    "ioperm": (173, None),
    "syslog": (103, 116),
    "settimeofday": (164, 170),
    "clock_settime": (227, 112),
    "clock_adjtime": (305, 266),
    "adjtimex": (159, 171),
    "vhangup": (153, 58),
    "io_uring_setup": (425, 425),
    "io_uring_enter": (426, 426),
    "io_uring_register": (427, 427),
    "fanotify_init": (300, 262),
    "open_tree": (428, 428),
    "move_mount": (429, 429),
    "fsopen": (430, 430),
    "fsconfig": (431, 431),
    "fsmount": (432, 432),
    "fspick": (433, 433),
    "mount_setattr": (442, 442),
    "kcmp": (312, 272),
    "sethostname": (170, 161),
    "setdomainname": (171, 162),
    "uselib": (134, None),
    "clone": (56, 220),
    "clone3": (435, 435),
}
_X86_64 = Architecture(
    audit_arch=0xC000003E,
    x32_bit=0x40000000,
    numbers={name: numbers[0] for name, numbers in SYSCALLS.items()},
)
_AARCH64 = Architecture(
    audit_arch=0xC00000B7,
    numbers={name: numbers[1] for name, numbers in SYSCALLS.items() if numbers[1] is not None},
)
ARCHITECTURES = {"x86_64": _X86_64, "aarch64": _AARCH64}
DENIED = tuple(name for name in SYSCALLS if name not in ("clone", "clone3"))

# Classic BPF opcodes and seccomp return values (linux/filter.h, linux/seccomp.h).
_LD_ABS_W = 0x20
_JEQ, _JGE, _JSET = 0x15, 0x35, 0x45
_RET = 0x06
_KILL_PROCESS = 0x80000000
_ERRNO = 0x00050000
_ALLOW = 0x7FFF0000
_ARCH_OFFSET, _NR_OFFSET, _ARG0_OFFSET = 4, 0, 16  # struct seccomp_data; arg0's low half


class UnsupportedArchitecture(RuntimeError):
    pass


def _instruction(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


@cache
def filter_program(machine: str | None = None) -> bytes:
    """The compiled filter for this machine's architecture (`platform.machine()`)."""
    arch = ARCHITECTURES.get(machine or platform.machine())
    if arch is None:
        raise UnsupportedArchitecture(f"no seccomp filter for {machine or platform.machine()}")
    denied = [arch.numbers[name] for name in DENIED if name in arch.numbers]
    # Layout: arch check, syscall checks, then three returns at the end: ALLOW, EPERM, ENOSYS.
    checks = len(denied) + (1 if arch.x32_bit else 0) + 4  # + clone3, clone, load arg0, jset
    program = [
        _instruction(_LD_ABS_W, _ARCH_OFFSET),
        _instruction(_JEQ, arch.audit_arch, jt=1),
        _instruction(_RET, _KILL_PROCESS),
        _instruction(_LD_ABS_W, _NR_OFFSET),
    ]

    def to_end(position: int, target: int) -> int:
        """Jump distance from check `position` (0-based after the loads) to return `target`."""
        return checks - position - 1 + target

    position = 0
    if arch.x32_bit:
        program.append(_instruction(_JGE, arch.x32_bit, jt=to_end(position, 1)))
        position += 1
    for number in denied:
        program.append(_instruction(_JEQ, number, jt=to_end(position, 1)))
        position += 1
    program.append(_instruction(_JEQ, arch.numbers["clone3"], jt=to_end(position, 2)))
    position += 1
    program.append(_instruction(_JEQ, arch.numbers["clone"], jf=to_end(position, 0)))
    position += 1
    program.append(_instruction(_LD_ABS_W, _ARG0_OFFSET))
    position += 1
    program.append(_instruction(_JSET, NAMESPACE_FLAGS, jt=to_end(position, 1), jf=to_end(position, 0)))
    program += [
        _instruction(_RET, _ALLOW),
        _instruction(_RET, _ERRNO | errno.EPERM),
        _instruction(_RET, _ERRNO | errno.ENOSYS),
    ]
    return b"".join(program)
