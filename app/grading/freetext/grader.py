"""FreeTextGrader: built once at start-up (loads the encoders once), then grades answers against rubrics."""

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from app.bank.schema import Language, Question
from app.grading.encoders import Encoder, load_encoder
from app.grading.freetext.calibration import Calibration
from app.grading.freetext.keypoints import KeyPointCache, KeyPointIndex, build_index
from app.grading.freetext.lexical import terms_for
from app.grading.freetext.models import GradeRequest, KeyPointEvidence, MisconceptionEvidence, TextGrade
from app.grading.freetext.review import review_reasons
from app.grading.freetext.scoring import AnswerEvidence, ScoringConfig, score_items, total_credit
from app.grading.freetext.text import demote, is_japanese, is_term_list, split_sentences
from app.settings import Settings

if TYPE_CHECKING:
    from app.grading.verifier.verifier import Judgement, Verifier

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
    def __init__(self, *, english: Encoder, japanese: Encoder, verifier: "Verifier | None" = None) -> None:
        self._encoders = {"en": english, "ja": japanese}
        self._cache = KeyPointCache()
        self.verifier = verifier  # None: similarity alone decides (the ablation's baseline)

    @classmethod
    def from_settings(cls, settings: Settings) -> "FreeTextGrader":
        """English answers use settings.embedding_model; Japanese ones the multilingual encoder;
        the verifier's models come from settings.verifier_dir (a missing file stops start-up)."""
        english = load_encoder(settings.embedding_model)
        multilingual = settings.multilingual_embedding_model
        same = multilingual == settings.embedding_model
        japanese = english if same else load_encoder(multilingual)
        verifier = None
        if settings.verifier:
            from app.grading.verifier.verifier import Verifier

            verifier = Verifier.load(settings.verifier_dir, japanese_encoder=japanese)
        return cls(english=english, japanese=japanese, verifier=verifier)

    def encoder(self, language: str) -> Encoder:
        """The encoder answers in this language are embedded with."""
        return self._encoders["ja" if language == "ja" else "en"]

    def grade(
        self,
        *,
        answer: str,
        question: Question,
        rubric_version: str,
        language: Language = "en",
        calibration: Calibration | None = None,
    ) -> TextGrade:
        request = GradeRequest(
            answer=answer,
            question=question,
            rubric_version=rubric_version,
            language=language,
            calibration=calibration,
        )
        return self.grade_many([request])[0]

    def grade_many(
        self, requests: Sequence[GradeRequest | Mapping[str, Any]], *, mix_answers: bool = False
    ) -> list[TextGrade]:
        """Grade many answers; each answer's sentences are embedded in one encoder call.

        By default every answer gets its own call, so its grade is bit-for-bit the grade it gets
        alone: the encoder's floating point depends slightly on what else shares a call (about 4 in
        10,000 similarities differ in the 4th decimal). mix_answers=True embeds all answers in one
        call per encoder, about a third faster for bulk re-grading, at that cost.
        """
        prepared = [self._prepare(r if isinstance(r, GradeRequest) else GradeRequest(**r)) for r in requests]
        groups = [[i] for i in range(len(prepared))]
        if mix_answers:
            by_encoder: dict[int, list[int]] = {}
            for i, p in enumerate(prepared):
                by_encoder.setdefault(id(p.encoder), []).append(i)
            groups = list(by_encoder.values())
        vectors: list[NDArray[np.float32]] = [np.zeros((0, 0), dtype=np.float32)] * len(prepared)
        for group in groups:
            texts = [t for i in group for t in prepared[i].embed_texts]
            if not texts:
                continue
            encoded = prepared[group[0]].encoder.encode(texts)
            bounds = np.cumsum([0] + [len(prepared[i].embed_texts) for i in group])
            for i, start, end in zip(group, bounds[:-1], bounds[1:], strict=True):
                vectors[i] = encoded[start:end]
        return [self._finish(p, v) for p, v in zip(prepared, vectors, strict=True)]

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

    def _finish(self, prepared: _Prepared, vectors: NDArray[np.float32]) -> TextGrade:
        index, request = prepared.index, prepared.request
        config = CONFIGS.get(prepared.encoder.name, MINILM_CONFIG)
        evidence = AnswerEvidence(
            spans=prepared.spans,
            vectors=vectors,
            terms=[
                terms_for(s, language=prepared.language, question_terms=index.question_units)
                for s in prepared.spans
            ],
            term_lists=[is_term_list(s) for s in prepared.spans],
        )
        judged: dict[tuple[int, int], Judgement] = {}
        judge = None
        if self.verifier is not None:
            verifier = self.verifier

            def judge(pairs: list[tuple[int, int]]) -> "dict[tuple[int, int], Judgement]":
                texts = [(prepared.spans[row], index.items[column].text) for row, column in pairs]
                judged.update(zip(pairs, verifier.judge(texts, language=prepared.language), strict=True))
                return judged

        key_points, misconceptions = score_items(answer=evidence, index=index, config=config, judge=judge)
        raw = total_credit(key_points, misconceptions)
        credit = request.calibration.apply(raw) if request.calibration else raw
        cross_lingual = [item.id for item in index.items if not item.has_own_language]
        reasons = review_reasons(
            key_points=key_points,
            misconceptions=misconceptions,
            config=config,
            cross_lingual=cross_lingual,
            language_note=prepared.language_note,
        ) + _unsure_reasons(judged, prepared.spans, index, key_points, misconceptions)
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
            verifier=f"{self.verifier.version.name}@{self.verifier.version.digest}"
            if self.verifier
            else None,
        )


def _unsure_reasons(
    judged: dict[tuple[int, int], "Judgement"],
    spans: list[str],
    index: KeyPointIndex,
    key_points: list[KeyPointEvidence],
    misconceptions: list[MisconceptionEvidence],
) -> list[str]:
    """The verifier's doubts about the spans that decided a credit or a penalty."""
    columns = {item.id: column for column, item in enumerate(index.items)}
    decisive = [("key point", p.id, p.span) for p in key_points]
    decisive += [("misconception", m.id, m.span) for m in misconceptions]
    reasons = []
    for kind, item_id, span in decisive:
        judgement = judged.get((spans.index(span), columns[item_id])) if span in spans else None
        if judgement is not None and judgement.unsure:
            reasons.append(f"{kind} {item_id}: {judgement.unsure} ('{span[:80]}')")
    return reasons
