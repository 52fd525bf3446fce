"""Candidates side by side: sorting by total, a topic, time taken or the shown name."""

from collections.abc import Callable, Iterable

from app.errors import Invalid
from app.results.loading import CandidateResult

TOPIC_PREFIX = "topic:"


def compared_topics(rows: Iterable[CandidateResult]) -> list[str]:
    return sorted({topic for row in rows for topic in row.result.topics})


def _sort_value(
    row: CandidateResult, sort: str, label: Callable[[CandidateResult], str]
) -> float | str | None:
    if sort == "total":
        return row.result.total.percent if row.result.total.max_points else None
    if sort == "time":
        return row.minutes_taken
    if sort == "name":
        return label(row).casefold()
    topic = row.result.topics.get(sort.removeprefix(TOPIC_PREFIX))
    return topic.percent if topic else None


def sort_rows(
    rows: list[CandidateResult], *, sort: str, descending: bool, label: Callable[[CandidateResult], str]
) -> list[CandidateResult]:
    """Rows without a value for the key (ungraded, topic not asked) go last in either direction."""
    if sort not in ("total", "time", "name") and not sort.startswith(TOPIC_PREFIX):
        raise Invalid(f"Cannot sort by {sort!r}.")
    keyed = [(_sort_value(row, sort, label), row) for row in rows]
    present = sorted(
        ((v, r) for v, r in keyed if v is not None), key=lambda pair: pair[0], reverse=descending
    )
    return [r for _, r in present] + [r for v, r in keyed if v is None]
