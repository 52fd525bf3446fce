"""The lint rules beyond the schema, on small synthetic banks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.bank.lint import LintReport, lint
from app.bank.service import lint_bank

if TYPE_CHECKING:
    from tests.bank.conftest import RubricFactory

HERE = Path("rubrics")


def _lint(rubric: RubricFactory, questions: list[dict[str, Any]], **profile: Any) -> LintReport:
    return lint(rubric.bank(questions, [rubric.profile(**profile)]), directory=HERE)


def _fields(report: LintReport) -> set[tuple[str, str]]:
    return {(Path(p.path).stem, p.field) for p in report.errors}


def test_a_complete_bank_lints_clean_with_its_counts(rubric: RubricFactory) -> None:
    report = _lint(rubric, rubric.valid_set(), weights={"alpha": 1, "beta": 1})
    assert report.ok and report.errors == []
    assert (report.questions, report.kinds) == (5, {"code": 2, "text": 3})
    assert report.topics == {"alpha": 3, "beta": 3}
    assert report.difficulties == {2: 5}
    assert report.languages == ["en", "ja"]
    counts = report.profiles["general"]
    assert (counts.text, counts.code, counts.text_needed, counts.code_needed) == (3, 2, 2, 1)


def test_our_own_questions_need_japanese_but_imported_ones_may_be_english_only(rubric: RubricFactory) -> None:
    questions = [
        *rubric.valid_set(),
        rubric.question("english-only", ja=False),
        rubric.question("imported", kind="code", ja=False, source="HumanEval/0"),
    ]
    report = _lint(rubric, questions)
    assert _fields(report) == {
        ("english-only", "title.ja"),
        ("english-only", "prompt.ja"),
        ("english-only", "model_answer.ja"),
        ("english-only", "key_points.0.text.ja"),
    }
    assert all(p.reason == "Japanese text is required for questions of our own" for p in report.errors)
    assert report.languages == ["en"]


def test_a_profile_the_bank_cannot_fill_is_an_error(rubric: RubricFactory) -> None:
    too_many = _lint(rubric, rubric.valid_set(), code=3)
    assert [(p.field, p.reason) for p in too_many.errors] == [
        (
            "general",
            "cannot be filled: Profile 'general' needs 3 code questions at difficulty 1-5; "
            "only 2 are available.",
        )
    ]
    too_hard = _lint(rubric, rubric.valid_set(), band=(4, 5))
    assert [p.field for p in too_hard.errors] == ["general"]
    too_long = _lint(rubric, rubric.valid_set(), minutes=14)
    assert "cannot fit its 14-minute budget" in too_long.errors[0].reason


def test_code_that_cannot_run_is_an_error(rubric: RubricFactory) -> None:
    broken = rubric.question("broken", kind="code")
    broken["code"]["solution"] = "def double(x) return x\n"
    broken["code"]["starter"] = "def triple(x):\n    ...\n"
    broken["code"]["examples"] = [{"args": "2,,", "expected": "4"}]
    broken["code"]["hidden_tests"] = [
        {"kind": "call", "args": "5", "expected": "sorted([10])"},
        {"kind": "check", "script": "def verify(candidate):\n    pass\n", "calls": ["1", "2,,"]},
        {"kind": "check", "script": "def check(candidate):\n    pass\n"},
    ]
    report = _lint(rubric, [*rubric.valid_set(), broken])
    assert _fields(report) == {
        ("broken", "code.solution"),
        ("broken", "code.starter"),
        ("broken", "code.examples.0.args"),
        ("broken", "code.hidden_tests.0.expected"),
        ("broken", "code.hidden_tests.1.script"),
        ("broken", "code.hidden_tests.1.calls.1"),
        ("broken", "code.hidden_tests.2.calls"),
    }
    reasons = {p.field: p.reason for p in report.errors}
    assert reasons["code.solution"].startswith("invalid Python (line 1)")
    assert reasons["code.starter"] == "neither it nor the preamble defines double()"
    assert reasons["code.hidden_tests.0.expected"] == "not a Python literal"


def test_an_entry_point_defined_by_the_trusted_preamble_is_fine(rubric: RubricFactory) -> None:
    wrapped = rubric.question("wrapped", kind="code")
    wrapped["code"]["preamble"] = "def double(x):\n    return helper(x)\n"
    wrapped["code"]["starter"] = "def helper(x):\n    ...\n"
    wrapped["code"]["solution"] = "def helper(x):\n    return 2 * x\n"
    assert _lint(rubric, [*rubric.valid_set(), wrapped]).ok


def test_gaps_that_do_not_break_an_interview_are_warnings(rubric: RubricFactory, tmp_path: Path) -> None:
    questions = [*rubric.valid_set(), rubric.question("off-topic", topics=("beta",))]
    rubric.write(tmp_path, questions, topics=("alpha", "beta", "unused"))
    (tmp_path / "questions" / "off-topic.yaml").rename(tmp_path / "questions" / "misnamed.yaml")
    report = lint_bank(directory=tmp_path)
    assert report.ok
    warnings = {(Path(p.path).name, p.field, p.reason) for p in report.warnings}
    assert warnings == {
        ("topics.yaml", "unused", "no question covers this topic"),
        ("misnamed.yaml", "id", "the file is not named after its id 'off-topic'"),
        ("misnamed.yaml", "profiles", "listed for 'general', which weights none of its topics"),
        ("text-two.yaml", "profiles", "listed for 'general', which weights none of its topics"),
        ("code-two.yaml", "profiles", "listed for 'general', which weights none of its topics"),
    }


def test_a_bank_that_does_not_load_reports_the_load_problems(rubric: RubricFactory, tmp_path: Path) -> None:
    rubric.write(tmp_path, [*rubric.valid_set(), rubric.question("bad", difficulty=9)])
    report = lint_bank(directory=tmp_path)
    assert not report.ok
    assert [(Path(p.path).name, p.field) for p in report.errors] == [("bad.yaml", "difficulty")]
    assert report.summary()["questions"] == 0
