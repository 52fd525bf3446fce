"""When a human should look: scores on a knife edge, channels that disagree, graded across languages."""

from app.grading.freetext.models import KeyPointEvidence, MisconceptionEvidence
from app.grading.freetext.scoring import ScoringConfig

# The lexical channel's own idea of "clearly there" and "clearly absent", to spot disagreement.
LEXICAL_PRESENT = 0.5
LEXICAL_ABSENT = 0.1


def review_reasons(
    *,
    key_points: list[KeyPointEvidence],
    misconceptions: list[MisconceptionEvidence],
    config: ScoringConfig,
    cross_lingual: list[str],
    language_note: str | None,
) -> list[str]:
    """Why a human should check this grade (empty: no need).

    The threshold that matters is the partial one, where a key point goes from "not said" to "said
    somehow": that is where the grader misses paraphrases. On Mohler assignments 1-6, answers flagged
    this way had a calibrated error of 0.83 points against 0.58 for the rest (7-12: 0.93 vs 0.48).
    Scores near the full-credit threshold were tried and dropped: credit ramps up to it, so little
    changes there, and those answers had half the error of the rest.
    """
    reasons = []
    for point in key_points:
        if abs(point.score - point.threshold_partial) < config.review_margin:
            reasons.append(
                f"key point {point.id}: score {point.score:.2f} is within {config.review_margin:.2f} "
                f"of the threshold {point.threshold_partial:.2f} below which it earns nothing: "
                "said in words the rubric does not anticipate?"
            )
        if point.lexical is not None:
            semantic_present = point.similarity >= point.threshold_full
            semantic_absent = point.similarity < point.threshold_partial
            if (semantic_present and point.lexical < LEXICAL_ABSENT) or (
                semantic_absent and point.lexical >= LEXICAL_PRESENT
            ):
                reasons.append(
                    f"key point {point.id}: channels disagree (semantic {point.similarity:.2f}, "
                    f"lexical {point.lexical:.2f})"
                )
    for misconception in misconceptions:
        if abs(misconception.similarity - misconception.threshold) < config.review_margin:
            reasons.append(
                f"misconception {misconception.id}: similarity {misconception.similarity:.2f} is near "
                f"its threshold {misconception.threshold:.2f}"
            )
    if cross_lingual:
        reasons.append(
            "graded across languages (no Japanese text for " + ", ".join(cross_lingual) + "): check the match"
        )
    if language_note:
        reasons.append(language_note)
    return reasons
