"""Load and validate the question bank from rubrics/; an invalid bank is never half-loaded.

Every problem names the file, the field and the reason, and all of them are reported at once so an
author fixes a bank in one round. Cross-file rules (unique ids, known topics and profiles) are
checked here too; softer rules (Japanese text, whether profiles can be filled) are the lint's.
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from app.bank.schema import LOCALES, Profile, ProfilesFile, Question, Topic, TopicsFile

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    path: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.field}: {self.reason}"


class BankError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class LoadedQuestion:
    question: Question
    version: str  # hash of the file's bytes: stored with every grade
    path: str


@dataclass(frozen=True)
class Bank:
    questions: dict[str, LoadedQuestion]
    topics: dict[str, Topic]
    profiles: dict[str, Profile]
    languages: tuple[str, ...] = field(default=LOCALES)


def content_version(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML keeps the last of two equal keys silently; in a rubric that hides an author's mistake."""


def _mapping_without_duplicates(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping", node.start_mark, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates)


def _parse(path: Path, model: type[M], problems: list[Problem]) -> tuple[M, bytes] | None:
    try:
        data = path.read_bytes()
        raw: Any = yaml.load(data, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except OSError as exc:
        problems.append(Problem(str(path), "(file)", f"cannot read: {exc.strerror or exc}"))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(str(path), "(file)", f"not valid YAML: {exc}"))
        return None
    if not isinstance(raw, dict):
        found = "an empty file" if raw is None else f"a {type(raw).__name__}"
        problems.append(Problem(str(path), "(file)", f"expected a mapping of fields, found {found}"))
        return None
    try:
        return model.model_validate(raw), data
    except ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(part) for part in err["loc"]) or "(file)"
            problems.append(Problem(str(path), where, err["msg"]))
        return None


def _unique(items: list[Any], path: Path, kind: str, problems: list[Problem]) -> dict[str, Any]:
    by_id: dict[str, Any] = {}
    for index, item in enumerate(items):
        if item.id in by_id:
            problems.append(Problem(str(path), f"{kind}.{index}.id", f"duplicate id {item.id!r}"))
        by_id[item.id] = item
    return by_id


def _load_questions(
    directory: Path, known: dict[str, set[str]], problems: list[Problem]
) -> dict[str, LoadedQuestion]:
    """`known` maps "topics"/"profiles" to their ids; left out when that file failed, to avoid noise."""
    if not directory.is_dir():
        problems.append(Problem(str(directory), "(dir)", "the questions directory is missing"))
        return {}
    for stray in sorted(directory.glob("**/*.yml")):
        problems.append(Problem(str(stray), "(file)", "rubric files must end in .yaml to be loaded"))
    questions: dict[str, LoadedQuestion] = {}
    for path in sorted(directory.glob("**/*.yaml")):
        parsed = _parse(path, Question, problems)
        if parsed is None:
            continue
        question, data = parsed
        if question.id in questions:
            other = questions[question.id].path
            problems.append(Problem(str(path), "id", f"duplicate id {question.id!r} (also in {other})"))
            continue
        for kind, references in (("topics", question.topics), ("profiles", question.profiles)):
            for index, reference in enumerate(references):
                if kind in known and reference not in known[kind]:
                    problems.append(
                        Problem(str(path), f"{kind}.{index}", f"unknown {kind[:-1]} {reference!r}")
                    )
        questions[question.id] = LoadedQuestion(question, content_version(data), str(path))
    if not questions and not problems:
        problems.append(Problem(str(directory), "(dir)", "no questions found"))
    return questions


def load_bank(directory: Path) -> Bank:
    """The validated bank in `directory`; raises `BankError` listing every problem found."""
    problems: list[Problem] = []
    topics_path, profiles_path = directory / "topics.yaml", directory / "profiles.yaml"
    topics_file = _parse(topics_path, TopicsFile, problems)
    profiles_file = _parse(profiles_path, ProfilesFile, problems)
    topics: dict[str, Topic] = {}
    profiles: dict[str, Profile] = {}
    known: dict[str, set[str]] = {}
    if topics_file:
        topics = _unique(topics_file[0].topics, topics_path, "topics", problems)
        known["topics"] = set(topics)
    if profiles_file:
        profiles = _unique(profiles_file[0].profiles, profiles_path, "profiles", problems)
        known["profiles"] = set(profiles)
        for index, profile in enumerate(profiles_file[0].profiles):
            for topic in profile.topic_weights:
                if topics_file and topic not in topics:
                    where = f"profiles.{index}.topic_weights.{topic}"
                    problems.append(Problem(str(profiles_path), where, f"unknown topic {topic!r}"))
    questions = _load_questions(directory / "questions", known, problems)
    if problems:
        raise BankError(problems)
    return Bank(questions=questions, topics=topics, profiles=profiles)
