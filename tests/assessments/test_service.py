import hashlib
from datetime import timedelta

import pytest
from sqlmodel import Session

from app.assessments import service
from app.auth.access import get_assessment, open_invite
from app.auth.service import create_user
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.main import Services
from app.models import AssessmentState, User, utcnow
from app.reports.service import CampaignFilter, campaign_assessment_ids
from tests.factories import invited_assessment, new_assessment


def test_new_candidate_gets_a_proposed_set_for_the_profile(
    session: Session, services: Services, interviewer: User
) -> None:
    bank = services.bank
    assessment = new_assessment(session, bank, interviewer, profile_id="deep-learning-engineer")
    rows = service.assessment_questions(session=session, assessment=assessment)
    profile = bank.profiles["deep-learning-engineer"]
    kinds = [bank.questions[r.question_id].question.kind for r in rows]
    assert kinds.count("text") == profile.text_questions and kinds.count("code") == profile.code_questions
    assert len({r.question_id for r in rows}) == len(rows)
    assert all(r.rubric_version == bank.questions[r.question_id].version for r in rows)
    assert all(r.reason.get("text") for r in rows)
    assert assessment.state == AssessmentState.draft


@pytest.mark.parametrize(
    ("email", "profile_id"), [("x@example.com", "astronaut"), ("not-an-email", "junior-ml-engineer")]
)
def test_unknown_profile_and_bad_email_are_refused(
    session: Session, services: Services, interviewer: User, email: str, profile_id: str
) -> None:
    with pytest.raises(Invalid):
        service.create_candidate(
            session=session,
            bank=services.bank,
            owner=interviewer,
            name="X",
            email=email,
            profile_id=profile_id,
            locale="en",
        )
    assert campaign_assessment_ids(session=session, user=interviewer, filters=CampaignFilter()) == []


def test_invite_token_is_random_and_stored_only_as_a_hash(
    session: Session, services: Services, interviewer: User
) -> None:
    assessment, token = invited_assessment(session, services.bank, interviewer)
    assert len(token) >= 43  # 32 random bytes, urlsafe base64
    assert assessment.invite_token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(assessment.model_dump())
    opened, _ = open_invite(session=session, token=token)
    assert opened.id == assessment.id


def test_a_new_invite_disables_the_old_link(session: Session, services: Services, interviewer: User) -> None:
    assessment, old = invited_assessment(session, services.bank, interviewer)
    service.issue_invite(session=session, assessment=assessment, ttl_hours=1)
    with pytest.raises(NotFound):
        open_invite(session=session, token=old)


def test_expired_invite_is_refused(session: Session, services: Services, interviewer: User) -> None:
    assessment, token = invited_assessment(session, services.bank, interviewer)
    assessment.invite_expires_at = utcnow() - timedelta(minutes=1)
    session.add(assessment)
    session.commit()
    with pytest.raises(Forbidden, match="expired"):
        open_invite(session=session, token=token)


def test_another_interviewer_cannot_see_the_assessment(
    session: Session, services: Services, interviewer: User
) -> None:
    assessment = new_assessment(session, services.bank, interviewer)
    other = create_user(session=session, email="eve@example.com", name="Eve", password="0123456789ab")
    with pytest.raises(NotFound):
        get_assessment(session=session, user=other, assessment_id=assessment.id)  # type: ignore[arg-type]
    assert campaign_assessment_ids(session=session, user=other, filters=CampaignFilter()) == []


def test_swap_keeps_kind_and_is_refused_once_started(
    session: Session, services: Services, interviewer: User
) -> None:
    bank = services.bank
    assessment = new_assessment(session, bank, interviewer)
    rows = service.assessment_questions(session=session, assessment=assessment)
    outgoing = rows[0].question_id
    options = service.replacement_options(session=session, bank=bank, assessment=assessment, replace=outgoing)
    assert options, "the bank should offer at least one replacement"
    replacement = options[0].question_id
    service.swap_question(
        session=session, bank=bank, assessment=assessment, replace=outgoing, replacement=replacement
    )
    ids = [r.question_id for r in service.assessment_questions(session=session, assessment=assessment)]
    assert replacement in ids and outgoing not in ids
    assert bank.questions[replacement].question.kind == bank.questions[outgoing].question.kind
    with pytest.raises(Invalid):
        service.swap_question(
            session=session, bank=bank, assessment=assessment, replace=replacement, replacement=ids[1]
        )  # already in the set
    assessment.state = AssessmentState.in_progress
    with pytest.raises(Conflict):
        service.swap_question(
            session=session, bank=bank, assessment=assessment, replace=replacement, replacement=outgoing
        )
