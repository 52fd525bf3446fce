"""The loader on real YAML files: a broken bank reports path, field and reason, and is never half-loaded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from app.bank.loader import BankError, Problem, content_version, load_bank

if TYPE_CHECKING:
    from tests.bank.conftest import RubricFactory

# Breaks the bank in a directory, in the file of its own victim question where it edits one; returns the file.
Breakage = Callable[[Any, Path, str], str]


def _edit(directory: Path, question_id: str, change: Callable[[dict[str, Any]], None]) -> str:
    path = directory / "questions" / f"{question_id}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def _write(directory: Path, name: str, text: str) -> str:
    path = directory / "questions" / name
    path.write_text(text, encoding="utf-8")
    return str(path)


BREAKAGES: dict[str, tuple[Breakage, str, str]] = {
    "missing field": (
        lambda r, d, v: _edit(d, v, lambda q: q.pop("difficulty")),
        "difficulty",
        "Field required",
    ),
    "wrong type": (
        lambda r, d, v: _edit(d, v, lambda q: q.update(minutes="ten")),
        "minutes",
        "valid integer",
    ),
    "nested missing text": (
        lambda r, d, v: _edit(d, v, lambda q: q["key_points"][0]["text"].pop("en")),
        "key_points.0.text.en",
        "Field required",
    ),
    "unknown key": (
        lambda r, d, v: _edit(d, v, lambda q: q.update(colour="blue")),
        "colour",
        "Extra inputs are not permitted",
    ),
    "unknown topic": (
        lambda r, d, v: _edit(d, v, lambda q: q.update(topics=["alpha", "astrology"])),
        "topics.1",
        "unknown topic 'astrology'",
    ),
    "unknown profile": (
        lambda r, d, v: _edit(d, v, lambda q: q.update(profiles=["general", "wizard"])),
        "profiles.1",
        "unknown profile 'wizard'",
    ),
    "duplicate id": (
        lambda r, d, v: _write(d, "zz-copy.yaml", yaml.safe_dump(r.question("text-one"))),
        "id",
        "duplicate id 'text-one'",
    ),
    "bad YAML": (lambda r, d, v: _write(d, "broken.yaml", "id: [unclosed\n"), "(file)", "not valid YAML"),
    "a list, not a mapping": (
        lambda r, d, v: _write(d, "list.yaml", "- id: text-one\n"),
        "(file)",
        "expected a mapping of fields, found a list",
    ),
    "empty file": (lambda r, d, v: _write(d, "empty.yaml", ""), "(file)", "found an empty file"),
    "duplicate YAML key": (
        lambda r, d, v: _write(d, "twice.yaml", yaml.safe_dump(r.question("twice")) + "difficulty: 4\n"),
        "(file)",
        "duplicate key 'difficulty'",
    ),
    "ignored .yml file": (
        lambda r, d, v: _write(d, "stray.yml", yaml.safe_dump(r.question("stray"))),
        "(file)",
        "must end in .yaml",
    ),
    "kind without its section": (
        lambda r, d, v: _edit(d, v, lambda q: q.update(kind="code")),
        "(file)",
        "a code question needs a code section",
    ),
}


def _victims(rubric: RubricFactory) -> list[dict[str, Any]]:
    """A valid bank plus one question per breakage, so that every breakage can apply at once."""
    return rubric.valid_set() + [rubric.question(_victim(case)) for case in BREAKAGES]


def _victim(case: str) -> str:
    return "victim-" + "".join(c if c.isalnum() else "-" for c in case.lower())


def test_a_valid_bank_loads_every_question_with_its_file_hash(rubric: RubricFactory, tmp_path: Path) -> None:
    rubric.write(tmp_path, rubric.valid_set())
    bank = load_bank(tmp_path)
    assert sorted(bank.questions) == sorted(q["id"] for q in rubric.valid_set())
    loaded = bank.questions["code-one"]
    assert loaded.version == content_version(Path(loaded.path).read_bytes())
    assert set(bank.topics) == {"alpha", "beta"} and set(bank.profiles) == {"general"}


@pytest.mark.parametrize("case", sorted(BREAKAGES))
def test_a_broken_file_is_reported_with_path_field_and_reason(
    rubric: RubricFactory, tmp_path: Path, case: str
) -> None:
    breakage, field, reason = BREAKAGES[case]
    rubric.write(tmp_path, _victims(rubric))
    broken = breakage(rubric, tmp_path, _victim(case))
    with pytest.raises(BankError) as raised:
        load_bank(tmp_path)
    assert [(p.path, p.field) for p in raised.value.problems] == [(broken, field)], raised.value.problems
    assert reason in raised.value.problems[0].reason
    assert f"{broken}: {field}: " in str(raised.value)


def test_every_problem_is_reported_at_once(rubric: RubricFactory, tmp_path: Path) -> None:
    rubric.write(tmp_path, _victims(rubric))
    broken = {case: breakage(rubric, tmp_path, _victim(case)) for case, (breakage, _, _) in BREAKAGES.items()}
    with pytest.raises(BankError) as raised:
        load_bank(tmp_path)
    reported = {(p.path, p.field) for p in raised.value.problems}
    for case, (_, field, _) in BREAKAGES.items():
        assert (broken[case], field) in reported, case


def test_profiles_and_topics_files_are_checked_too(rubric: RubricFactory, tmp_path: Path) -> None:
    profile = rubric.profile(weights={"alpha": 1, "nowhere": 2})
    rubric.write(tmp_path, rubric.valid_set(), topics=("alpha", "beta", "alpha"), profiles=[profile, profile])
    with pytest.raises(BankError) as raised:
        load_bank(tmp_path)
    topics, profiles = str(tmp_path / "topics.yaml"), str(tmp_path / "profiles.yaml")
    assert set(raised.value.problems) == {
        Problem(topics, "topics.2.id", "duplicate id 'alpha'"),
        Problem(profiles, "profiles.1.id", "duplicate id 'general'"),
        Problem(profiles, "profiles.0.topic_weights.nowhere", "unknown topic 'nowhere'"),
        Problem(profiles, "profiles.1.topic_weights.nowhere", "unknown topic 'nowhere'"),
    }


def test_a_broken_topics_file_does_not_flood_every_question_with_unknown_topics(
    rubric: RubricFactory, tmp_path: Path
) -> None:
    rubric.write(tmp_path, rubric.valid_set())
    (tmp_path / "topics.yaml").write_text("topics: not-a-list\n", encoding="utf-8")
    with pytest.raises(BankError) as raised:
        load_bank(tmp_path)
    assert {p.path for p in raised.value.problems} == {str(tmp_path / "topics.yaml")}


def test_missing_files_and_directories_are_problems_not_crashes(tmp_path: Path) -> None:
    with pytest.raises(BankError) as raised:
        load_bank(tmp_path)
    assert {(p.path, p.field) for p in raised.value.problems} == {
        (str(tmp_path / "topics.yaml"), "(file)"),
        (str(tmp_path / "profiles.yaml"), "(file)"),
        (str(tmp_path / "questions"), "(dir)"),
    }
