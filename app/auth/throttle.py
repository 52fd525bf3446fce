"""Sign-in throttling kept in the database, so every app process counts the same failures.

An account with too many recent failures, or an address with too many, is refused for a while
even with the right password: guessing gets a handful of tries per window, not thousands.
"""

import math
from datetime import timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.errors import N_, AppError
from app.models import LoginFailure, utcnow

MAX_ACCOUNT_FAILURES = 5
MAX_ADDRESS_FAILURES = 20  # a shared office or NAT address has several people mistyping
THROTTLE_WINDOW = timedelta(minutes=15)


class LoginThrottled(AppError):
    status_code = 429


def check(*, session: Session, account: str, address: str) -> None:
    """Refuse while the account or the address has used up its failures in the window."""
    now = utcnow()
    for column, key, limit in (
        (LoginFailure.account, account, MAX_ACCOUNT_FAILURES),
        (LoginFailure.address, address, MAX_ADDRESS_FAILURES),
    ):
        recent = session.exec(
            select(LoginFailure.created_at)
            .where(col(column) == key, col(LoginFailure.created_at) > now - THROTTLE_WINDOW)
            .order_by(col(LoginFailure.created_at).desc())
            .limit(limit)
        ).all()
        if len(recent) >= limit:
            # Open again once the oldest of those failures leaves the window.
            wait = recent[-1] + THROTTLE_WINDOW - now
            raise LoginThrottled(
                N_("Too many failed sign-ins. Wait %(minutes)s minutes, then try again."),
                minutes=max(1, math.ceil(wait.total_seconds() / 60)),
            )


def record_attempt(*, session: Session, account: str, address: str) -> None:
    """Count the attempt as failed before the password is checked, so a burst of parallel guesses
    is counted while the slow hash runs; a success then clears it with the account's others."""
    session.execute(delete(LoginFailure).where(col(LoginFailure.created_at) < utcnow() - THROTTLE_WINDOW))
    session.add(LoginFailure(account=account, address=address))
    session.commit()


def clear_account(*, session: Session, account: str) -> None:
    session.execute(delete(LoginFailure).where(col(LoginFailure.account) == account))
    session.commit()
