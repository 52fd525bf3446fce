"""Pick an interview's questions for a profile: a pure function of the bank, the seed and the history.

Rules, in priority order:
1. Eligible: the question lists the profile, its difficulty is inside the profile's band and this
   candidate has not seen it (`exclude`). The set must fit the profile's time budget. When the bank
   cannot satisfy the profile, `Invalid` (a translatable message) is raised rather than returning a
   short set: a set with missing questions would grade the candidate by a different standard.
2. Coverage: each slot goes to the weighted topic furthest below its share of the set
   (weight / total weight x set size). Code slots are filled first because code questions are
   scarcer; a question tagged with several profile topics counts as a fraction of each.
3. Exposure: among topics equally short of their share, the one whose least-shown question was
   shown least; among the questions for the chosen topic, the one shown to the fewest candidates.
4. The seed breaks the remaining ties.
Every pick carries a structured reason (for localised display) and a short English sentence.
"""

import random
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, Literal

from app.bank.loader import Bank, LoadedQuestion
from app.bank.schema import Profile
from app.errors import N_, Invalid, NotFound

Kind = Literal["text", "code"]
KINDS: tuple[Kind, ...] = ("code", "text")  # fill order: the scarcer kind first
NO_EXPOSURE: Mapping[str, int] = MappingProxyType({})


@dataclass(frozen=True)
class SelectionReason:
    """Why a question is in the set; the fields let a UI phrase it in any language."""

    rule: Literal["coverage", "filler", "swap"]  # filler: no eligible question touched a profile topic
    topic: str | None  # the profile topic it was picked to cover
    topic_weight: float
    topic_share: float  # questions the topic's weight asks for in this set
    topic_covered: float  # questions already covering it before this pick (fractions for shared ones)
    kind: Kind
    difficulty: int
    band: tuple[int, int]
    minutes: int
    exposure: int  # candidates who were shown it before this set
    alternatives: int  # other eligible questions that could have taken the slot
    text: str  # short English explanation


@dataclass(frozen=True)
class SelectedQuestion:
    question_id: str
    version: str
    reason: SelectionReason


@dataclass(frozen=True)
class Selection:
    profile_id: str
    items: tuple[SelectedQuestion, ...]  # text questions first, then code
    total_minutes: int
    topic_counts: dict[str, int]  # profile topic -> selected questions tagged with it

    @property
    def question_ids(self) -> list[str]:
        return [item.question_id for item in self.items]


def get_profile(bank: Bank, profile_id: str) -> Profile:
    try:
        return bank.profiles[profile_id]
    except KeyError:
        raise NotFound(N_("Unknown interview profile %(profile)r."), profile=profile_id) from None


def eligible_questions(
    *, bank: Bank, profile: Profile, exclude: Collection[str] = ()
) -> list[LoadedQuestion]:
    low, high = profile.difficulty
    return [
        loaded
        for question_id, loaded in sorted(bank.questions.items())
        if question_id not in exclude
        and profile.id in loaded.question.profiles
        and low <= loaded.question.difficulty <= high
    ]


def profile_topics(loaded: LoadedQuestion, profile: Profile) -> list[str]:
    return [topic for topic in loaded.question.topics if topic in profile.topic_weights]


def slots(profile: Profile) -> dict[Kind, int]:
    return {"code": profile.code_questions, "text": profile.text_questions}


def cheapest_minutes(pool: Sequence[LoadedQuestion], needed: Mapping[Kind, int]) -> int | None:
    """Minutes of the shortest way to fill `needed` from `pool`; None when there are too few questions."""
    total = 0
    for kind, count in needed.items():
        minutes = sorted(q.question.minutes for q in pool if q.question.kind == kind)
        if len(minutes) < count:
            return None
        total += sum(minutes[:count])
    return total


@dataclass(frozen=True)
class Shortfall:
    """Why a pool of questions cannot fill a profile, as a gettext msgid and its parameters."""

    template: str
    params: dict[str, Any]

    def __str__(self) -> str:
        return self.template % self.params


def shortfall(*, profile: Profile, pool: Sequence[LoadedQuestion], seen: int = 0) -> Shortfall | None:
    """Why `pool` cannot fill the profile, or None when it can; `seen` counts questions excluded as seen."""
    low, high = profile.difficulty
    for kind, count in slots(profile).items():
        available = sum(1 for q in pool if q.question.kind == kind)
        if available < count:
            template = (
                N_(
                    "Profile %(profile)r needs %(count)s %(kind)s questions at difficulty %(low)s-%(high)s; "
                    "only %(available)s are available (%(seen)s excluded as already seen by the candidate)."
                )
                if seen
                else N_(
                    "Profile %(profile)r needs %(count)s %(kind)s questions at difficulty %(low)s-%(high)s; "
                    "only %(available)s are available."
                )
            )
            params = {"profile": profile.id, "count": count, "kind": kind, "low": low, "high": high}
            return Shortfall(template, params | {"available": available, "seen": seen})
    cheapest = cheapest_minutes(pool, slots(profile))
    if cheapest is not None and cheapest > profile.minutes:
        template = N_(
            "Profile %(profile)r cannot fit its %(budget)s-minute budget: "
            "the shortest possible set takes %(minutes)s minutes."
        )
        return Shortfall(template, {"profile": profile.id, "budget": profile.minutes, "minutes": cheapest})
    return None


def topic_counts(selected: Iterable[LoadedQuestion], profile: Profile) -> dict[str, int]:
    counts = dict.fromkeys(profile.topic_weights, 0)
    for loaded in selected:
        for topic in profile_topics(loaded, profile):
            counts[topic] += 1
    return counts


def topic_shares(profile: Profile) -> dict[str, float]:
    """How many questions of the set each topic's weight asks for."""
    total_weight = sum(profile.topic_weights.values())
    set_size = profile.text_questions + profile.code_questions
    return {t: w / total_weight * set_size for t, w in profile.topic_weights.items()}


def topic_coverage(selected: Iterable[LoadedQuestion], profile: Profile) -> dict[str, float]:
    """Questions covering each topic; a question on several profile topics counts a fraction for each."""
    coverage = dict.fromkeys(profile.topic_weights, 0.0)
    for loaded in selected:
        topics = profile_topics(loaded, profile)
        for topic in topics:
            coverage[topic] += 1 / len(topics)
    return coverage


def describe(reason: SelectionReason, *, detail: str) -> str:
    low, high = reason.band
    shown = f"shown to {reason.exposure} candidate(s) before" if reason.exposure else "never shown before"
    return f"{detail}; difficulty {reason.difficulty} within {low}-{high}; {reason.minutes} min; {shown}."


def select_questions(
    *,
    bank: Bank,
    profile_id: str,
    seed: int,
    exposure: Mapping[str, int] = NO_EXPOSURE,
    exclude: Collection[str] = (),
) -> Selection:
    """Choose the set for one candidate; `exclude` holds the questions this candidate has already seen."""
    profile = get_profile(bank, profile_id)
    pool = eligible_questions(bank=bank, profile=profile, exclude=exclude)
    problem = shortfall(profile=profile, pool=pool, seen=len(exclude))
    if problem is not None:
        raise Invalid(problem.template, **problem.params)

    rng = random.Random(seed)  # noqa: S311 - a reproducible shuffle, not a secret
    question_rank = {q.question.id: rng.random() for q in pool}
    topic_rank = {t: rng.random() for t in sorted(profile.topic_weights)}
    share = topic_shares(profile)

    remaining = slots(profile)
    chosen: list[LoadedQuestion] = []
    picked: dict[Kind, list[SelectedQuestion]] = {"code": [], "text": []}
    for kind in KINDS:
        while remaining[kind]:
            remaining[kind] -= 1
            unpicked = [q for q in pool if all(q is not c for c in chosen)]
            minutes_left = profile.minutes - sum(c.question.minutes for c in chosen)
            # Only questions after which the rest of the set still fits the budget; the cheapest
            # question of this kind always qualifies, so the loop never gets stuck.
            open_slot = [
                q for q in unpicked if q.question.kind == kind and _fits(q, unpicked, remaining, minutes_left)
            ]
            covered = topic_coverage(chosen, profile)
            least_shown: dict[str, int] = {}
            for q in open_slot:
                seen = exposure.get(q.question.id, 0)
                for t in profile_topics(q, profile):
                    least_shown[t] = min(least_shown.get(t, seen), seen)
            # Rounded so that equal shares reached through different fractions still tie.
            topic = min(
                least_shown,
                key=lambda t: (round(covered[t] - share[t], 9), least_shown[t], topic_rank[t]),
                default=None,
            )
            contenders = [q for q in open_slot if topic is None or topic in q.question.topics]
            pick = min(
                contenders, key=lambda q: (exposure.get(q.question.id, 0), question_rank[q.question.id])
            )
            reason = _reason(
                pick, profile, topic, share, covered, exposure=exposure, alternatives=len(contenders) - 1
            )
            picked[kind].append(SelectedQuestion(pick.question.id, pick.version, reason))
            chosen.append(pick)

    items = (*picked["text"], *picked["code"])
    return Selection(
        profile_id=profile.id,
        items=items,
        total_minutes=sum(c.question.minutes for c in chosen),
        topic_counts=topic_counts(chosen, profile),
    )


def _fits(
    candidate: LoadedQuestion, unpicked: list[LoadedQuestion], needed: Mapping[Kind, int], budget: int
) -> bool:
    rest = cheapest_minutes([q for q in unpicked if q is not candidate], needed)
    return rest is not None and candidate.question.minutes + rest <= budget


def _reason(
    loaded: LoadedQuestion,
    profile: Profile,
    topic: str | None,
    share: Mapping[str, float],
    covered: Mapping[str, float],
    *,
    exposure: Mapping[str, int],
    alternatives: int,
) -> SelectionReason:
    question = loaded.question
    reason = SelectionReason(
        rule="coverage" if topic else "filler",
        topic=topic,
        topic_weight=profile.topic_weights[topic] if topic else 0.0,
        topic_share=share[topic] if topic else 0.0,
        topic_covered=covered[topic] if topic else 0.0,
        kind=question.kind,
        difficulty=question.difficulty,
        band=profile.difficulty,
        minutes=question.minutes,
        exposure=exposure.get(question.id, 0),
        alternatives=alternatives,
        text="",
    )
    if topic:
        detail = (
            f"Covers {topic} (weight {reason.topic_weight:g}: {reason.topic_share:.1f} question(s) "
            f"of the set, {reason.topic_covered:.1f} so far), the least shown of {alternatives + 1} fitting "
            f"{question.kind} question(s) on it"
        )
    else:
        detail = f"Fills a {question.kind} slot: no fitting question left on the profile's topics"
    return replace(reason, text=describe(reason, detail=detail))
