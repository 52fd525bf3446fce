"""Candidates graded for real, with the session's model and sandbox."""

import uuid
from collections.abc import Callable

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from app.answers.service import AnswerLimits, answer_sheet, start, submit
from app.assessments.service import assessment_questions, create_candidate, issue_invite
from app.bank.schema import Question
from app.bank.sync import sync_rubric_versions
from app.grading.worker import InProcessQueue
from app.main import Services
from app.models import Assessment, AssessmentQuestion, AssessmentState, User
from tests.conftest import wait_for_state

LIMITS = AnswerLimits(text_bytes=20_000, code_bytes=50_000)
GradedFactory = Callable[..., Assessment]


def answer_for(question: Question, *, strong: bool) -> str:
    """A strong candidate hands in the model answer or the reference solution; a weak one little."""
    if question.code is not None:
        return question.code.solution if strong else question.code.starter
    return question.model_answer.en if strong else "I think it depends on the data, but I am not sure."


@pytest.fixture
def graded(session: Session, engine: Engine, services: Services, interviewer: User) -> GradedFactory:
    """Creates a candidate, answers and submits every question, and grades the answers for real."""
    sync_rubric_versions(session=session, bank=services.bank)

    def make(
        name: str,
        *,
        strong: bool = True,
        profile: str = "junior-ml-engineer",
        locale: str = "en",
        owner: User = interviewer,
        same_questions_as: Assessment | None = None,
    ) -> Assessment:
        assessment = create_candidate(
            session=session,
            bank=services.bank,
            owner=owner,
            name=name,
            email=f"{uuid.uuid4().hex[:10]}@example.com",
            profile_id=profile,
            locale=locale,
        )
        if same_questions_as is not None:
            _copy_question_set(session, source=same_questions_as, target=assessment)
        issue_invite(session=session, assessment=assessment, ttl_hours=1)
        start(session=session, assessment=assessment)
        sheet = answer_sheet(session=session, assessment=assessment)
        final = {item.assessment_question.id: answer_for(item.question, strong=strong) for item in sheet}
        assert submit(session=session, assessment=assessment, final_answers=final, limits=LIMITS)  # type: ignore[arg-type]
        InProcessQueue(engine=engine, graders=services.graders).drain()
        # With a client running, the app's own worker may have taken a job: wait for it too.
        wait_for_state(engine, assessment.id, AssessmentState.graded)  # type: ignore[arg-type]
        session.refresh(assessment)
        return assessment

    return make


def _copy_question_set(session: Session, *, source: Assessment, target: Assessment) -> None:
    """Gives `target` (a fresh draft) the questions of `source`: two candidates answering the same set."""
    for row in assessment_questions(session=session, assessment=target):
        session.delete(row)
    session.flush()
    for row in assessment_questions(session=session, assessment=source):
        session.add(
            AssessmentQuestion(
                assessment_id=target.id,  # type: ignore[arg-type]
                position=row.position,
                question_id=row.question_id,
                rubric_version=row.rubric_version,
                reason=row.reason,
            )
        )
    session.commit()
