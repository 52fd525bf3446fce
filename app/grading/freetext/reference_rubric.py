"""Importer: a rubric made automatically from a question and its reference answer.

One key point per clause of the reference answer, equal weights. This is how a user turns an existing
question/answer pair into a gradable question, and how the human-agreement benchmark builds rubrics
(no hand-written key points, so the benchmark measures the pipeline rather than our tuning).
"""

import re
from typing import Literal

from app.bank.schema import Question
from app.grading.freetext.text import content_terms, split_sentences

Granularity = Literal["sentence", "clause"]
# Clause boundaries inside a sentence: semicolons, colons, and ", " before a new statement.
_CLAUSE_BREAK = re.compile(r"\s*[;:]\s+|,\s+(?=(?:and|but|or|so|which|while|whereas)\b)|\s+-\s+")
MIN_CLAUSE_TERMS = 2  # shorter fragments stay attached to their neighbour


def reference_clauses(reference: str, *, language: str = "en", granularity: Granularity = "clause") -> list[str]:
    sentences = split_sentences(reference, language=language)
    if granularity == "sentence" or language == "ja":
        return sentences
    clauses: list[str] = []
    for sentence in sentences:
        pieces: list[str] = []
        for piece in (p.strip(" ,") for p in _CLAUSE_BREAK.split(sentence)):
            if pieces and len(content_terms(piece)) < MIN_CLAUSE_TERMS:
                pieces[-1] = f"{pieces[-1]}, {piece}"
            elif piece:
                pieces.append(piece)
        clauses += pieces
    return clauses


def question_from_reference(
    *,
    question_id: str,
    prompt: str,
    reference_answer: str,
    language: str = "en",
    granularity: Granularity = "clause",
    topic: str = "imported",
    profile: str = "imported",
) -> Question:
    clauses = reference_clauses(reference_answer, language=language, granularity=granularity) or [
        reference_answer
    ]

    def localized(text: str) -> dict[str, str]:
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
                {"id": f"point-{i + 1}", "weight": 1.0, "text": localized(clause)} for i, clause in enumerate(clauses)
            ],
        }
    )
