"""Re-grading loads and stores in batches: the number of queries does not grow with the number of answers."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event
from sqlmodel import Session

from app.calibration.regrade import regrade
from app.main import Services
from app.models import User
from tests.calibration.test_service import SHARED_QUESTION, _graded_cohort

# Was 6 per answer plus 1 (19 for 3 answers, 133 for 21) before the grading flow loaded in batches.
MAX_REGRADE_QUERIES = 12


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    """Every statement sent to the database (an executemany counts once: one round of the batch)."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_regrade_queries_do_not_grow_with_the_answers(
    engine: Engine, session: Session, services: Services, interviewer: User
) -> None:
    _graded_cohort(engine, session, services, interviewer, 3)
    graders, bank = services.graders, services.bank
    with counted(engine) as for_few:
        few = regrade(
            session=session, graders=graders, bank=bank, owner=interviewer, question_id=SHARED_QUESTION
        )
    with counted(engine) as for_many:
        many = regrade(session=session, graders=graders, bank=bank, owner=interviewer, question_id=None)
    assert len(few) == 3 and len(many) == 21
    assert len(for_many) <= MAX_REGRADE_QUERIES, for_many
    assert len(for_many) - len(for_few) <= 2, (for_few, for_many)
