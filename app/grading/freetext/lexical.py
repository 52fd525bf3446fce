"""The lexical channel: how much of a key point's own vocabulary a span uses.

Embeddings reward topical closeness and miss exact terms; word overlap rewards exact terms and misses
paraphrase. Scoring blends both because they fail differently.
"""

from app.grading.freetext.text import char_ngrams, content_terms

# Recall counts four times as much as precision (F-beta, beta=2): a span may say more than the key
# point, but a span that is mostly other words (a buzzword list) should not earn full overlap.
_BETA_SQUARED = 4.0


def terms_for(text: str, *, language: str, question_terms: frozenset[str]) -> frozenset[str]:
    """The lexical units of a text with the question's own units removed."""
    units = char_ngrams(text) if language == "ja" else set(content_terms(text))
    return frozenset(units - question_terms)


def question_terms_for(prompt: str, *, language: str) -> frozenset[str]:
    return frozenset(char_ngrams(prompt) if language == "ja" else content_terms(prompt))


def overlap(point_terms: frozenset[str], span_terms: frozenset[str]) -> float | None:
    """F-beta overlap of a key point's terms with a span's terms; None when the point has no terms."""
    if not point_terms:
        return None
    shared = len(point_terms & span_terms)
    if shared == 0:
        return 0.0
    recall = shared / len(point_terms)
    precision = shared / len(span_terms)
    return (1 + _BETA_SQUARED) * precision * recall / (_BETA_SQUARED * precision + recall)
