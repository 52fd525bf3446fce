"""Rubric versions loaded in batches: every version a batch of answers needs, in one query."""

from collections.abc import Iterable

from sqlmodel import Session, col, select

from app.bank.schema import Question
from app.errors import NotFound
from app.models import RubricVersion


class QuestionCache:
    """Rubric versions parsed once per batch (an export, a re-grade) rather than once per answer."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._questions: dict[tuple[str, str], Question] = {}

    def load(self, keys: Iterable[tuple[str, str]]) -> None:
        missing = set(keys) - self._questions.keys()
        if not missing:
            return
        rows = self._session.exec(
            select(RubricVersion).where(col(RubricVersion.question_id).in_({q for q, _ in missing}))
        )
        for row in rows:
            if (row.question_id, row.version) in missing:
                self._questions[(row.question_id, row.version)] = Question.model_validate(row.body)

    def get(self, question_id: str, version: str) -> Question:
        question = self._questions.get((question_id, version))
        if question is None:
            raise NotFound(f"Rubric {question_id} at version {version} is not stored.")
        return question
