"""The importer that turns a question and its reference answer into a gradable rubric."""

from app.grading.freetext import FreeTextGrader
from app.grading.freetext.reference_rubric import question_from_reference


def test_one_equal_weight_key_point_per_sentence() -> None:
    question = question_from_reference(
        question_id="imported-1",
        prompt="Where are variables declared in a program?",
        reference_answer="Anywhere in the program. Inside a function they are local, outside global.",
    )
    assert question.kind == "text"
    assert [p.text.en for p in question.key_points] == [
        "Anywhere in the program.",
        "Inside a function they are local, outside global.",
    ]
    assert {p.weight for p in question.key_points} == {1.0}
    assert question.max_points == 2.0
    assert question.prompt.en.startswith("Where are variables")


def test_japanese_reference_is_split_at_japanese_full_stops() -> None:
    question = question_from_reference(
        question_id="imported-ja",
        prompt="過学習とは何ですか？",
        reference_answer="訓練データに合わせすぎること。未知のデータでの性能が落ちる。",
        language="ja",
    )
    assert [p.text.get("ja") for p in question.key_points] == [
        "訓練データに合わせすぎること。",
        "未知のデータでの性能が落ちる。",
    ]


def test_imported_rubric_grades_answers(free_text_grader: FreeTextGrader) -> None:
    question = question_from_reference(
        question_id="imported-2",
        prompt="What is the role of a prototype program in problem solving?",
        reference_answer="To simulate the behaviour of portions of the desired software product.",
    )
    good = free_text_grader.grade(
        answer="It mimics part of the final software so you can try out how it will behave.",
        question=question,
        rubric_version="import-1",
    )
    poor = free_text_grader.grade(
        answer="A prototype program is a program used in problem solving.",
        question=question,
        rubric_version="import-1",
    )
    assert good.credit > poor.credit
    assert poor.credit < 0.3


def test_further_reference_answers_become_alternatives_of_the_closest_key_point(
    free_text_grader: FreeTextGrader,
) -> None:
    question = question_from_reference(
        question_id="imported-3",
        prompt="What does a stack do?",
        reference_answer="It stores items last in, first out. Push adds an item and pop removes the top one.",
        other_references=[
            "Items leave in the reverse order of arrival: last in, first out.",
            "You add with push, and pop takes off the element on top.",
        ],
        encoder=free_text_grader.encoder("en"),
    )
    lifo, operations = question.key_points
    assert lifo.alternatives.en == ["Items leave in the reverse order of arrival: last in, first out."]
    assert operations.alternatives.en == ["You add with push, and pop takes off the element on top."]
    assert question.max_points == 2.0  # alternatives add phrasings, not points
