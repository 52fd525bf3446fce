"""Japanese parity on the bank's own questions: the same answer content in English and Japanese
should earn the same credit. The set (benchmarks/data/parity/answers.yaml) is the TUNING set for
the Japanese thresholds and the verifier's constants; the adversarial set is for reporting.

    .venv/bin/python benchmarks/parity.py --json [--verifier both]

Figures: ja_en_gap (mean |credit ja - credit en|; goal <= 0.10), ja_minus_en, and per language the
mean absolute error against the team's expected credit.
"""

import argparse
import json
import statistics
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.bank.loader import load_bank
from app.grading.freetext import FreeTextGrader, GradeRequest
from app.settings import get_settings
from benchmarks.verifier_modes import MODES, verifier_for

DATA = Path(__file__).resolve().parent / "data" / "parity" / "answers.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--verifier", choices=MODES, default="both")
    args = parser.parse_args()
    settings = get_settings()
    bank = load_bank(settings.rubrics_dir)
    rows = yaml.safe_load(args.data.read_text(encoding="utf-8"))
    base = FreeTextGrader.from_settings(settings.model_copy(update={"verifier": False}))
    verifier = verifier_for(args.verifier, japanese_encoder=base.encoder("ja"))
    grader = FreeTextGrader(english=base.encoder("en"), japanese=base.encoder("ja"), verifier=verifier)
    credits: dict[str, list[float]] = {}
    for language in ("en", "ja"):
        requests = [
            GradeRequest(
                answer=row[language],
                question=bank.questions[row["question_id"]].question,
                rubric_version=bank.questions[row["question_id"]].version,
                language=language,
            )
            for row in rows
        ]
        credits[language] = [grade.credit for grade in grader.grade_many(requests)]
    expected = [float(row["expected_credit"]) for row in rows]
    gaps = [ja - en for en, ja in zip(credits["en"], credits["ja"], strict=True)]
    report = {
        "answers": len(rows),
        "verifier": args.verifier,
        "ja_en_gap": round(statistics.fmean(abs(g) for g in gaps), 4),
        "ja_minus_en": round(statistics.fmean(gaps), 4),
    }
    for language in ("en", "ja"):
        errors = [abs(c - e) for c, e in zip(credits[language], expected, strict=True)]
        report[f"mae_{language}"] = round(statistics.fmean(errors), 4)
    print(", ".join(f"{k}={v}" for k, v in report.items()))
    if args.json:
        print(json.dumps(report, sort_keys=True))


if __name__ == "__main__":
    main()
