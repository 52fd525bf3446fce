from fastapi.testclient import TestClient

from app.models import User
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
