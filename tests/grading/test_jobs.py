from sqlalchemy import Engine
from sqlmodel import Session, select

from app.answers.service import AnswerLimits, answer_sheet, submit
from app.grading import jobs
from app.grading.detail import TextDetail, parse_detail
from app.grading.service import Graders
from app.grading.worker import InProcessQueue
from app.main import Services
from app.models import AssessmentState, Grade, GradingJob, JobState, User
from tests.factories import invited_assessment

LIMITS = AnswerLimits(text_bytes=20_000, code_bytes=50_000)


def _submitted(session: Session, services: Services, interviewer: User) -> list[int]:
    assessment, _ = invited_assessment(session, services.bank, interviewer)
    sheet = answer_sheet(session=session, assessment=assessment)
    submit(
        session=session,
        assessment=assessment,
        limits=LIMITS,
        final_answers={i.assessment_question.id: "Batch norm normalises each layer's inputs." for i in sheet},
    )  # type: ignore[misc]
    return [i.assessment_question.id for i in sheet]  # type: ignore[misc]


def test_a_job_is_claimed_by_one_worker_only(session: Session, services: Services, interviewer: User) -> None:
    _submitted(session, services, interviewer)
    first = jobs.claim_next(session=session)
    second = jobs.claim_next(session=session)
    assert first is not None and second is not None and first.id != second.id
    assert first.state == JobState.running and first.attempts == 1


def test_a_crash_mid_grading_is_retried_then_failed_with_the_reason(
    session: Session, services: Services, interviewer: User
) -> None:
    _submitted(session, services, interviewer)
    job = jobs.claim_next(session=session)
    assert job is not None
    # The process died while the job ran: at start-up it goes back to the queue.
    assert jobs.recover_interrupted(session=session, max_attempts=2) == 1
    session.refresh(job)
    assert job.state == JobState.queued and "interrupted" in (job.error or "")
    again = jobs.claim_next(session=session)
    assert again is not None and again.id == job.id and again.attempts == 2
    jobs.recover_interrupted(session=session, max_attempts=2)
    session.refresh(job)
    assert job.state == JobState.failed and job.finished_at is not None


def test_worker_grades_every_answer_with_the_real_model(
    engine: Engine, session: Session, services: Services, interviewer: User
) -> None:
    aq_ids = _submitted(session, services, interviewer)
    InProcessQueue(engine=engine, graders=services.graders).drain()
    grades = session.exec(select(Grade)).all()
    assert {g.assessment_question_id for g in grades} == set(aq_ids)
    text_grades = [g for g in grades if g.grader != "sandbox"]
    assert text_grades and all(g.grader == services.graders.free_text.encoder("en").name for g in text_grades)
    details = [parse_detail(g.detail) for g in text_grades]
    assert all(isinstance(d, TextDetail) and d.key_points for d in details)
    assert all(0 <= g.points <= g.max_points for g in grades)
    assert all(j.state == JobState.done for j in session.exec(select(GradingJob)))
    from app.models import Assessment

    assert session.exec(select(Assessment)).one().state == AssessmentState.graded


def test_code_answers_wait_visibly_when_there_is_no_sandbox(
    engine: Engine, session: Session, services: Services, interviewer: User
) -> None:
    _submitted(session, services, interviewer)
    no_sandbox = Graders(free_text=services.graders.free_text, sandbox=None)
    InProcessQueue(engine=engine, graders=no_sandbox).drain()
    waiting = session.exec(select(GradingJob).where(GradingJob.state == JobState.awaiting_sandbox)).all()
    assert len(waiting) == 2  # the profile's two coding tasks
    assert all("sandbox" in (j.error or "") for j in waiting)
    assert jobs.requeue_awaiting_sandbox(session=session) == 2
    InProcessQueue(engine=engine, graders=services.graders).drain()
    assert not session.exec(select(GradingJob).where(GradingJob.state != JobState.done)).all()
