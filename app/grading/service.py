"""Grade one job: the stored answer against the rubric version the candidate was asked."""

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from app.bank.schema import Question
from app.bank.sync import question_at_version
from app.grading import jobs
from app.grading.fits import calibration_for
from app.models import (
    Answer,
    Assessment,
    AssessmentQuestion,
    AssessmentState,
    Candidate,
    Grade,
    GradingJob,
    JobState,
)
from app.sandbox import SandboxError, SandboxUnavailable

if TYPE_CHECKING:
    from app.grading.freetext import FreeTextGrader
    from app.grading.freetext.calibration import Calibration
    from app.sandbox import Sandbox

log = logging.getLogger(__name__)


@dataclass
class Graders:
    """Built once at start-up: the embedding grader and the sandbox pool."""

    free_text: "FreeTextGrader"
    sandbox: "Sandbox | None"
    max_attempts: int = 3


@dataclass(frozen=True)
class GradeOutcome:
    points: float
    max_points: float
    detail: dict[str, Any]
    grader: str


def grade_answer(
    *,
    graders: Graders,
    question: Question,
    rubric_version: str,
    content: str,
    language: str,
    calibration: tuple[int, "Calibration"] | None = None,
) -> GradeOutcome:
    if question.kind == "code":
        if graders.sandbox is None:
            raise SandboxUnavailable("the code sandbox is not available on this server")
        from app.grading.code import grade_code

        assert question.code is not None
        code_grade = grade_code(source=content, spec=question.code, sandbox=graders.sandbox)
        return GradeOutcome(
            code_grade.points, code_grade.max_points, code_grade.model_dump(mode="json"), "sandbox"
        )
    text_grade = graders.free_text.grade(
        answer=content,
        question=question,
        rubric_version=rubric_version,
        language="ja" if language == "ja" else "en",
        calibration=calibration[1] if calibration else None,
    )
    detail = text_grade.model_dump(mode="json") | {"calibration_id": calibration[0] if calibration else None}
    return GradeOutcome(text_grade.points, text_grade.max_points, detail, text_grade.encoder)


def run_job(*, session: Session, graders: Graders, job: GradingJob) -> None:
    aq = session.get(AssessmentQuestion, job.assessment_question_id)
    assert aq is not None and aq.id is not None
    assessment = session.get(Assessment, aq.assessment_id)
    candidate = session.get(Candidate, assessment.candidate_id) if assessment else None
    question = question_at_version(session=session, question_id=aq.question_id, version=aq.rubric_version)
    answer = session.exec(select(Answer).where(Answer.assessment_question_id == aq.id)).first()
    try:
        outcome = grade_answer(
            graders=graders,
            question=question,
            rubric_version=aq.rubric_version,
            content=answer.content if answer else "",
            language=candidate.locale if candidate else "en",
            # Calibration belongs to the interviewer who owns the candidate, never to another one.
            calibration=calibration_for(
                session=session, owner_id=candidate.owner_id, question_id=aq.question_id
            )
            if candidate
            else None,
        )
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
    store_grade(session=session, aq=aq, outcome=outcome)
    jobs.finish(session=session, job=job)
    if assessment is not None:
        mark_graded_when_complete(session=session, assessment=assessment)


def store_grade(*, session: Session, aq: AssessmentQuestion, outcome: GradeOutcome) -> Grade:
    grade = session.exec(select(Grade).where(Grade.assessment_question_id == aq.id)).first()
    grade = grade or Grade(assessment_question_id=aq.id, points=0, max_points=0, grader="", rubric_version="")  # type: ignore[arg-type]
    grade.points, grade.max_points = outcome.points, outcome.max_points
    grade.detail, grade.grader, grade.rubric_version = outcome.detail, outcome.grader, aq.rubric_version
    session.add(grade)
    session.commit()
    session.refresh(grade)
    return grade


def mark_graded_when_complete(*, session: Session, assessment: Assessment) -> None:
    aq_ids = session.exec(
        select(AssessmentQuestion.id).where(AssessmentQuestion.assessment_id == assessment.id)
    ).all()
    graded = session.exec(
        select(Grade.assessment_question_id).where(col(Grade.assessment_question_id).in_(aq_ids))
    ).all()
    if len(set(graded)) == len(aq_ids) and assessment.state == AssessmentState.submitted:
        assessment.state = AssessmentState.graded
        session.add(assessment)
        session.commit()
