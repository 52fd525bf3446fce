"""The Japanese learned verifier: a small classifier over the multilingual encoder's pair features
[u, v, |u - v|, u * v] (InferSent-style), since no trainable multilingual transformer loads
offline here. Trained with torch, shipped as a NumPy .npz, run in NumPy.
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from app.grading.verifier.pairs import LABELS, Pair

HEAD_NAME = "ja-pair-head.npz"
HIDDEN = 256


def pair_features(premises: NDArray[np.float32], hypotheses: NDArray[np.float32]) -> NDArray[np.float32]:
    return np.concatenate(
        [premises, hypotheses, np.abs(premises - hypotheses), premises * hypotheses], axis=1
    ).astype(np.float32)


@dataclass(frozen=True)
class PairHead:
    w1: NDArray[np.float32]
    b1: NDArray[np.float32]
    w2: NDArray[np.float32]
    b2: NDArray[np.float32]

    def probabilities(self, features: NDArray[np.float32]) -> NDArray[np.float32]:
        hidden = np.maximum(features @ self.w1 + self.b1, 0.0)
        logits = hidden @ self.w2 + self.b2
        shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
        probabilities: NDArray[np.float32] = (shifted / shifted.sum(axis=1, keepdims=True)).astype(np.float32)
        return probabilities

    def save(self, path: Path) -> None:
        np.savez(path, w1=self.w1, b1=self.b1, w2=self.w2, b2=self.b2)

    @classmethod
    def load(cls, path: Path) -> "PairHead":
        with np.load(path, allow_pickle=False) as data:
            return cls(**{name: data[name].astype(np.float32) for name in ("w1", "b1", "w2", "b2")})


@dataclass(frozen=True)
class HeadConfig:
    seed: int = 13
    epochs: int = 40
    batch_size: int = 64
    learning_rate: float = 1e-3
    weight_decay: float = 1e-4
    dropout: float = 0.2


def train_head(
    *,
    pairs: list[Pair],
    encode: Callable[[list[str]], NDArray[np.float32]],
    config: HeadConfig,
    progress: Callable[[str], None],
) -> PairHead:
    import torch

    if not pairs:
        raise ValueError("no Japanese training pairs")
    random.seed(config.seed)
    torch.manual_seed(config.seed)
    torch.use_deterministic_algorithms(True)
    started = time.monotonic()
    features = torch.from_numpy(
        pair_features(encode([p.premise for p in pairs]), encode([p.hypothesis for p in pairs]))
    )
    labels = torch.tensor([LABELS.index(p.label) for p in pairs], dtype=torch.long)
    model = torch.nn.Sequential(
        torch.nn.Dropout(config.dropout),
        torch.nn.Linear(features.shape[1], HIDDEN),
        torch.nn.ReLU(),
        torch.nn.Dropout(config.dropout),
        torch.nn.Linear(HIDDEN, len(LABELS)),
    )
    optimiser = torch.optim.AdamW(
        model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
    )
    generator = torch.Generator().manual_seed(config.seed)
    for epoch in range(config.epochs):
        model.train()
        batches = torch.randperm(len(pairs), generator=generator).split(config.batch_size)  # type: ignore[no-untyped-call]
        for batch in batches:
            loss = torch.nn.functional.cross_entropy(model(features[batch]), labels[batch])
            optimiser.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            optimiser.step()
        if (epoch + 1) % 10 == 0:
            elapsed = time.monotonic() - started
            progress(f"ja head epoch {epoch + 1}/{config.epochs}: loss {loss.item():.3f}, {elapsed:.0f} s")
    first, second = model[1], model[4]
    assert isinstance(first, torch.nn.Linear) and isinstance(second, torch.nn.Linear)
    return PairHead(
        w1=first.weight.detach().numpy().T.copy(),
        b1=first.bias.detach().numpy().copy(),
        w2=second.weight.detach().numpy().T.copy(),
        b2=second.bias.detach().numpy().copy(),
    )
