"""The real bank in rubrics/: large, bilingual, able to fill every profile, asking the hiring topics."""

from collections import Counter

import pytest

from app.bank.lint import lint
from app.bank.loader import Bank, load_bank
from app.bank.selection import select_questions
from app.settings import PROJECT_ROOT

RUBRICS = PROJECT_ROOT / "rubrics"

# Concepts the interview must be able to ask about -> words of the question ids that ask about them
# (ids are dash-separated words, e.g. dl-batch-norm, ml-data-drift, code-psi-drift).
CONCEPTS: dict[str, tuple[str, ...]] = {
    "batch normalisation": ("batch-norm", "batchnorm"),
    "bias and variance": ("bias-variance",),
    "nearest-neighbour search": ("ann", "nearest-neighbour", "nearest-neighbor", "similarity-search"),
    "metrics beyond accuracy": ("metrics-beyond-accuracy",),
    "backpropagation": ("backprop", "backpropagation"),
    "activation saturation": ("activation-saturation",),
    "hyperparameters": ("hyperparams", "hyperparameters"),
    "learning rate": ("learning-rate", "lr"),
    "CNN parameter counts": ("cnn-params", "cnn-param-count"),
    "class imbalance": ("class-imbalance",),
    "epoch, batch and iteration": ("epoch-batch-iteration", "iterations-per-epoch"),
    "data generators": ("data-generators", "batch-generator"),
    "problem framing": ("problem-framing",),
    "data cleaning": ("data-cleaning", "data-quality", "missing-values", "outliers"),
    "scaling": ("scaling", "minmax-zscore", "feature-scaling"),
    "sampling": ("sampling", "resampling", "stratified-split"),
    "model selection": ("model-selection", "model-choice", "choosing-a-model", "algorithm-choice"),
    "over- and underfitting": ("overfitting", "underfitting"),
    "deployment": ("deployment", "serving", "deploy"),
    "drift": ("drift",),
    "monitoring": ("monitoring",),
}


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(RUBRICS)


def test_the_bank_has_enough_questions_of_each_kind(bank: Bank) -> None:
    kinds = Counter(loaded.question.kind for loaded in bank.questions.values())
    assert len(bank.questions) >= 40, kinds
    assert kinds["text"] >= 28 and kinds["code"] >= 12, kinds


def test_every_question_of_our_own_is_written_in_japanese_too(bank: Bank) -> None:
    report = lint(bank, directory=RUBRICS)
    missing = [str(problem) for problem in report.errors if problem.field.endswith(".ja")]
    assert missing == []
    assert report.languages == ["en", "ja"]


def test_the_lint_finds_no_error_in_the_bank(bank: Bank) -> None:
    assert [str(problem) for problem in lint(bank, directory=RUBRICS).errors] == []


@pytest.mark.parametrize("seed", range(5))
def test_every_profile_can_be_filled(bank: Bank, seed: int) -> None:
    for profile in bank.profiles.values():
        selection = select_questions(bank=bank, profile_id=profile.id, seed=seed)
        kinds = Counter(item.reason.kind for item in selection.items)
        assert (kinds["text"], kinds["code"]) == (profile.text_questions, profile.code_questions)
        assert selection.total_minutes <= profile.minutes


@pytest.mark.parametrize("concept", sorted(CONCEPTS))
def test_the_bank_asks_about(bank: Bank, concept: str) -> None:
    words = CONCEPTS[concept]
    asking = [
        question_id for question_id in bank.questions if any(f"-{w}-" in f"-{question_id}-" for w in words)
    ]
    assert asking, f"no question id contains any of {words}"
