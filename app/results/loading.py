"""Stored results loaded in batches: a few queries per batch of assessments, never per question.

Everything here reads stored grades and overrides only; nothing re-grades.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from app.answers.service import SheetItem
from app.grading.detail import parse_detail
from app.grading.rubrics import QuestionCache
from app.models import (
    Answer,
    Assessment,
    AssessmentQuestion,
    Candidate,
    Grade,
    GradingJob,
    Override,
)
from app.results.scores import AssessmentResult, QuestionResult, summarise


@dataclass(frozen=True)
class CandidateResult:
    assessment: Assessment
    candidate: Candidate
    result: AssessmentResult

    @property
    def minutes_taken(self) -> float | None:
        started, submitted = self.assessment.started_at, self.assessment.submitted_at
        if started is None or submitted is None:
            return None
        return round((as_utc(submitted) - as_utc(started)).total_seconds() / 60, 1)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes (stored as UTC), PostgreSQL aware ones: make both aware."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _by_question(rows: Iterable[Any]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row.assessment_question_id].append(row)
    return grouped


def load_results(
    *, session: Session, assessment_ids: Sequence[int], questions: QuestionCache
) -> list[CandidateResult]:
    """Results of the given assessments (ownership already checked), in the order given."""
    pairs = session.exec(
        select(Assessment, Candidate)
        .join(Candidate, col(Candidate.id) == col(Assessment.candidate_id))
        .where(col(Assessment.id).in_(assessment_ids))
    ).all()
    aq_rows = session.exec(
        select(AssessmentQuestion)
        .where(col(AssessmentQuestion.assessment_id).in_(assessment_ids))
        .order_by(col(AssessmentQuestion.assessment_id), col(AssessmentQuestion.position))
    ).all()
    aq_ids = [aq.id for aq in aq_rows]
    answers = _by_question(session.exec(select(Answer).where(col(Answer.assessment_question_id).in_(aq_ids))))
    grades = _by_question(session.exec(select(Grade).where(col(Grade.assessment_question_id).in_(aq_ids))))
    jobs = _by_question(
        session.exec(
            select(GradingJob)
            .where(col(GradingJob.assessment_question_id).in_(aq_ids))
            .order_by(col(GradingJob.id))
        )
    )
    overrides = _by_question(
        session.exec(
            select(Override)
            .where(col(Override.assessment_question_id).in_(aq_ids))
            .order_by(col(Override.id))
        )
    )
    questions.load((aq.question_id, aq.rubric_version) for aq in aq_rows)
    per_assessment: dict[int, list[QuestionResult]] = defaultdict(list)
    for aq in aq_rows:
        assert aq.id is not None
        item = SheetItem(aq, questions.get(aq.question_id, aq.rubric_version), _last(answers.get(aq.id)))
        grade: Grade | None = _last(grades.get(aq.id))
        # The one place stored evidence becomes typed: everything downstream reads attributes.
        detail = parse_detail(grade.detail) if grade else None
        per_assessment[aq.assessment_id].append(
            QuestionResult(item, grade, detail, _last(jobs.get(aq.id)), overrides.get(aq.id, []))
        )
    by_id = {assessment.id: (assessment, candidate) for assessment, candidate in pairs}
    return [
        CandidateResult(*by_id[aid], summarise(per_assessment.get(aid, [])))
        for aid in assessment_ids
        if aid in by_id
    ]


def assessment_result(*, session: Session, assessment: Assessment) -> AssessmentResult:
    """One assessment's scores, loaded exactly as the dashboard and the exports load them."""
    assert assessment.id is not None
    return load_results(session=session, assessment_ids=[assessment.id], questions=QuestionCache(session))[
        0
    ].result


def _last(rows: list[Any] | None) -> Any:
    return rows[-1] if rows else None
