"""The calibration a grade uses: the newest fit of the candidate's interviewer, read as data.

Fitting happens in app/calibration; grading only reads what was stored, so it never imports it.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from app.grading.freetext.calibration import Calibration
from app.models import CalibrationFit


@dataclass(frozen=True)
class Fit:
    id: int  # the CalibrationFit row, recorded with the grade
    calibration: Calibration


@dataclass(frozen=True)
class Fits:
    newest: Mapping[tuple[int, str | None], Fit]  # (owner, question or None for the global fit)

    def for_answer(self, *, owner_id: int, question_id: str) -> Fit | None:
        """The owner's newest fit for this question, else their newest global one; never another owner's."""
        return self.newest.get((owner_id, question_id)) or self.newest.get((owner_id, None))


def newest_fits(*, session: Session, owner_ids: Collection[int], question_ids: Collection[str]) -> Fits:
    """The fits in force for these owners and questions, in one query however many answers need them."""
    if not owner_ids:
        return Fits({})
    newest_ids = (
        select(func.max(CalibrationFit.id))
        .where(
            col(CalibrationFit.owner_id).in_(owner_ids),
            or_(col(CalibrationFit.question_id).in_(question_ids), col(CalibrationFit.question_id).is_(None)),
        )
        .group_by(col(CalibrationFit.owner_id), col(CalibrationFit.question_id))
    )
    rows = session.exec(select(CalibrationFit).where(col(CalibrationFit.id).in_(newest_ids)))
    return Fits(
        {
            (row.owner_id, row.question_id): Fit(row.id, Calibration.model_validate(row.params))
            for row in rows
            if row.id is not None
        }
    )
