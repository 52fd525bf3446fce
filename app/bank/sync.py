"""Record every rubric version in the database, so old grades keep the rubric they were made with."""

from sqlmodel import Session, select

from app.bank.loader import Bank, LoadedQuestion
from app.bank.schema import Question
from app.errors import NotFound
from app.models import RubricVersion


def sync_rubric_versions(*, session: Session, bank: Bank) -> int:
    """Insert rows for versions not stored yet; returns how many were added."""
    known = set(session.exec(select(RubricVersion.question_id, RubricVersion.version)).all())
    added = 0
    for loaded in bank.questions.values():
        if (loaded.question.id, loaded.version) not in known:
            session.add(_row(loaded))
            added += 1
    session.commit()
    return added


def _row(loaded: LoadedQuestion) -> RubricVersion:
    return RubricVersion(
        question_id=loaded.question.id, version=loaded.version, body=loaded.question.model_dump(mode="json")
    )


_parsed: dict[tuple[str, str], Question] = {}
MAX_PARSED = 4096


def question_at_version(*, session: Session, question_id: str, version: str) -> Question:
    # A stored version never changes, so it is parsed once per process, not on every autosave.
    key = (question_id, version)
    if key not in _parsed:
        row = session.get(RubricVersion, key)
        if row is None:
            raise NotFound(f"Rubric {question_id} at version {version} is not stored.")
        if len(_parsed) >= MAX_PARSED:
            _parsed.clear()
        _parsed[key] = Question.model_validate(row.body)
    return _parsed[key]
