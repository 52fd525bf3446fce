"""The candidate's side: the answer sheet, autosave, and the one final submit."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType

from sqlalchemy import func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from app.bank.schema import Question
from app.bank.sync import question_at_version
from app.errors import N_, Conflict, Invalid, NotFound, TooLarge
from app.grading.jobs import create_jobs
from app.models import Answer, Assessment, AssessmentQuestion, AssessmentState, utcnow

# Saves arriving shortly after the timer ends are kept: the candidate may be on a slow link.
DEADLINE_GRACE = timedelta(minutes=2)
OPEN_STATES = (AssessmentState.invited, AssessmentState.in_progress)
EMPTY_REVISIONS: Mapping[int, int] = MappingProxyType({})
ALREADY_SUBMITTED = N_("These answers were already submitted and can no longer change.")


@dataclass(frozen=True)
class SheetItem:
    assessment_question: AssessmentQuestion
    question: Question
    answer: Answer | None

    @property
    def content(self) -> str:
        return self.answer.content if self.answer else ""


@dataclass(frozen=True)
class AnswerLimits:
    text_bytes: int
    code_bytes: int


def answer_sheet(*, session: Session, assessment: Assessment) -> list[SheetItem]:
    rows = session.exec(
        select(AssessmentQuestion, Answer)
        .join(Answer, col(Answer.assessment_question_id) == col(AssessmentQuestion.id), isouter=True)
        .where(AssessmentQuestion.assessment_id == assessment.id)
        .order_by(col(AssessmentQuestion.position))
        # Fresh from the database: a save decides on the stored text and revision, not a cached copy.
        .execution_options(populate_existing=True)
    ).all()
    return [
        SheetItem(
            row,
            question_at_version(session=session, question_id=row.question_id, version=row.rubric_version),
            answer,
        )
        for row, answer in rows
    ]


def time_budget_minutes(sheet: list[SheetItem]) -> int:
    return sum(item.question.minutes for item in sheet)


def deadline(*, assessment: Assessment, sheet: list[SheetItem]) -> datetime | None:
    if assessment.started_at is None:
        return None
    return assessment.started_at + timedelta(minutes=time_budget_minutes(sheet))


def start(*, session: Session, assessment: Assessment) -> None:
    """The timer starts the first time the candidate opens the sheet."""
    if assessment.state == AssessmentState.invited:
        # Conditional on the state, so a page opened while another tab submits cannot reopen the sheet.
        session.execute(
            update(Assessment)
            .where(col(Assessment.id) == assessment.id, col(Assessment.state) == AssessmentState.invited)
            .values(state=AssessmentState.in_progress, started_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        session.commit()
        session.refresh(assessment)


def _lock_open(*, session: Session, assessment: Assessment, submitting: bool) -> bool:
    """Claim the open assessment for this transaction; False when it is no longer open.

    A conditional update is the first statement, so it takes the row's lock (PostgreSQL) or the
    database's write lock (SQLite) until commit: the saves and the submit of one assessment run one
    after another, and each sees the state and answers the previous one committed, not the ones its
    request loaded earlier.
    """
    now = utcnow()
    values: dict[str, object] = {"state": AssessmentState.submitted, "submitted_at": now}
    if not submitting:  # the timer starts with the first accepted save if opening the page did not
        values = {
            "state": AssessmentState.in_progress,
            "started_at": func.coalesce(col(Assessment.started_at), now),
        }
    claimed = session.execute(
        update(Assessment)
        .where(col(Assessment.id) == assessment.id, col(Assessment.state).in_(OPEN_STATES))
        .values(values)
        .returning(col(Assessment.state), col(Assessment.started_at), col(Assessment.submitted_at))
        .execution_options(synchronize_session=False)
    ).first()
    if claimed is None:
        session.rollback()
        return False
    # What the update wrote, without another round trip (set_committed_value: no change to flush).
    for name, value in zip(("state", "started_at", "submitted_at"), claimed, strict=True):
        set_committed_value(assessment, name, value)
    return True


def _late(*, assessment: Assessment, sheet: list[SheetItem]) -> bool:
    end = deadline(assessment=assessment, sheet=sheet)
    return end is not None and utcnow() > end + DEADLINE_GRACE


def _check_size(*, item: SheetItem, content: str, limits: AnswerLimits) -> None:
    limit = limits.code_bytes if item.question.kind == "code" else limits.text_bytes
    size = len(content.encode())
    if size > limit:
        raise TooLarge(
            N_("This answer is %(size)s bytes; the limit is %(limit)s. Nothing was saved; shorten it."),
            size=f"{size:,}",
            limit=f"{limit:,}",
        )


def save_answer(
    *,
    session: Session,
    assessment: Assessment,
    assessment_question_id: int,
    content: str,
    limits: AnswerLimits,
    revision: int | None = None,
) -> Answer:
    revisions = {} if revision is None else {assessment_question_id: revision}
    return save_answers(
        session=session,
        assessment=assessment,
        contents={assessment_question_id: content},
        limits=limits,
        revisions=revisions,
    )[-1]


def save_answers(
    *,
    session: Session,
    assessment: Assessment,
    contents: Mapping[int, str],
    limits: AnswerLimits,
    revisions: Mapping[int, int] = EMPTY_REVISIONS,
) -> list[Answer]:
    """Save all the answers or none (a full no-JS form sends all of them); returns them as stored.

    `revisions` holds, per answer, the revision the page was showing; an answer without one (an
    older page) is saved whatever the stored revision is.
    """
    if not contents:
        raise Invalid(N_("No answer was sent."))
    try:
        if not _lock_open(session=session, assessment=assessment, submitting=False):
            raise Conflict(ALREADY_SUBMITTED)
        sheet = answer_sheet(session=session, assessment=assessment)
        if _late(assessment=assessment, sheet=sheet):
            raise Conflict(
                N_("Time is up: answers can no longer change. Your saved answers are kept; please submit.")
            )
        changes = _changes(sheet=sheet, contents=contents, revisions=revisions, limits=limits)
        stored = _store(session=session, changes=changes)
        unchanged = {item.answer.assessment_question_id: item.answer for item in sheet if item.answer}
        session.commit()
    except Exception:
        session.rollback()
        raise
    return [stored.get(aq_id) or unchanged[aq_id] for aq_id in contents]


def _changes(
    *, sheet: list[SheetItem], contents: Mapping[int, str], revisions: Mapping[int, int], limits: AnswerLimits
) -> list[tuple[int, str]]:
    """Every answer checked before anything is written: the sent text per question that changes."""
    changes = []
    for aq_id, sent in contents.items():
        item = sheet_item(sheet, aq_id)
        _check_size(item=item, content=sent, limits=limits)
        content = sent.replace("\r\n", "\n")
        if item.answer is not None and item.answer.content == content:
            continue  # nothing to change, so nothing can be overwritten either
        base = revisions.get(aq_id)
        if base is not None and base != (item.answer.revision if item.answer else 0):
            raise Conflict(
                N_(
                    "This answer was changed in another window or tab after this page was loaded, "
                    "so nothing was saved. Reload the page to see the newest saved text."
                )
            )
        changes.append((aq_id, content))
    return changes


def sheet_item(sheet: list[SheetItem], assessment_question_id: int) -> SheetItem:
    # Looking the id up in this assessment's own sheet is the authorization check.
    for item in sheet:
        if item.assessment_question.id == assessment_question_id:
            return item
    raise NotFound(N_("No such question in this assessment."))


def _store(*, session: Session, changes: list[tuple[int, str]]) -> dict[int, Answer]:
    """Upserts with the increment in SQL: a first save never trips the unique answer row, and no
    revision is computed from a stale read. Returns the rows as stored."""
    now = utcnow()
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stored = {}
    for aq_id, content in changes:
        statement = insert(Answer).values(
            assessment_question_id=aq_id, content=content, revision=1, updated_at=now
        )
        upsert = statement.on_conflict_do_update(
            index_elements=[col(Answer.assessment_question_id)],
            set_={
                "content": statement.excluded.content,
                "revision": col(Answer.revision) + 1,
                "updated_at": statement.excluded.updated_at,
            },
        )
        stored[aq_id] = session.scalars(
            upsert.returning(Answer), execution_options={"populate_existing": True}
        ).one()
    return stored


def submit(
    *,
    session: Session,
    assessment: Assessment,
    final_answers: Mapping[int, str],
    limits: AnswerLimits,
    revisions: Mapping[int, int] = EMPTY_REVISIONS,
) -> bool:
    """Save the final answers and queue grading; returns False when it had already been submitted."""
    try:
        # Claiming the state first means two racing submits queue grading only once.
        if not _lock_open(session=session, assessment=assessment, submitting=True):
            return False
        sheet = answer_sheet(session=session, assessment=assessment)
        # After the deadline only what was saved in time counts, so what was sent is not even checked.
        if not _late(assessment=assessment, sheet=sheet):
            changes = _changes(sheet=sheet, contents=final_answers, revisions=revisions, limits=limits)
            _store(session=session, changes=changes)
        create_jobs(session=session, assessment_question_ids=[item.assessment_question.id for item in sheet])  # type: ignore[misc]
        session.commit()
    except Exception:
        session.rollback()
        raise
    session.refresh(assessment)
    return True
