"""Builders for small synthetic banks, in memory (selection properties) or as YAML files (loader, lint)."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from app.bank.loader import Bank, LoadedQuestion, content_version
from app.bank.schema import Profile, Question, Topic

REAL_BANK = Path(__file__).resolve().parents[2] / "rubrics"


def _text(value: str, *, ja: bool = True) -> dict[str, str]:
    return {"en": value, "ja": f"{value}（日本語）"} if ja else {"en": value}


class RubricFactory:
    """Plain data for rubric files; every argument has a valid default so tests state only what matters."""

    def question(
        self,
        question_id: str,
        *,
        kind: str = "text",
        topics: tuple[str, ...] = ("alpha",),
        difficulty: int = 2,
        minutes: int = 5,
        profiles: tuple[str, ...] = ("general",),
        ja: bool = True,
        source: str | None = None,
    ) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": question_id,
            "kind": kind,
            "title": _text(f"Title of {question_id}", ja=ja),
            "prompt": _text(f"Prompt of {question_id}", ja=ja),
            "topics": list(topics),
            "difficulty": difficulty,
            "minutes": minutes,
            "profiles": list(profiles),
            "model_answer": _text(f"Model answer of {question_id}", ja=ja),
        }
        if kind == "text":
            data["key_points"] = [{"id": "main-idea", "text": _text("The main idea.", ja=ja)}]
        else:
            data["code"] = {
                "entry_point": "double",
                "starter": "def double(x):\n    ...\n",
                "solution": "def double(x):\n    return 2 * x\n",
                "examples": [{"args": "2", "expected": "4"}],
                "hidden_tests": [{"kind": "call", "args": "5", "expected": "10"}],
            }
        if source:
            data["source"] = source
        return data

    def topic(self, topic_id: str) -> dict[str, Any]:
        return {"id": topic_id, "name": _text(topic_id.capitalize())}

    def profile(
        self,
        profile_id: str = "general",
        *,
        weights: dict[str, float] | None = None,
        band: tuple[int, int] = (1, 5),
        text: int = 2,
        code: int = 1,
        minutes: int = 60,
    ) -> dict[str, Any]:
        return {
            "id": profile_id,
            "name": _text(profile_id.capitalize()),
            "topic_weights": weights or {"alpha": 1},
            "difficulty": list(band),
            "text_questions": text,
            "code_questions": code,
            "minutes": minutes,
        }

    def bank(self, questions: list[dict[str, Any]], profiles: list[dict[str, Any]]) -> Bank:
        """An in-memory bank with every topic the questions and profiles name."""
        topic_ids = {t for q in questions for t in q["topics"]} | {
            t for p in profiles for t in p["topic_weights"]
        }
        loaded = {}
        for data in questions:
            question = Question.model_validate(data)
            version = content_version(yaml.safe_dump(data, sort_keys=True).encode())
            loaded[question.id] = LoadedQuestion(question, version, f"memory/{question.id}.yaml")
        return Bank(
            questions=loaded,
            topics={t: Topic.model_validate(self.topic(t)) for t in sorted(topic_ids)},
            profiles={p["id"]: Profile.model_validate(p) for p in profiles},
        )

    def write(
        self,
        directory: Path,
        questions: list[dict[str, Any]],
        *,
        topics: tuple[str, ...] = ("alpha", "beta"),
        profiles: list[dict[str, Any]] | None = None,
    ) -> Path:
        """A bank as YAML files under `directory` (one question per file, named after its id)."""
        (directory / "questions").mkdir(parents=True, exist_ok=True)
        self.dump(directory / "topics.yaml", {"topics": [self.topic(t) for t in topics]})
        self.dump(directory / "profiles.yaml", {"profiles": profiles or [self.profile()]})
        for data in questions:
            self.dump(directory / "questions" / f"{data['id']}.yaml", data)
        return directory

    def dump(self, path: Path, data: Any) -> None:
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    def valid_set(self) -> list[dict[str, Any]]:
        """Enough questions to fill the default profile: three text, two code."""
        return [
            self.question("text-one"),
            self.question("text-two", topics=("beta",)),
            self.question("text-three", topics=("alpha", "beta")),
            self.question("code-one", kind="code"),
            self.question("code-two", kind="code", topics=("beta",)),
        ]


@pytest.fixture(scope="session")
def rubric() -> RubricFactory:
    return RubricFactory()
