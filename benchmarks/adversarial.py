"""The free-text grader on the frozen adversarial set: does it tell a right claim from a wrong one?

benchmarks/data/adversarial/*.yaml: questions written for this set only (never in the bank or in
the verifier's training data), each with two answers of six kinds, in English and Japanese with
the same content. Written and frozen before any tuning of the verifier; do not tune on it.

    .venv/bin/python benchmarks/adversarial.py --json

Figures, per language: wrong_claim_pass_rate (wrong claims at >= 0.5 credit; goal <= 0.15),
false_misconception_rate (correct answers that lose credit to a misconception; goal <= 0.05),
pairwise_order (answers of a better kind scored above worse ones, same question; goal >= 0.92),
ja_en_gap (mean |credit en - credit ja| over the parallel answers; goal <= 0.10), answers_per_s.
"""

import argparse
import itertools
import json
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.bank.schema import Question
from app.grading.freetext import FreeTextGrader, GradeRequest, TextGrade
from app.settings import get_settings
from benchmarks.verifier_modes import MODES, verifier_for

DATA = Path(__file__).resolve().parent / "data" / "adversarial"
KINDS = ["correct", "paraphrase", "partial", "wrong_claim", "negated_misconception", "off_topic"]
TIER = {
    "correct": 2,
    "paraphrase": 2,
    "negated_misconception": 2,
    "partial": 1,
    "wrong_claim": 0,
    "off_topic": 0,
}
CORRECT_KINDS = {"correct", "paraphrase", "negated_misconception"}
LOCALES = ("en", "ja")


@dataclass(frozen=True)
class Graded:
    question: str
    kind: str
    language: str
    number: int  # the answer's position in its file: pairs an English answer with its Japanese twin
    grade: TextGrade


def load_set(directory: Path) -> list[tuple[Question, list[dict[str, str]]]]:
    items = []
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        items.append((Question.model_validate(data["question"]), list(data["answers"])))
    return items


def grade_set(
    grader: FreeTextGrader, items: list[tuple[Question, list[dict[str, str]]]]
) -> tuple[list[Graded], float]:
    requests, keys = [], []
    for question, answers in items:
        for number, answer in enumerate(answers):
            for language in LOCALES:
                requests.append(
                    GradeRequest(
                        answer=answer[language],
                        question=question,
                        rubric_version="adversarial",
                        language=language,
                    )
                )
                keys.append((question.id, answer["kind"], language, number))
    started = time.perf_counter()
    grades = grader.grade_many(requests)
    seconds = time.perf_counter() - started
    return [Graded(*key, grade) for key, grade in zip(keys, grades, strict=True)], seconds


def figures(graded: list[Graded], language: str) -> dict[str, float]:
    mine = [g for g in graded if g.language == language]
    wrong = [g.grade.credit for g in mine if g.kind == "wrong_claim"]
    correct = [g for g in mine if g.kind in CORRECT_KINDS]
    lost = [g for g in correct if any(m.matched for m in g.grade.misconceptions)]
    ordered = total = 0.0
    by_question: dict[str, list[Graded]] = defaultdict(list)
    for g in mine:
        by_question[g.question].append(g)
    for answers in by_question.values():
        for a, b in itertools.permutations(answers, 2):
            if TIER[a.kind] > TIER[b.kind]:
                total += 1
                ordered += (
                    1.0
                    if a.grade.credit > b.grade.credit
                    else 0.5
                    if a.grade.credit == b.grade.credit
                    else 0.0
                )
    result = {
        "wrong_claim_pass_rate": sum(c >= 0.5 for c in wrong) / max(1, len(wrong)),
        "false_misconception_rate": len(lost) / max(1, len(correct)),
        "pairwise_order": ordered / max(1.0, total),
    }
    for kind in KINDS:
        credits = [g.grade.credit for g in mine if g.kind == kind]
        result[f"mean_credit_{kind}"] = statistics.fmean(credits) if credits else 0.0
    return {name: round(value, 4) for name, value in result.items()}


def language_gap(graded: list[Graded]) -> dict[str, float]:
    english = {(g.question, g.number): g.grade.credit for g in graded if g.language == "en"}
    gaps = [g.grade.credit - english[g.question, g.number] for g in graded if g.language == "ja"]
    return {
        "ja_en_gap": round(statistics.fmean(abs(x) for x in gaps), 4),
        "ja_minus_en": round(statistics.fmean(gaps), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the figures")
    parser.add_argument(
        "--verifier", choices=MODES, default="both", help="the ablation: which verifier parts"
    )
    args = parser.parse_args()
    items = load_set(args.data)
    settings = get_settings()
    base = FreeTextGrader.from_settings(settings.model_copy(update={"verifier": False}))
    japanese = base.encoder("ja")
    verifier = verifier_for(args.verifier, japanese_encoder=japanese)
    grader = FreeTextGrader(english=base.encoder("en"), japanese=japanese, verifier=verifier)
    grade_set(grader, items[:1])  # warm-up: caches and lazy model parts, not timed
    graded, seconds = grade_set(grader, items)
    report: dict[str, object] = {"questions": len(items), "answers": len(graded), "verifier": args.verifier}
    for language in LOCALES:
        report[language] = figures(graded, language)
    report |= language_gap(graded)
    report["answers_per_s"] = round(len(graded) / seconds, 1)
    for language in LOCALES:
        print(f"{language}: " + ", ".join(f"{k}={v}" for k, v in report[language].items()))  # type: ignore[union-attr]
    gap, signed, speed = report["ja_en_gap"], report["ja_minus_en"], report["answers_per_s"]
    print(f"ja_en_gap={gap} (ja-en {signed}), {speed} answers/s")
    if args.json:
        print(json.dumps(report, sort_keys=True))


if __name__ == "__main__":
    main()
