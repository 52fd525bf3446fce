"""Candidates' example runs cannot starve grading, nor hold the server while they wait."""

import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.answers.service import answer_sheet
from app.main import Services, create_app
from app.models import Answer, User
from app.sandbox import Sandbox, SandboxBusy
from app.settings import Settings
from tests.conftest import csrf_from
from tests.factories import invited_assessment

LOOP = "while True:\n    pass\n"


def _sandbox(services: Services) -> Sandbox:
    sandbox = services.graders.sandbox
    assert sandbox is not None and sandbox.workers == 2
    return sandbox


@pytest.fixture
def looping_example(services: Services) -> Iterator[None]:
    """One candidate's example run spinning in a slot (until its CPU limit) meanwhile."""
    sandbox = _sandbox(services)
    started = threading.Event()

    def spin() -> None:
        with sandbox.example_turn(wait_s=5):
            started.set()
            sandbox.run_python(LOOP)

    thread = threading.Thread(target=spin)
    thread.start()
    assert started.wait(10)
    time.sleep(0.2)  # the loop has its slot
    yield
    thread.join(timeout=30)


def test_grading_gets_a_slot_while_example_runs_loop(services: Services, looping_example: None) -> None:
    sandbox = _sandbox(services)
    began = time.monotonic()
    with pytest.raises(SandboxBusy), sandbox.example_turn(wait_s=0.3):
        sandbox.run_python("print('never')")
    assert time.monotonic() - began < 1.5
    graded = sandbox.run_python("print('graded')")
    assert graded.stdout == "graded\n"
    assert time.monotonic() - began < 1.5  # well before the looping example ends


def _code_question(session: Session, services: Services, interviewer: User, name: str) -> tuple[str, int]:
    assessment, token = invited_assessment(session, services.bank, interviewer, name=name)
    item = next(i for i in answer_sheet(session=session, assessment=assessment) if i.question.kind == "code")
    assert item.assessment_question.id is not None
    return token, item.assessment_question.id


def test_a_busy_runner_is_a_quick_503_and_the_answer_is_kept(
    settings: Settings,
    services: Services,
    engine: Engine,
    session: Session,
    interviewer: User,
    looping_example: None,
) -> None:
    app = create_app(settings.model_copy(update={"examples_wait_s": 0.3}), services=services, engine=engine)
    token, aq_id = _code_question(session, services, interviewer, "Busy")
    with TestClient(app) as client:
        csrf = csrf_from(client.get(f"/a/{token}").text)
        began = time.monotonic()
        response = client.post(
            f"/a/{token}/run/{aq_id}", data={f"answer-{aq_id}": "def f(): 1", "csrf_token": csrf}
        )
    assert response.status_code == 503 and "busy" in response.text
    assert time.monotonic() - began < 1.5
    assert (
        session.exec(select(Answer.content).where(Answer.assessment_question_id == aq_id)).one()
        == "def f(): 1"
    )


def test_runs_are_limited_per_address_across_invites(
    settings: Settings, services: Services, engine: Engine, session: Session, interviewer: User
) -> None:
    limited = settings.model_copy(update={"examples_runs_per_address_per_minute": 2})
    invites = [_code_question(session, services, interviewer, name) for name in ("Ann", "Ben")]
    with TestClient(create_app(limited, services=services, engine=engine)) as client:
        statuses = []
        for token, aq_id in [*invites, invites[1]]:
            csrf = csrf_from(client.get(f"/a/{token}").text)
            data = {f"answer-{aq_id}": "print(1)", "csrf_token": csrf}
            statuses.append(client.post(f"/a/{token}/run/{aq_id}", data=data).status_code)
    assert statuses == [200, 200, 429]
