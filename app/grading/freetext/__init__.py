"""Free-text grading: key-point matching with evidence, calibration from overrides, agreement metrics."""

from app.grading.freetext.agreement import agreement
from app.grading.freetext.calibration import Calibration, fit_calibration
from app.grading.freetext.grader import FreeTextGrader
from app.grading.freetext.models import GradeRequest, KeyPointEvidence, MisconceptionEvidence, TextGrade

__all__ = [
    "Calibration",
    "FreeTextGrader",
    "GradeRequest",
    "KeyPointEvidence",
    "MisconceptionEvidence",
    "TextGrade",
    "agreement",
    "fit_calibration",
]
