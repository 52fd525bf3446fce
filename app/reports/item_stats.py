"""Item statistics for the bank's maintainers: difficulty, discrimination, key-point hit rates, exposure.

Candidates answer different question sets, so an item's "total" is the candidate's score on the rest of
their set as a fraction of its maximum (the corrected, item-excluded total), not a raw point sum.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from app.results.loading import CandidateResult

LOW_DISCRIMINATION = 0.2  # the usual rule of thumb: below this an item barely separates strong from weak
MIN_RESPONSES = 5  # fewer graded answers than this and a correlation says nothing: never flagged
KEY_POINT_HIT = 0.5  # a key point counts as hit when its final credit reaches this


@dataclass(frozen=True)
class ItemResponse:
    points: float
    max_points: float
    key_point_credit: Mapping[str, float] = field(default_factory=dict)  # final (overridden) credit, 0-1

    @property
    def credit(self) -> float:
        return self.points / self.max_points if self.max_points else 0.0


@dataclass(frozen=True)
class ItemStat:
    question_id: str
    responses: int
    difficulty: float | None  # mean credit, 0-1: higher is easier
    discrimination: float | None  # Pearson r of credit against the rest-of-set fraction
    key_point_hit_rates: dict[str, float]
    exposure: int  # times the question was put in any assessment
    flag: str | None  # "negative" or "low" discrimination; None when fine or too few responses


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    return sxy / math.sqrt(sxx * syy)


def _flag(discrimination: float | None, responses: int, min_responses: int) -> str | None:
    if discrimination is None or responses < min_responses:
        return None
    if discrimination < 0:
        return "negative"
    return "low" if discrimination < LOW_DISCRIMINATION else None


def item_statistics(
    *,
    candidates: Sequence[Mapping[str, ItemResponse]],
    exposure: Mapping[str, int],
    min_responses: int = MIN_RESPONSES,
) -> list[ItemStat]:
    """`candidates`: per candidate, their graded questions by id. Sorted by question id."""
    question_ids = sorted({q for answers in candidates for q in answers})
    stats = []
    for question_id in question_ids:
        credits, rests = [], []
        hits: dict[str, list[float]] = {}
        for answers in candidates:
            response = answers.get(question_id)
            if response is None:
                continue
            credits.append(response.credit)
            rest_max = sum(r.max_points for q, r in answers.items() if q != question_id)
            rest_points = sum(r.points for q, r in answers.items() if q != question_id)
            rests.append(rest_points / rest_max if rest_max else math.nan)
            for kp, credit in response.key_point_credit.items():
                hits.setdefault(kp, []).append(1.0 if credit >= KEY_POINT_HIT else 0.0)
        paired = [(c, r) for c, r in zip(credits, rests, strict=True) if not math.isnan(r)]
        discrimination = pearson([c for c, _ in paired], [r for _, r in paired])
        stats.append(
            ItemStat(
                question_id=question_id,
                responses=len(credits),
                difficulty=sum(credits) / len(credits) if credits else None,
                discrimination=discrimination,
                key_point_hit_rates={kp: sum(v) / len(v) for kp, v in sorted(hits.items())},
                exposure=exposure.get(question_id, 0),
                flag=_flag(discrimination, len(paired), min_responses),
            )
        )
    return stats


def graded_responses(rows: Iterable[CandidateResult]) -> list[dict[str, ItemResponse]]:
    """Final scores (overrides applied) of every graded question, per candidate."""
    candidates = []
    for row in rows:
        answers = {}
        for q in row.result.questions:
            points = q.points
            if points is None:
                continue
            overrides = q.key_point_overrides
            credit = {
                kp: overrides[kp].after if kp in overrides else machine
                for kp, machine in q.machine_key_point_credit.items()
            }
            answers[q.item.question.id] = ItemResponse(points, q.max_points, credit)
        candidates.append(answers)
    return candidates
