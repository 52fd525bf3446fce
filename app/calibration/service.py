"""Reviewers' overrides as training data: fit calibrations, measure agreement, re-grade and show changes."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.bank.loader import Bank
from app.grading.detail import TextDetail, parse_detail
from app.grading.freetext.agreement import agreement
from app.grading.freetext.calibration import MIN_QUESTION_LABELS, Calibration, fit_calibration
from app.models import Assessment, AssessmentQuestion, CalibrationFit, Candidate, Grade, Override, User
from app.results.scores import final_points

MIN_GLOBAL_LABELS = 10  # below this a global curve would mostly fit noise


@dataclass(frozen=True)
class Label:
    """One answer a human scored: the grader's raw credit against the reviewer's final credit."""

    question_id: str
    raw_credit: float
    machine_credit: float
    human_credit: float


def labels(*, session: Session, owner: User) -> list[Label]:
    """The owner's candidates' text answers with at least one override; the overrides give the label."""
    rows = session.exec(
        select(Override, Grade, AssessmentQuestion)
        .join(Grade, col(Grade.assessment_question_id) == col(Override.assessment_question_id))
        .join(AssessmentQuestion, col(AssessmentQuestion.id) == col(Override.assessment_question_id))
        .join(Assessment, col(Assessment.id) == col(AssessmentQuestion.assessment_id))
        .join(Candidate, col(Candidate.id) == col(Assessment.candidate_id))
        .where(col(Candidate.owner_id) == _user_id(owner))
        .order_by(col(Override.id))
    ).all()
    grouped: dict[int, tuple[Grade, AssessmentQuestion, list[Override]]] = {}
    for override, grade, aq in rows:
        grouped.setdefault(override.assessment_question_id, (grade, aq, []))[2].append(override)
    result = []
    for grade, aq, overrides in grouped.values():
        detail = parse_detail(grade.detail)
        if not isinstance(detail, TextDetail):
            continue  # code answers are graded by tests, not calibrated
        weights = {kp.id: kp.weight for kp in detail.key_points}
        human = final_points(detail=detail, key_point_weights=weights, overrides=overrides)
        max_points = grade.max_points or 1.0
        result.append(
            Label(
                question_id=aq.question_id,
                raw_credit=detail.raw_credit,
                machine_credit=grade.points / max_points,
                human_credit=human / max_points,
            )
        )
    return result


@dataclass(frozen=True)
class FitSummary:
    global_labels: int
    questions: dict[str, int]  # question id -> labels behind its own adjustment


def _fit_row(*, question_id: str | None, fitted: Calibration, labels: int, user: User) -> CalibrationFit:
    """A fit owned by the interviewer who fitted it (calibration is per interviewer until teams exist)."""
    return CalibrationFit(
        question_id=question_id,
        params=fitted.model_dump(),
        labels=labels,
        fitted_by=_user_id(user),
        owner_id=_user_id(user),
    )


def fit_and_store(*, session: Session, user: User) -> FitSummary:
    """Fit the user's global mapping and, where enough labels exist, each question's adjustment."""
    data = labels(session=session, owner=user)
    if len(data) < MIN_GLOBAL_LABELS:
        return FitSummary(global_labels=len(data), questions={})
    base = fit_calibration(raw=[d.raw_credit for d in data], human=[d.human_credit for d in data])
    session.add(_fit_row(question_id=None, fitted=base, labels=len(data), user=user))
    by_question: dict[str, list[Label]] = defaultdict(list)
    for label in data:
        by_question[label.question_id].append(label)
    fitted = {}
    for question_id, items in sorted(by_question.items()):
        if len(items) < MIN_QUESTION_LABELS:
            continue
        own = fit_calibration(
            raw=[d.raw_credit for d in items], human=[d.human_credit for d in items], base=base
        )
        session.add(_fit_row(question_id=question_id, fitted=own, labels=len(items), user=user))
        fitted[question_id] = len(items)
    session.commit()
    return FitSummary(global_labels=len(data), questions=fitted)


def _user_id(user: User) -> int:
    assert user.id is not None, "a stored user"
    return user.id


@dataclass(frozen=True)
class AgreementRow:
    question_id: str | None  # None: all questions
    n: int
    pearson: float | None
    qwk: float | None
    mae: float | None


def agreement_report(*, session: Session, owner: User) -> list[AgreementRow]:
    """Machine credit against reviewers' credit on the owner's candidates, overall and per question (0-1)."""
    data = labels(session=session, owner=owner)
    groups: dict[str | None, list[Label]] = defaultdict(list)
    for label in data:
        groups[None].append(label)
        groups[label.question_id].append(label)
    rows = []
    for question_id, items in sorted(groups.items(), key=lambda kv: (kv[0] is not None, kv[0] or "")):
        stats = agreement(machine=[i.machine_credit for i in items], human=[i.human_credit for i in items])
        rows.append(
            AgreementRow(
                question_id,
                len(items),
                _number(stats.get("pearson")),
                _number(stats.get("qwk")),
                _number(stats.get("mae")),
            )
        )
    return rows


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def calibrated_questions(*, session: Session, bank: Bank, owner: User) -> Sequence[str]:
    rows = session.exec(
        select(CalibrationFit.question_id).where(col(CalibrationFit.owner_id) == _user_id(owner)).distinct()
    ).all()
    return sorted(q for q in rows if q is not None and q in bank.questions)
