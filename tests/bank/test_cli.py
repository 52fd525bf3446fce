"""`grader bank lint` and `grader bank import-humaneval`, through the real command line."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

from app.bank.loader import load_bank
from app.bank.schema import Question
from app.cli import main
from app.settings import PROJECT_ROOT

if TYPE_CHECKING:
    from tests.bank.conftest import RubricFactory

HUMANEVAL = PROJECT_ROOT.parent / "shared" / "data" / "HumanEval.jsonl.gz"


def test_lint_on_the_real_bank_exits_zero_and_ends_with_the_json_summary() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "bank", "lint", "--json"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    bank = load_bank(PROJECT_ROOT / "rubrics")
    kinds = [q.question.kind for q in bank.questions.values()]
    assert summary["questions"] == len(bank.questions)
    assert (summary["text"], summary["code"]) == (kinds.count("text"), kinds.count("code"))
    assert summary["topics"].keys() == bank.topics.keys()
    assert sum(summary["topics"].values()) == sum(len(q.question.topics) for q in bank.questions.values())
    assert summary["profiles"] == sorted(bank.profiles)
    assert summary["languages"] == ["en", "ja"]
    assert summary["errors"] == []


def test_lint_on_a_broken_bank_exits_non_zero_naming_the_file(
    rubric: RubricFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rubric.write(tmp_path, [*rubric.valid_set(), rubric.question("bad", topics=("astrology",))])
    assert main(["bank", "lint", "--dir", str(tmp_path), "--json"]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    bad = tmp_path / "questions" / "bad.yaml"
    assert f"error: {bad}: topics.0: unknown topic 'astrology'" in lines
    summary = json.loads(lines[-1])
    assert summary["ok"] is False and summary["errors"] == [f"{bad}: topics.0: unknown topic 'astrology'"]


def test_lint_prints_counts_per_topic_kind_difficulty_and_profile(
    rubric: RubricFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rubric.write(tmp_path, rubric.valid_set(), profiles=[rubric.profile(weights={"alpha": 1, "beta": 2})])
    assert main(["bank", "lint", "--dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"{tmp_path}: 5 questions (3 text, 2 code); complete in: en, ja" in out
    assert "topics:       alpha 3, beta 3" in out
    assert "difficulty:   2: 5" in out
    assert "profile general: 3 text / 2 code eligible (a set needs 2 / 1)" in out
    assert out.strip().endswith("bank lint: ok, 0 warning(s)")


def test_import_humaneval_writes_one_valid_code_question_per_converted_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("app.bank.humaneval", reason="the HumanEval importer has not landed yet")
    if not HUMANEVAL.exists():
        pytest.skip(f"{HUMANEVAL} is not available")
    out = tmp_path / "imported"
    assert main(["bank", "import-humaneval", str(HUMANEVAL), "--out", str(out)]) == 0
    with gzip.open(HUMANEVAL, "rt", encoding="utf-8") as source:
        problems = sum(1 for line in source if line.strip())
    written = sorted(out.glob("**/*.yaml"))
    assert capsys.readouterr().out.strip() == f"wrote {len(written)} question(s) to {out}"
    assert 0 < len(written) <= problems
    for path in written:
        question = Question.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        assert question.kind == "code" and question.source and question.source.startswith("HumanEval/")
