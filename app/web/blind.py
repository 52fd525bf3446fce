"""Blind review: a per-session toggle that shows candidates under a stable pseudonym instead of their name."""

import hashlib
import hmac
from functools import cache
from pathlib import Path

from fastapi import Request

from app.models import Candidate
from app.secrets_store import signing_key
from app.web.i18n import gettext
from app.web.state import app_state

SESSION_KEY = "blind_review"
PSEUDONYM_HEX_DIGITS = 6  # 16.7M values: a clash among one interviewer's candidates is unlikely


def is_blind(request: Request) -> bool:
    return request.session.get(SESSION_KEY) is True


def set_blind(request: Request, *, enabled: bool) -> None:
    request.session[SESSION_KEY] = enabled


def pseudonym_code(*, key: str, candidate_id: int) -> str:
    """Keyed, so nobody can recompute a name's pseudonym from the candidate's id; stable across sessions."""
    digest = hmac.new(key.encode(), f"candidate:{candidate_id}".encode(), hashlib.sha256).hexdigest()
    return digest[:PSEUDONYM_HEX_DIGITS].upper()


@cache
def _key(configured: str, var_dir: Path) -> str:
    return signing_key(configured, var_dir)


def candidate_label(request: Request, candidate: Candidate) -> str:
    """The name to show: the pseudonym while the reviewer's session is blind."""
    if not is_blind(request):
        return candidate.name
    assert candidate.id is not None
    settings = app_state(request).settings
    code = pseudonym_code(key=_key(settings.secret_key, settings.var_dir), candidate_id=candidate.id)
    return f"{gettext('Candidate')} {code}"
