"""Database tables. Times are timezone-aware UTC; states are short strings named by the StrEnums below."""

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def _state_column(default: str) -> Any:
    return Field(default=default, sa_column=Column(String(20), nullable=False, index=True, default=default))


def _json_column() -> Any:
    return Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class AssessmentState(StrEnum):
    draft = "draft"  # questions proposed, invite not yet sent
    invited = "invited"
    in_progress = "in_progress"
    submitted = "submitted"  # grading under way
    graded = "graded"


class JobState(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"
    awaiting_sandbox = "awaiting_sandbox"


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(max_length=200)
    password_hash: str = Field(max_length=200)
    locale: str = Field(default="en", max_length=5)
    # Kept in the signed session cookie at sign-in; sign-out and a new password bump it, which ends
    # every session issued before, including copied cookies.
    session_version: int = 0
    created_at: datetime = Field(default_factory=utcnow)


class LoginFailure(SQLModel, table=True):
    """A failed sign-in, kept for the throttle window; shared by every app process through the database."""

    __tablename__ = "login_failure"
    id: int | None = Field(default=None, primary_key=True)
    account: str = Field(max_length=254, index=True)  # the email as typed, normalised
    address: str = Field(max_length=64, index=True)  # the client's IP address
    created_at: datetime = Field(default_factory=utcnow, index=True)


class Candidate(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    email: str = Field(max_length=254, index=True)
    locale: str = Field(default="en", max_length=5)
    owner_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class Assessment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True)
    profile_id: str = Field(max_length=80)
    seed: int
    state: AssessmentState = _state_column(AssessmentState.draft)
    # sha256 of the invite token; the token itself is shown once and never stored.
    invite_token_hash: str | None = Field(default=None, max_length=64, unique=True, index=True)
    invite_expires_at: datetime | None = None
    started_at: datetime | None = None
    submitted_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class RubricVersion(SQLModel, table=True):
    """The exact rubric a question was asked and graded with; a later edit adds a new row."""

    __tablename__ = "rubric_version"
    question_id: str = Field(primary_key=True, max_length=80)
    version: str = Field(primary_key=True, max_length=16)
    body: dict[str, Any] = _json_column()
    created_at: datetime = Field(default_factory=utcnow)


class AssessmentQuestion(SQLModel, table=True):
    __tablename__ = "assessment_question"
    __table_args__ = (UniqueConstraint("assessment_id", "question_id"),)
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    position: int
    question_id: str = Field(max_length=80, index=True)
    rubric_version: str = Field(max_length=16)
    reason: dict[str, Any] = _json_column()


class Answer(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    assessment_question_id: int = Field(foreign_key="assessment_question.id", unique=True)
    content: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    revision: int = 0  # bumps on every save, so a stale autosave cannot overwrite a newer one
    updated_at: datetime = Field(default_factory=utcnow)


class GradingJob(SQLModel, table=True):
    __tablename__ = "grading_job"
    id: int | None = Field(default=None, primary_key=True)
    assessment_question_id: int = Field(foreign_key="assessment_question.id", index=True)
    state: JobState = _state_column(JobState.queued)
    attempts: int = 0
    error: str | None = Field(default=None, max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None


class Grade(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    assessment_question_id: int = Field(foreign_key="assessment_question.id", unique=True)
    points: float
    max_points: float
    detail: dict[str, Any] = _json_column()  # the grader's evidence (key points or test results)
    grader: str = Field(max_length=120)  # e.g. model name, or "sandbox"
    rubric_version: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=utcnow)


class Override(SQLModel, table=True):
    """A reviewer's change to a machine score; kept forever and applied over any re-grade."""

    id: int | None = Field(default=None, primary_key=True)
    assessment_question_id: int = Field(foreign_key="assessment_question.id", index=True)
    user_id: int = Field(foreign_key="user.id")
    key_point_id: str | None = Field(default=None, max_length=80)  # None: the question score
    before: float
    after: float
    reason: str = Field(max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)


class CalibrationFit(SQLModel, table=True):
    """A monotone raw-credit → credit mapping fitted from reviewers' overrides.

    `question_id` None is the global mapping; the newest row per owner and question (or global) is in
    force. A fit belongs to the interviewer whose candidates' overrides it was fitted on (a team, once
    teams exist) and grades only that owner's candidates.
    """

    __tablename__ = "calibration_fit"
    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="user.id", index=True)
    question_id: str | None = Field(default=None, max_length=80, index=True)
    params: dict[str, Any] = _json_column()
    labels: int
    fitted_by: int = Field(foreign_key="user.id")
    fitted_at: datetime = Field(default_factory=utcnow)
