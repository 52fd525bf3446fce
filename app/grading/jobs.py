"""Grading job states in the database: queued → running → done | failed (with a reason).

A job's attempts are counted when it is claimed, so a crash mid-grading is visible and the
job is retried at start-up, up to the configured number of attempts.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import CursorResult, update
from sqlmodel import Session, col, select

from app.models import GradingJob, JobState, utcnow


def create_jobs(*, session: Session, assessment_question_ids: Sequence[int]) -> None:
    for aq_id in assessment_question_ids:
        session.add(GradingJob(assessment_question_id=aq_id))


def claim_next(*, session: Session) -> GradingJob | None:
    candidates = session.exec(
        select(GradingJob.id).where(GradingJob.state == JobState.queued).order_by(col(GradingJob.id)).limit(5)
    ).all()
    for job_id in candidates:
        # Only one worker wins the conditional update; the others move on to the next job.
        claimed: CursorResult[Any] = session.execute(  # type: ignore[assignment]
            update(GradingJob)
            .where(col(GradingJob.id) == job_id, col(GradingJob.state) == JobState.queued)
            .values(state=JobState.running, started_at=utcnow(), attempts=GradingJob.attempts + 1)
        )
        session.commit()
        if claimed.rowcount == 1:
            return session.get(GradingJob, job_id, populate_existing=True)
    return None


def finish(
    *, session: Session, job: GradingJob, state: JobState = JobState.done, error: str | None = None
) -> None:
    job.state = state
    job.error = error[:2000] if error else None
    job.finished_at = utcnow()
    session.add(job)
    session.commit()


def fail(*, session: Session, job: GradingJob, error: str, max_attempts: int) -> None:
    """Retry later, or give up with the reason once the attempts are spent."""
    if job.attempts < max_attempts:
        job.state = JobState.queued
        job.error = error[:2000]
        session.add(job)
        session.commit()
    else:
        finish(session=session, job=job, state=JobState.failed, error=error)


def recover_interrupted(*, session: Session, max_attempts: int) -> int:
    """Jobs left running by a crash go back to the queue (or fail once out of attempts)."""
    stuck = session.exec(select(GradingJob).where(GradingJob.state == JobState.running)).all()
    for job in stuck:
        fail(
            session=session,
            job=job,
            error="interrupted: the grader stopped while grading",
            max_attempts=max_attempts,
        )
    return len(stuck)


def requeue_awaiting_sandbox(*, session: Session) -> int:
    result: CursorResult[Any] = session.execute(  # type: ignore[assignment]
        update(GradingJob)
        .where(col(GradingJob.state) == JobState.awaiting_sandbox)
        .values(state=JobState.queued)
    )
    session.commit()
    return int(result.rowcount)
