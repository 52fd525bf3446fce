import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.answers.service import AnswerLimits, answer_sheet, submit
from app.auth.service import create_user
from app.calibration import service
from app.calibration.regrade import regrade
from app.grading.detail import TextDetail, parse_detail
from app.grading.fits import newest_fits
from app.grading.worker import InProcessQueue
from app.main import Services
from app.models import Assessment, AssessmentQuestion, CalibrationFit, Candidate, Grade, Override, User
from app.results.loading import assessment_result
from app.results.scores import add_override
from tests.conftest import PASSWORD, sign_in
from tests.factories import invited_assessment

LIMITS = AnswerLimits(text_bytes=20_000, code_bytes=50_000)
PROFILE = "junior-ml-engineer"
SHARED_QUESTION = "ml-bias-variance"


def _ask_shared_question(session: Session, services: Services, assessment_id: int) -> None:
    """Exposure balancing spreads questions; calibration needs several answers to one question."""
    from app.models import AssessmentQuestion

    rows = session.exec(
        select(AssessmentQuestion).where(AssessmentQuestion.assessment_id == assessment_id)
    ).all()
    if any(row.question_id == SHARED_QUESTION for row in rows):
        return
    first_text = next(r for r in rows if services.bank.questions[r.question_id].question.kind == "text")
    first_text.question_id = SHARED_QUESTION
    first_text.rubric_version = services.bank.questions[SHARED_QUESTION].version
    session.add(first_text)
    session.commit()


def _graded_cohort(engine: Engine, session: Session, services: Services, owner: User, size: int) -> list[int]:
    """`size` candidates answering with more or less of each model answer, graded by the real grader."""
    ids = []
    for n in range(size):
        assessment, _ = invited_assessment(session, services.bank, owner, name=f"Cand{n}", profile_id=PROFILE)
        _ask_shared_question(session, services, assessment.id)  # type: ignore[arg-type]
        answers = {}
        for item in answer_sheet(session=session, assessment=assessment):
            sentences = item.question.model_answer.en.split(". ")
            answers[item.assessment_question.id] = ". ".join(sentences[: n % (len(sentences) + 1)])
        submit(session=session, assessment=assessment, final_answers=answers, limits=LIMITS)  # type: ignore[arg-type]
        ids.append(assessment.id)
    InProcessQueue(engine=engine, graders=services.graders).drain()
    return ids  # type: ignore[return-value]


def _override_text_answers(
    session: Session, services: Services, owner: User, assessment_ids: list[int]
) -> None:
    """A reviewer who is systematically a little more generous than the machine."""
    from app.models import Assessment

    for assessment_id in assessment_ids:
        assessment = session.get(Assessment, assessment_id)
        assert assessment is not None
        for question in assessment_result(session=session, assessment=assessment).questions:
            if question.item.question.kind != "text" or question.grade is None:
                continue
            human = min(question.max_points, 0.5 + 1.2 * question.grade.points)
            if round(human, 2) == round(question.grade.points, 2):  # full marks already: a stricter look
                human = question.grade.points - 0.5
            add_override(
                session=session,
                user=owner,
                result=question,
                key_point_id=None,
                after=round(human, 2),
                reason="panel review",
            )


def test_too_few_labels_fit_nothing(
    engine: Engine, session: Session, services: Services, interviewer: User
) -> None:
    ids = _graded_cohort(engine, session, services, interviewer, 1)
    _override_text_answers(session, services, interviewer, ids)
    summary = service.fit_and_store(session=session, user=interviewer)
    assert summary.global_labels == 5 and summary.questions == {}
    assert session.exec(select(CalibrationFit)).all() == []


def test_overrides_fit_a_calibration_that_grading_then_uses(
    engine: Engine, session: Session, services: Services, interviewer: User
) -> None:
    ids = _graded_cohort(engine, session, services, interviewer, 4)
    _override_text_answers(session, services, interviewer, ids)
    labels = service.labels(session=session, owner=interviewer)
    assert len(labels) == 20
    assert all(0 <= label.human_credit <= 1 for label in labels)

    summary = service.fit_and_store(session=session, user=interviewer)
    assert summary.global_labels == 20
    assert summary.questions.get(SHARED_QUESTION) == 4
    question_id = SHARED_QUESTION
    assert interviewer.id is not None
    fits = newest_fits(session=session, owner_ids=[interviewer.id], question_ids=[question_id])
    fit = fits.for_answer(owner_id=interviewer.id, question_id=question_id)
    assert fit is not None and fit.calibration.labels >= 3
    assert fit.calibration.apply(0.2) >= 0.2  # the reviewer was more generous than the machine

    changes = regrade(
        session=session,
        graders=services.graders,
        bank=services.bank,
        owner=interviewer,
        question_id=question_id,
    )
    assert len(changes) == 4
    assert any(change.new_points > change.old_points for change in changes)
    overrides = {o.assessment_question_id: o.after for o in session.exec(select(Override))}
    for change in changes:  # the reviewers' overrides still decide the final score
        assert change.final_points in overrides.values()
    stored = [parse_detail(g.detail) for g in session.exec(select(Grade))]
    recalibrated = [d for d in stored if isinstance(d, TextDetail) and d.calibration_id == fit.id]
    assert len(recalibrated) == 4 and all(d.calibrated for d in recalibrated)


def test_agreement_report_matches_hand_computed_pearson(
    engine: Engine, session: Session, services: Services, interviewer: User
) -> None:
    ids = _graded_cohort(engine, session, services, interviewer, 3)
    _override_text_answers(session, services, interviewer, ids)
    labels = service.labels(session=session, owner=interviewer)
    overall = service.agreement_report(session=session, owner=interviewer)[0]
    assert overall.question_id is None and overall.n == len(labels) == 15
    expected = np.corrcoef([x.machine_credit for x in labels], [x.human_credit for x in labels])[0, 1]
    assert overall.pearson == pytest.approx(expected, abs=1e-6)
    assert overall.mae == pytest.approx(
        np.mean([abs(x.machine_credit - x.human_credit) for x in labels]), abs=1e-6
    )


def test_calibration_page_fits_and_regrades_through_http(
    client: TestClient,
    signed_in: str,
    engine: Engine,
    session: Session,
    services: Services,
    interviewer: User,
) -> None:
    ids = _graded_cohort(engine, session, services, interviewer, 2)
    _override_text_answers(session, services, interviewer, ids)
    page = client.get("/calibration")
    assert page.status_code == 200 and "All questions" in page.text
    assert client.post("/calibration/fit").status_code == 403  # no CSRF token
    fitted = client.post("/calibration/fit", data={"csrf_token": signed_in})
    assert "Not enough labels yet: 10." not in fitted.text and "Fitted on 10 labels." in fitted.text
    regraded = client.post("/calibration/regrade", data={"csrf_token": signed_in, "question_id": ""})
    assert regraded.status_code == 200 and 'id="regrade-changes"' in regraded.text
    assert regraded.text.count('/result">Cand') == 14  # 2 candidates x 7 questions


def test_calibration_stays_with_the_interviewer_whose_overrides_it_learned_from(
    client: TestClient,
    engine: Engine,
    session: Session,
    services: Services,
    interviewer: User,
) -> None:
    ids = _graded_cohort(engine, session, services, interviewer, 4)
    _override_text_answers(session, services, interviewer, ids)
    assert service.fit_and_store(session=session, user=interviewer).global_labels == 20
    other = create_user(session=session, email="bea@example.com", name="Bea", password=PASSWORD)
    _graded_cohort(engine, session, services, other, 1)

    def calibration_ids(owner: User) -> list[object]:
        rows = session.exec(
            select(Grade)
            .join(AssessmentQuestion, col(AssessmentQuestion.id) == col(Grade.assessment_question_id))
            .join(Assessment, col(Assessment.id) == col(AssessmentQuestion.assessment_id))
            .join(Candidate, col(Candidate.id) == col(Assessment.candidate_id))
            .where(Candidate.owner_id == owner.id)
            .execution_options(populate_existing=True)
        ).all()
        details = [parse_detail(g.detail) for g in rows]
        return [d.calibration_id for d in details if isinstance(d, TextDetail)]

    assert calibration_ids(other) and set(calibration_ids(other)) == {None}  # Ada's fit grades only hers
    regrade(session=session, graders=services.graders, bank=services.bank, owner=other, question_id=None)
    assert set(calibration_ids(other)) == {None}
    regrade(
        session=session, graders=services.graders, bank=services.bank, owner=interviewer, question_id=None
    )
    assert None not in calibration_ids(interviewer)
    sign_in(client, email="bea@example.com")
    page = client.get("/calibration").text
    assert "No overrides yet." in page  # Ada's overrides are not Bea's agreement figures
