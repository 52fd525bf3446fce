"""Agreement of the free-text grader with human graders on the Mohler et al. (2011) data.

Implements docs ../shared/design/grading-quality.md exactly:
  1. rubric per question from its reference answer, by the product importer (reference_rubric);
  2. zero-shot Pearson/Spearman on all 2,273 answers and the 2,241 not used for training in 2011;
  3. calibrated few-shot: k=10 labelled answers per question, five random draws, mean Pearson and
     RMSE (0-5) on the held-out answers; the global mapping is pooled over every question's k labels;
  4. cross-question: one global mapping fitted on assignments 1-6, RMSE on assignments 7-12;
  5. answers per second, model and rubric version.
Every figure is also reported on assignments 7-12, since constants were tuned on 1-6.

    .venv/bin/python benchmarks/grading_agreement.py --data ../shared/data/mohler.jsonl --json
"""

import argparse
import json
import pickle
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.stats import pearsonr, spearmanr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.bank.schema import Question
from app.grading.encoders import Encoder, load_encoder
from app.grading.freetext import FreeTextGrader, GradeRequest, TextGrade, fit_calibration
from app.grading.freetext.reference_rubric import question_from_reference
from app.settings import get_settings
from benchmarks.verifier_modes import MODES, verifier_for

RUBRIC_VERSION = "reference-sentences-v1"
K_SHOTS = 10
DRAWS = 5
SPEED_SAMPLE = 200
TUNING_ASSIGNMENTS = range(1, 7)


class MemoEncoder:
    """Development aid: remembers embeddings on disk so re-runs skip the encoder (--embedding-cache)."""

    def __init__(self, encoder: Encoder, path: Path) -> None:
        self.name = encoder.name
        self._encoder, self._path = encoder, path
        self._memo: dict[str, NDArray[np.float32]] = pickle.loads(path.read_bytes()) if path.exists() else {}

    def encode(self, texts: list[str]) -> NDArray[np.float32]:
        missing = list(dict.fromkeys(t for t in texts if t not in self._memo))
        if missing:
            self._memo.update(zip(missing, self._encoder.encode(missing), strict=True))
        return np.stack([self._memo[t] for t in texts]) if texts else np.zeros((0, 1), dtype=np.float32)

    def save(self) -> None:
        self._path.write_bytes(pickle.dumps(self._memo))


def load_rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def build_questions(rows: list[dict[str, Any]]) -> dict[str, Question]:
    questions: dict[str, Question] = {}
    for row in rows:
        if row["question_id"] not in questions:
            questions[row["question_id"]] = question_from_reference(
                question_id=row["question_id"],
                prompt=row["question"],
                reference_answer=row["reference_answer"],
            )
    return questions


def grade_all(
    grader: FreeTextGrader, rows: list[dict[str, Any]], questions: dict[str, Question]
) -> list[TextGrade]:
    requests = [
        GradeRequest(answer=r["answer"], question=questions[r["question_id"]], rubric_version=RUBRIC_VERSION)
        for r in rows
    ]
    return grader.grade_many(requests)


def rmse(a: NDArray[Any], b: NDArray[Any]) -> float:
    return float(np.sqrt(np.mean((a - b) ** 2)))


def few_shot(
    raw: NDArray[Any], human: NDArray[Any], qids: NDArray[Any], *, seed: int
) -> tuple[NDArray[Any], ...]:
    """One draw of protocol step 3: returns held-out mask and calibrated 0-5 predictions."""
    rng = np.random.default_rng(seed)
    labelled = np.zeros(raw.size, dtype=bool)
    for qid in np.unique(qids):
        members = np.flatnonzero(qids == qid)
        labelled[rng.choice(members, size=min(K_SHOTS, members.size - 1), replace=False)] = True
    base = fit_calibration(raw=list(raw[labelled]), human=list(human[labelled] / 5))
    predicted = np.zeros(raw.size)
    for qid in np.unique(qids):
        own = (qids == qid) & labelled
        calibration = fit_calibration(raw=list(raw[own]), human=list(human[own] / 5), base=base)
        rest = qids == qid
        predicted[rest] = [calibration.apply(r) * 5 for r in raw[rest]]
    return ~labelled, predicted


def agreement_figures(raw: NDArray[Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    human = np.array([r["score"] for r in rows])
    qids = np.array([r["question_id"] for r in rows])
    assignment = np.array([r["assignment"] for r in rows])
    evaluation = ~np.array([r["perceptron_train_2011"] for r in rows])
    late = assignment >= 7
    early = ~late
    figures: dict[str, Any] = {
        "n": int(raw.size),
        "pearson_zero_shot": float(pearsonr(raw, human).statistic),
        "spearman_zero_shot": float(spearmanr(raw, human).statistic),
        "pearson_zero_shot_2241": float(pearsonr(raw[evaluation], human[evaluation]).statistic),
        "spearman_zero_shot_2241": float(spearmanr(raw[evaluation], human[evaluation]).statistic),
        "n_2241": int(evaluation.sum()),
        "pearson_zero_shot_a1_6": float(pearsonr(raw[early], human[early]).statistic),
        "pearson_zero_shot_a7_12": float(pearsonr(raw[late], human[late]).statistic),
        "spearman_zero_shot_a7_12": float(spearmanr(raw[late], human[late]).statistic),
    }
    draws: dict[str, list[float]] = {key: [] for key in ("p", "r", "p2241", "r2241", "p712", "r712", "p16")}
    for seed in range(DRAWS):
        held_out, predicted = few_shot(raw, human, qids, seed=seed)
        for key, mask in (("", held_out), ("2241", held_out & evaluation), ("712", held_out & late)):
            draws["p" + key].append(float(pearsonr(predicted[mask], human[mask]).statistic))
            draws["r" + key].append(rmse(predicted[mask], human[mask]))
        draws["p16"].append(float(pearsonr(predicted[held_out & early], human[held_out & early]).statistic))
    figures |= {
        "pearson_calibrated_k10": float(np.mean(draws["p"])),
        "rmse_calibrated_k10": float(np.mean(draws["r"])),
        "pearson_calibrated_k10_2241": float(np.mean(draws["p2241"])),
        "rmse_calibrated_k10_2241": float(np.mean(draws["r2241"])),
        "pearson_calibrated_k10_a1_6": float(np.mean(draws["p16"])),
        "pearson_calibrated_k10_a7_12": float(np.mean(draws["p712"])),
        "rmse_calibrated_k10_a7_12": float(np.mean(draws["r712"])),
    }
    crossing = fit_calibration(raw=list(raw[early]), human=list(human[early] / 5))
    crossed = np.array([crossing.apply(r) * 5 for r in raw[late]])
    figures |= {
        "rmse_cross_question": rmse(crossed, human[late]),
        "pearson_cross_question": float(pearsonr(crossed, human[late]).statistic),
        "rmse_uncalibrated_a7_12": rmse(raw[late] * 5, human[late]),
    }
    return figures


def triage_figures(grades: list[TextGrade], raw: NDArray[Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Is "needs review" worth a human's time? Calibrated error on flagged vs unflagged answers."""
    flagged = np.array([g.needs_review for g in grades])
    human = np.array([r["score"] for r in rows])
    held_out, predicted = few_shot(raw, human, np.array([r["question_id"] for r in rows]), seed=0)
    error = np.abs(predicted - human)
    return {
        "review_rate": float(flagged.mean()),
        "mae_calibrated_flagged": float(error[held_out & flagged].mean()),
        "mae_calibrated_unflagged": float(error[held_out & ~flagged].mean()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    parser.add_argument("--embedding-cache", type=Path, help="development: remember embeddings in this file")
    parser.add_argument(
        "--verifier", choices=MODES, default="both", help="the ablation: which verifier parts"
    )
    args = parser.parse_args()

    rows = load_rows(args.data)
    questions = build_questions(rows)
    started = time.perf_counter()
    encoder = load_encoder(get_settings().embedding_model)
    load_s = time.perf_counter() - started

    # Throughput on real answers, uncached: the first SPEED_SAMPLE answers with their rubrics warm.
    verifier = verifier_for(args.verifier, japanese_encoder=encoder)
    grader = FreeTextGrader(english=encoder, japanese=encoder, verifier=verifier)
    sample = rows[:SPEED_SAMPLE]
    for qid in {r["question_id"] for r in sample}:
        grade_all(grader, [next(r for r in sample if r["question_id"] == qid)], questions)
    started = time.perf_counter()
    grade_all(grader, sample, questions)  # one batched call, the way the job worker grades a backlog
    answers_per_s = len(sample) / (time.perf_counter() - started)

    if args.embedding_cache:
        memo = MemoEncoder(encoder, args.embedding_cache)
        grades = grade_all(FreeTextGrader(english=memo, japanese=memo, verifier=verifier), rows, questions)
        memo.save()
    else:
        grades = grade_all(grader, rows, questions)
    raw = np.array([g.raw_credit for g in grades])
    figures = agreement_figures(raw, rows)
    figures |= triage_figures(grades, raw, rows)
    figures |= {
        "answers_per_s": answers_per_s,
        "model_load_s": load_s,
        "model": encoder.name,
        "verifier": args.verifier,
        "rubric_version": RUBRIC_VERSION,
        "key_points": sum(len(q.key_points) for q in questions.values()),
    }
    for key, value in figures.items():
        print(f"{key:32s} {value:.3f}" if isinstance(value, float) else f"{key:32s} {value}")
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
