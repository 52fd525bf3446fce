"""The calibration a grade uses: the newest fit of the candidate's interviewer, read as data.

Fitting happens in app/calibration; grading only reads what was stored, so it never imports it.
"""

from sqlmodel import Session, col, select

from app.grading.freetext.calibration import Calibration
from app.models import CalibrationFit


def calibration_for(*, session: Session, owner_id: int, question_id: str) -> tuple[int, Calibration] | None:
    """The owner's newest fit for this question, else their newest global one; with its id for the record."""
    for where in (col(CalibrationFit.question_id) == question_id, col(CalibrationFit.question_id).is_(None)):
        row = session.exec(
            select(CalibrationFit)
            .where(where, col(CalibrationFit.owner_id) == owner_id)
            .order_by(col(CalibrationFit.id).desc())
        ).first()
        if row is not None and row.id is not None:
            return row.id, Calibration.model_validate(row.params)
    return None
