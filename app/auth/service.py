"""Interviewer accounts."""

import secrets

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.auth import throttle
from app.auth.passwords import hash_password, verify_password
from app.auth.policy import check_password
from app.bank.schema import LOCALES
from app.errors import N_, Conflict, Invalid
from app.models import User


class InvalidCredentials(Invalid):
    status_code = 401


def create_user(*, session: Session, email: str, name: str, password: str, locale: str = "en") -> User:
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise Invalid(N_("Enter a valid email address."))
    check_password(password)
    if session.exec(select(User).where(User.email == email)).first() is not None:
        raise Conflict(N_("An account with this email already exists."))
    user = User(
        email=email,
        name=name.strip()[:200] or email,
        password_hash=hash_password(password),
        locale=locale if locale in LOCALES else "en",
    )
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


def authenticate(*, session: Session, email: str, password: str, address: str) -> User:
    """The user with this email and password, unless the account or the address is throttled."""
    account = email.strip().lower()[:254]
    throttle.check(session=session, account=account, address=address)
    throttle.record_attempt(session=session, account=account, address=address)
    user = session.exec(select(User).where(User.email == account)).first()
    # Verify against a dummy hash when the user is unknown so timing does not reveal accounts.
    stored = user.password_hash if user else _DUMMY_HASH
    if not verify_password(stored, password) or user is None:
        raise InvalidCredentials(N_("Wrong email or password."))
    throttle.clear_account(session=session, account=account)
    return user


def change_password(*, session: Session, user: User, password: str) -> User:
    """Set a new password; every session signed in before ends."""
    check_password(password)
    user.password_hash = hash_password(password)
    session.add(user)
    session.flush()
    end_sessions(session=session, user=user)
    return user


def end_sessions(*, session: Session, user: User) -> None:
    """Bump the session version: cookies carrying the old one no longer sign anyone in."""
    # Incremented in SQL, so two sign-outs at once both count.
    session.execute(
        update(User)
        .where(col(User.id) == user.id)
        .values(session_version=col(User.session_version) + 1)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    session.refresh(user)


def set_locale(*, session: Session, user: User, locale: str) -> User:
    if locale not in LOCALES:
        raise Invalid(N_("Unsupported language %(locale)r."), locale=locale)
    user.locale = locale
    session.add(user)
    session.commit()
    return user


def ensure_first_user(*, session: Session, email: str, password: str) -> tuple[User, str | None] | None:
    """Create the first interviewer if there is none; returns the generated password once."""
    if session.exec(select(User)).first() is not None:
        return None
    generated = None
    if not password:
        generated = password = secrets.token_urlsafe(12)
    user = create_user(session=session, email=email or "admin@example.com", name="Admin", password=password)
    return user, generated


_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
