"""Exports built from stored grades only: exporting never re-grades."""

import csv
import io
from collections.abc import Iterator

from sqlmodel import Session

from app.assessments.service import list_assessments
from app.bank.loader import Bank
from app.grading.results import assessment_result
from app.models import User

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """Neutralise formula injection: a cell starting like a formula is prefixed with a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _line(cells: list[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([spreadsheet_safe(c) if isinstance(c, str) else c for c in cells])
    return buffer.getvalue()


def candidates_csv(*, session: Session, user: User, bank: Bank) -> Iterator[str]:
    """One row per candidate: state, totals and a column per topic; streamed line by line."""
    topics = list(bank.topics)
    yield "\ufeff"  # a BOM so spreadsheets open UTF-8 (Japanese names) correctly
    yield _line(["candidate", "email", "profile", "state", "submitted_at", "points", "max_points", "percent",
                 *[f"topic:{t}" for t in topics]])
    for assessment, candidate in list_assessments(session=session, user=user):
        result = assessment_result(session=session, assessment=assessment)
        yield _line([
            candidate.name, candidate.email, assessment.profile_id, assessment.state,
            assessment.submitted_at.isoformat(timespec="seconds") if assessment.submitted_at else "",
            round(result.total.points, 2), round(result.total.max_points, 2), round(result.total.percent, 1),
            *[round(result.topics[t].percent, 1) if t in result.topics else "" for t in topics],
        ])
