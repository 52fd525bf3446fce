"""Re-grade stored answers after a rubric or calibration change, and say what changed per candidate.

Overrides are separate rows applied over the machine grade, so a re-grade never loses them. The answers
go through the worker's grading flow as one batch: the query count does not grow with their number.
"""

from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.bank.loader import Bank
from app.errors import N_, Invalid
from app.grading.items import load_items
from app.grading.service import Graders, grade_items, store_grades
from app.models import Assessment, AssessmentQuestion, Candidate, Grade, Override, User
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
        select(Grade.points, AssessmentQuestion, Candidate.name)
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
    old_versions = [aq.rubric_version for _, aq, _ in rows]
    items = load_items(
        session=session,
        assessment_question_ids=[aq.id for _, aq, _ in rows if aq.id is not None],
        rubric_versions={q_id: loaded.version for q_id, loaded in bank.questions.items()},
    )
    graded = grade_items(graders=graders, items=items)
    for (_, aq, _), item in zip(rows, items, strict=True):
        aq.rubric_version = item.rubric_version
        session.add(aq)
    store_grades(session=session, graded=graded)
    overrides: dict[int, list[Override]] = defaultdict(list)
    for override in session.exec(
        select(Override)
        .where(col(Override.assessment_question_id).in_([item.assessment_question_id for item in items]))
        .order_by(col(Override.id))
    ):
        overrides[override.assessment_question_id].append(override)
    return [
        GradeChange(
            assessment_id=aq.assessment_id,
            candidate=candidate,
            question_id=g.item.question.id,
            old_version=old_version,
            new_version=g.item.rubric_version,
            old_points=old_points,
            new_points=g.detail.points,
            final_points=final_points(
                detail=g.detail,
                key_point_weights={kp.id: kp.weight for kp in g.item.question.key_points},
                overrides=overrides[g.item.assessment_question_id],
            ),
            max_points=g.detail.max_points,
        )
        for (old_points, aq, candidate), old_version, g in zip(rows, old_versions, graded, strict=True)
    ]
