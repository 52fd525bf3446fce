"""The verifier's training pairs: the team's labelled set, the bank's own rubric text, and rule-based
perturbations (negate, flip a direction, swap roles). Held-out evaluation data never comes here:
the adversarial set (benchmarks/data/adversarial) and Mohler are read by benchmarks only.
"""

import hashlib
import json
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from app.bank.schema import LOCALES, KeyPoint, Misconception, Question

DEV_SHARE = 0.15  # of hypotheses (never split across train and dev), for reporting while training


class Label(StrEnum):
    entails = "entails"
    contradicts = "contradicts"
    neither = "neither"


LABELS = list(Label)


@dataclass(frozen=True)
class Pair:
    premise: str  # what the candidate wrote (a span)
    hypothesis: str  # the key point or misconception
    label: Label
    language: str  # "en" or "ja"
    source: str  # "team", "bank", "perturbation" or "anchor"


def team_pairs(directory: Path) -> list[Pair]:
    pairs = []
    for path in sorted(directory.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                pairs.append(
                    Pair(row["premise"], row["hypothesis"], Label(row["label"]), row["lang"], "team")
                )
            except (ValueError, KeyError) as error:
                raise ValueError(f"{path.name}:{number}: {error}") from error
    return pairs


def bank_pairs(questions: Iterable[Question]) -> list[Pair]:
    """Alternatives entail their key point (and misconception); another key point of the same
    question is on topic but says something else. (A misconception is never paired with a key
    point as "neither": it often contradicts one.)"""
    pairs = []
    for question in questions:
        items: list[KeyPoint | Misconception] = [*question.key_points, *question.misconceptions]
        for language in LOCALES:
            texts = [(item.text.get(language) if language == "ja" else item.text.en) for item in items]
            for item, text in zip(items, texts, strict=True):
                if not text or (language == "ja" and item.text.ja is None):
                    continue
                for alternative in getattr(item.alternatives, language):
                    pairs.append(Pair(alternative, text, Label.entails, language, "bank"))
                others = [
                    t
                    for other, t in zip(items, texts, strict=True)
                    if other is not item and t and isinstance(other, KeyPoint) and isinstance(item, KeyPoint)
                ]
                pairs += [Pair(other, text, Label.neither, language, "bank") for other in others[:2]]
    return pairs


_EN_AUXILIARY = re.compile(r"\b(is|are|was|were|can|could|should|must|will|would|does|do|has|have)\b")
_JA_ENDINGS: tuple[tuple[str, str], ...] = (
    ("必要がある", "必要はない"),
    ("します", "しません"),
    ("する", "しない"),
    ("です", "ではない"),
)
_JA_ENDINGS += (("ます", "ません"), ("られる", "られない"), ("になる", "にならない"), ("できる", "できない"))


def negate(text: str, language: str) -> str | None:
    """The same sentence with its main claim negated, or None when no rule applies."""
    if language == "ja":
        body = text.rstrip("。")
        for ending, negated in _JA_ENDINGS:
            if body.endswith(ending):
                return body[: -len(ending)] + negated + "。"
        return None
    match = _EN_AUXILIARY.search(text)
    if match is None or re.search(r"\bnot\b|n't\b|\bnever\b", text):
        return None
    return text[: match.end()] + " not" + text[match.end() :]


_FLIPS = [
    ("increase", "decrease"),
    ("increases", "decreases"),
    ("increased", "decreased"),
    ("increasing", "decreasing"),
    ("reduces", "increases"),
    ("reduce", "increase"),
    ("higher", "lower"),
    ("high", "low"),
    ("larger", "smaller"),
    ("large", "small"),
    ("more", "less"),
    ("faster", "slower"),
    ("before", "after"),
    ("earlier", "later"),
    ("always", "never"),
    ("overfitting", "underfitting"),
    ("bias", "variance"),
    ("precision", "recall"),
    ("positive", "negative"),
    ("maximise", "minimise"),
    ("maximize", "minimize"),
    ("encoder", "decoder"),
    ("input", "output"),
    ("training", "test"),
    ("improves", "hurts"),
]
_FLIP = {a: b for a, b in _FLIPS} | {b: a for a, b in _FLIPS}
_FLIP_WORD = re.compile(r"\b(" + "|".join(sorted(_FLIP, key=len, reverse=True)) + r")\b", re.IGNORECASE)


def flip(text: str) -> str | None:
    """The first English paired term replaced by its opposite (increase -> decrease, ...)."""
    match = _FLIP_WORD.search(text)
    if match is None:
        return None
    opposite = _FLIP[match.group(1).lower()]
    if match.group(1)[0].isupper():
        opposite = opposite.capitalize()
    return text[: match.start()] + opposite + text[match.end() :]


def perturbations(pairs: Iterable[Pair], *, seed: int) -> list[Pair]:
    """Contradictions made from entailed pairs: the key point's own words, negated or flipped."""
    rng = random.Random(seed)  # noqa: S311 - sampling training data, not secrets
    made: dict[tuple[str, str], Pair] = {}
    for pair in pairs:
        if pair.label is not Label.entails:
            continue
        for changed in (
            negate(pair.hypothesis, pair.language),
            flip(pair.hypothesis) if pair.language == "en" else None,
        ):
            if changed and changed != pair.hypothesis and rng.random() < 0.5:
                made[changed, pair.hypothesis] = Pair(
                    changed, pair.hypothesis, Label.contradicts, pair.language, "perturbation"
                )
    return list(made.values())


_FILLERS = {"en": ("Basically, ", "I think "), "ja": ("基本的に、", "つまり、")}


def anchors(pairs: Iterable[Pair], *, seed: int) -> list[Pair]:
    """Pairs that keep the model off two shortcuts of written data: a span that repeats the point
    (word for word, or with a filler) entails it, so high overlap alone never means
    "contradicts"; and a span from another point's pairs says nothing of it, so low overlap alone
    never means "entails"."""
    rng = random.Random(seed)  # noqa: S311 - sampling training data, not secrets
    by_language: dict[str, list[Pair]] = {}
    for pair in pairs:
        by_language.setdefault(pair.language, []).append(pair)
    made: dict[tuple[str, str], Pair] = {}
    for language, own in by_language.items():
        hypotheses = sorted({p.hypothesis for p in own})
        for hypothesis in hypotheses:
            filler = rng.choice(_FILLERS.get(language, ("",)))
            body = hypothesis[0].lower() + hypothesis[1:] if language == "en" else hypothesis
            for premise in (hypothesis, filler + body):
                made[premise, hypothesis] = Pair(premise, hypothesis, Label.entails, language, "anchor")
            other = rng.choice(own)
            if other.hypothesis != hypothesis and len(hypotheses) > 1:
                made[other.premise, hypothesis] = Pair(
                    other.premise, hypothesis, Label.neither, language, "anchor"
                )
    return list(made.values())


def is_dev(pair: Pair) -> bool:
    digest = hashlib.sha256(pair.hypothesis.encode()).digest()
    return digest[0] / 256 < DEV_SHARE


def split(pairs: list[Pair]) -> tuple[list[Pair], list[Pair]]:
    return [p for p in pairs if not is_dev(p)], [p for p in pairs if is_dev(p)]
