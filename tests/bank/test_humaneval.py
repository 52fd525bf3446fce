"""The HumanEval importer on the real data set (read from ../shared, never copied here)."""

import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app.bank.humaneval import import_humaneval, write_questions
from app.bank.humaneval_tests import convert_tests
from app.bank.loader import load_bank
from app.bank.schema import CallTest, CheckTest, Question
from app.grading.checks import record_check_calls
from app.grading.code import grade_code, run_examples
from app.sandbox import RunLimits, Sandbox
from app.settings import PROJECT_ROOT

HUMANEVAL = PROJECT_ROOT.parent / "shared" / "data" / "HumanEval.jsonl.gz"
PROFILES = ["junior-ml-engineer", "deep-learning-engineer", "mlops-engineer", "data-scientist"]

pytestmark = pytest.mark.skipif(not HUMANEVAL.exists(), reason="../shared/data/HumanEval.jsonl.gz is missing")


@pytest.fixture(scope="module")
def questions() -> list[Question]:
    return import_humaneval(HUMANEVAL)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(limits=RunLimits(), workers=2, uid_base=64220) as built:
        yield built


@pytest.fixture(scope="module")
def recorded(questions: list[Question], sandbox: Sandbox) -> list[Question]:
    """As `grader bank import-humaneval` writes them: check tests carry their recorded calls."""
    return [record_check_calls(question=question, sandbox=sandbox) for question in questions]


def by_id(questions: list[Question], question_id: str) -> Question:
    return next(question for question in questions if question.id == question_id)


def test_every_problem_becomes_a_code_question(questions: list[Question]) -> None:
    assert len(questions) == 164
    first = questions[0]
    assert (first.id, first.source, first.kind) == ("humaneval-0", "HumanEval/0", "code")
    assert first.topics == ["programming"]
    assert sorted(first.profiles) == sorted(PROFILES)
    assert (first.difficulty, first.minutes) == (2, 10)
    assert first.code is not None
    assert first.code.solution.startswith(first.code.starter)
    assert first.code.solution.endswith(first.model_answer.en)
    assert first.code.entry_point == "has_close_elements"


def test_equality_asserts_become_call_tests(questions: list[Question]) -> None:
    code = by_id(questions, "humaneval-0").code
    assert code is not None
    assert code.hidden_tests[0] == CallTest(args="[1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.3", expected="True")
    assert len(code.hidden_tests) == 7
    assert code.examples == code.hidden_tests[:2]


def test_tolerance_asserts_and_folded_arithmetic(questions: list[Question]) -> None:
    truncate = by_id(questions, "humaneval-2").code
    assert truncate is not None
    assert truncate.hidden_tests[1] == CallTest(args="1.33", expected="0.33", tolerance=1e-6)
    mean_deviation = by_id(questions, "humaneval-4").code
    assert mean_deviation is not None
    assert mean_deviation.hidden_tests[0] == CallTest(
        args="[1.0, 2.0, 3.0]", expected=repr(2.0 / 3.0), tolerance=1e-6
    )


def test_other_test_functions_stay_whole(questions: list[Question]) -> None:
    find_zero = by_id(questions, "humaneval-32").code
    assert find_zero is not None
    assert len(find_zero.hidden_tests) == 1
    assert isinstance(find_zero.hidden_tests[0], CheckTest)
    assert "METADATA" in find_zero.hidden_tests[0].script
    assert find_zero.examples == [
        CallTest(args="[1, 2]", expected="-0.5", tolerance=0.005)
    ]  # from the doctest


def test_a_non_literal_expected_value_is_not_converted() -> None:
    script = "def check(candidate):\n    assert candidate(1) == helper(1)\n"
    assert convert_tests(script) == [CheckTest(kind="check", script=script)]


def test_written_files_load_as_a_bank(questions: list[Question], tmp_path: Path) -> None:
    for name in ("topics.yaml", "profiles.yaml"):
        shutil.copy(PROJECT_ROOT / "rubrics" / name, tmp_path / name)
    written = write_questions(questions, tmp_path / "questions" / "humaneval")
    assert len(written) == 164
    bank = load_bank(tmp_path)
    assert sorted(bank.questions) == sorted(question.id for question in questions)
    assert all(bank.questions[question.id].question == question for question in questions)


@pytest.mark.slow
def test_canonical_solutions_pass_and_empty_bodies_fail(recorded: list[Question], sandbox: Sandbox) -> None:
    def grade(question: Question) -> tuple[str, float, float, float, float]:
        code = question.code
        assert code is not None
        canonical = grade_code(source=code.solution, spec=code, sandbox=sandbox)
        examples = run_examples(source=code.solution, spec=code, sandbox=sandbox)
        empty = grade_code(source=code.starter + "\n    pass\n", spec=code, sandbox=sandbox)
        assert not any("could not be loaded" in test.detail for test in empty.tests)
        assert canonical.max_points == question.max_points
        return (
            question.id,
            canonical.points - canonical.max_points,
            examples.points - examples.max_points,
            empty.points,
            empty.max_points,
        )

    with ThreadPoolExecutor(max_workers=sandbox.workers) as pool:
        results = list(pool.map(grade, recorded))
    assert [r[0] for r in results if r[1] != 0] == []  # every canonical solution passes every test
    assert [r[0] for r in results if r[2] != 0] == []  # ... and every visible example
    assert [r[0] for r in results if r[3] >= r[4]] == []  # an empty body fails every problem
    # (it can pass a test that expects None, e.g. HumanEval/12 on an empty list, but no more)
    assert sum(r[3] for r in results) < 0.01 * sum(r[4] for r in results)
