"""The per-candidate report's content (HTML page and PDF share it): chart, highlighted evidence, reviewers."""

from dataclasses import dataclass
from html import escape
from typing import Any

from markupsafe import Markup
from sqlmodel import Session, col, select

from app.bank.loader import Bank
from app.grading.detail import TextDetail
from app.models import User
from app.reports.charts import Bar, topic_profile_svg
from app.results.loading import CandidateResult
from app.results.scores import QuestionResult


@dataclass(frozen=True)
class Highlight:
    label: str  # printed beside the marked text, so the link survives black-and-white printing
    span: str


def highlighted(answer: str, highlights: list[Highlight]) -> Markup:
    """The answer, escaped, with each evidence span marked where it first occurs (overlaps are skipped)."""
    found = []
    for highlight in highlights:
        start = answer.find(highlight.span) if highlight.span else -1
        if start >= 0:
            found.append((start, start + len(highlight.span), highlight.label))
    parts, cursor = [], 0
    for start, end, label in sorted(found):
        if start < cursor:
            continue
        parts.append(escape(answer[cursor:start]))
        parts.append(f'<mark>{escape(answer[start:end])}</mark><sup class="kp-label">[{escape(label)}]</sup>')
        cursor = end
    parts.append(escape(answer[cursor:]))
    return Markup("".join(parts))  # noqa: S704  (all answer text is escaped above)


def question_highlights(question: QuestionResult) -> list[Highlight]:
    detail = question.detail
    if not isinstance(detail, TextDetail):
        return []
    key_points = [
        Highlight(str(i), kp.span) for i, kp in enumerate(detail.key_points, start=1) if kp.credit > 0
    ]
    misconceptions = [Highlight("✗" + m.id, m.span) for m in detail.misconceptions if m.matched]
    return key_points + misconceptions


def topic_chart(*, row: CandidateResult, bank: Bank, locale: str, title: str) -> Markup:
    bars = [
        Bar(bank.topics[t].name.get(locale) if t in bank.topics else t, score.percent)
        for t, score in sorted(row.result.topics.items())
    ]
    return topic_profile_svg(bars, title=title)


def reviewer_names(*, session: Session, row: CandidateResult) -> dict[int, str]:
    ids = {o.user_id for q in row.result.questions for o in q.overrides}
    if not ids:
        return {}
    return {user.id: user.name for user in session.exec(select(User).where(col(User.id).in_(ids)))}  # type: ignore[misc]


def report_context(
    *, session: Session, row: CandidateResult, bank: Bank, locale: str, display_name: str, chart_title: str
) -> dict[str, Any]:
    return {
        "row": row,
        "assessment": row.assessment,
        "candidate": row.candidate,
        "display_name": display_name,
        "result": row.result,
        "bank": bank,
        "chart": topic_chart(row=row, bank=bank, locale=locale, title=chart_title),
        "reviewers": reviewer_names(session=session, row=row),
        "highlighted": lambda q: highlighted(q.item.content, question_highlights(q)),
    }
