"""Splitting answers into candidate spans, and the word/character units the lexical channel counts."""

import re
import unicodedata

# Kana, kanji and the CJK punctuation block: enough to tell a Japanese answer from an English one.
_JAPANESE_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
_SENTENCE_END_EN = re.compile(r"(?<=[.!?;])\s+|\n+")
_SENTENCE_END_JA = re.compile(r"(?<=[。！？!?；;])|\n+")
_WORD = re.compile(r"[a-z0-9]+(?:[+#]+)?")
_NOT_TEXT = re.compile(r"[\s\W_]+", re.UNICODE)

_LIST_SEPARATOR = re.compile(r"[,;/\n\u2022\u3001\u30fb]|\s-\s")
MAX_SENTENCES = 40  # a pasted essay still costs a bounded number of spans

_STOPWORD_LIST = """
a an the and or but if then else of to in on at by for with from into onto over under as is are was
were be been being am do does did done doing have has had having it its this that these those there
here which who whom whose what when where why how not no nor so than too very can could may might
must shall should will would i me my we our you your he him his she her they them their one also
such any all each both some more most other same only own just about above below between through
during before after again further once up down out off s t e g eg ie etc
"""
STOPWORDS = frozenset(_STOPWORD_LIST.split())

_SUFFIXES = ("ations", "ation", "ings", "ing", "ness", "ies", "ied", "ers", "er", "es", "ed", "ly", "s")


def is_japanese(text: str) -> bool:
    """True when at least a fifth of the letters are kana or kanji."""
    letters = [c for c in text if c.isalnum()]
    if not letters:
        return False
    return sum(1 for c in letters if _JAPANESE_CHAR.match(c)) >= 0.2 * len(letters)


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def split_sentences(text: str, *, language: str) -> list[str]:
    """The spans a key point is matched against (and the key points of an imported reference).

    Runs of two sentences were tried as extra spans: no gain on Mohler, twice the encoder cost.
    """
    pattern = _SENTENCE_END_JA if language == "ja" else _SENTENCE_END_EN
    sentences = [s.strip() for s in pattern.split(normalise(text))]
    return [s for s in sentences if _NOT_TEXT.sub("", s)][:MAX_SENTENCES]


def is_term_list(span: str) -> bool:
    """A run of four or more short comma-separated fragments: terms named, no claim made."""
    fragments = [f for f in _LIST_SEPARATOR.split(span) if _NOT_TEXT.sub("", f)]
    if len(fragments) < 4:
        return False
    short = sum(1 for f in fragments if len(content_terms(f)) <= 2 and len(_NOT_TEXT.sub("", f)) <= 20)
    return short >= 0.75 * len(fragments)


def stem(word: str) -> str:
    """A crude suffix stripper: enough for 'normalizes'/'normalization'/'normalized' to meet."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def content_terms(text: str) -> list[str]:
    """Stemmed English content words, in order (stopwords dropped)."""
    words = _WORD.findall(normalise(text).lower())
    return [stem(w) for w in words if w not in STOPWORDS and len(w) > 1]


def char_ngrams(text: str, n: int = 2) -> set[str]:
    """Character n-grams of the letters only: the lexical unit for Japanese, which has no spaces."""
    letters = _NOT_TEXT.sub("", normalise(text).lower())
    if len(letters) < n:
        return {letters} if letters else set()
    return {letters[i : i + n] for i in range(len(letters) - n + 1)}


def demote(text: str, question_terms: frozenset[str]) -> str:
    """Drop the words the question already contains: repeating the question earns nothing.

    Falls back to the original text when nothing else is left, so an embedding always has input.
    """
    kept = [w for w in re.findall(r"\S+", normalise(text)) if not _only_question_words(w, question_terms)]
    return " ".join(kept) if kept else text


def _only_question_words(token: str, question_terms: frozenset[str]) -> bool:
    terms = content_terms(token)
    return bool(terms) and all(t in question_terms for t in terms)
