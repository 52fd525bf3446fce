"""Autosave in real headless Chromium: each save carries the revision the last one returned."""

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.main import Services
from app.models import Answer, User
from tests.factories import invited_assessment

pytestmark = pytest.mark.browser


def test_one_tab_autosaves_again_and_again_and_a_stale_tab_is_told_to_reload(
    live_server: str, browser: Browser, interviewer: User, services: Services, engine: Engine
) -> None:
    with Session(engine) as session:
        _, token = invited_assessment(session, services.bank, interviewer)
    context = browser.new_context()
    first, second = context.new_page(), context.new_page()
    first.goto(f"{live_server}/a/{token}")
    second.goto(f"{live_server}/a/{token}")  # opened before any save: it shows revision 0
    box = first.locator("textarea:not(.code)").first
    aq_id = int((box.get_attribute("name") or "").removeprefix("answer-"))
    revision = first.locator(f"input[name='revision-{aq_id}']")
    for n, text in enumerate(["first draft", "second draft", "third draft"], start=1):
        box.fill(text)
        expect(revision).to_have_value(str(n), timeout=15_000)
    second.locator(f"textarea[name='answer-{aq_id}']").fill("from the stale tab")
    expect(second.locator("#messages")).to_contain_text("Reload the page", timeout=15_000)
    with Session(engine) as session:
        stored = session.exec(select(Answer).where(Answer.assessment_question_id == aq_id)).one()
    assert (stored.content, stored.revision) == ("third draft", 3)
