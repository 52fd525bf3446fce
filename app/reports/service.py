"""Campaigns: one interviewer's assessments, optionally narrowed to a profile and a state.

Results come from app.results.loading in batches; exporting never re-grades.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from app.auth.access import get_assessment
from app.grading.rubrics import QuestionCache
from app.models import (
    Assessment,
    AssessmentQuestion,
    AssessmentState,
    Candidate,
    User,
)
from app.results.loading import CandidateResult, load_results

BATCH_SIZE = 100  # assessments per round of queries: bounds memory and the size of IN lists
FINAL_STATES = (AssessmentState.submitted, AssessmentState.graded)


@dataclass(frozen=True)
class CampaignFilter:
    profile_id: str | None = None
    state: AssessmentState | None = None


def _campaign_query(user: User, filters: CampaignFilter) -> Any:
    query = (
        select(Assessment.id)
        .join(Candidate, col(Candidate.id) == col(Assessment.candidate_id))
        .where(Candidate.owner_id == user.id)
    )
    if filters.profile_id:
        query = query.where(Assessment.profile_id == filters.profile_id)
    if filters.state:
        query = query.where(Assessment.state == filters.state)
    return query


def campaign_assessment_ids(*, session: Session, user: User, filters: CampaignFilter) -> list[int]:
    """The campaign's assessments in a stable order (ids only: cheap even for thousands)."""
    return list(session.exec(_campaign_query(user, filters).order_by(col(Assessment.id))).all())


def campaign_question_ids(*, session: Session, user: User, filters: CampaignFilter) -> list[str]:
    ids = _campaign_query(user, filters).subquery()
    rows = session.exec(
        select(AssessmentQuestion.question_id)
        .where(col(AssessmentQuestion.assessment_id).in_(select(ids)))
        .distinct()
    ).all()
    return sorted(rows)


def iter_campaign_results(
    *,
    session: Session,
    user: User,
    filters: CampaignFilter,
    batch_size: int = BATCH_SIZE,
    limit: int | None = None,
) -> Iterator[CandidateResult]:
    questions = QuestionCache(session)
    ids = campaign_assessment_ids(session=session, user=user, filters=filters)[:limit]
    for start in range(0, len(ids), batch_size):
        yield from load_results(
            session=session, assessment_ids=ids[start : start + batch_size], questions=questions
        )
        session.expunge_all()  # rows of finished batches are not kept alive by the identity map


def candidate_result(*, session: Session, user: User, assessment_id: int) -> CandidateResult:
    """One assessment's result, loaded exactly as the exports load it; only its interviewer may see it."""
    get_assessment(session=session, user=user, assessment_id=assessment_id)
    return load_results(session=session, assessment_ids=[assessment_id], questions=QuestionCache(session))[0]
