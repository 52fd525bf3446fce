from datetime import timedelta

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import update
from sqlmodel import Session

from app.auth.service import change_password
from app.auth.throttle import MAX_ACCOUNT_FAILURES, MAX_ADDRESS_FAILURES, THROTTLE_WINDOW
from app.models import LoginFailure, User, utcnow
from tests.conftest import PASSWORD, csrf_from, sign_in


def test_dashboard_requires_sign_in(client: TestClient) -> None:
    response = client.get("/dashboard", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"


def test_sign_in_sets_a_signed_httponly_cookie(client: TestClient, interviewer: User) -> None:
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={"email": interviewer.email, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "grader_session=" in cookie and "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert client.get("/dashboard").status_code == 200


def test_wrong_password_shows_the_form_again(client: TestClient, interviewer: User) -> None:
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login", data={"email": interviewer.email, "password": "nope-nope-nope", "csrf_token": token}
    )
    assert response.status_code == 401
    assert "Wrong email or password." in response.text


def test_login_without_csrf_token_is_refused(client: TestClient, interviewer: User) -> None:
    client.get("/login")
    response = client.post("/login", data={"email": interviewer.email, "password": PASSWORD})
    assert response.status_code == 403
    assert client.get("/dashboard", follow_redirects=False).status_code == 303


def test_interviewer_switches_to_japanese(client: TestClient, interviewer: User) -> None:
    token = sign_in(client)
    response = client.post(
        "/account/locale", data={"locale": "ja", "next": "/dashboard", "csrf_token": token}
    )
    assert response.status_code == 200
    assert 'lang="ja"' in response.text
    assert "候補者" in response.text  # "Candidates"


def test_locale_redirect_stays_on_this_site(client: TestClient, interviewer: User) -> None:
    token = sign_in(client)
    response = client.post(
        "/account/locale",
        data={"locale": "en", "next": "//evil.example/", "csrf_token": token},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/dashboard"


def test_logout_ends_the_session(client: TestClient, interviewer: User) -> None:
    token = sign_in(client)
    client.post("/logout", data={"csrf_token": token})
    assert client.get("/dashboard", follow_redirects=False).status_code == 303


def _login(client: TestClient, email: str, password: str) -> Response:
    token = csrf_from(client.get("/login").text)
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}, follow_redirects=False
    )


def test_a_copied_cookie_stops_working_after_logout(client: TestClient, interviewer: User) -> None:
    token = sign_in(client)
    copied = client.cookies["grader_session"]
    client.post("/logout", data={"csrf_token": token})
    client.cookies.clear()
    replay = client.get("/dashboard", headers={"Cookie": f"grader_session={copied}"}, follow_redirects=False)
    assert replay.status_code == 303  # the cookie someone copied before the sign-out is dead too


def test_a_new_password_ends_the_sessions_signed_in_with_the_old_one(
    client: TestClient, session: Session, interviewer: User
) -> None:
    sign_in(client)
    assert client.get("/dashboard", follow_redirects=False).status_code == 200
    change_password(session=session, user=interviewer, password="a brand new passphrase")
    assert client.get("/dashboard", follow_redirects=False).status_code == 303
    sign_in(client, password="a brand new passphrase")
    assert client.get("/dashboard", follow_redirects=False).status_code == 200


def test_repeated_failures_lock_the_account_even_against_the_right_password(
    client: TestClient, session: Session, interviewer: User
) -> None:
    for _ in range(MAX_ACCOUNT_FAILURES):
        assert _login(client, interviewer.email, "wrong password!").status_code == 401
    locked = _login(client, interviewer.email, PASSWORD)
    assert locked.status_code == 429 and "Too many failed sign-ins" in locked.text
    # The back-off is over once the failures are older than the window.
    session.execute(update(LoginFailure).values(created_at=utcnow() - THROTTLE_WINDOW - timedelta(seconds=1)))
    session.commit()
    assert _login(client, interviewer.email, PASSWORD).status_code == 303


def test_one_address_guessing_many_accounts_is_throttled(client: TestClient, interviewer: User) -> None:
    for n in range(MAX_ADDRESS_FAILURES):
        assert _login(client, f"guess{n}@example.com", "wrong password!").status_code == 401
    assert _login(client, interviewer.email, PASSWORD).status_code == 429
