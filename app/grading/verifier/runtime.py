"""Loading the shipped verifier models (models/verifier/) and running them: built once per process.

A missing or corrupt file is a start-up error that names the file and the command that makes it,
never a silent fallback to similarity alone.
"""

import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from app.errors import AppError
from app.grading.verifier.cross_encoder import META_NAME, ONNX_NAME, softmax
from app.grading.verifier.head import HEAD_NAME, PairHead

BATCH = 32


class VerifierUnavailable(AppError):
    status_code = 503


@dataclass(frozen=True)
class VerifierVersion:
    name: str  # e.g. "verifier-en-minilm-ce+ja-use-head"
    digest: str  # first 12 hex digits of the sha256 of the model files: stored with every grade


def _require(path: Path) -> Path:
    if not path.is_file() or path.stat().st_size == 0:
        raise VerifierUnavailable(
            "verifier model missing: %(path)s (train it with `grader model train-verifier`)", path=str(path)
        )
    return path


class EnglishCrossEncoder:
    """int8 ONNX MiniLM cross-encoder; the tokenizer is the bundled MiniLM's own."""

    def __init__(self, directory: Path, tokenizer_json: Path) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        model_path = _require(directory / ONNX_NAME)
        meta = json.loads(_require(directory / META_NAME).read_text(encoding="utf-8"))
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1  # steadier on a shared 2-core machine than two
        options.inter_op_num_threads = 1
        try:
            self._session = onnxruntime.InferenceSession(
                str(model_path), options, providers=["CPUExecutionProvider"]
            )
        except Exception as error:  # onnxruntime raises its own types for a corrupt file
            raise VerifierUnavailable(
                "verifier model unreadable: %(path)s (%(error)s)", path=str(model_path), error=str(error)
            ) from error
        self._tokenizer = Tokenizer.from_file(str(tokenizer_json))
        self._tokenizer.enable_truncation(int(meta["max_length"]), strategy="only_first")
        self._tokenizer.enable_padding()
        self._lock = threading.Lock()  # onnxruntime sessions are thread-safe; the tokenizer's state is not
        self.files = [model_path]

    def probabilities(self, pairs: list[tuple[str, str]]) -> NDArray[np.float32]:
        """(entails, contradicts, neither) per (span, key point) pair."""
        rows = []
        for start in range(0, len(pairs), BATCH):
            with self._lock:
                encoded = self._tokenizer.encode_batch(pairs[start : start + BATCH])
            feed = {
                "input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in encoded], dtype=np.int64),
            }
            rows.append(softmax(self._session.run(["logits"], feed)[0]))
        return np.concatenate(rows) if rows else np.zeros((0, 3), dtype=np.float32)


def load_head(directory: Path) -> PairHead:
    path = _require(directory / HEAD_NAME)
    try:
        return PairHead.load(path)
    except (OSError, KeyError, ValueError) as error:
        raise VerifierUnavailable(
            "verifier model unreadable: %(path)s (%(error)s)", path=str(path), error=str(error)
        ) from error


def version_of(files: list[Path], name: str) -> VerifierVersion:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes())
    return VerifierVersion(name=name, digest=digest.hexdigest()[:12])
