"""FreeTextGrader: built once at start-up (loads the encoders once), then grades answers against rubrics."""

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.bank.schema import Question
from app.grading.encoders import MULTILINGUAL_USE, Encoder, load_encoder
from app.grading.freetext.calibration import Calibration
from app.grading.freetext.keypoints import KeyPointCache, KeyPointIndex, build_index
from app.grading.freetext.lexical import terms_for
from app.grading.freetext.models import GradeRequest, TextGrade
from app.grading.freetext.review import review_reasons
from app.grading.freetext.scoring import AnswerEvidence, ScoringConfig, score_items, total_credit
from app.grading.freetext.text import demote, is_japanese, is_term_list, split_sentences
from app.settings import Settings

# Per encoder, because cosine scales differ between models. Tuned on Mohler assignments 1-6 (MiniLM)
# and on our Japanese paraphrase checks (USE); see benchmarks/README.md.
MINILM_CONFIG = ScoringConfig(
    semantic_weight=0.6,
    threshold_partial=0.1,
    threshold_full=0.55,
    threshold_misconception=0.6,
    review_margin=0.03,
)
USE_CONFIG = ScoringConfig(
    semantic_weight=0.7,
    threshold_partial=0.2,
    threshold_full=0.5,
    threshold_misconception=0.55,
    review_margin=0.03,
)
CONFIGS = {"all-MiniLM-L6-v2": MINILM_CONFIG, "universal-sentence-encoder-multilingual-3": USE_CONFIG}


@dataclass(frozen=True)
class _Prepared:
    request: GradeRequest
    language: str  # the language actually graded in (a Japanese answer is graded as Japanese)
    language_note: str | None
    encoder: Encoder
    index: KeyPointIndex
    spans: list[str]
    embed_texts: list[str]


class FreeTextGrader:
    def __init__(self, *, english: Encoder, japanese: Encoder) -> None:
        self._encoders = {"en": english, "ja": japanese}
        self._cache = KeyPointCache()

    @classmethod
    def from_settings(cls, settings: Settings) -> "FreeTextGrader":
        english = load_encoder(settings.embedding_model)
        multilingual_name = getattr(settings, "multilingual_embedding_model", MULTILINGUAL_USE)
        japanese = (
            english if multilingual_name == settings.embedding_model else load_encoder(multilingual_name)
        )
        return cls(english=english, japanese=japanese)

    def encoder(self, language: str) -> Encoder:
        """The encoder answers in this language are embedded with."""
        return self._encoders["ja" if language == "ja" else "en"]

    def grade(
        self,
        *,
        answer: str,
        question: Question,
        rubric_version: str,
        language: str = "en",
        calibration: Calibration | None = None,
    ) -> TextGrade:
        request = GradeRequest(
            answer=answer,
            question=question,
            rubric_version=rubric_version,
            language=language,  # type: ignore[arg-type]  # validated by pydantic
            calibration=calibration,
        )
        return self.grade_many([request])[0]

    def grade_many(self, requests: Sequence[GradeRequest | Mapping[str, Any]]) -> list[TextGrade]:
        """Grade many answers with one encoder call per encoder (the encoder dominates the cost)."""
        prepared = [self._prepare(r if isinstance(r, GradeRequest) else GradeRequest(**r)) for r in requests]
        vectors: dict[int, list[Any]] = {}
        for encoder in {id(p.encoder): p.encoder for p in prepared}.values():
            batch = [p for p in prepared if p.encoder is encoder]
            texts = [t for p in batch for t in p.embed_texts]
            encoded = encoder.encode(texts) if texts else None
            start = 0
            for p in batch:
                vectors[id(p)] = [encoded, start, start + len(p.embed_texts)]
                start += len(p.embed_texts)
        return [self._finish(p, *vectors[id(p)]) for p in prepared]

    def _prepare(self, request: GradeRequest) -> _Prepared:
        question = request.question
        if question.kind != "text":
            raise ValueError(f"question {question.id} is a code question, not a free-text one")
        language, note = request.language, None
        if request.language == "en" and is_japanese(request.answer):
            language, note = "ja", "the answer is in Japanese although English was expected"
        encoder = self._encoders[language]
        fingerprint = hashlib.sha256(
            question.model_dump_json(include={"prompt", "key_points", "misconceptions"}).encode()
        ).hexdigest()[:16]
        key = (encoder.name, question.id, request.rubric_version, language, fingerprint)
        index = self._cache.get(
            key, lambda: build_index(question=question, language=language, encoder=encoder)
        )
        spans = split_sentences(request.answer, language=language)
        return _Prepared(
            request=request,
            language=language,
            language_note=note,
            encoder=encoder,
            index=index,
            spans=spans,
            embed_texts=[demote(s, index.question_words) for s in spans],
        )

    def _finish(self, prepared: _Prepared, encoded: Any, start: int, end: int) -> TextGrade:
        index, request = prepared.index, prepared.request
        config = CONFIGS.get(prepared.encoder.name, MINILM_CONFIG)
        evidence = AnswerEvidence(
            spans=prepared.spans,
            vectors=encoded[start:end] if encoded is not None else None,  # type: ignore[arg-type]
            terms=[
                terms_for(s, language=prepared.language, question_terms=index.question_units)
                for s in prepared.spans
            ],
            term_lists=[is_term_list(s) for s in prepared.spans],
        )
        key_points, misconceptions = score_items(answer=evidence, index=index, config=config)
        raw = total_credit(key_points, misconceptions)
        credit = request.calibration.apply(raw) if request.calibration else raw
        cross_lingual = [item.id for item in index.items if not item.has_own_language]
        reasons = review_reasons(
            key_points=key_points,
            misconceptions=misconceptions,
            config=config,
            cross_lingual=cross_lingual,
            language_note=prepared.language_note,
        )
        lexical_used = any(p.lexical is not None for p in key_points)
        max_points = request.question.max_points
        return TextGrade(
            points=round(credit * max_points, 4),
            max_points=max_points,
            credit=round(credit, 4),
            raw_credit=raw,
            key_points=key_points,
            misconceptions=misconceptions,
            needs_review=bool(reasons),
            review_reasons=reasons,
            encoder=prepared.encoder.name,
            channels=["semantic", "lexical-char-bigram" if prepared.language == "ja" else "lexical-word"]
            if lexical_used
            else ["semantic"],
            language=prepared.language,
            calibrated=request.calibration is not None,
        )
