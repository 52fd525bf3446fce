"""The grader's result: a score plus the evidence behind every credit, JSON-serialisable for storage."""

from typing import Literal

from pydantic import BaseModel

from app.bank.schema import Language, Question
from app.grading.freetext.calibration import Calibration

Decision = Literal["full", "partial", "none"]
Verdict = Literal["entails", "contradicts", "neither"]


class KeyPointEvidence(BaseModel):
    id: str
    weight: float
    span: str  # the best-matching part of the answer ("" when the answer is empty)
    similarity: float  # semantic channel: cosine between the span and the closest phrasing
    lexical: float | None  # lexical channel: overlap with the point's own words (None: not applicable)
    score: float  # the two channels blended; thresholds apply to this
    threshold_full: float
    threshold_partial: float
    decision: Decision
    credit: float  # 0-1 of this point's weight
    verdict: Verdict | None = None  # the verifier's on `span` (None: graded by similarity alone)
    verdict_probability: float | None = None
    verdict_reasons: list[str] = []  # the polarity check's explanation, e.g. a negation it read


class MisconceptionEvidence(BaseModel):
    id: str
    weight: float
    span: str
    similarity: float
    threshold: float
    matched: bool
    verdict: Verdict | None = None  # a misconception counts only when a span entails it
    verdict_probability: float | None = None
    verdict_reasons: list[str] = []


class TextGrade(BaseModel):
    points: float
    max_points: float
    credit: float  # 0-1, after calibration when one was given
    raw_credit: float  # 0-1 before calibration: what calibration is fitted on
    key_points: list[KeyPointEvidence]
    misconceptions: list[MisconceptionEvidence]
    needs_review: bool
    review_reasons: list[str]
    encoder: str
    channels: list[str]
    language: str
    calibrated: bool
    verifier: str | None = None  # name@version of the verifier that judged the spans, if any


class GradeRequest(BaseModel):
    """One answer to grade; grade_many takes a list of these (or of dicts with the same keys)."""

    answer: str
    question: Question
    rubric_version: str
    language: Language = "en"
    calibration: Calibration | None = None
