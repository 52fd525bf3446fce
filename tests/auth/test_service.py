import pytest
from sqlmodel import Session

from app.auth.service import InvalidCredentials, authenticate, create_user, ensure_first_user
from app.errors import Conflict, Invalid
from app.models import User


def test_password_is_stored_as_argon2_hash_and_verifies(session: Session) -> None:
    user = create_user(session=session, email="Grace@Example.com", name="Grace", password="a long passphrase")
    assert user.password_hash.startswith("$argon2id$")
    assert "a long passphrase" not in user.password_hash
    assert (
        authenticate(session=session, email="grace@example.com", password="a long passphrase").id == user.id
    )


def test_wrong_password_and_unknown_user_give_the_same_error(session: Session, interviewer: User) -> None:
    with pytest.raises(InvalidCredentials) as wrong:
        authenticate(session=session, email=interviewer.email, password="not the password")
    with pytest.raises(InvalidCredentials) as unknown:
        authenticate(session=session, email="nobody@example.com", password="whatever123")
    assert wrong.value.message == unknown.value.message
    assert wrong.value.status_code == 401


def test_duplicate_email_and_short_password_are_refused(session: Session, interviewer: User) -> None:
    with pytest.raises(Conflict):
        create_user(session=session, email="ADA@example.com", name="Other", password="0123456789")
    with pytest.raises(Invalid):
        create_user(session=session, email="new@example.com", name="New", password="short")


def test_first_user_is_created_once_with_a_generated_password(session: Session) -> None:
    created = ensure_first_user(session=session, email="boss@example.com", password="")
    assert created is not None
    user, generated = created
    assert generated and len(generated) >= 12
    assert authenticate(session=session, email="boss@example.com", password=generated).id == user.id
    assert ensure_first_user(session=session, email="boss@example.com", password="") is None
