"""What grading an answer needs, loaded for a whole batch of answers in three queries.

The worker loads one job's answer, a re-grade all of an interviewer's answers; both then grade the same
plain `GradingItem`s, so grading itself never touches the database.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.bank.schema import Language, Question
from app.grading.fits import Fit, newest_fits
from app.grading.rubrics import QuestionCache
from app.models import Answer, Assessment, AssessmentQuestion, Candidate


@dataclass(frozen=True)
class GradingItem:
    assessment_question_id: int
    question: Question  # at `rubric_version`
    rubric_version: str
    content: str  # the candidate's answer ("" when none was saved)
    language: Language  # the candidate's
    fit: Fit | None  # the calibration of the candidate's interviewer, if any


def load_items(
    *,
    session: Session,
    assessment_question_ids: Sequence[int],
    rubric_versions: Mapping[str, str] | None = None,
) -> list[GradingItem]:
    """The items in the order given. `rubric_versions` (question id -> version) grades against those
    versions instead of the ones the candidates were asked: a re-grade with the bank's current rubric."""
    rows = session.exec(
        select(AssessmentQuestion, Candidate.locale, Candidate.owner_id, Answer.content)
        .join(Assessment, col(Assessment.id) == col(AssessmentQuestion.assessment_id))
        .join(Candidate, col(Candidate.id) == col(Assessment.candidate_id))
        .join(Answer, col(Answer.assessment_question_id) == col(AssessmentQuestion.id), isouter=True)
        .where(col(AssessmentQuestion.id).in_(assessment_question_ids))
    ).all()
    versions = rubric_versions or {}
    wanted = {aq.id: (aq.question_id, versions.get(aq.question_id, aq.rubric_version)) for aq, *_ in rows}
    questions = QuestionCache(session)
    questions.load(wanted.values())
    fits = newest_fits(
        session=session,
        owner_ids={owner_id for _, _, owner_id, _ in rows},
        question_ids={question_id for question_id, _ in wanted.values()},
    )
    items = {}
    for aq, locale, owner_id, content in rows:
        assert aq.id is not None
        question_id, version = wanted[aq.id]
        items[aq.id] = GradingItem(
            assessment_question_id=aq.id,
            question=questions.get(question_id, version),
            rubric_version=version,
            content=content or "",
            language="ja" if locale == "ja" else "en",
            # Calibration belongs to the interviewer who owns the candidate, never to another one.
            fit=fits.for_answer(owner_id=owner_id, question_id=question_id),
        )
    return [items[aq_id] for aq_id in assessment_question_ids if aq_id in items]
