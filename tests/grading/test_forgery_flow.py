"""The forging candidate through the real flow: invite link, answer page, submit, the grading
worker, the stored grade. Code that only forges harness records earns no point."""

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.main import Services
from app.models import AssessmentQuestion, AssessmentState, Grade, User
from tests.conftest import csrf_from, wait_for_state
from tests.factories import invited_assessment
from tests.grading.test_forgery import ATTACKS

FORGERY = ATTACKS["passed lines on the result pipe"] + "\n" + ATTACKS["harness functions replaced"]


def test_forged_code_answers_are_graded_zero(
    client: TestClient, engine: Engine, session: Session, services: Services, interviewer: User
) -> None:
    assessment, token = invited_assessment(session, services.bank, interviewer)
    assert assessment.id is not None
    page = client.get(f"/a/{token}").text
    form = {f"answer-{i}": "" for i in re.findall(r'name="answer-(\d+)"', page)}
    rows = session.exec(select(AssessmentQuestion).where(AssessmentQuestion.assessment_id == assessment.id))
    entry_points = {}
    for row in rows:
        code = services.bank.questions[row.question_id].question.code
        if code is not None:
            entry_points[row.id] = code.entry_point
            form[f"answer-{row.id}"] = FORGERY.replace("def f(x):", f"def {code.entry_point}(*args):")
    assert entry_points
    response = client.post(f"/a/{token}/submit", data=form | {"csrf_token": csrf_from(page)})
    assert response.status_code == 200, response.text
    wait_for_state(engine, assessment.id, AssessmentState.graded)
    with Session(engine) as fresh:
        grades = fresh.exec(
            select(Grade).where(col(Grade.assessment_question_id).in_(list(entry_points)))
        ).all()
    assert len(grades) == len(entry_points)
    assert [(grade.points, grade.max_points > 0) for grade in grades] == [(0.0, True)] * len(grades)
