"""Live CPU and memory of a process tree, read from /proc while a run is going on.

rlimits are per process: forked children each get the full CPU and address-space budget
(design cases 16 and 19). The runner sums the tree here and stops the run when the sum
exceeds the limit. /proc/<pid>/task/*/children is not available on every kernel, so the
tree is found from the ppid of every process.
"""

import os
from dataclasses import dataclass

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class TreeUsage:
    cpu_seconds: float  # including children the tree has already reaped
    memory_bytes: int  # proportional set size: shared pages are split between sharers
    processes: int


def _read(path: str) -> str | None:
    try:
        with open(path) as file:
            return file.read()
    except OSError:  # the process is gone, or is going
        return None


def _stat_fields(pid: int) -> list[str] | None:
    text = _read(f"/proc/{pid}/stat")
    if text is None:
        return None
    # the command name is in parentheses and may contain anything, so split after the last ')'
    return text[text.rindex(")") + 2 :].split()


def descendants(root: int) -> list[int]:
    """root and every process below it."""
    children: dict[int, list[int]] = {}
    with os.scandir("/proc") as entries:
        for entry in entries:
            if not entry.name.isdigit():
                continue
            fields = _stat_fields(int(entry.name))
            if fields is not None:
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(children.get(pid, []))
    return tree


def _cpu_seconds(pid: int) -> float:
    fields = _stat_fields(pid)
    if fields is None:
        return 0.0
    # utime, stime, cutime, cstime
    return sum(int(value) for value in fields[11:15]) / CLOCK_TICKS


def _private_bytes(pid: int) -> int:
    """Anonymous resident pages: cheap, but counts copy-on-write pages once per sharer."""
    text = _read(f"/proc/{pid}/statm")
    if text is None:
        return 0
    fields = text.split()
    return (int(fields[1]) - int(fields[2])) * PAGE_SIZE


def _proportional_bytes(pid: int) -> int:
    text = _read(f"/proc/{pid}/smaps_rollup")
    for line in (text or "").splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return 0


def tree_usage(root: int, *, memory_threshold: int) -> TreeUsage:
    """CPU and memory of the tree; PSS (slower to read) only once the cheap bound passes the threshold."""
    tree = descendants(root)
    cpu = sum(_cpu_seconds(pid) for pid in tree)
    memory = sum(_private_bytes(pid) for pid in tree)
    if memory > memory_threshold:
        memory = sum(_proportional_bytes(pid) for pid in tree)
    return TreeUsage(cpu_seconds=cpu, memory_bytes=memory, processes=len(tree))
