"""Key points and misconceptions of one rubric version, embedded once and cached."""

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.bank.schema import KeyPoint, LocalizedList, LocalizedText, Misconception, Question
from app.grading.encoders import Encoder
from app.grading.freetext.lexical import question_terms_for, terms_for
from app.grading.freetext.text import content_terms, demote, is_japanese

CACHE_SIZE = 1024


@dataclass(frozen=True)
class RubricItem:
    id: str
    weight: float
    is_misconception: bool
    has_own_language: bool  # False: a Japanese answer is matched against English phrasings only
    text: str  # the item's own sentence in the answer's language (else English): what the verifier reads


@dataclass(frozen=True)
class KeyPointIndex:
    """Every phrasing of every item, with its embedding and lexical terms; `owners` maps phrasing -> item."""

    items: list[RubricItem]
    owners: NDArray[np.int64]
    vectors: NDArray[np.float32]
    terms: list[frozenset[str]]
    question_words: frozenset[str]  # English content stems of the prompt, dropped before embedding
    question_units: frozenset[str]  # lexical units of the prompt, dropped from the lexical channel


def build_index(*, question: Question, language: str, encoder: Encoder) -> KeyPointIndex:
    prompt = question.prompt.get(language)
    # Japanese has no spaces to drop words at; its question words are demoted in the lexical channel only.
    question_words = frozenset(content_terms(question.prompt.en)) if language == "en" else frozenset()
    question_units = question_terms_for(prompt, language=language)
    entries: list[KeyPoint | Misconception] = [*question.key_points, *question.misconceptions]
    items, phrasings, owners = [], [], []
    for index, entry in enumerate(entries):
        texts = _phrasings(entry.text, entry.alternatives, language=language)
        items.append(
            RubricItem(
                id=entry.id,
                weight=entry.weight,
                is_misconception=isinstance(entry, Misconception),
                has_own_language=language == "en" or entry.text.ja is not None,
                text=texts[0],
            )
        )
        phrasings += texts
        owners += [index] * len(texts)
    vectors = encoder.encode([demote(p, question_words) for p in phrasings])
    return KeyPointIndex(
        items=items,
        owners=np.asarray(owners, dtype=np.int64),
        vectors=vectors,
        terms=[_terms(p, language=language, question_units=question_units) for p in phrasings],
        question_words=question_words,
        question_units=question_units,
    )


def _terms(phrasing: str, *, language: str, question_units: frozenset[str]) -> frozenset[str]:
    # An English phrasing shares no characters with a Japanese answer: no lexical evidence, not zero.
    if language == "ja" and not is_japanese(phrasing):
        return frozenset()
    return terms_for(phrasing, language=language, question_terms=question_units)


def _phrasings(text: LocalizedText, alternatives: LocalizedList, *, language: str) -> list[str]:
    """The point in the answer's language first; for Japanese also the English text, which the
    multilingual encoder matches across languages."""
    english = [text.en, *alternatives.en]
    if language != "ja":
        return english
    japanese = [t for t in [text.ja, *alternatives.ja] if t]
    return list(dict.fromkeys(japanese + english))


class KeyPointCache:
    """A thread-safe LRU of key-point indexes keyed by (encoder, question, rubric version, language)."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._size = size
        self._entries: OrderedDict[tuple[str, ...], KeyPointIndex] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, ...], build: Callable[[], KeyPointIndex]) -> KeyPointIndex:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        index = build()
        with self._lock:
            self._entries[key] = index
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return index
