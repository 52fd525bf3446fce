"""Free-text grading speed next to the encoder's own speed, measured in the same run.

Typical answers (50-200 words) against a 5-key-point rubric, graded one at a time and batched.
The encoder is the floor: grading embeds an answer's sentences in one encode call and reuses cached
key-point embeddings, so its cost should stay within 1.25x of encoding those sentences.

    .venv/bin/python benchmarks/grading_speed.py --json [--language ja] [--answers 48]
"""

import argparse
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.bank.schema import Question
from app.grading.encoders import MULTILINGUAL_USE, Encoder, load_encoder
from app.grading.freetext import FreeTextGrader, GradeRequest
from app.grading.freetext.text import split_sentences
from app.settings import get_settings

KEY_POINTS = [
    "Dropout randomly zeroes a fraction of the activations at every training step.",
    "It stops units from co-adapting, so the network cannot rely on any single feature.",
    "It acts like training an ensemble of thinned networks that share weights.",
    "At inference dropout is switched off and activations are scaled to match their training expectation.",
    "Too high a rate underfits; typical rates are 0.1 to 0.5 and it interacts with batch normalization.",
]
SENTENCES = [
    "Dropout is a regularisation technique that we use when a network overfits the training data.",
    "During training each neuron is dropped with some probability, say half of them in a dense layer.",
    "Because a different random subset is removed at every step, no neuron can count on a specific partner.",
    "This forces the network to learn redundant features that are useful on their own.",
    "You can think of it as averaging the predictions of many smaller networks which share parameters.",
    "When we evaluate the model we turn dropout off and use the full network.",
    "To keep the expected activation the same, the outputs are rescaled, usually during training already.",
    "In PyTorch this is why calling model.eval() before validation matters so much.",
    "If the rate is too high the model cannot fit even the training set and the loss stays high.",
    "I usually start around 0.2 for convolutional layers and 0.5 for large fully connected layers.",
    "With batch normalisation in the network, dropout sometimes hurts because the statistics shift.",
    "It also makes training slower to converge, so you may need more epochs.",
    "Weight decay and data augmentation are other options if dropout alone is not enough.",
    "In my last project, dropout before the classifier head closed most of the train-validation gap.",
]
ROUNDS = 3
PROMPT = "What does dropout do, why does it reduce overfitting, and what changes at inference time?"


def rubric() -> Question:
    return Question.model_validate(
        {
            "id": "speed-dropout",
            "kind": "text",
            "title": {"en": "Dropout"},
            "prompt": {"en": PROMPT},
            "topics": ["regularisation"],
            "difficulty": 2,
            "minutes": 5,
            "profiles": ["ml-engineer"],
            "model_answer": {"en": " ".join(KEY_POINTS)},
            "key_points": [{"id": f"point-{i}", "text": {"en": t}} for i, t in enumerate(KEY_POINTS)],
        }
    )


def typical_answers(count: int, seed: int = 0) -> list[str]:
    """Answers of 50-200 words: random runs of the sentences above."""
    rng = random.Random(seed)
    answers: list[str] = []
    while len(answers) < count:
        answer = " ".join(rng.sample(SENTENCES, rng.randint(3, 11)))
        if 50 <= len(answer.split()) <= 200:
            answers.append(answer)
    return answers


class TimedEncoder:
    """The real encoder, timing its own calls so overhead outside it can be separated from noise."""

    def __init__(self, inner: Encoder) -> None:
        self.name = inner.name
        self.seconds = 0.0
        self._inner = inner

    def encode(self, texts: list[str]) -> NDArray[np.float32]:
        started = time.perf_counter()
        vectors = self._inner.encode(texts)
        self.seconds += time.perf_counter() - started
        return vectors


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    parser.add_argument("--answers", type=int, default=48)
    args = parser.parse_args()

    started = time.perf_counter()
    english = load_encoder(get_settings().embedding_model)
    english_load_s = time.perf_counter() - started
    started = time.perf_counter()
    japanese = load_encoder(MULTILINGUAL_USE)
    multilingual_load_s = time.perf_counter() - started

    question, answers = rubric(), typical_answers(args.answers)
    sentences = [split_sentences(a, language="en") for a in answers]
    timed = TimedEncoder(english)
    grader = FreeTextGrader(english=timed, japanese=japanese)
    grader.grade(answer=answers[0], question=question, rubric_version="1")  # key points cached, warm-up
    requests = [GradeRequest(answer=a, question=question, rubric_version="1") for a in answers]

    runs: dict[str, list[float]] = {}

    def measure(name: str, work: Callable[[], object]) -> None:
        started = time.perf_counter()
        work()
        runs.setdefault(name, []).append(time.perf_counter() - started)

    # Alternate the measurements and keep each one's best round: the machine is shared and noisy.
    for _ in range(ROUNDS):
        measure("encoder_single", lambda: [english.encode(s) for s in sentences])
        measure("encoder_batched", lambda: english.encode([s for group in sentences for s in group]))
        measure("encoder_whole_answers", lambda: english.encode(answers))
        timed.seconds = 0.0
        measure("grading_single", lambda: [grader.grade_many([r]) for r in requests])
        runs.setdefault("encoder_inside_grading_single", []).append(timed.seconds)
        measure("grading_batched", lambda: grader.grade_many(requests))
        measure("grading_mixed", lambda: grader.grade_many(requests, mix_answers=True))
    best = {name: min(times) for name, times in runs.items()}
    rate = {name: len(answers) / seconds for name, seconds in best.items()}
    figures = {
        "answers": len(answers),
        "mean_words": sum(len(a.split()) for a in answers) / len(answers),
        "encoder": english.name,
        "model_load_s": english_load_s,
        "multilingual_model_load_s": multilingual_load_s,
        "encoder_answers_per_s_single": rate["encoder_single"],
        "encoder_answers_per_s_batched": rate["encoder_batched"],
        "encoder_whole_answers_per_s_batched": rate["encoder_whole_answers"],
        "grading_answers_per_s_single": rate["grading_single"],
        "grading_answers_per_s_batched": rate["grading_batched"],
        "grading_answers_per_s_mixed": rate["grading_mixed"],
        # grade_many embeds each answer in its own call (deterministic), so its floor is the encoder
        # called once per answer; with mix_answers=True the floor is the encoder's one big call.
        "grading_cost_vs_encoder_single": best["grading_single"] / best["encoder_single"],
        "grading_cost_vs_encoder_batched": best["grading_batched"] / best["encoder_single"],
        "grading_cost_vs_encoder_mixed": best["grading_mixed"] / best["encoder_batched"],
        # Noise-free view of the same thing: time outside the encoder within the grading calls.
        "grading_overhead_outside_encoder": best["grading_single"] / best["encoder_inside_grading_single"]
        - 1,
    }
    for key, value in figures.items():
        print(f"{key:38s} {value:.3f}" if isinstance(value, float) else f"{key:38s} {value}")
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
