"""The test harness that runs INSIDE the sandbox (Debian's python3 -I), never imported by the app.

It loads the trusted preamble and the candidate's code, then runs every test of job.json
under its own CPU and wall budget, writing one JSON line per test to the result pipe (the fd
in argv[1]); the candidate's prints go to stdout as usual. Return values are encoded with
explicit types so the grader can compare them outside without evaluating anything.
"""

import json
import os
import signal
import sys
import traceback
from functools import partial
from typing import Any

MAX_NODES = 100_000  # a returned value larger than this is reported as too large
MAX_DEPTH = 100
REPR_CHARS = 300


class BudgetExceeded(BaseException):  # BaseException: `except Exception` in the candidate's code misses it
    pass


class TooLarge(Exception):
    pass


def _on_timer(signum: int, frame: object) -> None:
    raise BudgetExceeded()


def encode(value: Any, depth: int = 0, nodes: list[int] | None = None) -> Any:
    """A JSON-safe, type-tagged copy of value: {"int": "12"}, {"list": [...]}, {"repr": "..."}."""
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


def run_test(test: dict[str, Any], namespace: dict[str, Any], entry_point: str) -> dict[str, Any]:
    scope = dict(namespace)  # each test sees the loaded module, not what earlier tests changed in it
    candidate = scope.get(entry_point)
    if candidate is None:
        return {"status": "error", "detail": f"NameError: {entry_point} is not defined"}
    if test["kind"] == "check":
        exec(compile(test["script"], "<test>", "exec"), scope)  # noqa: S102 - inside the sandbox
        scope["check"](candidate)
        return {"status": "passed"}
    args = eval(f"({test['args']},)", scope) if test["args"].strip() else ()  # noqa: S307 - inside the sandbox
    value = candidate(*args)
    try:
        return {"status": "returned", "value": encode(value)}
    except TooLarge:
        return {"status": "returned", "value": {"repr": "a value too large to compare"}}


def run_guarded(action: Any, cpu_seconds: float, wall_seconds: float) -> dict[str, Any]:
    signal.setitimer(signal.ITIMER_PROF, cpu_seconds)
    signal.setitimer(signal.ITIMER_REAL, wall_seconds)
    try:
        record: dict[str, Any] = action()
    except BudgetExceeded:
        record = {"status": "time_limit"}
    except MemoryError as error:
        record = {"status": "memory_limit", "detail": last_traceback_line(error)}
    except RecursionError as error:
        record = {"status": "error", "detail": last_traceback_line(error)}
    except BaseException as error:  # SystemExit too: one test's exit must not end the suite
        record = {"status": "error", "detail": last_traceback_line(error)}
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
    return record


def main() -> None:
    results = os.fdopen(int(sys.argv[1]), "w", encoding="utf-8")
    with open("job.json", encoding="utf-8") as file:
        job = json.load(file)
    signal.signal(signal.SIGPROF, _on_timer)
    signal.signal(signal.SIGALRM, _on_timer)
    sys.setrecursionlimit(3000)
    namespace: dict[str, Any] = {"__name__": "solution", "__builtins__": __builtins__}

    def load() -> dict[str, Any]:
        exec(compile(job["preamble"], "<preamble>", "exec"), namespace)  # noqa: S102 - inside the sandbox
        exec(compile(job["source"], "solution.py", "exec"), namespace)  # noqa: S102 - inside the sandbox
        return {"status": "loaded"}

    loaded = run_guarded(load, job["cpu_seconds"], job["wall_seconds"])
    results.write(json.dumps({"test": -1, **loaded}) + "\n")
    results.flush()
    if loaded["status"] != "loaded":
        return
    for index, test in enumerate(job["tests"]):
        record = run_guarded(
            partial(run_test, test, namespace, job["entry_point"]), job["cpu_seconds"], job["wall_seconds"]
        )
        sys.stdout.flush()
        results.write(json.dumps({"test": index, **record}) + "\n")
        results.flush()


if __name__ == "__main__":
    main()
