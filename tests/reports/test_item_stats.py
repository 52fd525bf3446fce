"""Item statistics against values computed by hand on a four-candidate fixture (every item worth 1 point)."""

import math

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.reports.item_stats import ItemResponse, item_statistics, pearson
from app.results.loading import assessment_result
from tests.reports.conftest import GradedFactory

# Credits per candidate; rest fractions for A are 0.75, 0.25, 0.75, 0.5 (mean of the other two items).
CREDITS = [
    {"A": 1.0, "B": 0.5, "C": 1.0},
    {"A": 0.5, "B": 0.5, "C": 0.0},
    {"A": 0.0, "B": 1.0, "C": 0.5},
    {"A": 1.0, "B": 0.0, "C": 1.0},
]
KEY_POINT_A = [1.0, 0.5, 0.0, 0.4]  # hits (credit >= 0.5): 1, 1, 0, 0


def _candidates() -> list[dict[str, ItemResponse]]:
    return [
        {
            q: ItemResponse(credit, 1.0, {"k1": KEY_POINT_A[i]} if q == "A" else {})
            for q, credit in row.items()
        }
        for i, row in enumerate(CREDITS)
    ]


def test_difficulty_discrimination_hit_rates_and_flags_match_hand_computation() -> None:
    stats = {
        s.question_id: s
        for s in item_statistics(candidates=_candidates(), exposure={"A": 9}, min_responses=3)
    }
    a, b, c = stats["A"], stats["B"], stats["C"]
    # A: x = (1, .5, 0, 1), rest = (.75, .25, .75, .5): Sxy = -1/32, Sxx = 11/16, Syy = 11/64 -> r = -1/11
    assert a.difficulty == pytest.approx(0.625)
    assert a.discrimination == pytest.approx(-1 / 11)
    assert a.flag == "negative"
    assert a.key_point_hit_rates == {"k1": 0.5}
    assert (a.exposure, a.responses) == (9, 4)
    # B: x = (.5, .5, 1, 0), rest = (1, .25, .25, 1): Sxy = -3/8, Sxx = 1/2, Syy = 9/16 -> r = -1/sqrt(2)
    assert b.difficulty == pytest.approx(0.5)
    assert b.discrimination == pytest.approx(-1 / math.sqrt(2))
    # C: x = (1, 0, .5, 1), rest = (.75, .5, .5, .5): Sxy = 3/32, Sxx = 11/16, Syy = 3/64 -> r = 3/sqrt(33)
    assert c.discrimination == pytest.approx(3 / math.sqrt(33))
    assert c.flag is None and c.exposure == 0


def test_too_few_responses_or_no_variance_are_not_flagged() -> None:
    stats = item_statistics(candidates=_candidates(), exposure={})  # default minimum is 5 responses
    assert all(s.flag is None for s in stats)
    assert pearson([1.0, 1.0, 1.0], [0.1, 0.5, 0.9]) is None


def test_rest_fraction_uses_each_candidates_own_set() -> None:
    # Candidate 2 did not get item C: their rest for A is B alone (worth 2 points).
    candidates = [
        {"A": ItemResponse(1, 1), "B": ItemResponse(2, 2), "C": ItemResponse(0, 1)},
        {"A": ItemResponse(0, 1), "B": ItemResponse(0, 2)},
        {"A": ItemResponse(1, 1), "B": ItemResponse(1, 2), "C": ItemResponse(1, 1)},
    ]
    stat = next(s for s in item_statistics(candidates=candidates, exposure={}) if s.question_id == "A")
    assert stat.discrimination == pytest.approx(pearson([1, 0, 1], [2 / 3, 0.0, 2 / 3]))
    assert stat.discrimination == pytest.approx(1.0)


def test_items_page_shows_statistics_of_graded_answers(
    client: TestClient, signed_in: str, session: Session, graded: GradedFactory
) -> None:
    made = [graded("Strong One"), graded("Weak One", strong=False)]
    asked = {
        q.item.question.id for a in made for q in assessment_result(session=session, assessment=a).questions
    }
    page = client.get("/reports/items")
    assert page.status_code == 200
    for question_id in asked:
        assert f"<small>{question_id}</small>" in page.text
