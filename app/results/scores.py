"""Scores as a reader sees them: stored machine grades with reviewers' overrides applied on top."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session

from app.answers.service import SheetItem
from app.errors import N_, Invalid, NotFound
from app.grading.detail import GradeDetail, TextDetail
from app.models import Grade, GradingJob, JobState, Override, User


def machine_credit(detail: GradeDetail | None) -> dict[str, float]:
    """The machine's credit (0-1) per key point; code grades have no key points."""
    return detail.key_point_credit() if isinstance(detail, TextDetail) else {}


def final_points(
    *, detail: GradeDetail, key_point_weights: dict[str, float], overrides: Sequence[Override]
) -> float:
    """The latest question-level override wins; otherwise key-point overrides adjust the machine's points."""
    question_level = [o for o in overrides if o.key_point_id is None]
    if question_level:
        return question_level[-1].after
    latest = {o.key_point_id: o for o in overrides if o.key_point_id is not None}
    credit = machine_credit(detail)
    adjusted = detail.points + sum(
        (o.after - credit.get(kp_id, 0.0)) * key_point_weights.get(kp_id, 0.0) for kp_id, o in latest.items()
    )
    return min(max(adjusted, 0.0), detail.max_points)


@dataclass(frozen=True)
class QuestionResult:
    item: SheetItem
    grade: Grade | None
    detail: GradeDetail | None  # the grade's evidence, parsed; None exactly when there is no grade
    job: GradingJob | None
    overrides: Sequence[Override]  # newest last

    @property
    def max_points(self) -> float:
        return self.grade.max_points if self.grade else self.item.question.max_points

    @property
    def machine_points(self) -> float | None:
        return self.grade.points if self.grade else None

    @property
    def points(self) -> float | None:
        """Final points: the machine's, with the reviewers' overrides applied."""
        if self.detail is None:
            return None
        weights = {kp.id: kp.weight for kp in self.item.question.key_points}
        return final_points(detail=self.detail, key_point_weights=weights, overrides=self.overrides)

    @property
    def machine_key_point_credit(self) -> dict[str, float]:
        return machine_credit(self.detail)

    @property
    def key_point_overrides(self) -> dict[str, Override]:
        return {o.key_point_id: o for o in self.overrides if o.key_point_id is not None}

    @property
    def state(self) -> str:
        if self.grade is not None:
            return JobState.done
        return self.job.state if self.job else "not_submitted"


@dataclass
class TopicScore:
    points: float = 0.0
    max_points: float = 0.0

    @property
    def percent(self) -> float:
        return 100.0 * self.points / self.max_points if self.max_points else 0.0


@dataclass
class AssessmentResult:
    questions: list[QuestionResult]
    topics: dict[str, TopicScore] = field(default_factory=dict)
    total: TopicScore = field(default_factory=TopicScore)

    @property
    def complete(self) -> bool:
        return all(q.points is not None for q in self.questions)


def summarise(questions: list[QuestionResult]) -> AssessmentResult:
    """Totals and per-topic scores over the graded questions; a question counts fully to each topic."""
    result = AssessmentResult(questions=questions)
    for question in questions:
        points = question.points
        if points is None:
            continue
        result.total.points += points
        result.total.max_points += question.max_points
        for topic in question.item.question.topics:
            score = result.topics.setdefault(topic, TopicScore())
            score.points += points
            score.max_points += question.max_points
    return result


def add_override(
    *,
    session: Session,
    user: User,
    result: QuestionResult,
    key_point_id: str | None,
    after: float,
    reason: str,
) -> Override:
    reason = reason.strip()
    if not 3 <= len(reason) <= 2000:
        raise Invalid(N_("Give a reason for the change (3 to 2,000 characters)."))
    if result.grade is None:
        raise Invalid(N_("This answer has no machine grade yet; wait for grading to finish."))
    if key_point_id is None:
        if not 0 <= after <= result.max_points:
            raise Invalid(N_("The score must be between 0 and %(max)s."), max=f"{result.max_points:g}")
        before = result.points if result.points is not None else 0.0
    else:
        machine_credit = result.machine_key_point_credit
        if key_point_id not in machine_credit:
            raise NotFound(N_("No such key point for this question."))
        if not 0 <= after <= 1:
            raise Invalid(N_("A key point's credit must be between 0 and 1."))
        previous = result.key_point_overrides.get(key_point_id)
        before = previous.after if previous else machine_credit[key_point_id]
    override = Override(
        assessment_question_id=result.item.assessment_question.id,  # type: ignore[arg-type]
        user_id=user.id,  # type: ignore[arg-type]
        key_point_id=key_point_id,
        before=before,
        after=after,
        reason=reason,
    )
    session.add(override)
    session.commit()
    return override
