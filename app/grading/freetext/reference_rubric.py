"""Importer: a rubric made automatically from a question and its reference answer(s).

One key point per sentence of the first reference answer, equal weights; the sentences of any
further reference answers become alternative phrasings of the key point each is closest to.
This is how a user turns an existing question/answer pair into a gradable question, and how the
human-agreement benchmark builds its rubrics (no hand-written key points, so the benchmark
measures the pipeline, not our tuning).
Splitting sentences further into clauses scored lower on Mohler assignments 1-6 (benchmarks/README.md).
"""

from collections.abc import Sequence

import numpy as np

from app.bank.schema import Question
from app.grading.encoders import Encoder
from app.grading.freetext.text import split_sentences


def question_from_reference(
    *,
    question_id: str,
    prompt: str,
    reference_answer: str,
    other_references: Sequence[str] = (),
    encoder: Encoder | None = None,
    language: str = "en",
    topic: str = "imported",
    profile: str = "imported",
) -> Question:
    """`encoder` is needed only with `other_references`: it places each of their sentences."""
    sentences = split_sentences(reference_answer, language=language) or [reference_answer]
    alternatives = _alternatives(sentences, other_references, encoder=encoder, language=language)

    def localized(text: str) -> dict[str, str]:
        # English text is required by the schema; a Japanese import carries the same text in both.
        return {"en": text, "ja": text} if language == "ja" else {"en": text}

    return Question.model_validate(
        {
            "id": question_id,
            "kind": "text",
            "title": localized(prompt[:80]),
            "prompt": localized(prompt),
            "topics": [topic],
            "difficulty": 3,
            "minutes": 5,
            "profiles": [profile],
            "model_answer": localized(reference_answer),
            "key_points": [
                {
                    "id": f"point-{i + 1}",
                    "weight": 1.0,
                    "text": localized(sentence),
                    "alternatives": {language: alternatives[i]}
                    | ({"en": alternatives[i]} if language == "ja" else {}),
                }
                for i, sentence in enumerate(sentences)
            ],
        }
    )


def _alternatives(
    sentences: list[str], others: Sequence[str], *, encoder: Encoder | None, language: str
) -> list[list[str]]:
    """Per key point, the other references' sentences that are closest to it (not to another)."""
    found: list[list[str]] = [[] for _ in sentences]
    extra = [s for other in others for s in (split_sentences(other, language=language) or [other])]
    extra = [s for s in dict.fromkeys(extra) if s not in sentences]
    if not extra:
        return found
    if encoder is None:
        raise ValueError("placing further reference answers needs an encoder")
    similarity = encoder.encode(extra) @ encoder.encode(sentences).T
    for row, sentence in enumerate(extra):
        found[int(np.argmax(similarity[row]))].append(sentence)
    return found
