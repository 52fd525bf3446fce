"""Pure scoring: similarity matrices in, per-item evidence and credit out."""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.grading.freetext.keypoints import KeyPointIndex
from app.grading.freetext.lexical import overlap
from app.grading.freetext.models import Decision, KeyPointEvidence, MisconceptionEvidence

DECIMALS = 4  # similarities are rounded before decisions so float noise cannot flip one
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


def score_items(
    *, answer: AnswerEvidence, index: KeyPointIndex, config: ScoringConfig
) -> tuple[list[KeyPointEvidence], list[MisconceptionEvidence]]:
    semantic = _item_similarity(answer, index)  # spans x items
    columns = [i for i, item in enumerate(index.items) if item.is_misconception]
    misconceptions = [_misconception(column, answer, index, config, semantic) for column in columns]
    misconception_best = semantic[:, columns].max(axis=1) if columns else np.zeros(semantic.shape[0])
    key_points = [
        _key_point(column, answer, index, config, semantic, misconception_best)
        for column, item in enumerate(index.items)
        if not item.is_misconception
    ]
    return key_points, misconceptions


def _misconception(
    column: int,
    answer: AnswerEvidence,
    index: KeyPointIndex,
    config: ScoringConfig,
    semantic: NDArray[np.float64],
) -> MisconceptionEvidence:
    best = int(np.argmax(semantic[:, column])) if answer.spans else -1
    similarity = float(semantic[best, column]) if answer.spans else 0.0
    return MisconceptionEvidence(
        id=index.items[column].id,
        weight=index.items[column].weight,
        span=answer.spans[best] if answer.spans else "",  # the closest span, matched or not
        similarity=similarity,
        threshold=config.threshold_misconception,
        matched=similarity >= config.threshold_misconception,
    )


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
    misconception_best: NDArray[np.float64],
) -> KeyPointEvidence:
    item = index.items[column]
    best_span, best_similarity, best_lexical, best_score = "", 0.0, None, 0.0
    phrasing_terms = [t for t, owner in zip(index.terms, index.owners, strict=True) if owner == column]
    for row, span in enumerate(answer.spans):
        similarity = float(semantic[row, column])
        # A span closer to a matched misconception than to this key point is a wrong claim in the
        # key point's words: it earns the key point nothing.
        wrong = misconception_best[row]
        if wrong >= config.threshold_misconception and wrong > similarity:
            continue
        lexical = _best_overlap(phrasing_terms, answer.terms[row])
        score = blend(similarity, lexical, config) * (TERM_LIST_DISCOUNT if answer.term_lists[row] else 1.0)
        if score > best_score or not best_span:
            best_span, best_similarity, best_lexical, best_score = span, similarity, lexical, score
    credit = ramp(best_score, config)
    return KeyPointEvidence(
        id=item.id,
        weight=item.weight,
        span=best_span,
        similarity=best_similarity,
        lexical=best_lexical,
        score=round(best_score, DECIMALS),
        threshold_full=config.threshold_full,
        threshold_partial=config.threshold_partial,
        decision=decision(credit),
        credit=credit,
    )


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
