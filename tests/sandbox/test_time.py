"""Design cases B (time limits): sandbox-cases.md #13-#16."""

from app.sandbox import Verdict

from .conftest import DESIGN_LIMITS, RunCase


def test_busy_loop(run_case: RunCase) -> None:  # case 13
    result = run_case("while True: pass")
    assert result.verdict is Verdict.time_limit
    assert result.cpu_seconds >= DESIGN_LIMITS.cpu_seconds - 0.1


def test_ignoring_sigxcpu_does_not_help(run_case: RunCase) -> None:  # case 14
    result = run_case("import signal\nsignal.signal(signal.SIGXCPU, signal.SIG_IGN)\nwhile True: pass")
    assert result.verdict is Verdict.time_limit
    assert result.cpu_seconds >= DESIGN_LIMITS.cpu_seconds - 0.1


def test_sleeping_past_the_wall_limit(run_case: RunCase) -> None:  # case 15
    result = run_case("import time; time.sleep(60)")
    assert result.verdict is Verdict.time_limit
    assert "wall-clock" in result.detail
    assert result.wall_seconds >= DESIGN_LIMITS.wall_seconds
    assert result.cpu_seconds < 0.5


def test_cpu_spread_over_processes_is_summed(run_case: RunCase) -> None:  # case 16
    code = (
        "import os\n"
        "for i in range(3):\n"
        "    if os.fork() == 0:\n"
        "        while True: pass\n"
        "for i in range(3): os.wait()\n"
        "print('children died; parent alive')\n"
    )
    result = run_case(code)
    assert result.verdict is Verdict.time_limit
    assert result.cpu_seconds > DESIGN_LIMITS.cpu_seconds
    assert "children died" not in result.stdout
