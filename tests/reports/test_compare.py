"""Candidates side by side: sorting, filtering, and the topic-profile chart's SVG."""

import re
import xml.etree.ElementTree as ET

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.reports.charts import BAR_WIDTH, Bar, topic_profile_svg
from app.results.loading import assessment_result
from tests.reports.conftest import GradedFactory

SVG = "{http://www.w3.org/2000/svg}"


def _names_in_order(html: str, names: list[str]) -> list[str]:
    positions = sorted((html.index(f"<td>{name}</td>"), name) for name in names)
    return [name for _, name in positions]


def test_compare_sorts_by_total_and_topic_and_filters(
    client: TestClient, signed_in: str, session: Session, graded: GradedFactory
) -> None:
    made = {
        "Strong": graded("Strong"),
        "Weak": graded("Weak", strong=False),
        "Other Profile": graded("Other Profile", strong=False, profile="data-scientist"),
    }
    percent = {n: assessment_result(session=session, assessment=a).total.percent for n, a in made.items()}
    by_total = sorted(percent, key=lambda n: percent[n], reverse=True)
    assert _names_in_order(client.get("/reports/compare?sort=total&order=desc").text, list(made)) == by_total
    assert (
        _names_in_order(client.get("/reports/compare?sort=total&order=asc").text, list(made))
        == by_total[::-1]
    )
    assert _names_in_order(client.get("/reports/compare?sort=name&order=asc").text, list(made)) == sorted(
        made
    )
    page = client.get("/reports/compare?profile=junior-ml-engineer&state=graded").text
    assert "<td>Strong</td>" in page and "<td>Other Profile</td>" not in page
    topic = re.search(r"sort=topic%3A([a-z0-9-]+)", page)
    assert topic, "topic columns are sortable"
    sorted_by_topic = client.get(f"/reports/compare?sort=topic:{topic.group(1)}&order=desc")
    assert sorted_by_topic.status_code == 200
    assert client.get("/reports/compare?sort=password").status_code == 422


def test_topic_chart_is_well_formed_black_and_white_svg() -> None:
    svg = str(
        topic_profile_svg([Bar("Evaluation <metrics>", 50.0), Bar("評価", 125.0)], title="Score by topic")
    )
    root = ET.fromstring(svg)
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert [float(b.get("width", "")) for b in bars] == [BAR_WIDTH * 0.5, BAR_WIDTH * 1.0]  # clamped to 100%
    assert all(b.get("fill") == "url(#hatch)" and b.get("stroke") == "#000" for b in bars)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Evaluation <metrics>" in texts and "評価" in texts and "50%" in texts and "100%" in texts
    assert not any(el.get("style") for el in root.iter())  # presentation attributes only (CSP, print)
