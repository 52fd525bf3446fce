import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.answers.service import AnswerLimits, answer_sheet, submit
from app.errors import Invalid
from app.grading.worker import InProcessQueue
from app.main import Services
from app.models import Assessment, Grade, User
from app.results.loading import assessment_result
from app.results.scores import add_override
from tests.factories import invited_assessment

BATCH_NORM_ANSWER = (
    "Batch normalization standardises each layer's activations with the mini-batch mean and variance, "
    "then applies a learned scale and shift. It keeps the input distribution of later layers stable, "
    "so training converges faster and tolerates higher learning rates; "
    "the batch noise also regularises a bit."
)


def _graded(engine: Engine, session: Session, services: Services, interviewer: User) -> Assessment:
    assessment, _ = invited_assessment(session, services.bank, interviewer)
    sheet = answer_sheet(session=session, assessment=assessment)
    submit(
        session=session,
        assessment=assessment,
        limits=AnswerLimits(text_bytes=20_000, code_bytes=50_000),
        final_answers={i.assessment_question.id: BATCH_NORM_ANSWER for i in sheet},
    )  # type: ignore[misc]
    InProcessQueue(engine=engine, graders=services.graders).drain()
    session.refresh(assessment)
    return assessment


def test_result_sums_questions_and_topics(
    engine: Engine, session: Session, services: Services, interviewer: User
) -> None:
    result = assessment_result(session=session, assessment=_graded(engine, session, services, interviewer))
    assert result.complete
    assert result.total.points == pytest.approx(sum(q.points or 0 for q in result.questions))
    assert result.total.max_points == pytest.approx(sum(q.max_points for q in result.questions))
    for topic, score in result.topics.items():
        tagged = [q for q in result.questions if topic in q.item.question.topics]
        assert score.max_points == pytest.approx(sum(q.max_points for q in tagged))


def test_overrides_apply_over_the_machine_score_and_keep_history(
    engine: Engine, session: Session, services: Services, interviewer: User
) -> None:
    assessment = _graded(engine, session, services, interviewer)
    question = next(
        q
        for q in assessment_result(session=session, assessment=assessment).questions
        if q.item.question.kind == "text"
    )
    machine = question.machine_points
    kp = question.item.question.key_points[0]
    add_override(
        session=session,
        user=interviewer,
        result=question,
        key_point_id=kp.id,
        after=1.0,
        reason="The answer states this clearly in its second sentence.",
    )
    updated = next(
        q
        for q in assessment_result(session=session, assessment=assessment).questions
        if q.item.assessment_question.id == question.item.assessment_question.id
    )
    expected = min(machine + (1.0 - question.machine_key_point_credit[kp.id]) * kp.weight, updated.max_points)  # type: ignore[operator]
    assert updated.points == pytest.approx(expected)
    add_override(
        session=session,
        user=interviewer,
        result=updated,
        key_point_id=None,
        after=1.5,
        reason="Calibrated by panel.",
    )
    final = next(
        q
        for q in assessment_result(session=session, assessment=assessment).questions
        if q.item.assessment_question.id == question.item.assessment_question.id
    )
    assert final.points == 1.5 and final.machine_points == machine and len(final.overrides) == 2
    with pytest.raises(Invalid):
        add_override(session=session, user=interviewer, result=final, key_point_id=None, after=1.0, reason="")
    with pytest.raises(Invalid):
        add_override(
            session=session,
            user=interviewer,
            result=final,
            key_point_id=None,
            after=final.max_points + 1,
            reason="too much",
        )


def test_grades_stored_before_the_evidence_was_tagged_still_load(
    engine: Engine, session: Session, services: Services, client: TestClient, signed_in: str
) -> None:
    interviewer = session.exec(select(User)).one()
    assessment = _graded(engine, session, services, interviewer)
    tagged = assessment_result(session=session, assessment=assessment)
    for grade in session.exec(select(Grade)):
        stored = dict(grade.detail)
        assert stored.pop("kind") in {"text", "code"} and stored.pop("schema_version") == 1
        grade.detail = stored  # the shape every grade had before this version
        session.add(grade)
    session.commit()
    assert all(
        "kind" not in g.detail for g in session.exec(select(Grade).execution_options(populate_existing=True))
    )

    untagged = assessment_result(session=session, assessment=assessment)
    assert [q.detail for q in untagged.questions] == [q.detail for q in tagged.questions]
    assert untagged.total.points == pytest.approx(tagged.total.points)
    kinds = {q.item.question.kind: q.detail.kind for q in untagged.questions if q.detail}
    assert kinds == {"text": "text", "code": "code"}
    page = client.get(f"/assessments/{assessment.id}/result")
    assert page.status_code == 200
    text_questions = sum(q.item.question.kind == "text" for q in untagged.questions)
    assert page.text.count('class="table evidence"') == text_questions
    assert page.text.count('class="table tests"') == len(untagged.questions) - text_questions
