"""Design cases A (I/O, exit status, encoding): sandbox-cases.md #1-#12b."""

from app.sandbox import Isolation, Verdict

from .conftest import RunCase


def test_baseline_prints(run_case: RunCase) -> None:  # case 1
    result = run_case("print('Hello world!')")
    assert result.verdict is Verdict.ok
    assert result.stdout == "Hello world!\n"
    assert result.exit_code == 0
    assert result.isolation is Isolation.bwrap


def test_two_lines_on_stdin(run_case: RunCase) -> None:  # case 2
    result = run_case("print(input()); print(input())", stdin=b"Line1\nLine2\n")
    assert result.verdict is Verdict.ok
    assert result.stdout == "Line1\nLine2\n"


def test_reading_past_the_end_of_stdin(run_case: RunCase) -> None:  # case 3
    result = run_case("input()")
    assert result.verdict is Verdict.runtime_error
    assert result.exit_code == 1
    assert "EOFError" in result.detail


def test_twenty_mib_on_stdin_does_not_deadlock(run_case: RunCase) -> None:  # case 4
    result = run_case("import sys; print(len(sys.stdin.buffer.read()))", stdin=b"x" * 20 * 1024 * 1024)
    assert result.verdict is Verdict.ok
    assert result.stdout == "20971520\n"


def test_syntax_error(run_case: RunCase) -> None:  # case 5
    result = run_case("print('x'")
    assert result.verdict is Verdict.runtime_error
    assert "SyntaxError" in result.detail


def test_uncaught_exception(run_case: RunCase) -> None:  # case 6
    result = run_case("[1,2][2]")
    assert result.verdict is Verdict.runtime_error
    assert result.detail.startswith("IndexError")


def test_non_zero_exit_keeps_partial_output(run_case: RunCase) -> None:  # case 7
    result = run_case("import sys; print('partial'); sys.exit(3)")
    assert result.verdict is Verdict.runtime_error
    assert result.exit_code == 3
    assert result.stdout == "partial\n"


def test_utf8_output_is_exact(run_case: RunCase) -> None:  # case 8
    text = "Un rôle délétère — ✓ 日本語 🐍"
    result = run_case(f"print({text!r})")
    assert result.verdict is Verdict.ok
    assert result.stdout == text + "\n"


def test_invalid_utf8_output_is_decoded_safely(run_case: RunCase) -> None:
    result = run_case("import sys; sys.stdout.buffer.write(b'ok \\xff\\xfe end')")
    assert result.verdict is Verdict.ok
    assert result.stdout == "ok \ufffd\ufffd end"


def test_killed_by_a_signal(run_case: RunCase) -> None:  # case 10
    result = run_case("import os, signal; os.kill(os.getpid(), signal.SIGSEGV)")
    assert result.verdict is Verdict.runtime_error
    assert result.signal == 11
    assert result.exit_code is None


def test_abort(run_case: RunCase) -> None:  # case 11
    result = run_case("import os; os.abort()")
    assert result.verdict is Verdict.runtime_error
    assert result.signal == 6


def test_plain_deep_recursion(run_case: RunCase) -> None:  # case 12b
    result = run_case("def f(n): return f(n+1)\nf(0)")
    assert result.verdict is Verdict.runtime_error
    assert result.detail.startswith("RecursionError")
