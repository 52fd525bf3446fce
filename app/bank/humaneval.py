"""Import OpenAI HumanEval problems (JSONL, optionally gzipped) as code questions.

How tests and examples are derived from each problem lives in `humaneval_tests`.
"""

import gzip
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import yaml

from app.bank.humaneval_tests import choose_examples, convert_tests
from app.bank.schema import CodeSpec, LocalizedText, ProfilesFile, Question
from app.settings import get_settings

TOPIC = "programming"
DIFFICULTY = 2
MINUTES = 10


def default_profiles() -> list[str]:
    raw = yaml.safe_load((get_settings().rubrics_dir / "profiles.yaml").read_text(encoding="utf-8"))
    return [profile.id for profile in ProfilesFile.model_validate(raw).profiles]


def to_question(row: dict[str, str], profiles: Sequence[str]) -> Question:
    number = row["task_id"].split("/")[-1]
    entry_point, prompt = row["entry_point"], row["prompt"]
    return Question(
        id=f"humaneval-{number}",
        kind="code",
        title=LocalizedText(en=f"HumanEval {number}: {entry_point}", ja=f"HumanEval {number}: {entry_point}"),
        prompt=LocalizedText(
            en=f"Complete the function `{entry_point}` so that it does what its docstring describes.",
            ja=f"関数 `{entry_point}` を docstring の説明どおりに動作するよう完成させてください。",
        ),
        topics=[TOPIC],
        difficulty=DIFFICULTY,
        minutes=MINUTES,
        profiles=list(profiles),
        model_answer=LocalizedText(en=row["canonical_solution"]),
        code=CodeSpec(
            entry_point=entry_point,
            starter=prompt,
            solution=prompt + row["canonical_solution"],
            examples=choose_examples(test_source=row["test"], prompt=prompt, entry_point=entry_point),
            hidden_tests=convert_tests(row["test"]),
        ),
        source=row["task_id"],
    )


def import_humaneval(path: Path, *, profiles: Sequence[str] | None = None) -> list[Question]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as file:
        rows = [json.loads(line) for line in file if line.strip()]
    chosen = default_profiles() if profiles is None else profiles
    questions = []
    for row in rows:
        try:
            questions.append(to_question(row, chosen))
        except (ValueError, SyntaxError) as error:
            raise ValueError(f"{row.get('task_id')}: {error}") from error
    return questions


class _BlockStyleDumper(yaml.SafeDumper):
    """Multi-line strings (code) as literal blocks, so the files read like the source."""


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text and not any(line != line.rstrip() for line in text.splitlines()) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_BlockStyleDumper.add_representer(str, _represent_str)


def write_questions(questions: Iterable[Question], out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for question in questions:
        path = out_dir / f"{question.id}.yaml"
        data = question.model_dump(mode="json", exclude_none=True)
        path.write_text(
            yaml.dump(data, Dumper=_BlockStyleDumper, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        written.append(path)
    return written
