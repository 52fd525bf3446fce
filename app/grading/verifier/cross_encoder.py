"""The English learned verifier: a cross-encoder (MiniLM, initialised from the bundled sentence
encoder, with a new 3-way head) trained here on the verifier's pairs, shipped as int8 ONNX.

Training is deterministic for a seed on the CPU; inference needs only onnxruntime and tokenizers.
"""

import json
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.grading.verifier.pairs import LABELS, Label, Pair

log = logging.getLogger(__name__)
MAX_LENGTH = 128  # tokens of span + key point; longer spans are cut at the end
# The int8 model must pick the float model's label on this share of the dev pairs, and its
# probabilities may move by this much on average (per-channel int8: 98.7 % and 0.01 measured).
MIN_EXPORT_AGREEMENT = 0.97
MAX_EXPORT_DRIFT = 0.03
ONNX_NAME = "en-cross-encoder.int8.onnx"
META_NAME = "en-cross-encoder.json"


@dataclass(frozen=True)
class TrainConfig:
    seed: int = 13
    epochs: int = 3
    batch_size: int = 16
    learning_rate: float = 4e-5
    warmup_share: float = 0.1
    max_length: int = MAX_LENGTH


@dataclass(frozen=True)
class DevScores:
    pairs: int
    accuracy: float
    macro_f1: float
    contradiction_recall: float
    contradiction_precision: float


def scores(gold: Sequence[int], predicted: Sequence[int]) -> DevScores:
    gold_array, predicted_array = np.asarray(gold), np.asarray(predicted)
    f1s = []
    for label in range(len(LABELS)):
        true_positive = float(np.sum((gold_array == label) & (predicted_array == label)))
        precision = true_positive / max(1.0, float(np.sum(predicted_array == label)))
        recall = true_positive / max(1.0, float(np.sum(gold_array == label)))
        f1s.append(0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall))
    contradicts = LABELS.index(Label.contradicts)
    hits = float(np.sum((gold_array == contradicts) & (predicted_array == contradicts)))
    return DevScores(
        pairs=len(gold),
        accuracy=round(float(np.mean(gold_array == predicted_array)) if len(gold) else 0.0, 4),
        macro_f1=round(float(np.mean(f1s)), 4),
        contradiction_recall=round(hits / max(1.0, float(np.sum(gold_array == contradicts))), 4),
        contradiction_precision=round(hits / max(1.0, float(np.sum(predicted_array == contradicts))), 4),
    )


def _seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)


def train(
    *,
    train_pairs: list[Pair],
    dev_pairs: list[Pair],
    base_model: Path,
    out_dir: Path,
    config: TrainConfig,
    progress: Callable[[str], None] = log.info,
) -> DevScores:
    """Fine-tune on `train_pairs`, score on `dev_pairs`, write the int8 ONNX model and its card."""
    import torch
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        get_linear_schedule_with_warmup,
    )

    _seed_everything(config.seed)
    tokenizer = AutoTokenizer.from_pretrained(str(base_model))
    # Eager attention: the SDPA path decides on the mask with Python control flow, which the ONNX
    # trace froze at the sample's shape (the exported model then ignored padding and disagreed).
    model = AutoModelForSequenceClassification.from_pretrained(
        str(base_model), num_labels=len(LABELS), attn_implementation="eager"
    )
    order = random.Random(config.seed).sample(range(len(train_pairs)), len(train_pairs))  # noqa: S311
    steps = config.epochs * ((len(order) + config.batch_size - 1) // config.batch_size)
    optimiser = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, weight_decay=0.01)
    schedule = get_linear_schedule_with_warmup(  # type: ignore[no-untyped-call]
        optimiser, int(config.warmup_share * steps), steps
    )
    started = time.monotonic()
    model.train()
    for epoch in range(config.epochs):
        random.Random(config.seed + epoch).shuffle(order)  # noqa: S311
        for start in range(0, len(order), config.batch_size):
            batch = [train_pairs[i] for i in order[start : start + config.batch_size]]
            encoded = _tokenize(tokenizer, batch, config.max_length)
            labels = torch.tensor([LABELS.index(p.label) for p in batch])
            loss = model(**encoded, labels=labels).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
        dev = _evaluate(model, tokenizer, dev_pairs, config.max_length)
        progress(f"epoch {epoch + 1}/{config.epochs}: {time.monotonic() - started:.0f} s, dev {dev}")
    model.eval()
    out_dir.mkdir(parents=True, exist_ok=True)
    _export_int8(model, tokenizer, out_dir, config.max_length)
    agreement, drift = _export_drift(model, tokenizer, out_dir / ONNX_NAME, dev_pairs, config.max_length)
    progress(f"int8 ONNX against the trained model: same label {agreement:.1%}, mean drift {drift:.4f}")
    if agreement < MIN_EXPORT_AGREEMENT or drift > MAX_EXPORT_DRIFT:
        raise RuntimeError(f"the int8 model departs from the trained one ({agreement:.1%}, {drift:.4f})")
    card = {
        "labels": [label.value for label in LABELS],
        "max_length": config.max_length,
        "train": asdict(config),
    }
    card |= {
        "train_pairs": len(train_pairs),
        "dev": asdict(dev),
        "seconds": round(time.monotonic() - started),
        "int8_label_agreement": round(agreement, 4),
        "int8_mean_probability_drift": round(drift, 4),
    }
    (out_dir / META_NAME).write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    return dev


def _tokenize(tokenizer: object, batch: list[Pair], max_length: int) -> Any:
    """(span, item) pairs as the model reads them; a long span is cut, never the item."""
    return tokenizer(  # type: ignore[operator]
        [p.premise for p in batch],
        [p.hypothesis for p in batch],
        truncation="only_first",
        max_length=max_length,
        padding=True,
        return_tensors="pt",
    )


def _evaluate(model: object, tokenizer: object, pairs: list[Pair], max_length: int) -> DevScores:
    import torch

    predicted: list[int] = []
    with torch.no_grad():
        model.eval()  # type: ignore[attr-defined]
        for start in range(0, len(pairs), 64):
            batch = pairs[start : start + 64]
            encoded = _tokenize(tokenizer, batch, max_length)
            predicted += model(**encoded).logits.argmax(dim=-1).tolist()  # type: ignore[operator]
        model.train()  # type: ignore[attr-defined]
    return scores([LABELS.index(p.label) for p in pairs], predicted)


def _export_int8(model: object, tokenizer: object, out_dir: Path, max_length: int) -> None:
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    sample = tokenizer(["a span"], ["a key point"], return_tensors="pt")  # type: ignore[operator]
    names = ["input_ids", "attention_mask", "token_type_ids"]
    float_path = out_dir / "en-cross-encoder.float.onnx"
    assert isinstance(model, torch.nn.Module)
    torch.onnx.export(
        model,
        tuple(sample[name] for name in names),
        str(float_path),
        input_names=names,
        output_names=["logits"],
        dynamic_axes={name: {0: "batch", 1: "tokens"} for name in names} | {"logits": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )
    # Per-channel scales: the label matches the float model on 98.7 % of dev pairs (97.2 % per tensor).
    quantize_dynamic(str(float_path), str(out_dir / ONNX_NAME), weight_type=QuantType.QInt8, per_channel=True)
    float_path.unlink()


def _export_drift(
    model: object, tokenizer: object, onnx_path: Path, pairs: list[Pair], max_length: int
) -> tuple[float, float]:
    """How far the shipped int8 model is from the trained one on `pairs`: the share of pairs with
    the same label, and the mean absolute difference of the probabilities."""
    import onnxruntime
    import torch

    if not pairs:
        return 1.0, 0.0
    session = onnxruntime.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    same, drift = 0, 0.0
    for start in range(0, len(pairs), 32):
        batch = pairs[start : start + 32]
        encoded = _tokenize(tokenizer, batch, max_length)
        with torch.no_grad():
            expected = softmax(model(**encoded).logits.numpy())  # type: ignore[operator]
        names = ("input_ids", "attention_mask", "token_type_ids")
        got = softmax(
            session.run(["logits"], {name: encoded[name].numpy().astype(np.int64) for name in names})[0]
        )
        same += int(np.sum(expected.argmax(axis=1) == got.argmax(axis=1)))
        drift += float(np.abs(expected - got).mean()) * len(batch)
    return same / len(pairs), drift / len(pairs)


def softmax(logits: NDArray[np.float32]) -> NDArray[np.float32]:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    probabilities: NDArray[np.float32] = (shifted / shifted.sum(axis=-1, keepdims=True)).astype(np.float32)
    return probabilities
