"""Calibration from overrides (pure functions) and machine-human agreement metrics."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.grading.freetext import Calibration, agreement, fit_calibration

unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


def noisy_curve(seed: int, n: int = 300) -> tuple[list[float], list[float]]:
    """Humans give about sqrt(raw) credit, with noise: the grader is too harsh on good answers."""
    rng = np.random.default_rng(seed)
    raw = rng.uniform(0, 1, n)
    human = np.clip(np.sqrt(raw) + rng.normal(0, 0.05, n), 0, 1)
    return list(raw), list(human)


def test_global_mapping_learns_a_monotone_curve() -> None:
    raw, human = noisy_curve(0)
    calibration = fit_calibration(raw=raw, human=human)
    for x in (0.04, 0.25, 0.5, 0.81):
        assert calibration.apply(x) == pytest.approx(np.sqrt(x), abs=0.07)
    assert calibration.knots_x == sorted(calibration.knots_x)
    assert calibration.knots_y == sorted(calibration.knots_y)
    assert calibration.labels == 0


@given(st.lists(st.tuples(unit, unit), min_size=1, max_size=60), unit, unit)
@settings(max_examples=60, deadline=None)
def test_calibration_is_monotone_and_bounded(pairs: list[tuple[float, float]], a: float, b: float) -> None:
    raw, human = [p[0] for p in pairs], [p[1] for p in pairs]
    base = fit_calibration(raw=raw, human=human)
    question = fit_calibration(raw=raw, human=human, base=base)
    for calibration in (base, question):
        low, high = sorted((a, b))
        assert 0.0 <= calibration.apply(low) <= calibration.apply(high) <= 1.0


def test_per_question_adjustment_moves_towards_its_labels_but_is_shrunk() -> None:
    raw, human = noisy_curve(1)
    base = fit_calibration(raw=raw, human=human)
    # This question's grader is harsher than everyone else's by 0.3 credit.
    question_raw = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    question_human = [max(0.0, base.apply(r) - 0.3) for r in question_raw]
    adjusted = fit_calibration(raw=question_raw, human=question_human, base=base)
    assert adjusted.labels == 10
    assert adjusted.knots_x == base.knots_x  # the global curve is kept
    shift = base.apply(0.6) - adjusted.apply(0.6)
    assert 0.1 < shift < 0.3  # moved most of the way, not all of it: ten labels are noisy


def test_too_few_labels_keep_the_global_mapping() -> None:
    raw, human = noisy_curve(2)
    base = fit_calibration(raw=raw, human=human)
    assert fit_calibration(raw=[0.5, 0.6], human=[0.0, 0.0], base=base) == base


def test_calibration_round_trips_through_json() -> None:
    raw, human = noisy_curve(3)
    base = fit_calibration(raw=raw, human=human)
    adjusted = fit_calibration(raw=raw[:10], human=[h * 0.8 for h in human[:10]], base=base)
    stored = json.dumps(adjusted.model_dump())
    restored = Calibration.model_validate(json.loads(stored))
    assert restored == adjusted
    assert restored.apply(0.37) == adjusted.apply(0.37)


def test_fit_rejects_mismatched_lengths() -> None:
    with pytest.raises(ValueError):
        fit_calibration(raw=[0.1, 0.2], human=[0.1])


def test_agreement_on_perfect_and_reversed_grades() -> None:
    human = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    perfect = agreement(machine=human, human=human)
    assert perfect == {"pearson": pytest.approx(1.0), "qwk": pytest.approx(1.0), "mae": 0.0, "n": 6}
    reversed_ = agreement(machine=human[::-1], human=human)
    assert reversed_["pearson"] == pytest.approx(-1.0)
    assert reversed_["qwk"] is not None and reversed_["qwk"] < 0
    assert reversed_["mae"] == pytest.approx(np.mean(np.abs(np.array(human[::-1]) - np.array(human))))


def test_agreement_matches_a_hand_computed_case() -> None:
    machine, human = [0.1, 0.5, 0.9, 0.7], [0.0, 0.5, 1.0, 0.5]
    result = agreement(machine=machine, human=human)
    m, h = np.array(machine), np.array(human)
    expected_r = float(np.corrcoef(m, h)[0, 1])
    assert result["pearson"] == pytest.approx(expected_r)
    assert result["mae"] == pytest.approx(0.1)
    assert result["n"] == 4


def test_agreement_edge_cases() -> None:
    assert agreement(machine=[], human=[]) == {"pearson": None, "qwk": None, "mae": None, "n": 0}
    constant = agreement(machine=[0.5, 0.5, 0.5], human=[0.1, 0.5, 0.9])
    assert constant["pearson"] is None
    assert constant["mae"] == pytest.approx(0.8 / 3)
    with pytest.raises(ValueError):
        agreement(machine=[0.1], human=[0.1, 0.2])
