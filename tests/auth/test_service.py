import pytest
from sqlmodel import Session

from app.auth.service import InvalidCredentials, authenticate, create_user, ensure_first_user
from app.auth.throttle import MAX_ACCOUNT_FAILURES, LoginThrottled
from app.errors import Conflict, Invalid
from app.models import User
from tests.conftest import PASSWORD

ADDRESS = "192.0.2.1"


def test_password_is_stored_as_argon2_hash_and_verifies(session: Session) -> None:
    user = create_user(session=session, email="Grace@Example.com", name="Grace", password="a long passphrase")
    assert user.password_hash.startswith("$argon2id$")
    assert "a long passphrase" not in user.password_hash
    assert (
        authenticate(
            session=session, email="grace@example.com", password="a long passphrase", address=ADDRESS
        ).id
        == user.id
    )


def test_wrong_password_and_unknown_user_give_the_same_error(session: Session, interviewer: User) -> None:
    with pytest.raises(InvalidCredentials) as wrong:
        authenticate(session=session, email=interviewer.email, password="not the password", address=ADDRESS)
    with pytest.raises(InvalidCredentials) as unknown:
        authenticate(session=session, email="nobody@example.com", password="whatever123", address=ADDRESS)
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
    assert (
        authenticate(session=session, email="boss@example.com", password=generated, address=ADDRESS).id
        == user.id
    )
    assert ensure_first_user(session=session, email="boss@example.com", password="") is None


@pytest.mark.parametrize("password", ["password123", "Qwertyuiop", "1q2w3e4r5t6y", "manchester2024!"])
def test_common_passwords_are_refused_whatever_their_length(session: Session, password: str) -> None:
    with pytest.raises(Invalid, match="too common"):
        create_user(session=session, email="new@example.com", name="New", password=password)


def test_a_successful_sign_in_resets_the_account_failures(session: Session, interviewer: User) -> None:
    for _ in range(2):
        for _ in range(MAX_ACCOUNT_FAILURES - 1):
            with pytest.raises(InvalidCredentials):
                authenticate(
                    session=session, email=interviewer.email, password="wrong guess!", address=ADDRESS
                )
        assert authenticate(session=session, email=interviewer.email, password=PASSWORD, address=ADDRESS)
    for _ in range(MAX_ACCOUNT_FAILURES):
        with pytest.raises(InvalidCredentials):
            authenticate(session=session, email=interviewer.email, password="wrong guess!", address=ADDRESS)
    # Another address does not help: the account itself is locked, and the message says for how long.
    with pytest.raises(LoginThrottled, match="15 minutes") as locked:
        authenticate(session=session, email=interviewer.email, password=PASSWORD, address="198.51.100.7")
    assert locked.value.status_code == 429
