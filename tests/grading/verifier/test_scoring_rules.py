"""The verifier's rules in real grading (the shipped models): a contradicted key point earns
nothing and says why, a misconception counts only when a span says it, a negated misconception
costs nothing, and every grade names the verifier that judged it."""

import pytest

from app.bank.schema import Question
from app.grading.freetext import FreeTextGrader, TextGrade

PCA = Question.model_validate(
    {
        "id": "test-pca",
        "kind": "text",
        "title": {"en": "PCA", "ja": "PCA"},
        "prompt": {
            "en": "What must you do to the features before PCA, and why?",
            "ja": "PCAの前に特徴量に何をすべきですか。",
        },
        "topics": ["data-preparation"],
        "difficulty": 2,
        "minutes": 4,
        "profiles": ["data-scientist"],
        "model_answer": {"en": "Standardise the features first: PCA follows variance."},
        "key_points": [
            {
                "id": "standardise-first",
                "weight": 2,
                "text": {
                    "en": "Features should be standardised before PCA.",
                    "ja": "PCAの前に特徴量を標準化する必要がある。",
                },
            },
            {
                "id": "variance-driven",
                "text": {
                    "en": "PCA picks directions of largest variance, so large-scale features dominate.",
                    "ja": "PCAは分散の大きい方向を選ぶので、スケールの大きい特徴量が支配する。",
                },
            },
        ],
        "misconceptions": [
            {
                "id": "pca-scale-invariant",
                "text": {
                    "en": "PCA is not affected by the scale of the features.",
                    "ja": "PCAは特徴量のスケールの影響を受けない。",
                },
            }
        ],
    }
)


def grade(grader: FreeTextGrader, answer: str, language: str = "en") -> TextGrade:
    return grader.grade(answer=answer, question=PCA, rubric_version="v1", language=language)  # type: ignore[arg-type]


def point(result: TextGrade, point_id: str):  # type: ignore[no-untyped-def]
    return next(p for p in result.key_points if p.id == point_id)


@pytest.mark.parametrize(
    ("language", "wrong"),
    [
        ("en", "You do not need to standardise the features before PCA."),
        ("ja", "PCAの前に特徴量を標準化する必要はありません。"),
    ],
)
def test_a_contradicted_key_point_earns_nothing_and_says_why(
    verified_grader: FreeTextGrader, language: str, wrong: str
) -> None:
    result = grade(verified_grader, wrong, language)
    standardise = point(result, "standardise-first")
    assert standardise.verdict == "contradicts"
    assert standardise.credit == 0.0 and standardise.span == wrong
    assert any("negation" in reason for reason in standardise.verdict_reasons)
    assert result.credit < 0.2


def test_the_correct_claim_earns_the_point(verified_grader: FreeTextGrader) -> None:
    result = grade(verified_grader, "Always standardise the features before you run PCA.")
    standardise = point(result, "standardise-first")
    assert standardise.verdict == "entails" and standardise.credit > 0.5


def test_a_negated_misconception_costs_nothing(verified_grader: FreeTextGrader) -> None:
    answer = (
        "Some people think PCA is not affected by the scale of the features, but that is wrong. "
        "Standardise the features before PCA, since it follows the directions of largest variance."
    )
    result = grade(verified_grader, answer)
    (misconception,) = result.misconceptions
    assert not misconception.matched
    assert misconception.verdict != "entails"
    assert result.credit > 0.5


def test_a_stated_misconception_costs_its_weight(verified_grader: FreeTextGrader) -> None:
    result = grade(verified_grader, "PCA is not affected by the scale of the features at all.")
    (misconception,) = result.misconceptions
    assert misconception.matched and misconception.verdict == "entails"
    assert result.credit == 0.0


def test_every_grade_names_its_verifier(verified_grader: FreeTextGrader) -> None:
    assert verified_grader.verifier is not None
    result = grade(verified_grader, "Standardise first.")
    version = verified_grader.verifier.version
    assert result.verifier == f"{version.name}@{version.digest}" and len(version.digest) == 12
    again = grade(verified_grader, "Standardise first.")
    assert again == result  # the same answer, rubric and verifier give the same grade
