"""The real encoders: unit-normalised vectors, multilingual matching, and a clear missing-model error."""

import numpy as np
import pytest

from app.grading.encoders import ModelNotInstalled, load_encoder
from app.grading.freetext import FreeTextGrader


@pytest.mark.parametrize("language", ["en", "ja"])
def test_encoders_return_unit_vectors(free_text_grader: FreeTextGrader, language: str) -> None:
    encoder = free_text_grader.encoder(language)
    vectors = encoder.encode(["Dropout zeroes random activations.", "ドロップアウトは活性をランダムに消す。"])
    assert vectors.dtype == np.float32
    assert vectors.shape[0] == 2
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert encoder.encode([]).shape[0] == 0


def test_multilingual_encoder_matches_across_languages(free_text_grader: FreeTextGrader) -> None:
    encoder = free_text_grader.encoder("ja")
    assert encoder.name == "universal-sentence-encoder-multilingual-3"
    point, paraphrase, english, off_topic = encoder.encode(
        [
            "各層の入力をミニバッチの平均と分散で正規化する。",
            "ミニバッチごとの平均と分散を使って層への入力を標準化する。",
            "It normalizes each layer's inputs with the mini-batch mean and variance.",
            "ランダムフォレストを使って木の深さを調整します。",
        ]
    )
    assert point @ paraphrase > point @ off_topic + 0.3
    assert english @ paraphrase > english @ off_topic + 0.3


def test_english_encoder_is_the_bundled_minilm(free_text_grader: FreeTextGrader) -> None:
    assert free_text_grader.encoder("en").name == "all-MiniLM-L6-v2"


def test_missing_model_raises_a_clear_error(tmp_path: object) -> None:
    with pytest.raises(ModelNotInstalled, match="model not installed"):
        load_encoder(f"{tmp_path}/no-such-model")
