"""The whole flow in real headless Chromium: sign in, create a candidate, invite, answer, submit, read."""

import re
import time

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine

from app.main import Services
from app.models import User
from app.settings import PROJECT_ROOT
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
ANSWER = (
    "Batch normalization normalizes each layer's activations using the mini-batch mean and variance "
    "and then applies a learned scale and shift, which stabilizes training and allows higher learning rates."
)


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_interviewer_invites_candidate_answers_and_result_is_graded(
    live_server: str, browser: Browser, interviewer: User
) -> None:
    staff = browser.new_page()
    staff.goto(f"{live_server}/login")
    staff.fill("input[name=email]", interviewer.email)
    staff.fill("input[name=password]", PASSWORD)
    staff.click("button[type=submit]")
    expect(staff.locator("h1")).to_have_text("Candidates")

    staff.click("text=New candidate >> nth=0")
    staff.fill("input[name=name]", "Hana Sato")
    staff.fill("input[name=email]", "hana@example.com")
    staff.select_option("select[name=profile_id]", "deep-learning-engineer")
    staff.click("main button[type=submit]")
    expect(staff.locator("#question-set tbody tr")).to_have_count(7)
    staff.click("#invite button")  # htmx swaps in the link
    invite_url = staff.locator(".invite-url").input_value()
    assert re.search(r"/a/[A-Za-z0-9_-]{43}$", invite_url)

    candidate = browser.new_context().new_page()
    candidate.goto(invite_url)
    textareas = candidate.locator("textarea")
    expect(textareas).to_have_count(7)
    first_text = candidate.locator("textarea:not(.code)").first
    first_text.fill(ANSWER)
    status_id = "#save-status-" + (first_text.get_attribute("name") or "").removeprefix("answer-")
    expect(candidate.locator(status_id)).to_contain_text("Saved", timeout=15_000)  # htmx autosave
    candidate.reload()
    expect(candidate.locator("textarea:not(.code)").first).to_have_value(ANSWER)
    _shot(candidate, "candidate-answer-page.png")
    candidate.once("dialog", lambda dialog: dialog.accept())
    candidate.click("#final-submit")
    expect(candidate.locator("h1")).to_contain_text("your answers are submitted")

    result_url = re.sub(r"/assessments/(\d+).*", r"/assessments/\1/result", staff.url)
    deadline = time.monotonic() + 120
    while True:
        staff.goto(result_url)
        if staff.locator(".state-graded").count():
            break
        assert time.monotonic() < deadline, "grading did not finish"
        time.sleep(1)
    expect(staff.locator(".total strong")).to_contain_text("/")
    expect(staff.locator("table.evidence mark").first).to_be_visible()
    assert staff.locator("table.tests tbody tr").count() > 0  # code answers were run against hidden tests
    _shot(staff, "interviewer-result-page.png")


def test_candidate_page_works_without_javascript(
    live_server: str, browser: Browser, interviewer: User, services: Services, engine: Engine
) -> None:
    from sqlmodel import Session

    from tests.factories import invited_assessment

    with Session(engine) as session:
        _, token = invited_assessment(session, services.bank, interviewer)
    page = browser.new_context(java_script_enabled=False).new_page()
    page.goto(f"{live_server}/a/{token}")
    page.locator("textarea").first.fill("Answered with scripts off.")
    page.click("text=Save all")
    expect(page.locator(".ok")).to_contain_text("Saved")
    expect(page.locator("textarea").first).to_have_value("Answered with scripts off.")
    page.click("#final-submit")
    expect(page.locator("h1")).to_contain_text("your answers are submitted")
