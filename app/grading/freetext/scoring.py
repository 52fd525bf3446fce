"""Pure scoring: similarity matrices in, per-item evidence and credit out."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from app.grading.freetext.keypoints import KeyPointIndex
from app.grading.freetext.lexical import overlap
from app.grading.freetext.models import Decision, KeyPointEvidence, MisconceptionEvidence, Verdict

DECIMALS = 4  # similarities are rounded before decisions so float noise cannot flip one
VERIFIED_SPANS = 3  # per rubric item, the best spans the verifier judges
# The verifier only ever takes credit away (a contradiction earns nothing) and confirms
# misconceptions; it never raises a credit above what similarity gives. Measured on the tuning
# set, letting an entailment raise credit or a "neither" lower it made buzzword lists and wrong
# claims earn more (the learned part is not sure enough of either yet; see benchmarks/README.md).
# A list of terms names the topic without saying anything about it: its match counts half, so an
# answer listing every buzzword cannot beat a precise one.
TERM_LIST_DISCOUNT = 0.5


@dataclass(frozen=True)
class ScoringConfig:
    """Thresholds for one encoder (their cosine scales differ); tuned on Mohler assignments 1-6."""

    semantic_weight: float  # blend = w * semantic + (1 - w) * lexical
    threshold_partial: float  # blend below this earns nothing
    threshold_full: float  # blend at or above this earns full credit; linear in between
    threshold_misconception: float  # semantic similarity at which a misconception counts
    review_margin: float  # a blend this close to a threshold is a coin toss: flag it


@dataclass(frozen=True)
class AnswerEvidence:
    spans: list[str]
    vectors: NDArray[np.float32]  # one row per span
    terms: list[frozenset[str]]  # lexical units per span
    term_lists: list[bool]  # per span: is it a bare list of terms


class Judged(Protocol):
    """What the verifier says of one (span, rubric item) pair (app/grading/verifier)."""

    @property
    def label(self) -> str: ...  # "entails", "contradicts" or "neither"

    @property
    def probability(self) -> float: ...

    @property
    def reasons(self) -> tuple[str, ...]: ...


# (span row, item column) pairs -> the verifier's judgement of each
Judge = Callable[[list[tuple[int, int]]], Mapping[tuple[int, int], Judged]]


def score_items(
    *, answer: AnswerEvidence, index: KeyPointIndex, config: ScoringConfig, judge: Judge | None = None
) -> tuple[list[KeyPointEvidence], list[MisconceptionEvidence]]:
    """Similarity finds where the answer speaks to each item; `judge`, when given, decides whether
    the best spans say it (entails), say the opposite (contradicts) or neither."""
    semantic = _item_similarity(answer, index)  # spans x items
    blended, lexical = _blended(answer, index, config, semantic)
    columns = [i for i, item in enumerate(index.items) if item.is_misconception]
    pairs = _candidates(answer, index, config, semantic, blended) if judge else []
    judged = judge(pairs) if judge and pairs else {}
    misconceptions = [_misconception(column, answer, index, config, semantic, judged) for column in columns]
    wrong_rows = _wrong_claim_rows(columns, semantic, config, judged, verified=judge is not None)
    key_points = [
        _key_point(column, answer, index, config, semantic, blended, lexical, wrong_rows, judged)
        for column, item in enumerate(index.items)
        if not item.is_misconception
    ]
    return key_points, misconceptions


def _blended(
    answer: AnswerEvidence, index: KeyPointIndex, config: ScoringConfig, semantic: NDArray[np.float64]
) -> tuple[NDArray[np.float64], dict[tuple[int, int], float | None]]:
    """Per span and key point: semantic and lexical blended, term lists discounted; and the
    lexical overlap itself (None where the point has no terms), for the evidence."""
    blended = np.zeros_like(semantic)
    lexical: dict[tuple[int, int], float | None] = {}
    for column, item in enumerate(index.items):
        if item.is_misconception:
            continue
        phrasing_terms = [t for t, owner in zip(index.terms, index.owners, strict=True) if owner == column]
        for row in range(len(answer.spans)):
            lexical[row, column] = _best_overlap(phrasing_terms, answer.terms[row])
            discount = TERM_LIST_DISCOUNT if answer.term_lists[row] else 1.0
            blended[row, column] = (
                blend(float(semantic[row, column]), lexical[row, column], config) * discount
            )
    return blended, lexical


def _candidates(
    answer: AnswerEvidence,
    index: KeyPointIndex,
    config: ScoringConfig,
    semantic: NDArray[np.float64],
    blended: NDArray[np.float64],
) -> list[tuple[int, int]]:
    """The spans worth the verifier's time: each key point's best few above the partial threshold,
    each misconception's best few near its threshold."""
    pairs = []
    for column, item in enumerate(index.items):
        scores = semantic[:, column] if item.is_misconception else blended[:, column]
        # A misconception is judged where similarity would have matched it: the verifier confirms it
        # or clears the span; a key point where it would have earned anything.
        floor = config.threshold_misconception if item.is_misconception else config.threshold_partial
        ranked = [int(row) for row in np.argsort(-scores, kind="stable")[:VERIFIED_SPANS]]
        pairs += [(row, column) for row in ranked if scores[row] >= floor]
    return pairs


def _misconception(
    column: int,
    answer: AnswerEvidence,
    index: KeyPointIndex,
    config: ScoringConfig,
    semantic: NDArray[np.float64],
    judged: Mapping[tuple[int, int], Judged],
) -> MisconceptionEvidence:
    item = index.items[column]
    if not answer.spans:
        return MisconceptionEvidence(
            id=item.id,
            weight=item.weight,
            span="",
            similarity=0.0,
            threshold=config.threshold_misconception,
            matched=False,
        )
    verdicts = {row: judgement for (row, col), judgement in judged.items() if col == column}
    entailing = [row for row, judgement in verdicts.items() if judgement.label == "entails"]
    # Verified, only a span that says the misconception makes it count; shown is the span judged
    # closest to saying it, or else the most similar one.
    by_similarity = entailing or list(verdicts) or list(range(len(answer.spans)))
    best = max(by_similarity, key=lambda row: float(semantic[row, column]))
    similarity = float(semantic[best, column])
    judgement = verdicts.get(best)
    matched = bool(entailing) if verdicts else similarity >= config.threshold_misconception
    return MisconceptionEvidence(
        id=item.id,
        weight=item.weight,
        span=answer.spans[best],  # the closest span, matched or not
        similarity=similarity,
        threshold=config.threshold_misconception,
        matched=matched,
        verdict=_verdict(judgement),
        verdict_probability=judgement.probability if judgement else None,
        verdict_reasons=list(judgement.reasons) if judgement else [],
    )


def _wrong_claim_rows(
    columns: list[int],
    semantic: NDArray[np.float64],
    config: ScoringConfig,
    judged: Mapping[tuple[int, int], Judged],
    *,
    verified: bool,
) -> dict[int, float]:
    """Spans that make a misconception, with their similarity to it: they earn no key point.
    Verified, only spans the verifier says entail one; a span that negates a misconception is
    evidence for the correct idea and stays available to the key points."""
    rows: dict[int, float] = {}
    for column in columns:
        for row in range(semantic.shape[0]):
            similarity = float(semantic[row, column])
            if verified:
                judgement = judged.get((row, column))
                says_it = judgement is not None and judgement.label == "entails"
            else:
                says_it = similarity >= config.threshold_misconception
            if says_it:
                rows[row] = max(rows.get(row, -1.0), similarity)
    return rows


def _item_similarity(answer: AnswerEvidence, index: KeyPointIndex) -> NDArray[np.float64]:
    if not answer.spans:
        return np.zeros((0, len(index.items)))
    by_phrasing = np.round(answer.vectors.astype(np.float64) @ index.vectors.T.astype(np.float64), DECIMALS)
    by_item = np.full((len(answer.spans), len(index.items)), -1.0)
    for item in range(len(index.items)):
        by_item[:, item] = by_phrasing[:, index.owners == item].max(axis=1)
    return by_item


def _key_point(
    column: int,
    answer: AnswerEvidence,
    index: KeyPointIndex,
    config: ScoringConfig,
    semantic: NDArray[np.float64],
    blended: NDArray[np.float64],
    lexical: Mapping[tuple[int, int], float | None],
    wrong_rows: Mapping[int, float],
    judged: Mapping[tuple[int, int], Judged],
) -> KeyPointEvidence:
    item = index.items[column]
    best_row, best_credit = -1, 0.0
    contradicted = None  # the first span that may earn the point and contradicts it
    for row in range(len(answer.spans)):
        # A span closer to a misconception it makes than to this key point is a wrong claim in the
        # key point's words: it earns the key point nothing.
        if row in wrong_rows and wrong_rows[row] > semantic[row, column]:
            continue
        judgement = judged.get((row, column))
        credit = _verified_credit(ramp(float(blended[row, column]), config), judgement)
        if judgement is not None and judgement.label == "contradicts" and contradicted is None:
            contradicted = row
        if (
            best_row < 0
            or credit > best_credit
            or (credit == best_credit and blended[row, column] > blended[best_row, column])
        ):
            best_row, best_credit = row, credit
    # The span that speaks most to the point contradicts it: the point earns nothing, and says why.
    top = max(range(len(answer.spans)), key=lambda r: blended[r, column]) if answer.spans else -1
    if contradicted is not None and contradicted == top:
        best_row, best_credit = top, 0.0
    if best_row < 0:  # an empty answer
        return KeyPointEvidence(
            id=item.id,
            weight=item.weight,
            span="",
            similarity=0.0,
            lexical=None,
            score=0.0,
            threshold_full=config.threshold_full,
            threshold_partial=config.threshold_partial,
            decision=decision(0.0),
            credit=0.0,
        )
    judgement = judged.get((best_row, column))
    return KeyPointEvidence(
        id=item.id,
        weight=item.weight,
        span=answer.spans[best_row],
        similarity=float(semantic[best_row, column]),
        lexical=lexical[best_row, column],
        score=round(float(blended[best_row, column]), DECIMALS),
        threshold_full=config.threshold_full,
        threshold_partial=config.threshold_partial,
        decision=decision(best_credit),
        credit=best_credit,
        verdict=_verdict(judgement),
        verdict_probability=judgement.probability if judgement else None,
        verdict_reasons=list(judgement.reasons) if judgement else [],
    )


def _verified_credit(similarity_credit: float, judgement: Judged | None) -> float:
    """Similarity's credit, unless the verifier judged the span to contradict the point."""
    if judgement is not None and judgement.label == "contradicts":
        return 0.0
    return similarity_credit


def _verdict(judgement: Judged | None) -> Verdict | None:
    if judgement is None:
        return None
    label = judgement.label
    return "entails" if label == "entails" else "contradicts" if label == "contradicts" else "neither"


def _best_overlap(phrasing_terms: list[frozenset[str]], span_terms: frozenset[str]) -> float | None:
    values = [v for v in (overlap(t, span_terms) for t in phrasing_terms) if v is not None]
    return round(max(values), DECIMALS) if values else None


def blend(similarity: float, lexical: float | None, config: ScoringConfig) -> float:
    if lexical is None:
        return similarity
    return config.semantic_weight * similarity + (1 - config.semantic_weight) * lexical


def ramp(score: float, config: ScoringConfig) -> float:
    span = config.threshold_full - config.threshold_partial
    return round(float(np.clip((score - config.threshold_partial) / span, 0.0, 1.0)), DECIMALS)


def decision(credit: float) -> Decision:
    if credit >= 1.0:
        return "full"
    return "partial" if credit > 0.0 else "none"


def total_credit(key_points: list[KeyPointEvidence], misconceptions: list[MisconceptionEvidence]) -> float:
    possible = sum(p.weight for p in key_points)
    earned = sum(p.weight * p.credit for p in key_points)
    lost = sum(m.weight for m in misconceptions if m.matched)
    return round(float(np.clip((earned - lost) / possible, 0.0, 1.0)), DECIMALS) if possible else 0.0
