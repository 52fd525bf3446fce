"""Sandbox overhead and throughput: `print(1)` bare vs sandboxed, runs per second with the
worker pool, and a 20-test hidden suite graded in one sandbox start.

Targets: overhead <= +8 ms median, >= 50 runs/s on 2 cores. Run as root:
    .venv/bin/python benchmarks/sandbox.py [--json] [--runs N]
"""

import argparse
import json
import statistics
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

from app.bank.schema import CallTest, CodeSpec
from app.grading.code import grade_code
from app.sandbox import RunLimits, Sandbox, Verdict
from app.sandbox.bwrap import PYTHON

SUITE_TESTS = 20


def _timed_ms(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return (time.perf_counter() - started) * 1000


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def bare_run() -> None:
    subprocess.run([PYTHON, "-I", "-c", "print(1)"], check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the figures")
    parser.add_argument("--runs", type=int, default=100)
    options = parser.parse_args()

    with Sandbox(limits=RunLimits(), workers=2) as sandbox:

        def sandboxed_run() -> None:
            result = sandbox.run_python("print(1)")
            assert result.verdict is Verdict.ok and result.stdout == "1\n", result

        for _ in range(5):  # warm the page cache and the workers
            bare_run()
            sandboxed_run()
        bare = [_timed_ms(bare_run) for _ in range(options.runs)]
        boxed = [_timed_ms(sandboxed_run) for _ in range(options.runs)]

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=sandbox.workers) as pool:
            list(pool.map(lambda _: sandboxed_run(), range(options.runs * 2)))
        runs_per_s = options.runs * 2 / (time.perf_counter() - started)

        spec = CodeSpec(
            entry_point="fib",
            starter="def fib(n):\n    ...",
            solution="-",
            examples=[CallTest(args="1", expected="1")],
            hidden_tests=[CallTest(args=str(n), expected=str(_fib(n))) for n in range(SUITE_TESTS)],
        )
        source = (
            "def fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n"
        )
        suite_ms = []
        for _ in range(5):
            started = time.perf_counter()
            grade = grade_code(source=source, spec=spec, sandbox=sandbox)
            suite_ms.append((time.perf_counter() - started) * 1000)
            assert grade.points == grade.max_points == SUITE_TESTS

    figures = {
        "bare_ms_median": round(statistics.median(bare), 2),
        "bare_ms_p95": round(_percentile(bare, 0.95), 2),
        "sandbox_ms_median": round(statistics.median(boxed), 2),
        "sandbox_ms_p95": round(_percentile(boxed, 0.95), 2),
        "overhead_ms_median": round(statistics.median(boxed) - statistics.median(bare), 2),
        "runs_per_s": round(runs_per_s, 1),
        "workers": sandbox.workers,
        "suite_tests": SUITE_TESTS,
        "suite_ms_median": round(statistics.median(suite_ms), 1),
    }
    print(f"print(1) bare:      median {figures['bare_ms_median']} ms, p95 {figures['bare_ms_p95']} ms")
    print(
        f"print(1) sandboxed: median {figures['sandbox_ms_median']} ms, p95 {figures['sandbox_ms_p95']} ms "
        f"(overhead {figures['overhead_ms_median']} ms; target <= 8)"
    )
    print(f"throughput: {figures['runs_per_s']} runs/s with {figures['workers']} workers (target >= 50)")
    print(f"{SUITE_TESTS}-test hidden suite in one sandbox start: median {figures['suite_ms_median']} ms")
    if options.json:
        print(json.dumps(figures))


def _fib(n: int) -> int:
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


if __name__ == "__main__":
    main()
