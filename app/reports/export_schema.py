"""The campaign JSON export's contract (docs/report-schema.md; JSON Schema in report-schema.json).

Bump SCHEMA_VERSION on any change a consumer could notice: "1.x" adds optional fields only, a new
major version renames or removes fields.
"""

from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

SCHEMA_VERSION: Literal["1.0"] = "1.0"
SCHEMA_FILE = Path(__file__).with_name("report-schema.json")


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OverrideRecord(Record):
    key_point_id: str | None  # None: the question's score was set
    before: float
    after: float
    reason: str
    reviewer_id: int
    created_at: datetime


class KeyPointRecord(Record):
    id: str
    weight: float
    span: str  # the part of the answer that matched best
    similarity: float
    decision: str  # full | partial | none (the machine's)
    machine_credit: float  # 0-1
    credit: float  # 0-1, after a reviewer's override


class MisconceptionRecord(Record):
    id: str
    weight: float
    span: str
    similarity: float
    matched: bool


class TestRecord(Record):
    index: int
    kind: str  # call | check
    verdict: str  # passed | wrong_answer | error | time_limit | memory_limit
    weight: float
    points: float
    detail: str = ""
    args: str | None = None
    expected: str | None = None
    got: str | None = None


class QuestionRecord(Record):
    position: int
    question_id: str
    kind: Literal["text", "code"]
    title: str  # English title
    topics: list[str]
    rubric_version: str
    state: str  # done | queued | running | failed | awaiting_sandbox | not_submitted
    answer: str
    points: float | None  # final: overrides applied; None while ungraded
    machine_points: float | None
    max_points: float
    grader: str | None  # the encoder's name, or "sandbox"
    needs_review: bool
    review_reasons: list[str]
    key_points: list[KeyPointRecord]
    misconceptions: list[MisconceptionRecord]
    tests: list[TestRecord]
    overrides: list[OverrideRecord]  # oldest first


class TopicRecord(Record):
    topic_id: str
    points: float
    max_points: float
    percent: float


class CandidateRecord(Record):
    assessment_id: int
    candidate_id: int
    name: str
    email: str
    locale: str
    profile_id: str
    state: str
    started_at: datetime | None
    submitted_at: datetime | None
    minutes_taken: float | None
    points: float
    max_points: float
    percent: float
    complete: bool  # every question has a final score
    topics: list[TopicRecord]
    questions: list[QuestionRecord]


class CampaignFilterRecord(Record):
    profile_id: str | None
    state: str | None


class CampaignExport(Record):
    schema_version: Literal["1.0"] = SCHEMA_VERSION
    owner_id: int
    filters: CampaignFilterRecord
    candidates: list[CandidateRecord]  # must stay the last field: the export streams it
