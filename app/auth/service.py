"""Interviewer accounts."""

import secrets

from sqlmodel import Session, select

from app.auth.passwords import hash_password, verify_password
from app.errors import N_, Conflict, Invalid
from app.models import User

MIN_PASSWORD_LENGTH = 10
SUPPORTED_LOCALES = ("en", "ja")


class InvalidCredentials(Invalid):
    status_code = 401


def create_user(*, session: Session, email: str, name: str, password: str, locale: str = "en") -> User:
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise Invalid(N_("Enter a valid email address."))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(N_("The password needs at least %(n)s characters."), n=MIN_PASSWORD_LENGTH)
    if session.exec(select(User).where(User.email == email)).first() is not None:
        raise Conflict(N_("An account with this email already exists."))
    user = User(
        email=email,
        name=name.strip()[:200] or email,
        password_hash=hash_password(password),
        locale=locale if locale in SUPPORTED_LOCALES else "en",
    )
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


def authenticate(*, session: Session, email: str, password: str) -> User:
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    # Verify against a dummy hash when the user is unknown so timing does not reveal accounts.
    stored = user.password_hash if user else _DUMMY_HASH
    if not verify_password(stored, password) or user is None:
        raise InvalidCredentials(N_("Wrong email or password."))
    return user


def set_locale(*, session: Session, user: User, locale: str) -> User:
    if locale not in SUPPORTED_LOCALES:
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
