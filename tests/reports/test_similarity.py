"""Similarity flags: normalised code, near-identical text (real encoder), the page, blind mode."""

import re
from collections.abc import Callable

import numpy as np
from fastapi.testclient import TestClient
from numpy.typing import NDArray

from app.grading.encoders import Encoder
from app.main import Services
from app.reports.similarity import EmbeddingCache, Submission, canonical_code, code_flags, text_flags
from tests.reports.conftest import GradedFactory

ORIGINAL = '''
def moving_average(values, window):
    """Mean of each window."""
    out = []  # results
    for i in range(len(values) - window + 1):
        out.append(sum(values[i:i + window]) / window)
    return out
'''
DISGUISED = """
def moving_average(xs, k):
    # renamed everything, new comments
    result = []
    for start in range(len(xs) - k + 1):

        result.append(sum(xs[start:start+k]) / k)
    return result
"""
DIFFERENT = """
def moving_average(values, window):
    return [sum(values[i:i + window]) / window for i in range(len(values) - window + 1)]
"""
STARTER = 'def moving_average(values, window):\n    """Mean of each window."""\n    ...\n'


def _submission(question_id: str, kind: str, content: str, starter: str = "") -> Submission:
    return Submission(None, question_id, kind, content, starter)  # type: ignore[arg-type]


def test_code_matching_ignores_names_comments_docstrings_and_layout() -> None:
    assert canonical_code(ORIGINAL) == canonical_code(DISGUISED)
    assert canonical_code(ORIGINAL) != canonical_code(DIFFERENT)
    submissions = [
        _submission("q", "code", code, STARTER)
        for code in (ORIGINAL, DISGUISED, DIFFERENT, STARTER, STARTER.replace("    ...", "    pass"))
    ]
    flags = code_flags(submissions)
    assert [(f.first.content, f.second.content) for f in flags] == [(ORIGINAL, DISGUISED)]


class CountingEncoder:
    """The real encoder, counting the texts it is asked to embed (to see the cache work)."""

    def __init__(self, inner: Encoder) -> None:
        self.inner, self.name, self.encoded = inner, inner.name, 0

    def encode(self, texts: list[str]) -> NDArray[np.float32]:
        self.encoded += len(texts)
        return self.inner.encode(texts)


def test_near_identical_text_is_flagged_with_the_real_encoder(services: Services) -> None:
    english = CountingEncoder(services.graders.free_text.encoder("en"))
    encoder_for: Callable[[str], Encoder] = lambda language: english  # noqa: E731
    base = (
        "Regularisation adds a penalty on large weights to the loss, which reduces variance and overfitting."
    )
    answers = [
        base,
        base.replace("which reduces", "and this reduces"),
        "Gradient descent moves the parameters against the gradient with a step set by the learning rate.",
    ]
    submissions = [_submission("q", "text", a) for a in answers] + [_submission("q", "text", "No idea.")]
    cache = EmbeddingCache()
    flags = text_flags(submissions, encoder_for=encoder_for, cache=cache)
    assert [(f.first.content, f.second.content) for f in flags] == [(answers[0], answers[1])]
    assert flags[0].score >= 0.95
    assert english.encoded == 3  # the short answer is never compared
    text_flags(submissions, encoder_for=encoder_for, cache=cache)
    assert english.encoded == 3  # the second look is served from the cache


def test_similarity_page_shows_pairs_side_by_side_and_blind_mode_hides_names(
    client: TestClient, signed_in: str, graded: GradedFactory
) -> None:
    first = graded("Alan Copy")
    graded("Betty Copy", same_questions_as=first)  # the same set and the same answers: every question flagged
    graded("Carol Own", strong=False)
    page = client.get("/reports/similarity")
    assert page.status_code == 200
    assert page.text.count('class="card similarity-flag"') >= 7
    assert "Alan Copy" in page.text and "Betty Copy" in page.text and "Carol Own" not in page.text
    blind = client.post(
        "/reports/blind",
        data={"enabled": "1", "next": "/reports/similarity", "csrf_token": signed_in},
        follow_redirects=False,
    )
    assert blind.status_code == 303 and blind.headers["location"] == "/reports/similarity"
    for path in (
        "/reports/similarity",
        "/reports/compare",
        f"/assessments/{first.id}/result",
        f"/assessments/{first.id}/report",
    ):
        text = client.get(path).text
        assert "Alan Copy" not in text and "Betty Copy" not in text, path
        assert "Candidate " in text, path
    pseudonyms = set(re.findall(r"Candidate [0-9A-F]{6}", client.get("/reports/compare").text))
    assert len(pseudonyms) == 3
    assert pseudonyms == set(re.findall(r"Candidate [0-9A-F]{6}", client.get("/reports/compare").text))
    client.post("/reports/blind", data={"enabled": "0", "csrf_token": signed_in})
    assert "Alan Copy" in client.get("/reports/compare").text


def test_blind_toggle_needs_csrf_and_stays_on_site(client: TestClient, signed_in: str) -> None:
    assert client.post("/reports/blind", data={"enabled": "1"}).status_code == 403
    response = client.post(
        "/reports/blind",
        data={"enabled": "1", "next": "//evil.example/x", "csrf_token": signed_in},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/reports"
