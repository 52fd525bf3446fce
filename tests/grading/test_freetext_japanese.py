"""Japanese answers: graded with the multilingual encoder against Japanese or English key points."""

from app.bank.schema import Language, Question
from app.grading.freetext import FreeTextGrader, TextGrade

PARAPHRASE = (
    "ミニバッチごとの平均と分散を使って層への入力を標準化し、学習できるスケールとシフトを掛ける。"
    "その結果、学習率を大きくしても安定して速く学習できる。"
)
PARTIAL = "ミニバッチの平均と分散で各層の入力をそろえる。"
OFF_TOPIC = "ランダムフォレストを使って木の深さを調整します。"
WRONG_CLAIM = "バッチ正規化は各層の学習率を選ぶ仕組みです。"


def grade(grader: FreeTextGrader, question: Question, answer: str, language: Language = "ja") -> TextGrade:
    return grader.grade(answer=answer, question=question, rubric_version="v1", language=language)


def test_japanese_paraphrase_beats_off_topic(free_text_grader: FreeTextGrader, batch_norm: Question) -> None:
    paraphrase = grade(free_text_grader, batch_norm, PARAPHRASE)
    partial = grade(free_text_grader, batch_norm, PARTIAL)
    off_topic = grade(free_text_grader, batch_norm, OFF_TOPIC)
    assert paraphrase.encoder == "universal-sentence-encoder-multilingual-3"
    assert paraphrase.channels == ["semantic", "lexical-char-bigram"]
    assert paraphrase.language == "ja"
    assert paraphrase.credit > 0.6
    assert off_topic.credit < 0.1
    assert off_topic.credit < partial.credit < paraphrase.credit
    assert all(p.span in PARAPHRASE for p in paraphrase.key_points)


def test_japanese_answer_against_english_key_points(
    free_text_grader: FreeTextGrader, batch_norm_english_only: Question
) -> None:
    paraphrase = grade(free_text_grader, batch_norm_english_only, PARAPHRASE)
    off_topic = grade(free_text_grader, batch_norm_english_only, OFF_TOPIC)
    assert paraphrase.credit > 0.5
    assert off_topic.credit < 0.1
    # No shared script, so only the cross-lingual semantic channel applies; a human should look.
    assert paraphrase.channels == ["semantic"]
    assert paraphrase.needs_review
    assert any("across languages" in reason for reason in paraphrase.review_reasons)


def test_japanese_wrong_claim_matches_the_misconception(
    free_text_grader: FreeTextGrader, batch_norm: Question
) -> None:
    wrong = grade(free_text_grader, batch_norm, WRONG_CLAIM)
    assert wrong.misconceptions[0].matched
    assert wrong.credit < grade(free_text_grader, batch_norm, PARTIAL).credit


def test_japanese_answer_to_an_english_session_is_graded_as_japanese(
    free_text_grader: FreeTextGrader, batch_norm: Question
) -> None:
    result = grade(free_text_grader, batch_norm, PARAPHRASE, language="en")
    assert result.language == "ja"
    assert result.credit == grade(free_text_grader, batch_norm, PARAPHRASE).credit
    assert any("Japanese" in reason for reason in result.review_reasons)
