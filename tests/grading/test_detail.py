"""The typed grade evidence: tagged on write, and rows stored before the tag still parse."""

import pytest
from pydantic import ValidationError

from app.grading.code import CaseVerdict
from app.grading.detail import SCHEMA_VERSION, CodeDetail, TextDetail, parse_detail
from app.sandbox import Isolation, Verdict

# Exactly as the grading flow stored them before `kind` and `schema_version` existed.
OLD_TEXT = {
    "points": 1.5,
    "max_points": 2.0,
    "credit": 0.75,
    "raw_credit": 0.7,
    "key_points": [
        {
            "id": "normalise",
            "weight": 1.0,
            "span": "normalises each layer's inputs",
            "similarity": 0.81,
            "lexical": 0.5,
            "score": 0.69,
            "threshold_full": 0.55,
            "threshold_partial": 0.1,
            "decision": "full",
            "credit": 1.0,
        },
        {
            "id": "faster",
            "weight": 1.0,
            "span": "",
            "similarity": 0.12,
            "lexical": None,
            "score": 0.12,
            "threshold_full": 0.55,
            "threshold_partial": 0.1,
            "decision": "partial",
            "credit": 0.5,
        },
    ],
    "misconceptions": [
        {"id": "sets-lr", "weight": 0.5, "span": "", "similarity": 0.2, "threshold": 0.6, "matched": False}
    ],
    "needs_review": True,
    "review_reasons": ["close to a threshold"],
    "encoder": "all-MiniLM-L6-v2",
    "channels": ["semantic", "lexical-word"],
    "language": "en",
    "calibrated": True,
    "calibration_id": 7,
}
OLD_CODE = {
    "points": 1.0,
    "max_points": 2.0,
    "tests": [
        {"index": 0, "kind": "call", "verdict": "passed", "weight": 1.0, "points": 1.0, "detail": "",
         "args": "[1, 2]", "expected": "3", "got": "3"},
        {"index": 1, "kind": "check", "verdict": "time_limit", "weight": 1.0, "points": 0.0,
         "detail": "the call ran out of its time budget (1 s)", "args": None, "expected": None, "got": None},
    ],
    "run_verdict": "ok",
    "run_detail": "",
    "cpu_seconds": 0.05,
    "wall_seconds": 1.2,
    "isolation": "bwrap",
    "stdout": "hello",
    "stderr": "",
}  # fmt: skip


def test_an_untagged_text_grade_parses_as_text_evidence() -> None:
    detail = parse_detail(OLD_TEXT)
    assert isinstance(detail, TextDetail)
    assert detail.kind == "text" and detail.schema_version == SCHEMA_VERSION
    assert detail.raw_credit == 0.7 and detail.calibration_id == 7 and detail.grader == "all-MiniLM-L6-v2"
    assert detail.key_point_credit() == {"normalise": 1.0, "faster": 0.5}
    assert detail.key_points[1].lexical is None and detail.misconceptions[0].matched is False


def test_an_untagged_code_grade_parses_as_code_evidence() -> None:
    detail = parse_detail(OLD_CODE)
    assert isinstance(detail, CodeDetail)
    assert (
        detail.grader == "sandbox"
        and detail.run_verdict is Verdict.ok
        and detail.isolation is Isolation.bwrap
    )
    assert [t.verdict for t in detail.tests] == [CaseVerdict.passed, CaseVerdict.time_limit]


def test_stored_evidence_is_tagged_and_round_trips() -> None:
    for old in (OLD_TEXT, OLD_CODE):
        stored = parse_detail(old).model_dump(mode="json")
        assert stored["schema_version"] == SCHEMA_VERSION and stored["kind"] in {"text", "code"}
        assert old.keys() < stored.keys() and stored["points"] == old["points"]
        assert parse_detail(stored) == parse_detail(old)


def test_the_tag_decides_and_broken_evidence_fails_loudly() -> None:
    with pytest.raises(ValidationError):  # tagged as code, but has no test results
        parse_detail(OLD_TEXT | {"kind": "code"})
    with pytest.raises(ValidationError):  # a later schema is not read as this one
        parse_detail(OLD_TEXT | {"schema_version": 2})
    without_credit = {k: v for k, v in OLD_TEXT.items() if k != "raw_credit"}
    with pytest.raises(ValidationError):
        parse_detail(without_credit)
