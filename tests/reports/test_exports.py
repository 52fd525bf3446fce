"""Campaign CSV and JSON exports of real graded candidates: content, safety, determinism, ownership."""

import csv
import io
import json

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth.service import create_user
from app.models import User
from app.reports.export_schema import SCHEMA_FILE, SCHEMA_VERSION, CampaignExport
from app.reports.service import CampaignFilter, iter_campaign_results
from app.results.loading import assessment_result
from app.results.scores import add_override
from tests.conftest import PASSWORD, sign_in
from tests.reports.conftest import GradedFactory

HOSTILE_NAME = '=HYPERLINK("http://evil.example","click"), "Bobby", Tables\nsecond line'
JAPANESE_NAME = "山田 太郎"


def _csv_rows(client: TestClient, query: str = "") -> list[dict[str, str]]:
    response = client.get(f"/reports/candidates.csv{query}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())  # the BOM spreadsheets need for UTF-8
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def test_csv_round_trips_hostile_and_japanese_names(
    client: TestClient, signed_in: str, session: Session, graded: GradedFactory
) -> None:
    hostile = graded(HOSTILE_NAME)
    japanese = graded(JAPANESE_NAME, strong=False, locale="ja")
    rows: dict[int | None, dict[str, str]] = {int(r["assessment_id"]): r for r in _csv_rows(client)}
    assert set(rows) == {hostile.id, japanese.id}
    # The formula is neutralised with a leading quote; commas, quotes and the newline survive intact.
    assert rows[hostile.id]["candidate"] == "'" + HOSTILE_NAME
    assert rows[japanese.id]["candidate"] == JAPANESE_NAME
    for assessment in (hostile, japanese):
        result = assessment_result(session=session, assessment=assessment)
        row = rows[assessment.id]
        assert float(row["points"]) == round(result.total.points, 2)
        assert row["state"] == "graded"
        for topic, score in result.topics.items():
            assert float(row[f"topic:{topic}"]) == round(score.percent, 1)
        for q in result.questions:
            assert q.points is not None
            assert float(row[f"q:{q.item.question.id}"]) == round(q.points, 2)
    assert float(rows[hostile.id]["percent"]) > float(rows[japanese.id]["percent"])


def test_exports_are_identical_for_the_same_state(
    client: TestClient, signed_in: str, graded: GradedFactory
) -> None:
    assessment = graded("Ada Twice")
    for path in (
        "/reports/candidates.csv",
        "/reports/candidates.json",
        f"/assessments/{assessment.id}/report.pdf",
    ):
        first, second = client.get(path), client.get(path)
        assert first.status_code == 200 and len(first.content) > 100
        assert first.content == second.content, path


def test_json_follows_the_published_schema(
    client: TestClient, signed_in: str, session: Session, graded: GradedFactory, interviewer: User
) -> None:
    strong, weak = graded("Grace Strong"), graded("Linus Weak", strong=False)
    text_question = next(
        q
        for q in assessment_result(session=session, assessment=weak).questions
        if q.item.question.kind == "text"
    )
    add_override(
        session=session,
        user=interviewer,
        result=text_question,
        key_point_id=None,
        after=0.5,
        reason="Partly right on reflection",
    )
    response = client.get("/reports/candidates.json")
    assert response.headers["content-type"] == "application/json"
    export = CampaignExport.model_validate_json(response.content)
    assert export.schema_version == SCHEMA_VERSION
    assert json.loads(SCHEMA_FILE.read_text()) == CampaignExport.model_json_schema(), (
        "report-schema.json is stale: regenerate it (docs/report-schema.md)"
    )
    by_id = {c.assessment_id: c for c in export.candidates}
    for assessment in (strong, weak):
        result = assessment_result(session=session, assessment=assessment)
        record = by_id[assessment.id]  # type: ignore[index]
        assert record.points == round(result.total.points, 4)
        assert [q.question_id for q in record.questions] == [q.item.question.id for q in result.questions]
        for q in record.questions:
            assert q.key_points if q.kind == "text" else q.tests
    overridden = next(q for q in by_id[weak.id].questions if q.overrides)  # type: ignore[index]
    assert overridden.points == 0.5 and overridden.overrides[0].reason == "Partly right on reflection"


def test_batched_loading_matches_the_result_page(
    session: Session, graded: GradedFactory, interviewer: User
) -> None:
    made = [graded("One"), graded("Two", strong=False)]
    rows = list(
        iter_campaign_results(session=session, user=interviewer, filters=CampaignFilter(), batch_size=1)
    )
    assert [r.assessment.id for r in rows] == [a.id for a in made]
    for row, assessment in zip(rows, made, strict=True):
        expected = assessment_result(session=session, assessment=assessment)
        assert row.result.total == expected.total and row.result.topics == expected.topics
        assert [q.points for q in row.result.questions] == [q.points for q in expected.questions]


def test_exports_are_filtered_and_only_the_owners(
    client: TestClient, session: Session, graded: GradedFactory, interviewer: User
) -> None:
    other = create_user(session=session, email="eve@example.com", name="Eve", password=PASSWORD)
    mine = graded("Mine", profile="data-scientist")
    theirs = graded("Theirs", owner=other)
    sign_in(client)
    assert [r["candidate"] for r in _csv_rows(client)] == ["Mine"]
    assert _csv_rows(client, "?profile=junior-ml-engineer") == []
    assert [r["candidate"] for r in _csv_rows(client, "?profile=data-scientist&state=graded")] == ["Mine"]
    assert client.get("/reports/candidates.csv?state=bogus").status_code == 422
    for path in (f"/assessments/{theirs.id}/report", f"/assessments/{theirs.id}/report.pdf"):
        assert client.get(path).status_code == 404
    assert client.get(f"/assessments/{mine.id}/report").status_code == 200
    client.cookies.clear()
    assert client.get("/reports/candidates.json", follow_redirects=False).status_code in (401, 303)
