"""Many candidates at once against the real server process: no deadlock, no 5xx, quick recovery."""

import asyncio
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from app.bank.loader import load_bank
from app.models import User
from app.settings import PROJECT_ROOT
from tests.conftest import POSTGRES_URL
from tests.factories import invited_assessment

CANDIDATES = 120
SESSION_COOKIE = re.compile(r"grader_session=([^;]+)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _database_url(engine: Engine) -> str:
    if not POSTGRES_URL:
        return engine.url.render_as_string(hide_password=False)
    with engine.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    return f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"


@pytest.fixture
def server(engine: Engine, tmp_path: Path) -> Iterator[str]:
    """`uvicorn --factory app.main:create_app` in its own process, on a free loopback port."""
    port = _free_port()
    env = os.environ | {
        "DATABASE_URL": _database_url(engine),
        "GRADER_SECRET_KEY": "test-secret-key-not-for-production",
        "GRADER_VAR_DIR": str(tmp_path),
        "GRADER_BUSY_TIMEOUT_S": "3",
        "GRADER_SANDBOX_WORKERS": "1",
        # Its own uid: the test session's sandbox may run code with the base uids meanwhile.
        "GRADER_SANDBOX_UID_BASE": str(int(os.environ.get("GRADER_SANDBOX_UID_BASE", "64100")) + 16),
        "HF_HUB_OFFLINE": "1",
    }
    command = [sys.executable, "-m", "uvicorn", "--factory", "app.main:create_app", "--no-access-log"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    process = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "the server did not start"
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def _open_then_save(client: httpx.AsyncClient, token: str) -> list[int]:
    """One candidate: opens the page, then autosaves the first answer as htmx does."""
    page = await client.get(f"/a/{token}")
    if page.status_code != 200:
        return [page.status_code]
    cookie = SESSION_COOKIE.search(page.headers.get("set-cookie", ""))
    csrf = re.search(r'"X-CSRF-Token": "([^"]+)"', page.text)
    field = re.search(r'name="(answer-\d+)"', page.text)
    assert cookie and csrf and field, "the page lacks its session cookie, CSRF token or answer field"
    saved = await client.post(
        f"/a/{token}/save",
        data={field.group(1): "Dropout randomly zeroes activations during training."},
        headers={
            "HX-Request": "true",
            "X-CSRF-Token": csrf.group(1),
            "Cookie": f"grader_session={cookie.group(1)}",
        },
    )
    return [page.status_code, saved.status_code]


async def _everyone_at_once(base: str, tokens: list[str]) -> list[int | str]:
    limits = httpx.Limits(max_connections=len(tokens) * 2, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=20) as client:
        outcomes = await asyncio.gather(*(_open_then_save(client, t) for t in tokens), return_exceptions=True)
    statuses: list[int | str] = []
    for outcome in outcomes:
        statuses.extend([type(outcome).__name__] if isinstance(outcome, BaseException) else outcome)
    return statuses


def test_a_burst_of_candidates_gets_no_5xx_and_the_server_recovers_at_once(
    engine: Engine, session: Session, interviewer: User, server: str
) -> None:
    bank = load_bank(PROJECT_ROOT / "rubrics")
    tokens = [invited_assessment(session, bank, interviewer, name=f"C{i}")[1] for i in range(CANDIDATES)]
    # A thread of its own: an earlier test may have left an event loop set on this one.
    with ThreadPoolExecutor(1) as thread:
        statuses = thread.submit(asyncio.run, _everyone_at_once(server, tokens)).result()
    failures = [s for s in statuses if not isinstance(s, int) or s >= 500]
    assert not failures, f"{len(failures)} of {len(statuses)} failed: {sorted(set(map(str, failures)))}"
    assert statuses.count(200) == 2 * CANDIDATES, statuses
    assert httpx.get(f"{server}/healthz", timeout=5).status_code == 200
