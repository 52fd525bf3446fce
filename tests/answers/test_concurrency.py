"""Saves and the submit of one assessment serialise on it: nothing lands after a submit, nothing is lost."""

import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.answers import service
from app.errors import Conflict, NotFound, TooLarge
from app.main import Services
from app.models import Answer, Assessment, AssessmentState, User
from tests.factories import invited_assessment

LIMITS = service.AnswerLimits(text_bytes=1000, code_bytes=2000)
Call = Callable[[Session, Assessment], object]


def _in_threads(engine: Engine, assessment_id: int, calls: list[Call]) -> list[object]:
    """Each call in its own thread and session, like concurrent requests; returns results or errors."""
    results: list[object] = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(index: int, call: Call) -> None:
        with Session(engine, expire_on_commit=False) as session:
            barrier.wait()
            assessment = session.get(Assessment, assessment_id)  # a request loads it from its invite first
            assert assessment is not None
            try:
                results[index] = call(session, assessment)
            except Exception as exc:
                results[index] = exc

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _text_question(session: Session, assessment: Assessment) -> int:
    sheet = service.answer_sheet(session=session, assessment=assessment)
    aq_id = next(i for i in sheet if i.question.kind == "text").assessment_question.id
    assert aq_id is not None
    return aq_id


def _stored(engine: Engine, aq_id: int) -> Answer:
    with Session(engine) as fresh:
        return fresh.exec(select(Answer).where(Answer.assessment_question_id == aq_id)).one()


def _save(aq_id: int, content: str, delay: float = 0.0) -> Call:
    def call(session: Session, assessment: Assessment) -> object:
        time.sleep(delay)
        return service.save_answer(
            session=session,
            assessment=assessment,
            assessment_question_id=aq_id,
            content=content,
            limits=LIMITS,
        )

    return call


def test_a_save_from_a_request_that_began_before_the_submit_is_refused(
    engine: Engine, session: Session, services: Services, interviewer: User
) -> None:
    assessment, _ = invited_assessment(session, services.bank, interviewer)
    service.start(session=session, assessment=assessment)
    aq_id = _text_question(session, assessment)
    with Session(engine, expire_on_commit=False) as other:
        submitting = other.get(Assessment, assessment.id)
        assert submitting is not None
        assert service.submit(
            session=other, assessment=submitting, final_answers={aq_id: "final"}, limits=LIMITS
        )
    # `assessment` still says in_progress, as it did for a save request that loaded it a moment earlier.
    with pytest.raises(Conflict, match="already submitted"):
        service.save_answer(
            session=session,
            assessment=assessment,
            assessment_question_id=aq_id,
            content="late",
            limits=LIMITS,
        )
    assert _stored(engine, aq_id).content == "final"
    assert session.get(Assessment, assessment.id).state == AssessmentState.submitted  # type: ignore[union-attr]


def test_saves_racing_a_submit_never_change_the_submitted_text(
    engine: Engine, session: Session, services: Services, interviewer: User
) -> None:
    for trial in range(3):
        assessment, _ = invited_assessment(session, services.bank, interviewer, name=f"Trial{trial}")
        service.start(session=session, assessment=assessment)
        aq_id = _text_question(session, assessment)

        def submit(s: Session, a: Assessment, aq_id: int = aq_id) -> object:
            return service.submit(session=s, assessment=a, final_answers={aq_id: "submitted"}, limits=LIMITS)

        saves = [_save(aq_id, f"after submit {n}", delay=0.01) for n in range(12)]
        results = _in_threads(engine, assessment.id, [submit, *saves])  # type: ignore[arg-type]
        assert results[0] is True
        assert all(isinstance(r, Answer | Conflict) for r in results[1:]), results
        assert _stored(engine, aq_id).content == "submitted"  # what grading reads is what was submitted


def test_concurrent_first_saves_all_succeed_and_every_one_counts(
    engine: Engine, session: Session, services: Services, interviewer: User
) -> None:
    assessment, _ = invited_assessment(session, services.bank, interviewer)
    service.start(session=session, assessment=assessment)
    aq_id = _text_question(session, assessment)
    results = _in_threads(engine, assessment.id, [_save(aq_id, f"text {n}") for n in range(12)])  # type: ignore[arg-type]
    assert all(isinstance(r, Answer) for r in results), results
    stored = _stored(engine, aq_id)
    assert stored.revision == 12 and stored.content in {f"text {n}" for n in range(12)}


def test_a_form_with_one_bad_answer_saves_none_of_them(
    engine: Engine, session: Session, services: Services, interviewer: User
) -> None:
    mine, _ = invited_assessment(session, services.bank, interviewer, name="Mine")
    theirs, _ = invited_assessment(session, services.bank, interviewer, name="Theirs")
    own = _text_question(session, mine)
    foreign = _text_question(session, theirs)
    with pytest.raises(NotFound):
        service.save_answers(
            session=session, assessment=mine, contents={own: "own", foreign: "foreign"}, limits=LIMITS
        )
    texts = [i.assessment_question.id for i in service.answer_sheet(session=session, assessment=mine)]
    with pytest.raises(TooLarge):  # 1,200 bytes of UTF-8 after a valid first answer
        service.save_answers(
            session=session, assessment=mine, contents={texts[0]: "own", texts[1]: "é" * 1200}, limits=LIMITS
        )
    with Session(engine) as fresh:
        assert fresh.exec(select(Answer)).all() == []
