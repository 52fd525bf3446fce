"""A person's path in real headless Chromium: dashboard -> result -> PDF, then Reports -> CSV."""

import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.conftest import PASSWORD
from tests.reports.conftest import GradedFactory


@pytest.mark.browser
def test_download_pdf_and_csv_from_the_dashboard(
    live_server: str, browser: Browser, graded: GradedFactory, tmp_path: Path
) -> None:
    graded("Mary Jackson")
    context = browser.new_context(accept_downloads=True)
    try:
        page = context.new_page()
        page.goto(f"{live_server}/login")
        page.fill("input[name=email]", "ada@example.com")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{live_server}/dashboard")
        page.click("text=Result")
        with page.expect_download() as pdf_download:
            page.click("text=Download PDF")
        pdf = tmp_path / "report.pdf"
        pdf_download.value.save_as(pdf)
        assert pdf_download.value.suggested_filename.endswith(".pdf")
        page.click("nav >> text=Reports")
        with page.expect_download() as csv_download:
            page.click("#download-csv")
        csv_path = tmp_path / "candidates.csv"
        csv_download.value.save_as(csv_path)
    finally:
        context.close()
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Mary Jackson" in text
    assert "Mary Jackson" in csv_path.read_text(encoding="utf-8-sig")
