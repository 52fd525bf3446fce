"""Design cases E (output and disk): sandbox-cases.md #26-#33."""

from app.sandbox import Verdict

from .conftest import DESIGN_LIMITS, RunCase


def test_endless_stdout(run_case: RunCase) -> None:  # case 26
    result = run_case("while True: print('Piston is secure' * 10)")
    assert result.verdict is Verdict.output_limit
    assert result.output_truncated
    assert len(result.stdout.encode()) <= DESIGN_LIMITS.output_bytes
    assert result.stdout.startswith("Piston is secure")


def test_endless_stderr(run_case: RunCase) -> None:  # case 27
    result = run_case("import sys\nwhile True: sys.stderr.write('E'*1000)")
    assert result.verdict is Verdict.output_limit
    assert len(result.stderr.encode()) <= DESIGN_LIMITS.output_bytes


def test_one_huge_write_without_newline(run_case: RunCase) -> None:  # case 28
    result = run_case("import sys; sys.stdout.write('x'*10**8)")
    assert result.verdict is Verdict.output_limit
    assert len(result.stdout) <= DESIGN_LIMITS.output_bytes


def test_huge_file_hits_the_file_size_limit(run_case: RunCase) -> None:  # case 29
    result = run_case("f = open('/box/big', 'wb')\nwhile True: f.write(b'x' * 1048576)")
    assert result.verdict is Verdict.runtime_error
    assert "File too large" in result.detail


def test_many_files_fill_only_the_scratch_space(run_case: RunCase) -> None:  # case 30
    code = "for i in range(1000):\n    open(f'/tmp/f{i}', 'wb').write(b'x' * 4 * 2**20)"
    result = run_case(code)
    assert result.verdict is Verdict.runtime_error
    assert "No space left on device" in result.detail


def test_nothing_persists_between_runs(run_case: RunCase) -> None:  # case 32
    code = (
        "import os\n"
        "for path in ('/tmp/persist_probe', '/dev/shm/persist_probe', '/box/persist_probe'):\n"
        "    print(path, os.path.exists(path))\n"
        "    open(path, 'w').write('x')\n"
    )
    for _ in range(2):
        result = run_case(code)
        assert result.verdict is Verdict.ok
        assert result.stdout.split() == [
            "/tmp/persist_probe",
            "False",
            "/dev/shm/persist_probe",
            "False",
            "/box/persist_probe",
            "False",
        ]


def test_file_descriptor_exhaustion(run_case: RunCase) -> None:  # case 33
    result = run_case("fs = [open('/dev/null') for i in range(10000)]")
    assert result.verdict is Verdict.runtime_error
    assert "Too many open files" in result.detail
