"""The real free-text grader (real MiniLM and USE models), built once per test session, and a small
batch-normalisation question written for these tests in English and Japanese."""

import pytest

from app.bank.schema import Question
from app.grading.freetext import FreeTextGrader
from app.main import Services

_BATCH_NORM = Question.model_validate(
    {
        "id": "test-batch-norm",
        "kind": "text",
        "title": {"en": "Batch normalisation", "ja": "バッチ正規化"},
        "prompt": {
            "en": "What does batch normalization do during training, and why does it help?",
            "ja": "バッチ正規化は学習中に何をしますか？なぜ役立つのですか？",
        },
        "topics": ["neural-networks"],
        "difficulty": 2,
        "minutes": 5,
        "profiles": ["ml-engineer"],
        "model_answer": {"en": "It normalises layer inputs per mini-batch, then rescales them."},
        "key_points": [
            {
                "id": "normalise",
                "text": {
                    "en": "Each layer's inputs are normalized by the current mini-batch's mean and variance.",
                    "ja": "各層の入力をミニバッチの平均と分散で正規化する。",
                },
            },
            {
                "id": "scale-shift",
                "text": {
                    "en": "A learned scale and shift (gamma and beta) keep the layer expressive.",
                    "ja": "学習可能なスケールとシフト（γとβ）で表現力を保つ。",
                },
            },
            {
                "id": "faster",
                "text": {
                    "en": "Training becomes faster and more stable, allowing higher learning rates.",
                    "ja": "学習が速く安定し、大きな学習率を使えるようになる。",
                },
            },
        ],
        "misconceptions": [
            {
                "id": "sets-learning-rate",
                "text": {
                    "en": "Batch normalization sets a separate learning rate for each layer.",
                    "ja": "バッチ正規化は層ごとに学習率を決める。",
                },
            }
        ],
    }
)

# The same question without Japanese key-point text: Japanese answers meet English key points.
_BATCH_NORM_ENGLISH_ONLY = Question.model_validate(
    _BATCH_NORM.model_dump()
    | {
        "id": "test-batch-norm-en",
        "key_points": [p.model_dump() | {"text": {"en": p.text.en}} for p in _BATCH_NORM.key_points],
        "misconceptions": [],
    }
)


@pytest.fixture(scope="session")
def free_text_grader(services: Services) -> FreeTextGrader:
    """The app's own grader from the session's services: the models load once per run."""
    return services.graders.free_text


@pytest.fixture
def batch_norm() -> Question:
    return _BATCH_NORM


@pytest.fixture
def batch_norm_english_only() -> Question:
    return _BATCH_NORM_ENGLISH_ONLY
