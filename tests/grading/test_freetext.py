"""Free-text grading in English with the real model: evidence, misconceptions, buzzwords, determinism."""

import json

import numpy as np
import pytest
from numpy.typing import NDArray

from app.bank.schema import Question
from app.grading.encoders import Encoder
from app.grading.freetext import Calibration, FreeTextGrader, TextGrade

PRECISE = (
    "It standardizes the activations going into a layer with the batch's mean and variance, then applies "
    "a learnable scale and offset. This lets us train faster with larger step sizes."
)
BUZZWORDS = (
    "Batch normalization: normalization, mean, variance, mini-batch, layer inputs, gamma, beta, scale, "
    "shift, learning rate, faster training, stable, regularization, dropout, covariate shift, gradients, "
    "convergence, expressiveness."
)
WRONG_CLAIM = "Batch norm picks the learning rate for each layer."
CORRECT_PARAPHRASE = "Each layer's inputs get standardised with statistics of the current mini-batch."
OFF_TOPIC = "I would use a random forest with many trees and tune the maximum depth."
QUESTION_ECHO = "Batch normalization is something you do during training, and it helps training."


def grade(grader: FreeTextGrader, question: Question, answer: str) -> TextGrade:
    return grader.grade(answer=answer, question=question, rubric_version="v1", language="en")


def test_precise_answer_earns_credit_with_evidence(
    free_text_grader: FreeTextGrader, batch_norm: Question
) -> None:
    result = grade(free_text_grader, batch_norm, PRECISE)
    assert result.credit > 0.5
    assert result.points == pytest.approx(result.credit * batch_norm.max_points, abs=1e-3)
    assert result.encoder == "all-MiniLM-L6-v2"
    assert result.channels == ["semantic", "lexical-word"]
    assert [p.id for p in result.key_points] == ["normalise", "scale-shift", "faster"]
    for point in result.key_points:
        assert point.span and point.span in PRECISE
        assert point.threshold_partial < point.threshold_full
        # The decision follows the credit; similarity alone sets it where the verifier did not judge.
        assert point.decision == ("full" if point.credit >= 1 else "partial" if point.credit > 0 else "none")
        if point.verdict is None:
            assert point.credit == pytest.approx(
                min(
                    1.0,
                    max(
                        0.0,
                        (point.score - point.threshold_partial)
                        / (point.threshold_full - point.threshold_partial),
                    ),
                ),
                abs=1e-3,
            )
    faster = next(p for p in result.key_points if p.id == "faster")
    assert "faster" in faster.span


def test_off_topic_and_empty_answers_earn_nothing(
    free_text_grader: FreeTextGrader, batch_norm: Question
) -> None:
    assert grade(free_text_grader, batch_norm, OFF_TOPIC).credit < 0.1
    empty = grade(free_text_grader, batch_norm, "")
    assert empty.credit == 0.0
    assert all(p.decision == "none" and p.span == "" for p in empty.key_points)


def test_repeating_the_question_earns_little(free_text_grader: FreeTextGrader, batch_norm: Question) -> None:
    echo = grade(free_text_grader, batch_norm, QUESTION_ECHO)
    assert echo.credit < 0.25
    assert echo.credit < grade(free_text_grader, batch_norm, PRECISE).credit / 2


def test_buzzword_list_does_not_beat_a_precise_answer(
    free_text_grader: FreeTextGrader, batch_norm: Question
) -> None:
    assert len(BUZZWORDS) > len(PRECISE) * 0.9
    assert (
        grade(free_text_grader, batch_norm, BUZZWORDS).credit
        < grade(free_text_grader, batch_norm, PRECISE).credit
    )


def test_same_words_wrong_claim_loses_to_a_paraphrase(
    free_text_grader: FreeTextGrader, batch_norm: Question
) -> None:
    wrong = grade(free_text_grader, batch_norm, WRONG_CLAIM)
    right = grade(free_text_grader, batch_norm, CORRECT_PARAPHRASE)
    misconception = wrong.misconceptions[0]
    assert misconception.id == "sets-learning-rate" and misconception.matched
    assert misconception.span == WRONG_CLAIM
    assert not right.misconceptions[0].matched
    assert wrong.credit < right.credit
    assert wrong.credit == 0.0


def test_misconception_costs_its_weight(free_text_grader: FreeTextGrader, batch_norm: Question) -> None:
    clean = grade(free_text_grader, batch_norm, PRECISE)
    with_claim = grade(free_text_grader, batch_norm, PRECISE + " " + WRONG_CLAIM)
    assert with_claim.misconceptions[0].matched
    assert with_claim.points == pytest.approx(max(0.0, clean.points - 1.0), abs=0.05)


def test_same_inputs_give_identical_results_alone_and_batched(
    free_text_grader: FreeTextGrader, batch_norm: Question
) -> None:
    answers = [PRECISE, BUZZWORDS, WRONG_CLAIM, OFF_TOPIC]
    alone = [grade(free_text_grader, batch_norm, a).model_dump() for a in answers]
    again = [grade(free_text_grader, batch_norm, a).model_dump() for a in answers]
    batched = free_text_grader.grade_many(
        [{"answer": a, "question": batch_norm, "rubric_version": "v1"} for a in answers]
    )
    assert alone == again == [b.model_dump() for b in batched]
    json.loads(batched[0].model_dump_json())  # storable as JSON
    mixed = free_text_grader.grade_many(
        [{"answer": a, "question": batch_norm, "rubric_version": "v1"} for a in answers], mix_answers=True
    )
    for one, many in zip(batched, mixed, strict=True):
        assert many.credit == pytest.approx(one.credit, abs=1e-3)
        assert [p.span for p in many.key_points] == [p.span for p in one.key_points]


def test_near_threshold_scores_are_flagged_with_reasons(
    free_text_grader: FreeTextGrader, batch_norm: Question
) -> None:
    answers = (PRECISE, BUZZWORDS, CORRECT_PARAPHRASE, OFF_TOPIC, WRONG_CLAIM)
    flagged_any = False
    for result in (grade(free_text_grader, batch_norm, a) for a in answers):
        near = {p.id for p in result.key_points if abs(p.score - p.threshold_partial) < 0.03}
        near |= {m.id for m in result.misconceptions if abs(m.similarity - m.threshold) < 0.03}
        ids = [p.id for p in result.key_points] + [m.id for m in result.misconceptions]
        named = {i for i in ids if any(f" {i}:" in r and "threshold" in r for r in result.review_reasons)}
        assert named == near
        assert result.needs_review == bool(result.review_reasons)
        flagged_any |= result.needs_review
    assert flagged_any  # the set above is chosen to contain at least one borderline answer
    assert not grade(free_text_grader, batch_norm, "").needs_review


def test_calibration_maps_raw_credit(free_text_grader: FreeTextGrader, batch_norm: Question) -> None:
    lenient = Calibration(knots_x=[0.0, 0.5, 1.0], knots_y=[0.2, 0.9, 1.0])
    plain = grade(free_text_grader, batch_norm, CORRECT_PARAPHRASE)
    calibrated = free_text_grader.grade(
        answer=CORRECT_PARAPHRASE, question=batch_norm, rubric_version="v1", calibration=lenient
    )
    assert calibrated.raw_credit == plain.raw_credit
    assert calibrated.credit == pytest.approx(lenient.apply(plain.raw_credit), abs=1e-4)
    assert calibrated.calibrated and not plain.calibrated


class CountingEncoder:
    """The real encoder, with a record of what it was asked to embed."""

    def __init__(self, inner: Encoder) -> None:
        self.name = inner.name
        self.calls: list[list[str]] = []
        self._inner = inner

    def encode(self, texts: list[str]) -> NDArray[np.float32]:
        self.calls.append(list(texts))
        return self._inner.encode(texts)


def test_key_points_are_embedded_once_per_rubric_version(
    free_text_grader: FreeTextGrader, batch_norm: Question
) -> None:
    counting = CountingEncoder(free_text_grader.encoder("en"))
    grader = FreeTextGrader(english=counting, japanese=free_text_grader.encoder("ja"))
    key_point = batch_norm.key_points[0].text.en
    for version, answer in (("v1", PRECISE), ("v1", OFF_TOPIC), ("v2", PRECISE)):
        grader.grade(answer=answer, question=batch_norm, rubric_version=version)
    with_key_point = [
        i for i, call in enumerate(counting.calls) if any("current mini-batch" in t for t in call)
    ]
    assert "current mini-batch" in key_point and "current mini-batch" not in PRECISE + OFF_TOPIC
    assert len(with_key_point) == 2  # v1 once, v2 once; the second v1 answer reused the cache
    assert len(counting.calls) == 5  # plus one call per answer for all of its spans


def test_code_question_is_refused(free_text_grader: FreeTextGrader) -> None:
    code_question = Question.model_validate(
        {
            "id": "test-code",
            "kind": "code",
            "title": {"en": "Add"},
            "prompt": {"en": "Add two numbers."},
            "topics": ["python"],
            "difficulty": 1,
            "minutes": 5,
            "profiles": ["ml-engineer"],
            "model_answer": {"en": "a + b"},
            "code": {
                "entry_point": "add",
                "starter": "def add(a, b): ...",
                "solution": "def add(a, b):\n    return a + b",
                "examples": [{"args": "1, 2", "expected": "3"}],
                "hidden_tests": [{"kind": "call", "args": "2, 2", "expected": "4"}],
            },
        }
    )
    with pytest.raises(ValueError, match="code question"):
        free_text_grader.grade(answer="x", question=code_question, rubric_version="v1")
