"""Who may see an assessment: the interviewer who owns its candidate, or whoever holds its invite
link. Every route that takes an assessment id or an invite token goes through here."""

import hashlib

from sqlmodel import Session, col, select

from app.errors import N_, Forbidden, NotFound
from app.models import Assessment, AssessmentState, Candidate, User, utcnow


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def get_assessment(*, session: Session, user: User, assessment_id: int) -> tuple[Assessment, Candidate]:
    """The assessment if this interviewer owns its candidate; authorization lives here."""
    assessment = session.get(Assessment, assessment_id)
    candidate = session.get(Candidate, assessment.candidate_id) if assessment else None
    if assessment is None or candidate is None or candidate.owner_id != user.id:
        raise NotFound(N_("No such assessment."))
    return assessment, candidate


def open_invite(*, session: Session, token: str) -> tuple[Assessment, Candidate]:
    if not 20 <= len(token) <= 100:
        raise NotFound(N_("This invite link is not valid."))
    found = session.exec(
        select(Assessment, Candidate)
        .join(Candidate, col(Candidate.id) == col(Assessment.candidate_id))
        .where(Assessment.invite_token_hash == hash_token(token))
    ).first()
    if found is None:
        raise NotFound(N_("This invite link is not valid."))
    assessment, candidate = found
    expired = assessment.invite_expires_at is not None and assessment.invite_expires_at < utcnow()
    if expired and assessment.state in (AssessmentState.invited, AssessmentState.in_progress):
        raise Forbidden(N_("This invite link has expired. Ask your interviewer for a new one."))
    return assessment, candidate
