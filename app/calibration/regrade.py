"""Re-grade stored answers after a rubric or calibration change, and say what changed per candidate.

Overrides are separate rows applied over the machine grade, so a re-grade never loses them.
"""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.bank.loader import Bank
from app.bank.sync import question_at_version
from app.errors import N_, Invalid
from app.grading.fits import calibration_for
from app.grading.service import Graders, grade_answer, store_grade
from app.models import Answer, Assessment, AssessmentQuestion, Candidate, Grade, Override, User
from app.results.scores import final_points

MAX_ANSWERS_PER_REGRADE = 2000


@dataclass(frozen=True)
class GradeChange:
    assessment_id: int
    candidate: str
    question_id: str
    old_version: str
    new_version: str
    old_points: float
    new_points: float
    final_points: float  # after reviewers' overrides
    max_points: float

    @property
    def delta(self) -> float:
        return self.new_points - self.old_points


def regrade(
    *, session: Session, graders: Graders, bank: Bank, owner: User, question_id: str | None
) -> list[GradeChange]:
    """Grade again with the bank's current rubric and calibration; returns every answer's change."""
    query = (
        select(Grade, AssessmentQuestion, Assessment, Candidate)
        .join(AssessmentQuestion, col(AssessmentQuestion.id) == col(Grade.assessment_question_id))
        .join(Assessment, col(Assessment.id) == col(AssessmentQuestion.assessment_id))
        .join(Candidate, col(Candidate.id) == col(Assessment.candidate_id))
        .where(Candidate.owner_id == owner.id)
        .order_by(col(Assessment.id), col(AssessmentQuestion.position))
    )
    if question_id is not None:
        if question_id not in bank.questions:
            raise Invalid(N_("Unknown question %(question)r."), question=question_id)
        query = query.where(AssessmentQuestion.question_id == question_id)
    rows = session.exec(query.limit(MAX_ANSWERS_PER_REGRADE + 1)).all()
    if len(rows) > MAX_ANSWERS_PER_REGRADE:
        raise Invalid(N_("Too many answers to re-grade at once; choose one question."))
    return [_regrade_one(session=session, graders=graders, bank=bank, row=row) for row in rows]


def _regrade_one(
    *,
    session: Session,
    graders: Graders,
    bank: Bank,
    row: tuple[Grade, AssessmentQuestion, Assessment, Candidate],
) -> GradeChange:
    grade, aq, assessment, candidate = row
    old_points, old_version = grade.points, aq.rubric_version
    current = bank.questions.get(aq.question_id)
    if current is not None:
        aq.rubric_version = current.version
        session.add(aq)
    question = question_at_version(session=session, question_id=aq.question_id, version=aq.rubric_version)
    answer = session.exec(select(Answer).where(Answer.assessment_question_id == aq.id)).first()
    outcome = grade_answer(
        graders=graders,
        question=question,
        rubric_version=aq.rubric_version,
        content=answer.content if answer else "",
        language=candidate.locale,
        calibration=calibration_for(session=session, owner_id=candidate.owner_id, question_id=aq.question_id),
    )
    new_grade = store_grade(session=session, aq=aq, outcome=outcome)
    overrides = session.exec(
        select(Override).where(Override.assessment_question_id == aq.id).order_by(col(Override.id))
    ).all()
    weights = {kp.id: kp.weight for kp in question.key_points}
    return GradeChange(
        assessment_id=assessment.id,  # type: ignore[arg-type]
        candidate=candidate.name,
        question_id=aq.question_id,
        old_version=old_version,
        new_version=aq.rubric_version,
        old_points=old_points,
        new_points=new_grade.points,
        final_points=final_points(grade=new_grade, key_point_weights=weights, overrides=overrides),
        max_points=new_grade.max_points,
    )
