import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from app.main import Services, create_app
from app.models import Answer, Assessment, AssessmentState, GradingJob, User, utcnow
from app.settings import Settings
from tests.conftest import csrf_from
from tests.factories import invited_assessment


def _open(client: TestClient, token: str) -> tuple[str, list[int]]:
    page = client.get(f"/a/{token}")
    assert page.status_code == 200, page.text
    return csrf_from(page.text), [int(i) for i in re.findall(r'name="answer-(\d+)"', page.text)]


def _invite(session: Session, services: Services, interviewer: User, **kwargs: str) -> tuple[Assessment, str]:
    return invited_assessment(session, services.bank, interviewer, **kwargs)


def test_candidate_page_lists_questions_without_an_account(
    client: TestClient, session: Session, services: Services, interviewer: User
) -> None:
    _, token = _invite(session, services, interviewer)
    _, ids = _open(client, token)
    assert len(ids) == 7
    page = client.get(f"/a/{token}").text
    assert 'hx-post="/a/' in page and 'action="/a/' in page  # htmx autosave plus a plain form fallback


def test_wrong_token_is_a_clear_404(client: TestClient) -> None:
    response = client.get("/a/" + "x" * 43)
    assert response.status_code == 404
    assert "not valid" in response.text


def test_expired_token_is_refused(
    client: TestClient, session: Session, services: Services, interviewer: User
) -> None:
    assessment, token = _invite(session, services, interviewer)
    assessment.invite_expires_at = utcnow() - timedelta(seconds=1)
    session.add(assessment)
    session.commit()
    response = client.get(f"/a/{token}")
    assert response.status_code == 403
    assert "expired" in response.text


def test_htmx_autosave_returns_the_status_fragment(
    client: TestClient, session: Session, services: Services, interviewer: User
) -> None:
    _, token = _invite(session, services, interviewer)
    csrf, ids = _open(client, token)
    response = client.post(
        f"/a/{token}/save",
        data={f"answer-{ids[0]}": "autosaved"},
        headers={"HX-Request": "true", "X-CSRF-Token": csrf},
    )
    assert response.status_code == 200
    assert f'id="save-status-{ids[0]}"' in response.text and "<html" not in response.text
    assert (
        session.exec(select(Answer.content).where(Answer.assessment_question_id == ids[0])).one()
        == "autosaved"
    )


def test_plain_form_save_works_without_javascript(
    client: TestClient, session: Session, services: Services, interviewer: User
) -> None:
    _, token = _invite(session, services, interviewer)
    csrf, ids = _open(client, token)
    form = {f"answer-{i}": f"answer {i}" for i in ids} | {"csrf_token": csrf}
    response = client.post(f"/a/{token}/save", data=form, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].endswith("?saved=1")
    page = client.get(response.headers["location"]).text
    assert all(f"answer {i}" in page for i in ids)


def test_missing_csrf_token_saves_nothing(
    client: TestClient, session: Session, services: Services, interviewer: User
) -> None:
    _, token = _invite(session, services, interviewer)
    _, ids = _open(client, token)
    response = client.post(f"/a/{token}/save", data={f"answer-{ids[0]}": "forged"})
    assert response.status_code == 403
    assert session.exec(select(func.count()).select_from(Answer)).one() == 0


def test_oversize_answer_is_a_413_with_a_message(
    client: TestClient, session: Session, services: Services, interviewer: User, settings: Settings
) -> None:
    _, token = _invite(session, services, interviewer)
    csrf, ids = _open(client, token)
    big = "x" * (settings.max_code_answer_bytes + 1)
    response = client.post(f"/a/{token}/save", data={f"answer-{ids[0]}": big, "csrf_token": csrf})
    assert response.status_code == 413
    assert "the limit is" in response.text


def test_a_request_over_the_body_limit_is_refused_early(
    client: TestClient, session: Session, services: Services, interviewer: User, settings: Settings
) -> None:
    _, token = _invite(session, services, interviewer)
    csrf, ids = _open(client, token)
    response = client.post(
        f"/a/{token}/save",
        data={f"answer-{ids[0]}": "y" * (settings.max_request_bytes + 10), "csrf_token": csrf},
    )
    assert response.status_code == 413


def test_another_candidates_answer_id_is_not_found(
    client: TestClient, session: Session, services: Services, interviewer: User
) -> None:
    _, token_a = _invite(session, services, interviewer, name="Alice")
    _, token_b = _invite(session, services, interviewer, name="Bruno")
    csrf, _ = _open(client, token_a)
    _, ids_b = _open(client, token_b)
    response = client.post(f"/a/{token_a}/save", data={f"answer-{ids_b[0]}": "hijack", "csrf_token": csrf})
    assert response.status_code == 404
    assert session.exec(select(func.count()).select_from(Answer)).one() == 0


def test_double_submit_changes_nothing_and_a_reused_link_is_read_only(
    client: TestClient, session: Session, services: Services, interviewer: User
) -> None:
    _, token = _invite(session, services, interviewer)
    csrf, ids = _open(client, token)
    form = {f"answer-{i}": f"final {i}" for i in ids} | {"csrf_token": csrf}
    first = client.post(f"/a/{token}/submit", data=form)
    assert first.status_code == 200 and "submitted" in first.text
    jobs_after_first = session.exec(select(func.count()).select_from(GradingJob)).one()
    second = client.post(f"/a/{token}/submit", data={f"answer-{ids[0]}": "rewritten", "csrf_token": csrf})
    assert second.status_code == 200 and "already been submitted" in second.text
    assert session.exec(select(func.count()).select_from(GradingJob)).one() == jobs_after_first == len(ids)
    assert (
        session.exec(select(Answer.content).where(Answer.assessment_question_id == ids[0])).one()
        == f"final {ids[0]}"
    )
    reopened = client.get(f"/a/{token}")
    assert "submitted" in reopened.text and "<textarea" not in reopened.text
    late_save = client.post(f"/a/{token}/save", data={f"answer-{ids[0]}": "sneaky", "csrf_token": csrf})
    assert late_save.status_code == 409


def test_saved_answers_survive_a_server_restart(
    settings: Settings, services: Services, engine: Engine, session: Session, interviewer: User
) -> None:
    _, token = _invite(session, services, interviewer)
    with TestClient(create_app(settings, services=services, engine=engine)) as first_server:
        csrf, ids = _open(first_server, token)
        first_server.post(f"/a/{token}/save", data={f"answer-{ids[0]}": "before restart", "csrf_token": csrf})
    with TestClient(create_app(settings, services=services, engine=engine)) as second_server:
        page = second_server.get(f"/a/{token}").text
    assert "before restart" in page


def test_run_examples_shows_only_visible_examples_and_is_rate_limited(
    client: TestClient, session: Session, services: Services, interviewer: User, settings: Settings
) -> None:
    from app.answers.service import answer_sheet

    assessment, token = _invite(session, services, interviewer)
    csrf, _ = _open(client, token)
    item = next(i for i in answer_sheet(session=session, assessment=assessment) if i.question.kind == "code")
    spec = item.question.code
    assert spec is not None
    aq_id = item.assessment_question.id
    response = client.post(
        f"/a/{token}/run/{aq_id}",
        data={f"answer-{aq_id}": spec.solution},
        headers={"HX-Request": "true", "X-CSRF-Token": csrf},
    )
    assert response.status_code == 200, response.text
    assert f'id="examples-{aq_id}"' in response.text
    assert response.text.count('class="verdict-passed"') == len(spec.examples)
    hidden_only = [
        t.args
        for t in spec.hidden_tests
        if t.kind == "call" and t.args not in {e.args for e in spec.examples}
    ]
    assert not any(args in response.text for args in hidden_only if len(args) > 8)
    # The code was saved too, so nothing typed before a run is lost.
    assert (
        session.exec(select(Answer.content).where(Answer.assessment_question_id == aq_id)).one()
        == spec.solution
    )
    for _ in range(settings.examples_runs_per_minute - 1):
        client.post(
            f"/a/{token}/run/{aq_id}",
            data={f"answer-{aq_id}": "def f(): pass"},
            headers={"HX-Request": "true", "X-CSRF-Token": csrf},
        )
    limited = client.post(
        f"/a/{token}/run/{aq_id}",
        data={f"answer-{aq_id}": "x"},
        headers={"HX-Request": "true", "X-CSRF-Token": csrf},
    )
    assert limited.status_code == 429 and "Too many runs" in limited.text


def test_an_htmx_error_comes_back_as_a_fragment_for_the_message_area(
    client: TestClient, session: Session, services: Services, interviewer: User, settings: Settings
) -> None:
    _, token = _invite(session, services, interviewer)
    csrf, ids = _open(client, token)
    big = "z" * (settings.max_code_answer_bytes + 1)
    response = client.post(
        f"/a/{token}/save",
        data={f"answer-{ids[0]}": big},
        headers={"HX-Request": "true", "X-CSRF-Token": csrf},
    )
    assert response.status_code == 413
    assert response.headers["HX-Retarget"] == "#messages"
    assert 'id="error-message"' in response.text and "<html" not in response.text


def _revisions(html: str) -> dict[int, str]:
    return {int(i): v for i, v in re.findall(r'name="revision-(\d+)" value="(\d+)"', html)}


def test_a_stale_tab_is_refused_and_the_newer_text_stays(
    client: TestClient, session: Session, services: Services, interviewer: User
) -> None:
    assessment, token = _invite(session, services, interviewer)
    page = client.get(f"/a/{token}").text
    csrf, ids = csrf_from(page), [int(i) for i in re.findall(r'name="answer-(\d+)"', page)]
    assert _revisions(page) == dict.fromkeys(ids, "0")  # every answer says which revision it is based on
    htmx = {"HX-Request": "true", "X-CSRF-Token": csrf}
    tab_b = client.post(
        f"/a/{token}/save", data={f"answer-{ids[0]}": "tab B", f"revision-{ids[0]}": "0"}, headers=htmx
    )
    assert tab_b.status_code == 200 and _revisions(tab_b.text) == {ids[0]: "1"}  # the page learns the new one
    tab_a = client.post(
        f"/a/{token}/save", data={f"answer-{ids[0]}": "tab A", f"revision-{ids[0]}": "0"}, headers=htmx
    )
    assert tab_a.status_code == 409 and "Reload the page" in tab_a.text
    stale_submit = client.post(
        f"/a/{token}/submit",
        data={f"answer-{ids[0]}": "tab A", f"revision-{ids[0]}": "0", "csrf_token": csrf},
    )
    assert stale_submit.status_code == 409
    session.refresh(assessment)
    assert assessment.state == AssessmentState.in_progress
    stored = session.exec(select(Answer).where(Answer.assessment_question_id == ids[0])).one()
    assert stored.content == "tab B" and stored.revision == 1
    old_client = client.post(f"/a/{token}/save", data={f"answer-{ids[0]}": "no revision sent"}, headers=htmx)
    assert old_client.status_code == 200
    # Without JavaScript, "Save all" sends every answer with the revision the page showed.
    page = client.get(f"/a/{token}").text
    assert _revisions(page)[ids[0]] == "2"
    form = {f"answer-{i}": f"all {i}" for i in ids} | {
        f"revision-{i}": r for i, r in _revisions(page).items()
    }
    saved = client.post(f"/a/{token}/save", data=form | {"csrf_token": csrf}, follow_redirects=False)
    assert saved.status_code == 303
    assert _revisions(client.get(f"/a/{token}").text) == {ids[0]: "3"} | {i: "1" for i in ids[1:]}
