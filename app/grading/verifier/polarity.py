"""The explainable half of the verifier: does an answer's span say a key point, or its opposite?

Both texts are reduced to an `Analysis` by a language's analyser (english.py, japanese.py):
content units, the negations with the content of their clause, and the members of paired opposites
(increase/decrease, training/inference, ...) in the order they appear. Comparing the two:
- negations whose clause speaks of the shared content, odd in one text and even in the
  other, are a flip ("negation"),
- one member of a pair in the key point and the other in the span is a flip ("direction"),
- both members in both texts, in swapped order, is a flip ("roles swapped").
An odd number of flips contradicts the key point, an even number agrees; a span that shares
too little with the key point gets no verdict (similarity already said it is off the point).
"""

from dataclasses import dataclass
from enum import StrEnum

# A verdict needs two texts that share at least two content units and 40 % of the shorter
# one's: the check is for claims made in the key point's own words (its target); a paraphrase
# in other words gets no verdict here and is left to the learned verifier.
MIN_SHARED = 0.4
MIN_SHARED_UNITS = 2


class Polarity(StrEnum):
    agrees = "agrees"
    contradicts = "contradicts"
    unknown = "unknown"


@dataclass(frozen=True)
class Negation:
    word: str  # the negator as written ("not", "no longer", "ない", ...)
    clause: frozenset[str]  # the content units of the clause it stands in


@dataclass(frozen=True)
class Analysis:
    content: frozenset[str]  # normalised content units (stems, lemmas, compounds)
    negations: tuple[Negation, ...] = ()
    poles: tuple[tuple[str, int], ...] = ()  # (pair name, side 0/1) in order of appearance


@dataclass(frozen=True)
class PolarityResult:
    verdict: Polarity
    reasons: tuple[str, ...] = ()  # e.g. "negation: the answer negates 'standardise'"
    shared: float = 0.0  # share of the shorter text's content units the other repeats


def compare(span: Analysis, key_point: Analysis) -> PolarityResult:
    if not key_point.content:
        return PolarityResult(Polarity.unknown)
    shared_units = span.content & key_point.content
    shorter = min(len(span.content), len(key_point.content)) or 1
    shared = len(shared_units) / shorter
    if shared < MIN_SHARED or len(shared_units) < MIN_SHARED_UNITS:
        return PolarityResult(Polarity.unknown, shared=round(shared, 3))
    reasons = [*_negation_flips(span, key_point, shared_units), *_pole_flips(span, key_point)]
    verdict = Polarity.contradicts if len(reasons) % 2 else Polarity.agrees
    return PolarityResult(verdict, tuple(reasons), round(shared, 3))


def _negation_flips(span: Analysis, key_point: Analysis, shared: frozenset[str]) -> list[str]:
    """Negations count where their clause speaks of the shared content; their parity must match."""
    in_span = [n for n in span.negations if n.clause & shared]
    in_point = [n for n in key_point.negations if n.clause & shared]
    if len(in_span) % 2 == len(in_point) % 2:
        return []
    answer = ", ".join(dict.fromkeys(n.word for n in in_span)) or "none"
    point = ", ".join(dict.fromkeys(n.word for n in in_point)) or "none"
    return [f"negation: the answer's negations ({answer}) do not match the key point's ({point})"]


def _sides(poles: tuple[tuple[str, int], ...]) -> dict[str, list[int]]:
    sides: dict[str, list[int]] = {}
    for name, side in poles:
        sides.setdefault(name, []).append(side)
    return sides


def _pole_flips(span: Analysis, key_point: Analysis) -> list[str]:
    flips = []
    span_sides, point_sides = _sides(span.poles), _sides(key_point.poles)
    for name, point in point_sides.items():
        answer = span_sides.get(name)
        if not answer:
            continue
        if set(point) == {0, 1} and set(answer) == {0, 1}:
            if _first_order(point) != _first_order(answer):
                flips.append(f"roles swapped: {name.replace('/', ' and ')}")
        elif len(set(point)) == 1 and len(set(answer)) == 1 and point[0] != answer[0]:
            opposite = name.split("/")
            flips.append(
                f"direction: '{opposite[answer[0]]}' where the key point says '{opposite[point[0]]}'"
            )
    return flips


def _first_order(sides: list[int]) -> int:
    return sides[0]
