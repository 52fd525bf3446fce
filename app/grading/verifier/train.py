"""`grader model train-verifier`: build the verifier's pairs and train both learned parts.

English: the cross-encoder (cross_encoder.py); Japanese: the pair head over the multilingual
encoder (head.py). Everything is seeded; the output directory gets the two model files and a
JSON card each, which `make run` loads as they are (it never trains).
"""

import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from app.bank.schema import Question
from app.grading.encoders import Encoder
from app.grading.verifier import cross_encoder, head
from app.grading.verifier.pairs import LABELS, Pair, anchors, bank_pairs, perturbations, split, team_pairs

HEAD_CARD = "ja-pair-head.json"


@dataclass(frozen=True)
class TrainingSummary:
    pairs: dict[str, int]  # "en/team/entails" -> count
    english_dev: cross_encoder.DevScores
    japanese_dev: cross_encoder.DevScores
    seconds: float


def build_pairs(*, data_dir: Path, questions: list[Question], seed: int) -> list[Pair]:
    base = team_pairs(data_dir) + bank_pairs(questions)
    return base + perturbations(base, seed=seed) + anchors(base, seed=seed)


def train_verifier(
    *,
    pairs: list[Pair],
    base_model: Path,
    japanese_encoder: Encoder,
    out_dir: Path,
    english_config: cross_encoder.TrainConfig,
    head_config: head.HeadConfig,
    progress: Callable[[str], None],
) -> TrainingSummary:
    started = time.monotonic()
    train_pairs, dev_pairs = split(pairs)
    counts = Counter(f"{p.language}/{p.source}/{p.label.value}" for p in pairs)
    progress(f"{len(train_pairs)} training and {len(dev_pairs)} dev pairs: {dict(sorted(counts.items()))}")
    english_dev = cross_encoder.train(
        train_pairs=[p for p in train_pairs if p.language == "en"],
        dev_pairs=[p for p in dev_pairs if p.language == "en"],
        base_model=base_model,
        out_dir=out_dir,
        config=english_config,
        progress=progress,
    )
    japanese_train = [p for p in train_pairs if p.language == "ja"]
    trained_head = head.train_head(
        pairs=japanese_train, encode=japanese_encoder.encode, config=head_config, progress=progress
    )
    trained_head.save(out_dir / head.HEAD_NAME)
    japanese_dev_pairs = [p for p in dev_pairs if p.language == "ja"]
    predicted = trained_head.probabilities(
        head.pair_features(
            japanese_encoder.encode([p.premise for p in japanese_dev_pairs]),
            japanese_encoder.encode([p.hypothesis for p in japanese_dev_pairs]),
        )
    ).argmax(axis=1)
    japanese_dev = cross_encoder.scores(
        [LABELS.index(p.label) for p in japanese_dev_pairs], predicted.tolist()
    )
    card = {
        "encoder": japanese_encoder.name,
        "train": asdict(head_config),
        "train_pairs": len(japanese_train),
    }
    card |= {"dev": asdict(japanese_dev), "labels": [label.value for label in LABELS]}
    (out_dir / HEAD_CARD).write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    return TrainingSummary(
        pairs=dict(sorted(counts.items())),
        english_dev=english_dev,
        japanese_dev=japanese_dev,
        seconds=round(time.monotonic() - started, 1),
    )
