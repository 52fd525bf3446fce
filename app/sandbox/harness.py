"""The call harness that runs INSIDE the sandbox beside the candidate's code (Debian's python3 -I).

It loads the trusted preamble and the candidate's code, then calls the entry point once per
argument expression of job.json, writing one JSON line per call to the result pipe (the fd in
argv[1]): what the call returned, type-tagged, or how it failed. It never says whether a call
passed. The candidate's code shares this process and can write to the pipe or replace anything
here, so what it reports is only ever what the candidate's function "returned": the grader
compares it with expected values that never enter this sandbox, and check scripts run in a
separate sandbox without the candidate's code (checker.py).

Budgets: every call gets the full per-call CPU and wall budget until TIMEOUT_ALLOWANCE calls
have run out of it; after that each remaining call gets REDUCED_SECONDS, so code that loops on
every input is judged in seconds, not minutes, while a fast solution is not affected.
"""

import json
import os
import signal
import sys
import traceback
from collections.abc import Callable
from functools import partial
from typing import Any

MAX_NODES = 100_000  # a returned value larger than this is reported as too large
MAX_DEPTH = 100
REPR_CHARS = 300
TIMEOUT_ALLOWANCE = 2
REDUCED_SECONDS = 0.25


class BudgetExceeded(BaseException):  # BaseException: `except Exception` in the candidate's code misses it
    pass


class TooLarge(Exception):
    pass


def on_timer(signum: int, frame: object) -> None:
    raise BudgetExceeded()


def encode(value: Any, depth: int = 0, nodes: list[int] | None = None) -> Any:
    """A JSON-safe, type-tagged copy of value: {"int": "12"}, {"list": [...]}, {"repr": "..."}.

    Exact type checks: a subclass (a str whose __eq__ always answers True) is only described.
    """
    nodes = nodes if nodes is not None else [0]
    nodes[0] += 1
    if nodes[0] > MAX_NODES or depth > MAX_DEPTH:
        raise TooLarge()
    kind = type(value)
    if value is None or kind is bool or kind is str:
        return {"none": None} if value is None else {kind.__name__: value}
    if kind is int:
        return {"int": str(value)}
    if kind is float:
        return {"float": repr(value)}  # 'nan' and 'inf' survive, JSON numbers would not
    if kind is complex:
        return {"complex": [repr(value.real), repr(value.imag)]}
    if kind in (list, tuple, set, frozenset):
        items = sorted(value, key=repr) if kind in (set, frozenset) else value
        tag = "set" if kind is frozenset else kind.__name__
        return {tag: [encode(item, depth + 1, nodes) for item in items]}
    if kind is dict:
        return {
            "dict": [[encode(k, depth + 1, nodes), encode(v, depth + 1, nodes)] for k, v in value.items()]
        }
    if kind.__module__ == "numpy" and hasattr(value, "tolist"):
        return encode(value.tolist(), depth, nodes)  # arrays become lists, scalars Python numbers
    return {"repr": f"{kind.__name__}: {repr(value)[:REPR_CHARS]}"}


def last_traceback_line(error: BaseException) -> str:
    lines = traceback.format_exception_only(type(error), error)
    return (lines[-1].strip() if lines else type(error).__name__)[:REPR_CHARS]


def call_once(args_source: str, namespace: dict[str, Any], entry_point: str) -> dict[str, Any]:
    scope = dict(namespace)  # each call sees the loaded module, not what earlier calls changed in it
    function = scope.get(entry_point)
    if function is None:
        return {"status": "error", "detail": f"NameError: {entry_point} is not defined"}
    args = eval(f"({args_source},)", scope) if args_source.strip() else ()  # noqa: S307 - inside the sandbox
    value = function(*args)
    try:
        return {"status": "returned", "value": encode(value)}
    except TooLarge:
        return {"status": "returned", "value": {"repr": "a value too large to compare"}}


def run_guarded(
    action: Callable[[], dict[str, Any]], cpu_seconds: float, wall_seconds: float
) -> dict[str, Any]:
    signal.setitimer(signal.ITIMER_PROF, cpu_seconds)
    signal.setitimer(signal.ITIMER_REAL, wall_seconds)
    try:
        record = action()
    except BudgetExceeded:
        record = {"status": "time_limit"}
    except MemoryError as error:
        record = {"status": "memory_limit", "detail": last_traceback_line(error)}
    except BaseException as error:  # SystemExit too: one call's exit must not end the run
        record = {"status": "error", "detail": last_traceback_line(error)}
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
    return record


def main() -> None:
    results = os.fdopen(int(sys.argv[1]), "w", encoding="utf-8")
    with open("job.json", encoding="utf-8") as file:
        job = json.load(file)
    signal.signal(signal.SIGPROF, on_timer)
    signal.signal(signal.SIGALRM, on_timer)
    sys.setrecursionlimit(3000)
    namespace: dict[str, Any] = {"__name__": "solution", "__builtins__": __builtins__}

    def load() -> dict[str, Any]:
        exec(compile(job["preamble"], "<preamble>", "exec"), namespace)  # noqa: S102 - inside the sandbox
        exec(compile(job["source"], "solution.py", "exec"), namespace)  # noqa: S102 - inside the sandbox
        return {"status": "loaded"}

    cpu, wall = job["cpu_seconds"], job["wall_seconds"]
    loaded = run_guarded(load, cpu, wall)
    results.write(json.dumps({"call": -1, **loaded}) + "\n")
    results.flush()
    if loaded["status"] != "loaded":
        return
    timeouts = 0
    for index, args_source in enumerate(job["calls"]):
        reduced = timeouts >= TIMEOUT_ALLOWANCE
        budget = min(cpu, REDUCED_SECONDS) if reduced else cpu
        record = run_guarded(
            partial(call_once, args_source, namespace, job["entry_point"]),
            budget,
            min(wall, REDUCED_SECONDS) if reduced else wall,
        )
        if record["status"] == "time_limit":
            timeouts += 1
            record["budget_seconds"] = budget
        sys.stdout.flush()
        results.write(json.dumps({"call": index, **record}) + "\n")
        results.flush()


if __name__ == "__main__":
    main()
