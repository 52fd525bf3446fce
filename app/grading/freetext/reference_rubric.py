"""Importer: a rubric made automatically from a question and its reference answer.

One key point per sentence of the reference answer, equal weights. This is how a user turns an
existing question/answer pair into a gradable question, and how the human-agreement benchmark builds
its rubrics (no hand-written key points, so the benchmark measures the pipeline, not our tuning).
Splitting sentences further into clauses scored lower on Mohler assignments 1-6 (benchmarks/README.md).
"""

from app.bank.schema import Question
from app.grading.freetext.text import split_sentences


def question_from_reference(
    *,
    question_id: str,
    prompt: str,
    reference_answer: str,
    language: str = "en",
    topic: str = "imported",
    profile: str = "imported",
) -> Question:
    sentences = split_sentences(reference_answer, language=language) or [reference_answer]

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
                {"id": f"point-{i + 1}", "weight": 1.0, "text": localized(sentence)}
                for i, sentence in enumerate(sentences)
            ],
        }
    )
