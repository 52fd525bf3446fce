"""Campaign CSV: one row per candidate, a column per topic and per question; streamed line by line."""

import csv
import io
from collections.abc import Iterator
from datetime import datetime

from sqlmodel import Session

from app.bank.loader import Bank
from app.models import User
from app.reports.service import CampaignFilter, campaign_question_ids, iter_campaign_results
from app.results.loading import as_utc

# Cells starting like this are formulas to a spreadsheet (tab and CR too: some programs strip them first).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """Neutralise formula injection: a text cell starting like a formula is prefixed with a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _line(cells: list[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([spreadsheet_safe(c) if isinstance(c, str) else c for c in cells])
    return buffer.getvalue()


def _moment(value: datetime | None) -> str:
    return as_utc(value).isoformat(timespec="seconds") if value else ""


def _rounded(value: float | None, digits: int = 2) -> float | str:
    return "" if value is None else round(value, digits)


def candidates_csv(*, session: Session, user: User, bank: Bank, filters: CampaignFilter) -> Iterator[str]:
    """Topic columns are percentages; question columns are final points (overrides applied)."""
    topics = list(bank.topics)
    question_ids = campaign_question_ids(session=session, user=user, filters=filters)
    yield "\ufeff"  # a BOM, so spreadsheets read UTF-8 (Japanese names) correctly
    yield _line(
        [
            "assessment_id",
            "candidate",
            "email",
            "profile",
            "state",
            "started_at",
            "submitted_at",
            "minutes_taken",
            "points",
            "max_points",
            "percent",
            *[f"topic:{t}" for t in topics],
            *[f"q:{q}" for q in question_ids],
        ]
    )
    for row in iter_campaign_results(session=session, user=user, filters=filters):
        assessment, result = row.assessment, row.result
        points = {q.item.question.id: q.points for q in result.questions}
        yield _line(
            [
                assessment.id,
                row.candidate.name,
                row.candidate.email,
                assessment.profile_id,
                assessment.state,
                _moment(assessment.started_at),
                _moment(assessment.submitted_at),
                _rounded(row.minutes_taken, 1),
                round(result.total.points, 2),
                round(result.total.max_points, 2),
                round(result.total.percent, 1),
                *[round(result.topics[t].percent, 1) if t in result.topics else "" for t in topics],
                *[_rounded(points.get(q)) for q in question_ids],
            ]
        )
