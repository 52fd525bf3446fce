"""Small builders for test data, going through the real services."""

from sqlmodel import Session

from app.assessments.service import create_candidate, issue_invite
from app.bank.loader import Bank
from app.bank.sync import sync_rubric_versions
from app.models import Assessment, User


def new_assessment(
    session: Session,
    bank: Bank,
    owner: User,
    *,
    profile_id: str = "junior-ml-engineer",
    name: str = "Bob",
    locale: str = "en",
) -> Assessment:
    sync_rubric_versions(session=session, bank=bank)
    return create_candidate(
        session=session,
        bank=bank,
        owner=owner,
        name=name,
        email=f"{name.lower()}@example.com",
        profile_id=profile_id,
        locale=locale,
    )


def invited_assessment(session: Session, bank: Bank, owner: User, **kwargs: str) -> tuple[Assessment, str]:
    assessment = new_assessment(session, bank, owner, **kwargs)
    return assessment, issue_invite(session=session, assessment=assessment, ttl_hours=72)
