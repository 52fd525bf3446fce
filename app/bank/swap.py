"""Let the interviewer swap one selected question for another that keeps the set's coverage.

A replacement keeps coverage when it is eligible for the profile (listed, in the difficulty band,
not seen by this candidate, not already in the set), has the same kind, shares a profile topic with
the question it replaces, leaves no profile topic of the set uncovered, and the set still fits the
time budget. Options are ordered by topic overlap, then by how rarely they have been shown.
"""

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from app.bank.loader import Bank, LoadedQuestion
from app.bank.schema import Profile
from app.bank.selection import (
    NO_EXPOSURE,
    SelectionReason,
    describe,
    eligible_questions,
    get_profile,
    profile_topics,
    topic_coverage,
    topic_shares,
)
from app.errors import N_, Invalid


@dataclass(frozen=True)
class SwapOption:
    question_id: str
    version: str
    reason: SelectionReason


def swap_options(
    *,
    bank: Bank,
    profile_id: str,
    current: Sequence[str],
    replace: str,
    exposure: Mapping[str, int] = NO_EXPOSURE,
    exclude: Collection[str] = (),
) -> list[SwapOption]:
    """Questions that can take `replace`'s place in `current`, best first."""
    profile = get_profile(bank, profile_id)
    if replace not in current:
        raise Invalid(N_("Question %(question)r is not in the current set."), question=replace)
    unknown = [question_id for question_id in current if question_id not in bank.questions]
    if unknown:
        raise Invalid(
            N_("The set names questions missing from the bank: %(questions)s."), questions=", ".join(unknown)
        )
    outgoing = bank.questions[replace]
    staying = [bank.questions[question_id] for question_id in current if question_id != replace]
    minutes_left = profile.minutes - sum(q.question.minutes for q in staying)
    needed_topics = _covered_topics([outgoing, *staying], profile)
    wanted = set(profile_topics(outgoing, profile))

    options: list[tuple[tuple[int, int, str], SwapOption]] = []
    for candidate in eligible_questions(bank=bank, profile=profile, exclude={*exclude, *current}):
        shared = [t for t in profile_topics(candidate, profile) if t in wanted]
        if (
            candidate.question.kind != outgoing.question.kind
            or (wanted and not shared)
            or candidate.question.minutes > minutes_left
            or not needed_topics <= _covered_topics([candidate, *staying], profile)
        ):
            continue
        seen = exposure.get(candidate.question.id, 0)
        reason = _reason(candidate, profile, shared, staying, exposure=seen)
        options.append(
            (
                (-len(shared), seen, candidate.question.id),
                SwapOption(candidate.question.id, candidate.version, reason),
            )
        )
    return [option for _, option in sorted(options, key=lambda pair: pair[0])]


def choose_swap(
    *,
    bank: Bank,
    profile_id: str,
    current: Sequence[str],
    replace: str,
    replacement: str,
    exposure: Mapping[str, int] = NO_EXPOSURE,
    exclude: Collection[str] = (),
) -> SwapOption:
    """The option that puts `replacement` in `replace`'s place; `Invalid` unless it is one."""
    options = swap_options(
        bank=bank, profile_id=profile_id, current=current, replace=replace, exposure=exposure, exclude=exclude
    )
    chosen = next((option for option in options if option.question_id == replacement), None)
    if chosen is None:
        raise Invalid(N_("That replacement would break the profile's coverage or repeat a question."))
    return chosen


def _covered_topics(questions: Sequence[LoadedQuestion], profile: Profile) -> set[str]:
    return {t for q in questions for t in profile_topics(q, profile)}


def _reason(
    candidate: LoadedQuestion,
    profile: Profile,
    shared: list[str],
    staying: list[LoadedQuestion],
    *,
    exposure: int,
) -> SelectionReason:
    question = candidate.question
    topic = max(shared, key=lambda t: profile.topic_weights[t], default=None)
    covered = topic_coverage(staying, profile)
    reason = SelectionReason(
        rule="swap",
        topic=topic,
        topic_weight=profile.topic_weights[topic] if topic else 0.0,
        topic_share=topic_shares(profile)[topic] if topic else 0.0,
        topic_covered=covered[topic] if topic else 0.0,
        kind=question.kind,
        difficulty=question.difficulty,
        band=profile.difficulty,
        minutes=question.minutes,
        exposure=exposure,
        alternatives=0,
        text="",
    )
    detail = f"Swapped in by the interviewer: a {question.kind} question" + (f" on {topic}" if topic else "")
    return dataclasses.replace(reason, text=describe(reason, detail=detail))
