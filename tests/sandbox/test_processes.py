"""Design cases C (memory, processes, threads): sandbox-cases.md #17-#22.

The bounded fork count (#21) runs before the fork bomb (#22): pytest keeps file order.
"""

from app.sandbox import Verdict

from .conftest import DESIGN_LIMITS, RunCase


def test_one_huge_allocation(run_case: RunCase) -> None:  # case 17
    result = run_case("x = bytearray(2 * 1024**3)")
    assert result.verdict is Verdict.memory_limit


def test_gradual_growth(run_case: RunCase) -> None:  # case 18
    result = run_case("a = []\nwhile True: a.append(' ' * 10**6)")
    assert result.verdict is Verdict.memory_limit


def test_memory_summed_over_forked_children(run_case: RunCase) -> None:  # case 19
    code = (
        "import os, time\n"
        "for i in range(4):\n"
        "    if os.fork() == 0:\n"
        "        block = b'x' * (300 * 2**20)\n"
        "        time.sleep(2)\n"
        "        os._exit(0)\n"
        "for i in range(4): os.wait()\n"
        "print('all children done')\n"
    )
    result = run_case(code)
    assert result.verdict is Verdict.memory_limit
    assert "all children done" not in result.stdout
    assert result.peak_memory_mb > DESIGN_LIMITS.memory_mb


def test_thread_bomb(run_case: RunCase) -> None:  # case 20
    code = (
        "import threading, time\n"
        "while True: threading.Thread(target=time.sleep, args=(30,), daemon=True).start()\n"
    )
    result = run_case(code)
    assert result.verdict is Verdict.runtime_error
    assert "can't start new thread" in result.detail


def test_counted_forks_are_bounded_by_the_slot_uid(run_case: RunCase) -> None:  # case 21
    code = (
        "import os, time\n"
        "succeeded = failed = 0\n"
        "for i in range(200):\n"
        "    try:\n"
        "        pid = os.fork()\n"
        "    except OSError:\n"
        "        failed += 1\n"
        "        continue\n"
        "    if pid == 0:\n"
        "        time.sleep(30)\n"
        "        os._exit(0)\n"
        "    succeeded += 1\n"
        "print(succeeded, failed)\n"
    )
    result = run_case(code)
    assert result.verdict is Verdict.ok
    succeeded, failed = map(int, result.stdout.split())
    # bwrap, its pid 1, the program and the sentinel are processes of the uid too
    assert 0 < succeeded <= DESIGN_LIMITS.max_processes - 4
    assert succeeded + failed == 200


def test_fork_bomb_is_contained(run_case: RunCase) -> None:  # case 22, only after case 21 passed
    result = run_case("import os\nwhile True:\n    try: os.fork()\n    except OSError: pass\n")
    assert result.verdict in (Verdict.time_limit, Verdict.runtime_error)
