"""A free-text grader with the shipped verifier on (the app's default has it off for now), sharing
the session's encoders."""

import pytest

from app.grading.freetext import FreeTextGrader
from app.grading.verifier.verifier import Verifier
from app.settings import Settings


@pytest.fixture(scope="session")
def verified_grader(free_text_grader: FreeTextGrader, base_settings: Settings) -> FreeTextGrader:
    japanese = free_text_grader.encoder("ja")
    verifier = Verifier.load(base_settings.verifier_dir, japanese_encoder=japanese)
    return FreeTextGrader(english=free_text_grader.encoder("en"), japanese=japanese, verifier=verifier)
