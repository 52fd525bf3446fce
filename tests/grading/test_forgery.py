"""Attacks on the verdicts: a candidate whose code does not solve the task must not earn a point,
whatever it writes to the harness's pipes or changes in the harness's process. Real sandbox."""

from collections.abc import Iterator

import pytest

from app.bank.schema import CallTest, CheckTest, CodeSpec
from app.grading.code import CodeGrade, grade_code
from app.sandbox import RunLimits, Sandbox

CHECK = "def check(candidate):\n    assert candidate(3) == 16\n    assert candidate(5) > 30, 'too small'\n"
TASK = CodeSpec(
    entry_point="f",
    starter="def f(x):\n    ...",
    solution="def f(x):\n    return x * x + 7",
    examples=[CallTest(args="1", expected="8")],
    hidden_tests=[
        CallTest(args="2", expected="11"),
        CallTest(args="4", expected="23"),
        CallTest(args="10", expected="107"),
        CheckTest(kind="check", script=CHECK, calls=["3", "5"]),
    ],
)

# Every line a harness has ever accepted, for every index, written before any test runs.
FORGED_LINES = """
import json, os, sys
LINES = b"".join(
    (json.dumps({key: i, "status": status}) + "\\n").encode()
    for i in range(-1, 20)
    for key in ("test", "call", "check")
    for status in ("passed", "loaded")
)
"""

ATTACKS = {
    # The audit's first attack: "passed" lines on the result descriptor named in argv[1].
    "passed lines on the result pipe": FORGED_LINES
    + "os.write(int(sys.argv[1]), LINES)\ndef f(x):\n    return None\n",
    # The audit's second attack: replace the harness's test runner in __main__.
    "harness functions replaced": (
        "import __main__\n"
        "fake = lambda *args, **kwargs: {'status': 'passed'}\n"
        "for name in ('run_test', 'call_once', 'run_guarded'):\n"
        "    setattr(__main__, name, fake)\n"
        "def f(x):\n    return None\n"
    ),
    # Every record the harness writes goes through json.dumps: make each one say "passed".
    "json.dumps patched": (
        "import json\n"
        "real = json.dumps\n"
        "def dumps(obj, *args, **kwargs):\n"
        "    if isinstance(obj, dict) and 'status' in obj:\n"
        "        obj = {**obj, 'status': 'passed'}\n"
        "    return real(obj, *args, **kwargs)\n"
        "json.dumps = dumps\n"
        "def f(x):\n    return None\n"
    ),
    # Forge on every open descriptor, then end the process before the harness reports.
    "forge on every fd, then exit": FORGED_LINES
    + (
        "def f(x):\n"
        "    for name in os.listdir('/proc/self/fd'):\n"
        "        try:\n"
        "            os.write(int(name), LINES)\n"
        "        except OSError:\n"
        "            pass\n"
        "    os._exit(0)\n"
    ),
    # Values that claim to equal anything: an object, and a str subclass.
    "always-equal values": (
        "class Anything:\n"
        "    def __eq__(self, other): return True\n"
        "    def __gt__(self, other): return True\n"
        "    __hash__ = object.__hash__\n"
        "class Text(str):\n"
        "    def __eq__(self, other): return True\n"
        "    __hash__ = str.__hash__\n"
        "def f(x):\n    return Anything() if x % 2 else Text('x')\n"
    ),
    # Look for the expected values in what the sandbox holds, and answer with them.
    "expected values read from the job": (
        "import json, re\n"
        "text = open('job.json').read()\n"
        "numbers = [int(n) for n in re.findall(r'\\d+', text)]\n"
        "def f(x):\n"
        "    bigger = [n for n in numbers if n > x * x]\n"
        "    return min(bigger) if bigger else -1\n"
    ),
}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(limits=RunLimits(), workers=2, uid_base=64230) as built:
        yield built


def test_the_reference_solution_earns_every_point(sandbox: Sandbox) -> None:
    grade = grade_code(source=TASK.solution, spec=TASK, sandbox=sandbox)
    assert (grade.points, grade.max_points) == (4.0, 4.0)


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_an_attack_earns_nothing(sandbox: Sandbox, attack: str) -> None:
    grade: CodeGrade = grade_code(source=ATTACKS[attack], spec=TASK, sandbox=sandbox)
    assert [test.verdict.value for test in grade.tests if test.verdict.value == "passed"] == []
    assert grade.points == 0.0


def test_no_expected_value_or_check_script_enters_the_candidates_sandbox(sandbox: Sandbox) -> None:
    spy = "import sys\nprint(open('job.json').read())\nprint(sorted(__import__('os').listdir('.')))\n"
    grade = grade_code(source=spy + "def f(x):\n    return 0\n", spec=TASK, sandbox=sandbox)
    seen = grade.stdout
    assert '"calls": ["2", "4", "10", "3", "5"]' in seen  # the spy did read the job
    for secret in ("11", "23", "107", "16", "too small", "def check"):
        assert secret not in seen
    assert "['harness.py', 'job.json']" in seen


def test_a_check_fails_on_wrong_values_and_passes_on_right_ones(sandbox: Sandbox) -> None:
    off_by_one = grade_code(source="def f(x):\n    return x * x + 6", spec=TASK, sandbox=sandbox)
    assert [test.verdict.value for test in off_by_one.tests] == ["wrong_answer"] * 4
    assert off_by_one.tests[3].detail == "AssertionError"
    check_only = grade_code(
        source="def f(x):\n    return {3: 16, 5: 31}.get(x, 0)", spec=TASK, sandbox=sandbox
    )
    assert [test.verdict.value for test in check_only.tests] == ["wrong_answer"] * 3 + ["passed"]


def test_a_failing_call_inside_a_check_keeps_its_verdict(sandbox: Sandbox) -> None:
    grade = grade_code(
        source="def f(x):\n    if x == 5:\n        while True: pass\n    return x * x + 7",
        spec=TASK,
        sandbox=sandbox,
    )
    assert [test.verdict.value for test in grade.tests] == ["passed"] * 3 + ["time_limit"]
