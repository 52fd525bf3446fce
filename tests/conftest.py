"""Shared fixtures: a real database per test (SQLite, or PostgreSQL when TEST_DATABASE_URL is set),
the real embedding model and sandbox built once per session, real HTTP through TestClient."""

import os
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlmodel import Session, SQLModel

import app.models  # noqa: F401  (registers the tables)
from app.auth.service import create_user
from app.db import make_engine
from app.main import Services, build_services, create_app
from app.models import Assessment, AssessmentState, User
from app.settings import PROJECT_ROOT, Settings

pytest_plugins = ["tests.browser"]
PASSWORD = "correct horse battery"
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture(scope="session")
def base_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    var_dir = tmp_path_factory.mktemp("var")
    return Settings(
        database_url=f"sqlite:///{var_dir / 'unused.db'}",
        secret_key="test-secret-key-not-for-production",
        var_dir=var_dir,
        rubrics_dir=PROJECT_ROOT / "rubrics",
    )


@pytest.fixture(scope="session")
def services(base_settings: Settings) -> Services:
    """The bank, the real model and the sandbox pool: built once for the whole run."""
    return build_services(base_settings)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    if not POSTGRES_URL:
        engine = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
        SQLModel.metadata.create_all(engine)
        yield engine
        engine.dispose()
        return
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(
        POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"}, pool_pre_ping=True
    )
    SQLModel.metadata.create_all(engine)
    yield engine
    engine.dispose()
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def settings(base_settings: Settings) -> Settings:
    return base_settings


@pytest.fixture
def client(settings: Settings, services: Services, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings, services=services, engine=engine)) as test_client:
        yield test_client


@pytest.fixture
def interviewer(session: Session) -> User:
    return create_user(session=session, email="ada@example.com", name="Ada", password=PASSWORD)


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def sign_in(client: TestClient, email: str = "ada@example.com", password: str = PASSWORD) -> str:
    """Signs in through the real form; returns a CSRF token for later posts."""
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    return csrf_from(client.get("/dashboard").text)


@pytest.fixture
def signed_in(client: TestClient, interviewer: User) -> str:
    return sign_in(client)


def wait_for_state(
    engine: Engine, assessment_id: int, state: AssessmentState, timeout: float = 120.0
) -> Assessment:
    deadline = time.monotonic() + timeout
    while True:
        with Session(engine) as s:
            assessment = s.get(Assessment, assessment_id)
            assert assessment is not None
            if assessment.state == state:
                return assessment
        if time.monotonic() > deadline:
            raise AssertionError(f"assessment {assessment_id} stayed {assessment.state}, wanted {state}")
        time.sleep(0.1)
