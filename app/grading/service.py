"""The grading flow shared by the worker and re-grading: load items in a batch, grade them, store the grades.

Loading (app/grading/items.py) and storing take a constant number of queries per batch; grading in
between runs none, so no write lock is held while the models and the sandbox work.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import exists, update
from sqlmodel import Session, col, select

from app.grading import jobs
from app.grading.detail import CodeDetail, GradeDetail, TextDetail
from app.grading.items import GradingItem, load_items
from app.models import Assessment, AssessmentQuestion, AssessmentState, Grade, GradingJob, JobState
from app.sandbox import SandboxError, SandboxUnavailable

if TYPE_CHECKING:
    from app.grading.freetext import FreeTextGrader
    from app.sandbox import Sandbox

log = logging.getLogger(__name__)


@dataclass
class Graders:
    """Built once at start-up: the embedding grader and the sandbox pool."""

    free_text: "FreeTextGrader"
    sandbox: "Sandbox | None"
    max_attempts: int = 3


@dataclass(frozen=True)
class Graded:
    item: GradingItem
    detail: GradeDetail


def _grade(*, graders: Graders, item: GradingItem) -> GradeDetail:
    question = item.question
    if question.kind == "code":
        if graders.sandbox is None:
            raise SandboxUnavailable("the code sandbox is not available on this server")
        from app.grading.code import grade_code

        assert question.code is not None
        code_grade = grade_code(source=item.content, spec=question.code, sandbox=graders.sandbox)
        return CodeDetail.model_validate(dict(code_grade))
    text_grade = graders.free_text.grade(
        answer=item.content,
        question=question,
        rubric_version=item.rubric_version,
        language=item.language,
        calibration=item.fit.calibration if item.fit else None,
    )
    return TextDetail.model_validate(dict(text_grade) | {"calibration_id": item.fit.id if item.fit else None})


def grade_items(*, graders: Graders, items: Sequence[GradingItem]) -> list[Graded]:
    """Grade plain items: no database access, so the caller decides what a failure means."""
    return [Graded(item, _grade(graders=graders, item=item)) for item in items]


def store_grades(*, session: Session, graded: Sequence[Graded]) -> None:
    """Insert or replace each answer's machine grade in one transaction, with the caller's pending changes."""
    existing = {
        grade.assessment_question_id: grade
        for grade in session.exec(
            select(Grade).where(
                col(Grade.assessment_question_id).in_([g.item.assessment_question_id for g in graded])
            )
        )
    }
    for g in graded:
        detail = g.detail
        grade = existing.get(g.item.assessment_question_id) or Grade(
            assessment_question_id=g.item.assessment_question_id,
            points=0,
            max_points=0,
            grader="",
            rubric_version="",
        )
        grade.points, grade.max_points, grade.grader = detail.points, detail.max_points, detail.grader
        grade.detail, grade.rubric_version = detail.model_dump(mode="json"), g.item.rubric_version
        session.add(grade)
    session.commit()


def run_job(*, session: Session, graders: Graders, job: GradingJob) -> None:
    items = load_items(session=session, assessment_question_ids=[job.assessment_question_id])
    try:
        graded = grade_items(graders=graders, items=items)
    except SandboxUnavailable as exc:  # no sandbox here: the job waits for a server that has one
        jobs.finish(session=session, job=job, state=JobState.awaiting_sandbox, error=exc.message)
        return
    except SandboxError as exc:  # the sandbox failed, not the candidate's code: try again later
        jobs.fail(
            session=session, job=job, error=f"sandbox: {exc.message}", max_attempts=graders.max_attempts
        )
        return
    except Exception as exc:  # any grading failure is recorded on the job and retried
        log.exception("grading job %s failed", job.id)
        jobs.fail(
            session=session, job=job, error=f"{type(exc).__name__}: {exc}", max_attempts=graders.max_attempts
        )
        return
    store_grades(session=session, graded=graded)
    jobs.finish(session=session, job=job)
    mark_graded_when_complete(session=session, assessment_question_id=job.assessment_question_id)


def mark_graded_when_complete(*, session: Session, assessment_question_id: int) -> None:
    """A submitted assessment becomes graded once none of its questions lacks a grade."""
    assessment_id = (
        select(AssessmentQuestion.assessment_id)
        .where(col(AssessmentQuestion.id) == assessment_question_id)
        .scalar_subquery()
    )
    ungraded = (
        select(AssessmentQuestion.id)
        .join(Grade, col(Grade.assessment_question_id) == col(AssessmentQuestion.id), isouter=True)
        .where(col(AssessmentQuestion.assessment_id) == col(Assessment.id), col(Grade.id).is_(None))
    )
    session.execute(
        update(Assessment)
        .where(
            col(Assessment.id) == assessment_id,
            col(Assessment.state) == AssessmentState.submitted,
            ~exists(ungraded),
        )
        .values(state=AssessmentState.graded)
    )
    session.commit()
