"""Request bodies are checked before any parsing; every response carries the security headers."""

import socket
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.main import Services, create_app
from app.models import Answer, User
from app.settings import Settings
from tests.conftest import csrf_from
from tests.factories import invited_assessment


def _raw(base: str, request: bytes) -> bytes:
    """Sends bytes as they are (no client library adds a Content-Length) and reads the answer."""
    address = urlsplit(base)
    with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = connection.recv(65536)
            assert chunk, "the server closed without answering"
            answer += chunk
    return answer


def test_a_chunked_body_over_the_limit_is_refused_before_sign_in(
    live_server: str, settings: Settings
) -> None:
    parts = [b"email="] + [b"a" * 65536] * (settings.max_request_bytes // 65536 + 2)
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in parts) + b"0\r\n\r\n"
    head = b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    answer = _raw(live_server, head + b"Transfer-Encoding: chunked\r\n\r\n" + chunked)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_uploads_are_refused_before_parsing(client: TestClient) -> None:
    response = client.post("/login", files={"csrf_token": ("big.bin", b"x" * 1000)})
    assert response.status_code == 415
    assert "uploads are not accepted" in response.text


def test_nul_characters_are_refused_and_nothing_is_saved(
    client: TestClient, session: Session, services: Services, interviewer: User
) -> None:
    _, token = invited_assessment(session, services.bank, interviewer)
    page = client.get(f"/a/{token}").text
    csrf = csrf_from(page)
    field = page.split('name="answer-', 1)[1].split('"', 1)[0]
    response = client.post(
        f"/a/{token}/save",
        data={f"answer-{field}": "before\x00after", "csrf_token": csrf},
        headers={"Accept-Language": "ja"},
    )
    assert response.status_code == 422
    assert "NUL" in response.text and "<html" in response.text
    assert session.exec(select(Answer)).all() == []
    assert client.get("/reports/candidates.csv?profile=a%00b").status_code == 422


def test_security_headers_are_on_an_unhandled_error(
    settings: Settings, services: Services, engine: Engine
) -> None:
    app = create_app(settings, services=services, engine=engine)

    @app.get("/crash")
    def crash() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/crash")
    assert response.status_code == 500
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_vendor_serves_only_the_files_pages_use(client: TestClient) -> None:
    assert client.get("/vendor/htmx.org/dist/htmx.min.js").status_code == 200
    assert client.get("/vendor/htmx.org/dist/htmx.js").status_code == 404
    assert client.get("/vendor/htmx.org/package.json").status_code == 404


@pytest.mark.parametrize("big", [2**31, 2**63, 2**64])
def test_ids_no_database_can_hold_are_404(
    client: TestClient, signed_in: str, session: Session, services: Services, interviewer: User, big: int
) -> None:
    invited_assessment(session, services.bank, interviewer)
    for path in (
        "/assessments/{}",
        "/assessments/{}/result",
        "/assessments/{}/report",
        "/assessments/{}/swap?replace=x",
    ):
        assert client.get(path.format(big)).status_code == 404, path
    override = client.post(
        f"/assessments/1/questions/{big}/override",
        data={"after": "1", "reason": "r", "csrf_token": signed_in},
    )
    assert override.status_code == 404
    invite = client.post(f"/assessments/{big}/invite", data={"csrf_token": signed_in})
    assert invite.status_code == 404
