"""The candidate's side: the answer sheet, autosave, and the one final submit."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import CursorResult, update
from sqlmodel import Session, col, select

from app.assessments.service import assessment_questions
from app.bank.schema import Question
from app.bank.sync import question_at_version
from app.errors import N_, Conflict, Invalid, NotFound, TooLarge
from app.grading.jobs import create_jobs

if TYPE_CHECKING:
    from app.grading.code import CodeGrade
    from app.sandbox import Sandbox

from app.models import Answer, Assessment, AssessmentQuestion, AssessmentState, utcnow

# Saves arriving shortly after the timer ends are kept: the candidate may be on a slow link.
DEADLINE_GRACE = timedelta(minutes=2)
OPEN_STATES = (AssessmentState.invited, AssessmentState.in_progress)


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
    rows = assessment_questions(session=session, assessment=assessment)
    ids = [row.id for row in rows]
    answers = {
        answer.assessment_question_id: answer
        for answer in session.exec(select(Answer).where(col(Answer.assessment_question_id).in_(ids)))
    }
    return [
        SheetItem(
            row,
            question_at_version(session=session, question_id=row.question_id, version=row.rubric_version),
            answers.get(row.id) if row.id is not None else None,
        )
        for row in rows
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
        assessment.state = AssessmentState.in_progress
        assessment.started_at = utcnow()
        session.add(assessment)
        session.commit()


def _check_open(*, assessment: Assessment, sheet: list[SheetItem]) -> None:
    if assessment.state in (AssessmentState.submitted, AssessmentState.graded):
        raise Conflict(N_("These answers were already submitted and can no longer change."))
    end = deadline(assessment=assessment, sheet=sheet)
    if end is not None and utcnow() > end + DEADLINE_GRACE:
        raise Conflict(
            N_("Time is up: answers can no longer change. Your saved answers are kept; please submit.")
        )


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
) -> Answer:
    return save_answers(
        session=session, assessment=assessment, contents={assessment_question_id: content}, limits=limits
    )[-1]


def save_answers(
    *, session: Session, assessment: Assessment, contents: Mapping[int, str], limits: AnswerLimits
) -> list[Answer]:
    """Save answers in the order given (a full no-JS form sends all of them); one sheet load for all."""
    if not contents:
        raise Invalid(N_("No answer was sent."))
    sheet = answer_sheet(session=session, assessment=assessment)
    _check_open(assessment=assessment, sheet=sheet)
    saved = []
    for aq_id, content in contents.items():
        item = _item(sheet, aq_id)
        _check_size(item=item, content=content, limits=limits)
        start(session=session, assessment=assessment)  # the timer starts with the first accepted save
        saved.append(_store(session=session, item=item, content=content))
    return saved


def _item(sheet: list[SheetItem], assessment_question_id: int) -> SheetItem:
    # Looking the id up in this assessment's own sheet is the authorization check.
    for item in sheet:
        if item.assessment_question.id == assessment_question_id:
            return item
    raise NotFound(N_("No such question in this assessment."))


def _store(*, session: Session, item: SheetItem, content: str) -> Answer:
    answer = item.answer or Answer(assessment_question_id=item.assessment_question.id)  # type: ignore[arg-type]
    content = content.replace("\r\n", "\n")
    if answer.id is not None and answer.content == content:
        return answer
    answer.content = content
    answer.revision += 1
    answer.updated_at = utcnow()
    session.add(answer)
    session.commit()
    session.refresh(answer)
    return answer


def submit(
    *, session: Session, assessment: Assessment, final_answers: Mapping[int, str], limits: AnswerLimits
) -> bool:
    """Save the final answers and queue grading; returns False when it had already been submitted."""
    if assessment.state in (AssessmentState.submitted, AssessmentState.graded):
        return False
    sheet = answer_sheet(session=session, assessment=assessment)
    late = (
        end := deadline(assessment=assessment, sheet=sheet)
    ) is not None and utcnow() > end + DEADLINE_GRACE
    for aq_id, content in final_answers.items():
        item = _item(sheet, aq_id)
        _check_size(item=item, content=content, limits=limits)
        if not late:  # after the deadline only what was saved in time counts
            _store(session=session, item=item, content=content)
    # A conditional update, so two submits racing each other queue grading only once.
    claimed: CursorResult[Any] = session.execute(  # type: ignore[assignment]
        update(Assessment)
        .where(col(Assessment.id) == assessment.id, col(Assessment.state).in_(OPEN_STATES))
        .values(state=AssessmentState.submitted, submitted_at=utcnow())
    )
    if claimed.rowcount != 1:
        session.rollback()
        return False
    create_jobs(session=session, assessment_question_ids=[item.assessment_question.id for item in sheet])  # type: ignore[misc]
    session.commit()
    session.refresh(assessment)
    return True


def run_visible_examples(
    *, session: Session, assessment: Assessment, assessment_question_id: int, source: str, sandbox: "Sandbox"
) -> "CodeGrade":
    """The candidate's code against the visible examples only; hidden tests never leave the grader."""
    from app.grading.code import run_examples

    item = _item(answer_sheet(session=session, assessment=assessment), assessment_question_id)
    if item.question.code is None:
        raise Invalid(N_("This question is not a coding task."))
    return run_examples(source=source, spec=item.question.code, sandbox=sandbox)
