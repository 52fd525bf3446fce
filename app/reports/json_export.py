"""Campaign JSON: full detail per candidate in the versioned schema of export_schema, streamed."""

from collections.abc import Iterator
from datetime import datetime

from sqlmodel import Session

from app.grading.detail import CodeDetail, TextDetail
from app.models import User
from app.reports.export_schema import (
    CampaignExport,
    CampaignFilterRecord,
    CandidateRecord,
    KeyPointRecord,
    MisconceptionRecord,
    OverrideRecord,
    QuestionRecord,
    TestRecord,
    TopicRecord,
)
from app.reports.service import CampaignFilter, iter_campaign_results
from app.results.loading import CandidateResult, as_utc
from app.results.scores import QuestionResult

assert list(CampaignExport.model_fields)[-1] == "candidates", "the stream splices records into the last field"


def _moment(value: datetime | None) -> datetime | None:
    return as_utc(value) if value else None


def _key_points(question: QuestionResult, detail: TextDetail) -> list[KeyPointRecord]:
    overrides = question.key_point_overrides
    return [
        KeyPointRecord(
            id=kp.id,
            weight=kp.weight,
            span=kp.span,
            similarity=kp.similarity,
            decision=kp.decision,
            machine_credit=kp.credit,
            credit=overrides[kp.id].after if kp.id in overrides else kp.credit,
        )
        for kp in detail.key_points
    ]


def _misconceptions(detail: TextDetail) -> list[MisconceptionRecord]:
    return [
        MisconceptionRecord(id=m.id, weight=m.weight, span=m.span, similarity=m.similarity, matched=m.matched)
        for m in detail.misconceptions
    ]


def _tests(detail: CodeDetail) -> list[TestRecord]:
    return [
        TestRecord(
            index=t.index,
            kind=t.kind,
            verdict=t.verdict.value,
            weight=t.weight,
            points=t.points,
            detail=t.detail,
            args=t.args,
            expected=t.expected,
            got=t.got,
        )
        for t in detail.tests
    ]


def question_record(question: QuestionResult) -> QuestionRecord:
    item, grade, detail = question.item, question.grade, question.detail
    text = detail if isinstance(detail, TextDetail) else None
    return QuestionRecord(
        position=item.assessment_question.position,
        question_id=item.question.id,
        kind=item.question.kind,
        title=item.question.title.en,
        topics=list(item.question.topics),
        rubric_version=item.assessment_question.rubric_version,
        state=question.state,
        answer=item.content,
        points=question.points,
        machine_points=question.machine_points,
        max_points=question.max_points,
        grader=grade.grader if grade else None,
        needs_review=text.needs_review if text else False,
        review_reasons=list(text.review_reasons) if text else [],
        key_points=_key_points(question, text) if text else [],
        misconceptions=_misconceptions(text) if text else [],
        tests=_tests(detail) if isinstance(detail, CodeDetail) else [],
        overrides=[
            OverrideRecord(
                key_point_id=o.key_point_id,
                before=o.before,
                after=o.after,
                reason=o.reason,
                reviewer_id=o.user_id,
                created_at=as_utc(o.created_at),
            )
            for o in question.overrides
        ],
    )


def candidate_record(row: CandidateResult) -> CandidateRecord:
    assessment, candidate, result = row.assessment, row.candidate, row.result
    assert assessment.id is not None and candidate.id is not None
    return CandidateRecord(
        assessment_id=assessment.id,
        candidate_id=candidate.id,
        name=candidate.name,
        email=candidate.email,
        locale=candidate.locale,
        profile_id=assessment.profile_id,
        state=assessment.state,
        started_at=_moment(assessment.started_at),
        submitted_at=_moment(assessment.submitted_at),
        minutes_taken=row.minutes_taken,
        points=round(result.total.points, 4),
        max_points=round(result.total.max_points, 4),
        percent=round(result.total.percent, 2),
        complete=result.complete,
        topics=[
            TopicRecord(
                topic_id=t,
                points=round(s.points, 4),
                max_points=round(s.max_points, 4),
                percent=round(s.percent, 2),
            )
            for t, s in sorted(result.topics.items())
        ],
        questions=[question_record(q) for q in result.questions],
    )


def candidates_json(*, session: Session, user: User, filters: CampaignFilter) -> Iterator[str]:
    assert user.id is not None
    state = filters.state.value if filters.state else None
    envelope = CampaignExport(
        owner_id=user.id,
        filters=CampaignFilterRecord(profile_id=filters.profile_id, state=state),
        candidates=[],
    ).model_dump_json()
    yield envelope.removesuffix("]}")
    for index, row in enumerate(iter_campaign_results(session=session, user=user, filters=filters)):
        yield ("," if index else "") + candidate_record(row).model_dump_json()
    yield "]}"
