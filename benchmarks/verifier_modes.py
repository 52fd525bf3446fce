"""The verifier's ablation: similarity alone, + the polarity check, + the learned part, or both."""

from app.grading.encoders import Encoder
from app.grading.verifier.verifier import Verifier
from app.settings import get_settings

MODES = ("none", "polarity", "learned", "both")


def verifier_for(mode: str, *, japanese_encoder: Encoder) -> Verifier | None:
    if mode == "none":
        return None
    shipped = Verifier.load(get_settings().verifier_dir, japanese_encoder=japanese_encoder)
    if mode == "both":
        return shipped
    learned = mode == "learned"
    return Verifier(
        english_model=shipped.english_model if learned else None,
        japanese_head=shipped.japanese_head if learned else None,
        japanese_encoder=japanese_encoder,
        polarity=not learned,
        version=shipped.version,
    )
