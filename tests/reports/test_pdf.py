"""The per-candidate report, generated for real and read back with poppler (pdftotext, pdffonts, pdftoppm)."""

import re
import subprocess
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import User
from app.results.loading import assessment_result
from app.results.scores import add_override
from tests.reports.conftest import GradedFactory


def _pdf(client: TestClient, assessment_id: int | None, tmp_path: Path) -> Path:
    response = client.get(f"/assessments/{assessment_id}/report.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert f'filename="report-{assessment_id}.pdf"' in response.headers["content-disposition"]
    path = tmp_path / f"report-{assessment_id}.pdf"
    path.write_bytes(response.content)
    return path


def _text(pdf: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return re.sub(r"[ \t]+", " ", out)


def test_pdf_has_name_totals_every_question_and_evidence(
    client: TestClient,
    signed_in: str,
    session: Session,
    graded: GradedFactory,
    interviewer: User,
    tmp_path: Path,
) -> None:
    assessment = graded("Katherine Johnson")
    result = assessment_result(session=session, assessment=assessment)
    code = next(q for q in result.questions if q.item.question.kind == "code")
    add_override(
        session=session,
        user=interviewer,
        result=code,
        key_point_id=None,
        after=1.0,
        reason="Edge case handled differently but correctly",
    )
    result = assessment_result(session=session, assessment=assessment)
    text = _text(_pdf(client, assessment.id, tmp_path))
    assert "Katherine Johnson" in text
    total = f"{result.total.points:.1f} / {result.total.max_points:.1f}"
    assert total in text
    for q in result.questions:
        title = " ".join(q.item.question.title.en.split())
        assert title[:40] in " ".join(text.split()), title
        assert q.points is not None and f"{q.points:.2f} / {q.max_points:.2f}" in text
        assert q.item.assessment_question.rubric_version in text
    assert "Edge case handled differently but correctly" in " ".join(text.split())
    assert "all-MiniLM-L6-v2" in text  # the model that graded the text answers
    pages = subprocess.run(
        ["pdfinfo", str(tmp_path / f"report-{assessment.id}.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert int(re.search(r"Pages:\s+(\d+)", pages).group(1)) >= 2  # type: ignore[union-attr]


def test_japanese_name_renders_with_a_cjk_font(
    client: TestClient, signed_in: str, graded: GradedFactory, tmp_path: Path
) -> None:
    assessment = graded("山田 花子", locale="ja")
    pdf = _pdf(client, assessment.id, tmp_path)
    assert "山田 花子" in _text(pdf)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts, fonts
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True
    )
    page = next(tmp_path.glob("page*.png"))
    assert page.stat().st_size > 10_000  # a rendered page, not an empty one


def test_html_report_has_chart_and_highlighted_evidence(
    client: TestClient, signed_in: str, graded: GradedFactory
) -> None:
    assessment = graded("Dorothy Vaughan")
    response = client.get(f"/assessments/{assessment.id}/report")
    assert response.status_code == 200
    html = response.text
    assert "Dorothy Vaughan" in html and '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' in html
    assert 'class="bar"' in html and "<mark>" in html and 'class="kp-label"' in html
    assert 'href="/reports/report.css"' in html and "<style" not in html  # CSP: no inline styles
    assert client.get("/reports/report.css").headers["content-type"].startswith("text/css")
