"""The bank lint: rules beyond the schema, and the counts an author checks before committing questions.

Errors fail `grader bank lint` (and CI): our own questions missing Japanese text, code that does
not parse or whose expected values are not Python literals, profiles the bank cannot fill.
Warnings point at gaps that do not break an interview: topics without questions, a question
listed for a profile that weights none of its topics, a file not named after its question.
Running the reference solutions against their tests needs the sandbox and is not done here.
"""

import ast
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.bank.loader import Bank, LoadedQuestion, Problem
from app.bank.schema import LOCALES, CallTest, CheckTest, LocalizedText, Question
from app.bank.selection import eligible_questions, profile_topics, shortfall


@dataclass(frozen=True)
class ProfileCounts:
    text: int  # eligible text questions (listed for the profile, inside its band)
    code: int
    text_needed: int
    code_needed: int


@dataclass(frozen=True)
class LintReport:
    errors: list[Problem]
    warnings: list[Problem] = field(default_factory=list)
    topics: dict[str, int] = field(default_factory=dict)  # topic -> questions tagged with it
    kinds: dict[str, int] = field(default_factory=dict)
    difficulties: dict[int, int] = field(default_factory=dict)
    profiles: dict[str, ProfileCounts] = field(default_factory=dict)
    languages: list[str] = field(default_factory=list)  # languages every question of our own is written in

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def questions(self) -> int:
        return sum(self.kinds.values())

    def summary(self) -> dict[str, Any]:
        """Plain JSON-ready data; `grader bank lint --json` prints it."""
        return {
            "ok": self.ok,
            "questions": self.questions,
            "text": self.kinds.get("text", 0),
            "code": self.kinds.get("code", 0),
            "topics": self.topics,
            "difficulties": {str(level): count for level, count in self.difficulties.items()},
            "profiles": sorted(self.profiles),
            "profile_counts": {name: vars(counts) for name, counts in self.profiles.items()},
            "languages": self.languages,
            "errors": [str(problem) for problem in self.errors],
            "warnings": [str(problem) for problem in self.warnings],
        }


def lint(bank: Bank, *, directory: Path) -> LintReport:
    """Check a loaded bank; `directory` only names files in the problems."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    questions = [loaded for _, loaded in sorted(bank.questions.items())]
    for loaded in questions:
        errors += _missing_japanese(loaded) + _code_problems(loaded)
        if Path(loaded.path).stem != loaded.question.id:
            warnings.append(
                Problem(loaded.path, "id", f"the file is not named after its id {loaded.question.id!r}")
            )
        for profile_id in loaded.question.profiles:
            if not profile_topics(loaded, bank.profiles[profile_id]):
                reason = f"listed for {profile_id!r}, which weights none of its topics"
                warnings.append(Problem(loaded.path, "profiles", reason))

    topic_counts = {topic: sum(topic in q.question.topics for q in questions) for topic in bank.topics}
    for topic, count in topic_counts.items():
        if not count:
            warnings.append(Problem(str(directory / "topics.yaml"), topic, "no question covers this topic"))

    profiles: dict[str, ProfileCounts] = {}
    for profile in bank.profiles.values():
        pool = eligible_questions(bank=bank, profile=profile)
        where = str(directory / "profiles.yaml")
        problem = shortfall(profile=profile, pool=pool)
        if problem:
            errors.append(Problem(where, profile.id, f"cannot be filled: {problem}"))
        for topic in profile.topic_weights:
            if not any(topic in q.question.topics for q in pool):
                warnings.append(Problem(where, f"{profile.id}.topic_weights.{topic}", "no eligible question"))
        kinds = Counter(q.question.kind for q in pool)
        profiles[profile.id] = ProfileCounts(
            kinds["text"], kinds["code"], profile.text_questions, profile.code_questions
        )

    own = [q.question for q in questions if q.question.source is None]
    return LintReport(
        errors=errors,
        warnings=warnings,
        topics=topic_counts,
        kinds=dict(sorted(Counter(q.question.kind for q in questions).items())),
        difficulties=dict(sorted(Counter(q.question.difficulty for q in questions).items())),
        profiles=profiles,
        languages=[language for language in LOCALES if all(_written_in(q, language) for q in own)],
    )


def _texts(question: Question) -> list[tuple[str, LocalizedText]]:
    texts = [("title", question.title), ("prompt", question.prompt), ("model_answer", question.model_answer)]
    texts += [(f"key_points.{i}.text", point.text) for i, point in enumerate(question.key_points)]
    texts += [(f"misconceptions.{i}.text", wrong.text) for i, wrong in enumerate(question.misconceptions)]
    return texts


def _written_in(question: Question, language: str) -> bool:
    return all(getattr(text, language) for _, text in _texts(question))


def _missing_japanese(loaded: LoadedQuestion) -> list[Problem]:
    """Our own questions are asked in both languages; imported ones (with a `source`) may be English-only."""
    if loaded.question.source is not None:
        return []
    return [
        Problem(loaded.path, f"{where}.ja", "Japanese text is required for questions of our own")
        for where, text in _texts(loaded.question)
        if not text.ja
    ]


def _code_problems(loaded: LoadedQuestion) -> list[Problem]:
    spec = loaded.question.code
    if spec is None:
        return []
    problems: list[Problem] = []
    preamble_error = _syntax_error(spec.preamble, "exec")
    if preamble_error:
        problems.append(Problem(loaded.path, "code.preamble", preamble_error))
    # The entry point may live in the trusted preamble, wrapping the function the candidate writes.
    provided = set() if preamble_error else _functions(spec.preamble)
    for where, source in (("code.starter", spec.starter), ("code.solution", spec.solution)):
        reason = _syntax_error(source, "exec")
        if reason:
            problems.append(Problem(loaded.path, where, reason))
        elif spec.entry_point not in provided | _functions(source):
            problems.append(
                Problem(loaded.path, where, f"neither it nor the preamble defines {spec.entry_point}()")
            )
    tests: list[tuple[str, int, CallTest | CheckTest]] = [
        ("examples", i, t) for i, t in enumerate(spec.examples)
    ]
    tests += [("hidden_tests", i, t) for i, t in enumerate(spec.hidden_tests)]
    for group, index, test in tests:
        where = f"code.{group}.{index}"
        if isinstance(test, CallTest):
            reason = _syntax_error(test.args, "eval")
            if reason:
                problems.append(Problem(loaded.path, f"{where}.args", reason))
            try:
                ast.literal_eval(test.expected)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                problems.append(Problem(loaded.path, f"{where}.expected", "not a Python literal"))
        else:
            reason = _syntax_error(test.script, "exec")
            if reason or "check" not in _functions(test.script):
                problems.append(Problem(loaded.path, f"{where}.script", reason or "does not define check()"))
            for call, args in enumerate(test.calls):
                reason = _syntax_error(args, "eval")
                if reason:
                    problems.append(Problem(loaded.path, f"{where}.calls.{call}", reason))
            if not test.calls:
                problems.append(
                    Problem(
                        loaded.path,
                        f"{where}.calls",
                        "no recorded calls: the check cannot be graded (import the problem with "
                        "`grader bank import-humaneval`, which records them)",
                    )
                )
    return problems


def _syntax_error(source: str, mode: str) -> str | None:
    try:
        ast.parse(source, mode=mode)
    except SyntaxError as exc:
        return f"invalid Python (line {exc.lineno}): {exc.msg}"
    return None


def _functions(source: str) -> set[str]:
    return {node.name for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)}
