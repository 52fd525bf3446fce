"""The check runner: runs INSIDE a sandbox that holds NO candidate code (Debian's python3 -I).

A check script defines `check(candidate)` and asserts on what `candidate` returns. The
candidate's code never runs here, so nothing it does can make a check pass:
- "record" mode (importing a problem): `candidate` is the reference solution; every call's
  arguments are written down as literals, so the same calls can be sent to a candidate's code
  in its own sandbox (harness.py).
- "replay" mode (grading): `candidate` hands back, call by call, what the candidate's code
  returned for those recorded arguments (type-tagged values, decoded as plain data), and the
  check decides.
`random` is seeded before every check, so checks that draw inputs repeat the recorded calls.
Job: checker-job.json; one JSON line per check to the result pipe (the fd in argv[1]).
"""

import ast
import importlib.util
import json
import os
import random
import signal
import sys
from functools import partial
from types import ModuleType
from typing import Any

SEED = 0


def _load(name: str) -> ModuleType:
    """A sibling file of this job (python -I puts no script directory on sys.path)."""
    spec = importlib.util.spec_from_file_location(name.removesuffix(".py"), name)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


harness = _load("harness.py")
values = _load("values.py")


class RubricMismatch(BaseException):  # a check's `except Exception` must not hide it
    """The check asked for a call that was not recorded: the rubric, not the candidate, is wrong."""


class CandidateFailed(BaseException):  # likewise
    """The candidate's code failed on this call (error, time or memory limit) in its sandbox."""

    def __init__(self, status: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail


def render_args(args: tuple[Any, ...]) -> str:
    """The arguments as a literal expression that evaluates back to equal values."""
    rendered = ", ".join(repr(arg) for arg in args)
    try:
        same = ast.literal_eval(f"({rendered},)") == args if args else rendered == ""
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        same = False
    if not same:
        raise RubricMismatch(f"the check passes arguments that are not plain literals: {rendered[:200]}")
    return rendered


class Recorder:
    def __init__(self, function: Any) -> None:
        self.function = function
        self.calls: list[str] = []

    def __call__(self, *args: Any) -> Any:
        self.calls.append(render_args(args))
        return self.function(*args)


class Replay:
    def __init__(self, calls: list[str], results: list[dict[str, Any]]) -> None:
        self.calls, self.results, self.made = calls, results, 0

    def __call__(self, *args: Any) -> Any:
        index, self.made = self.made, self.made + 1
        if index >= len(self.calls) or render_args(args) != self.calls[index]:
            raise RubricMismatch(f"call {index + 1} of the check was not recorded; re-import the problem")
        record = self.results[index] if index < len(self.results) else {}
        if record.get("status") != "returned":
            raise CandidateFailed(str(record.get("status", "error")), str(record.get("detail", "")))
        return values.decode(record.get("value"))


def run_check(script: str, reference: dict[str, Any], candidate: Any) -> dict[str, Any]:
    """The check runs in a copy of the reference module: it may use the problem's helpers."""
    scope = dict(reference)
    exec(compile(script, "<check>", "exec"), scope)  # noqa: S102 - trusted rubric code
    random.seed(SEED)
    try:
        scope["check"](candidate)
    except AssertionError as error:
        return {"status": "failed", "detail": harness.last_traceback_line(error)}
    except CandidateFailed as failure:
        return {"status": failure.status, "detail": failure.detail}
    except RubricMismatch as error:
        return {"status": "rubric_error", "detail": str(error)}
    return {"status": "passed"}


def main() -> None:
    results = os.fdopen(int(sys.argv[1]), "w", encoding="utf-8")
    with open("checker-job.json", encoding="utf-8") as file:
        job = json.load(file)
    signal.signal(signal.SIGPROF, harness.on_timer)
    signal.signal(signal.SIGALRM, harness.on_timer)
    reference: dict[str, Any] = {"__name__": "solution", "__builtins__": __builtins__}
    source = job["preamble"] + "\n" + job["solution"]
    exec(compile(source, "reference.py", "exec"), reference)  # noqa: S102 - trusted reference solution
    for index, check in enumerate(job["checks"]):
        if job["mode"] == "record":
            candidate: Any = Recorder(reference[job["entry_point"]])
        else:
            candidate = Replay(check["calls"], check["results"])
        record = harness.run_guarded(
            partial(run_check, check["script"], reference, candidate),
            job["cpu_seconds"],
            job["wall_seconds"],
        )
        if job["mode"] == "record":
            record["calls"] = candidate.calls
        results.write(json.dumps({"check": index, **record}) + "\n")
        results.flush()


if __name__ == "__main__":
    main()
