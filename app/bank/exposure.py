"""How often each bank question has been put in front of a candidate: selection balances it, and
item statistics report it."""

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.models import AssessmentQuestion


def exposure_counts(*, session: Session) -> dict[str, int]:
    rows = session.exec(
        select(AssessmentQuestion.question_id, func.count()).group_by(col(AssessmentQuestion.question_id))
    ).all()
    return {question_id: count for question_id, count in rows}
