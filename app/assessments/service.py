"""Candidates, their assessments, the proposed question set, and invite links."""

import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass, is_dataclass
from datetime import timedelta
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from app.auth.access import hash_token
from app.bank.exposure import exposure_counts
from app.bank.loader import Bank
from app.bank.schema import LOCALES
from app.bank.selection import select_questions
from app.bank.swap import SwapOption, choose_swap, swap_options
from app.errors import N_, Conflict, Invalid, NotFound
from app.models import Assessment, AssessmentQuestion, AssessmentState, Candidate, User, utcnow

MAX_NAME_LENGTH = 200
MAX_EMAIL_LENGTH = 254


def _plain(value: Any) -> dict[str, Any]:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return {"text": str(value)}


def questions_seen_by(*, session: Session, candidate_id: int) -> set[str]:
    rows = session.exec(
        select(AssessmentQuestion.question_id)
        .join(Assessment, col(Assessment.id) == col(AssessmentQuestion.assessment_id))
        .where(Assessment.candidate_id == candidate_id)
    ).all()
    return set(rows)


def create_candidate(
    *, session: Session, bank: Bank, owner: User, name: str, email: str, profile_id: str, locale: str
) -> Assessment:
    name, email = name.strip(), email.strip().lower()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise Invalid(N_("The name must have 1 to %(max)s characters."), max=MAX_NAME_LENGTH)
    if "@" not in email or len(email) > MAX_EMAIL_LENGTH:
        raise Invalid(N_("Enter a valid email address."))
    if locale not in LOCALES:
        raise Invalid(N_("Unsupported language %(locale)r."), locale=locale)
    if profile_id not in bank.profiles:
        raise Invalid(N_("Unknown profile %(profile)r."), profile=profile_id)
    candidate = Candidate(name=name, email=email, locale=locale, owner_id=_id(owner))
    session.add(candidate)
    session.flush()
    assessment = _propose(session=session, bank=bank, candidate=candidate, profile_id=profile_id)
    session.commit()
    return assessment


def _propose(*, session: Session, bank: Bank, candidate: Candidate, profile_id: str) -> Assessment:
    seed = secrets.randbits(31)
    selection = select_questions(
        bank=bank,
        profile_id=profile_id,
        seed=seed,
        exposure=exposure_counts(session=session),
        exclude=questions_seen_by(session=session, candidate_id=_id(candidate)),
    )
    assessment = Assessment(candidate_id=_id(candidate), profile_id=profile_id, seed=seed)
    session.add(assessment)
    session.flush()
    for position, item in enumerate(selection.items):
        session.add(
            AssessmentQuestion(
                assessment_id=_id(assessment),
                position=position,
                question_id=item.question_id,
                rubric_version=item.version,
                reason=_plain(item.reason),
            )
        )
    return assessment


def assessment_questions(*, session: Session, assessment: Assessment) -> Sequence[AssessmentQuestion]:
    return session.exec(
        select(AssessmentQuestion)
        .where(AssessmentQuestion.assessment_id == assessment.id)
        .order_by(col(AssessmentQuestion.position))
    ).all()


def _require_draft(assessment: Assessment) -> None:
    if assessment.state not in (AssessmentState.draft, AssessmentState.invited):
        raise Conflict(N_("The candidate has started; the question set can no longer change."))


@dataclass(frozen=True)
class _SwapContext:
    current: list[str]
    exposure: dict[str, int]
    seen: set[str]


def _swap_context(*, session: Session, assessment: Assessment, replace: str) -> _SwapContext:
    current = [aq.question_id for aq in assessment_questions(session=session, assessment=assessment)]
    if replace not in current:
        raise NotFound(N_("That question is not in this set."))
    seen = questions_seen_by(session=session, candidate_id=assessment.candidate_id)
    return _SwapContext(current=current, exposure=exposure_counts(session=session), seen=seen)


def replacement_options(
    *, session: Session, bank: Bank, assessment: Assessment, replace: str
) -> list[SwapOption]:
    context = _swap_context(session=session, assessment=assessment, replace=replace)
    return swap_options(
        bank=bank,
        profile_id=assessment.profile_id,
        current=context.current,
        replace=replace,
        exposure=context.exposure,
        exclude=context.seen,
    )


def swap_question(
    *, session: Session, bank: Bank, assessment: Assessment, replace: str, replacement: str
) -> None:
    _require_draft(assessment)
    context = _swap_context(session=session, assessment=assessment, replace=replace)
    chosen = choose_swap(
        bank=bank,
        profile_id=assessment.profile_id,
        current=context.current,
        replace=replace,
        replacement=replacement,
        exposure=context.exposure,
        exclude=context.seen,
    )
    row = session.exec(
        select(AssessmentQuestion).where(
            AssessmentQuestion.assessment_id == assessment.id, AssessmentQuestion.question_id == replace
        )
    ).one()
    row.question_id = replacement
    row.rubric_version = chosen.version
    row.reason = _plain(chosen.reason)
    session.add(row)
    session.commit()


def issue_invite(*, session: Session, assessment: Assessment, ttl_hours: int) -> str:
    """A fresh invite link token (256 random bits); any earlier link stops working."""
    _require_draft(assessment)
    token = secrets.token_urlsafe(32)
    assessment.invite_token_hash = hash_token(token)
    assessment.invite_expires_at = utcnow() + timedelta(hours=ttl_hours)
    assessment.state = AssessmentState.invited
    session.add(assessment)
    session.commit()
    return token


def _id(row: Candidate | Assessment | User) -> int:
    assert row.id is not None, "row must be flushed first"
    return row.id
