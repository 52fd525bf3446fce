from datetime import timedelta

import pytest
from sqlmodel import Session, select

from app.answers import service
from app.errors import Conflict, NotFound, TooLarge
from app.main import Services
from app.models import Answer, AssessmentState, GradingJob, User, utcnow
from tests.factories import invited_assessment

LIMITS = service.AnswerLimits(text_bytes=1000, code_bytes=2000)


def test_autosave_keeps_the_latest_text_and_counts_revisions(
    session: Session, services: Services, interviewer: User
) -> None:
    assessment, _ = invited_assessment(session, services.bank, interviewer)
    aq_id = service.answer_sheet(session=session, assessment=assessment)[0].assessment_question.id
    assert aq_id is not None
    service.save_answer(
        session=session, assessment=assessment, assessment_question_id=aq_id, content="draft", limits=LIMITS
    )
    saved = service.save_answer(
        session=session,
        assessment=assessment,
        assessment_question_id=aq_id,
        content="final words\r\n",
        limits=LIMITS,
    )
    assert saved.content == "final words\n" and saved.revision == 2
    assert assessment.state == AssessmentState.in_progress and assessment.started_at is not None


def test_oversize_answer_is_refused_and_the_saved_one_survives(
    session: Session, services: Services, interviewer: User
) -> None:
    assessment, _ = invited_assessment(session, services.bank, interviewer)
    item = next(
        i for i in service.answer_sheet(session=session, assessment=assessment) if i.question.kind == "text"
    )
    aq_id = item.assessment_question.id
    assert aq_id is not None
    service.save_answer(
        session=session, assessment=assessment, assessment_question_id=aq_id, content="kept", limits=LIMITS
    )
    with pytest.raises(TooLarge, match="limit is 1,000"):
        service.save_answer(
            session=session,
            assessment=assessment,
            assessment_question_id=aq_id,
            content="é" * 600,
            limits=LIMITS,
        )  # 1,200 bytes of UTF-8
    assert session.exec(select(Answer).where(Answer.assessment_question_id == aq_id)).one().content == "kept"


def test_a_question_of_another_assessment_cannot_be_answered(
    session: Session, services: Services, interviewer: User
) -> None:
    mine, _ = invited_assessment(session, services.bank, interviewer, name="Mine")
    theirs, _ = invited_assessment(session, services.bank, interviewer, name="Theirs")
    their_aq = service.answer_sheet(session=session, assessment=theirs)[0].assessment_question.id
    assert their_aq is not None
    with pytest.raises(NotFound):
        service.save_answer(
            session=session, assessment=mine, assessment_question_id=their_aq, content="x", limits=LIMITS
        )


def test_submit_queues_one_job_per_question_exactly_once(
    session: Session, services: Services, interviewer: User
) -> None:
    assessment, _ = invited_assessment(session, services.bank, interviewer)
    sheet = service.answer_sheet(session=session, assessment=assessment)
    answers = {item.assessment_question.id: f"answer {n}" for n, item in enumerate(sheet)}
    assert service.submit(session=session, assessment=assessment, final_answers=answers, limits=LIMITS)  # type: ignore[arg-type]
    assert not service.submit(session=session, assessment=assessment, final_answers={}, limits=LIMITS)
    jobs = session.exec(select(GradingJob)).all()
    assert len(jobs) == len(sheet)
    assert assessment.state == AssessmentState.submitted
    with pytest.raises(Conflict):
        service.save_answer(
            session=session,
            assessment=assessment,
            assessment_question_id=sheet[0].assessment_question.id,  # type: ignore[arg-type]
            content="changed later",
            limits=LIMITS,
        )
    stored = session.exec(
        select(Answer).where(Answer.assessment_question_id == sheet[0].assessment_question.id)
    ).one()
    assert stored.content == "answer 0"


def test_after_the_deadline_saves_are_refused_but_submit_keeps_what_was_saved(
    session: Session, services: Services, interviewer: User
) -> None:
    assessment, _ = invited_assessment(session, services.bank, interviewer)
    sheet = service.answer_sheet(session=session, assessment=assessment)
    aq_id = sheet[0].assessment_question.id
    assert aq_id is not None
    service.save_answer(
        session=session, assessment=assessment, assessment_question_id=aq_id, content="in time", limits=LIMITS
    )
    assessment.started_at = utcnow() - timedelta(minutes=service.time_budget_minutes(sheet) + 10)
    session.add(assessment)
    session.commit()
    with pytest.raises(Conflict, match="Time is up"):
        service.save_answer(
            session=session,
            assessment=assessment,
            assessment_question_id=aq_id,
            content="late",
            limits=LIMITS,
        )
    assert service.submit(
        session=session, assessment=assessment, final_answers={aq_id: "late"}, limits=LIMITS
    )
    assert (
        session.exec(select(Answer).where(Answer.assessment_question_id == aq_id)).one().content == "in time"
    )
