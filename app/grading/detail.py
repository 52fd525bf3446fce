"""The evidence stored with every grade, typed: text (key points, misconceptions) or code (per-test results).

The grading flow writes it as JSON into `Grade.detail`; readers parse it once, where results are loaded,
and use attributes from then on, so a renamed field fails type checking instead of reading a default.
Version 1 is also the shape stored before `kind` and `schema_version` existed: those rows differ only by
lacking the two fields, and their kind is inferred from the keys present.
"""

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Tag, TypeAdapter

from app.grading.code import CodeGrade
from app.grading.freetext.models import TextGrade

SCHEMA_VERSION: Literal[1] = 1
SANDBOX_GRADER = "sandbox"


class TextDetail(TextGrade):
    kind: Literal["text"] = "text"
    schema_version: Literal[1] = SCHEMA_VERSION
    calibration_id: int | None = None  # the CalibrationFit row applied; None: uncalibrated

    @property
    def grader(self) -> str:
        return self.encoder

    def key_point_credit(self) -> dict[str, float]:
        return {kp.id: kp.credit for kp in self.key_points}


class CodeDetail(CodeGrade):
    kind: Literal["code"] = "code"
    schema_version: Literal[1] = SCHEMA_VERSION

    @property
    def grader(self) -> str:
        return SANDBOX_GRADER


def _stored_kind(value: Any) -> str:
    if isinstance(value, Mapping):
        # Only code grades carry per-test results: that tells the untagged rows apart.
        return str(value.get("kind") or ("code" if "tests" in value else "text"))
    return str(getattr(value, "kind", ""))


GradeDetail = Annotated[
    Annotated[TextDetail, Tag("text")] | Annotated[CodeDetail, Tag("code")], Discriminator(_stored_kind)
]
_ADAPTER: TypeAdapter[TextDetail | CodeDetail] = TypeAdapter(GradeDetail)


def parse_detail(stored: Mapping[str, Any]) -> GradeDetail:
    """A stored `Grade.detail`, tagged or from before the tag, as its typed evidence."""
    return _ADAPTER.validate_python(stored)
