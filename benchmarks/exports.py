"""Export speed and memory for a campaign of synthetic graded candidates in a temporary SQLite database.

    python benchmarks/exports.py --candidates 1000 [--json]

Grades are realistic in shape (the graders' own TextGrade / CodeGrade models, real bank questions,
spans cut from the model answers, some reviewer overrides) but made up, so no model or sandbox runs.
Peak memory is measured over the export phase only (Linux: VmHWM reset through /proc/self/clear_refs).
Targets: CSV and JSON under 5 s, a PDF report under 1.5 s, peak RSS under 500 MB.
"""

import argparse
import contextlib
import gc
import json
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import Session, SQLModel

from app.bank.loader import Bank, load_bank
from app.bank.schema import Question
from app.bank.sync import sync_rubric_versions
from app.db import make_engine
from app.grading.code import CaseResult, CaseVerdict, CodeGrade
from app.grading.freetext.models import KeyPointEvidence, MisconceptionEvidence, TextGrade
from app.models import (
    Answer,
    Assessment,
    AssessmentQuestion,
    AssessmentState,
    Candidate,
    Grade,
    GradingJob,
    JobState,
    Override,
    User,
)
from app.reports.csv_export import candidates_csv
from app.reports.json_export import candidates_json
from app.reports.pdf import report_pdf
from app.reports.report import report_context
from app.reports.service import CampaignFilter, candidate_result
from app.sandbox import Isolation, Verdict
from app.settings import PROJECT_ROOT

JAPANESE_NAMES = ["山田 太郎", "佐藤 花子", "鈴木 一郎", "高橋 美咲"]
PDF_REPORTS = 5


def _text_grade(question: Question, answer: str, rng: random.Random) -> TextGrade:
    sentences = [s.strip() for s in answer.split(".") if s.strip()] or [answer]
    key_points = []
    for kp in question.key_points:
        credit = rng.choice([0.0, 0.35, 0.7, 1.0, 1.0])
        key_points.append(
            KeyPointEvidence(
                id=kp.id,
                weight=kp.weight,
                span=rng.choice(sentences),
                similarity=round(rng.uniform(0.2, 0.9), 3),
                lexical=round(rng.uniform(0, 1), 3),
                score=round(rng.uniform(0.1, 0.9), 3),
                threshold_full=0.55,
                threshold_partial=0.1,
                decision="full" if credit == 1 else "partial" if credit else "none",
                credit=credit,
            )
        )
    misconceptions = [
        MisconceptionEvidence(
            id=m.id, weight=m.weight, span=rng.choice(sentences), similarity=0.3, threshold=0.6, matched=False
        )
        for m in question.misconceptions
    ]
    credit = sum(p.weight * p.credit for p in key_points) / question.max_points
    return TextGrade(
        points=round(credit * question.max_points, 4),
        max_points=question.max_points,
        credit=round(credit, 4),
        raw_credit=credit,
        key_points=key_points,
        misconceptions=misconceptions,
        needs_review=rng.random() < 0.1,
        review_reasons=[],
        encoder="all-MiniLM-L6-v2",
        channels=["semantic", "lexical-word"],
        language="en",
        calibrated=False,
    )


def _code_grade(question: Question, rng: random.Random) -> CodeGrade:
    assert question.code is not None
    tests = []
    for index, test in enumerate(question.code.hidden_tests):
        passed = rng.random() < 0.8
        tests.append(
            CaseResult(
                index=index,
                kind=test.kind,
                verdict=CaseVerdict.passed if passed else CaseVerdict.wrong_answer,
                weight=test.weight,
                points=test.weight if passed else 0.0,
                detail="" if passed else "expected 1, got 2",
                args=getattr(test, "args", None),
                expected=getattr(test, "expected", None),
                got="1",
            )
        )
    return CodeGrade(
        points=sum(t.points for t in tests),
        max_points=question.max_points,
        tests=tests,
        run_verdict=Verdict.ok,
        run_detail="",
        cpu_seconds=0.05,
        wall_seconds=0.1,
        isolation=Isolation.bwrap,
        stdout="",
        stderr="",
    )


def _id(row: User | Candidate | Assessment | AssessmentQuestion) -> int:
    assert row.id is not None, "flush first"
    return row.id


def populate(session: Session, bank: Bank, candidates: int, seed: int = 7) -> User:
    rng = random.Random(seed)
    user = User(email="bench@example.com", name="Bench", password_hash="x")
    session.add(user)
    session.flush()
    profiles = list(bank.profiles.values())
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for number in range(candidates):
        profile = profiles[number % len(profiles)]
        pool = [lq for lq in bank.questions.values() if profile.id in lq.question.profiles]
        texts = [lq for lq in pool if lq.question.kind == "text"]
        codes = [lq for lq in pool if lq.question.kind == "code"]
        chosen = rng.sample(texts, min(5, len(texts))) + rng.sample(codes, min(2, len(codes)))
        name = JAPANESE_NAMES[number % 4] if number % 5 == 0 else f"Candidate Number {number}"
        candidate = Candidate(name=name, email=f"c{number}@example.com", owner_id=_id(user))
        session.add(candidate)
        session.flush()
        began = start + timedelta(hours=number)
        assessment = Assessment(
            candidate_id=_id(candidate),
            profile_id=profile.id,
            seed=number,
            state=AssessmentState.graded,
            started_at=began,
            submitted_at=began + timedelta(minutes=rng.randint(30, 80)),
        )
        session.add(assessment)
        session.flush()
        for position, loaded in enumerate(chosen):
            question = loaded.question
            aq = AssessmentQuestion(
                assessment_id=_id(assessment),
                position=position,
                question_id=question.id,
                rubric_version=loaded.version,
            )
            session.add(aq)
            session.flush()
            if question.code is not None:
                content, grade = question.code.solution, _code_grade(question, rng).model_dump(mode="json")
                grader = "sandbox"
            else:
                content = question.model_answer.en
                grade, grader = (
                    _text_grade(question, content, rng).model_dump(mode="json"),
                    "all-MiniLM-L6-v2",
                )
            session.add(Answer(assessment_question_id=_id(aq), content=content, revision=1))
            session.add(GradingJob(assessment_question_id=_id(aq), state=JobState.done, attempts=1))
            session.add(
                Grade(
                    assessment_question_id=_id(aq),
                    points=grade["points"],
                    max_points=grade["max_points"],
                    detail=grade,
                    grader=grader,
                    rubric_version=loaded.version,
                )
            )
            if rng.random() < 0.05:
                session.add(
                    Override(
                        assessment_question_id=_id(aq),
                        user_id=_id(user),
                        key_point_id=None,
                        before=grade["points"],
                        after=question.max_points,
                        reason="Reviewed by hand",
                    )
                )
        if number % 100 == 99:
            session.commit()
    session.commit()
    return user


def _peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak_rss() -> None:
    # Not Linux, or not allowed: the figure then includes the set-up.
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _timed_drain(chunks: Iterator[str]) -> tuple[float, int]:
    started = time.perf_counter()
    size = sum(len(chunk) for chunk in chunks)
    return time.perf_counter() - started, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=1000)
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    args = parser.parse_args()
    bank = load_bank(PROJECT_ROOT / "rubrics")
    with tempfile.TemporaryDirectory() as directory:
        engine = make_engine(f"sqlite:///{directory}/bench.db")
        SQLModel.metadata.create_all(engine)
        built = time.perf_counter()
        with Session(engine, expire_on_commit=False) as session:
            sync_rubric_versions(session=session, bank=bank)
            user = populate(session, bank, args.candidates)
        setup_s = time.perf_counter() - built
        gc.collect()
        _reset_peak_rss()
        filters = CampaignFilter()
        with Session(engine) as session:
            csv_s, csv_bytes = _timed_drain(
                candidates_csv(session=session, user=user, bank=bank, filters=filters)
            )
        with Session(engine) as session:
            json_s, json_bytes = _timed_drain(candidates_json(session=session, user=user, filters=filters))
        pdf_times = []
        with Session(engine) as session:
            for assessment_id in range(1, PDF_REPORTS + 2):
                started = time.perf_counter()
                row = candidate_result(session=session, user=user, assessment_id=assessment_id)
                context = report_context(
                    session=session,
                    row=row,
                    bank=bank,
                    locale="en",
                    display_name=row.candidate.name,
                    chart_title="Score by topic",
                )
                report_pdf(context, locale="en")
                pdf_times.append(time.perf_counter() - started)
        engine.dispose()
    figures = {
        "candidates": args.candidates,
        "csv_s": round(csv_s, 3),
        "json_s": round(json_s, 3),
        "pdf_s_per_report": round(sum(pdf_times[1:]) / PDF_REPORTS, 3),  # after the first (font loading)
        "pdf_first_s": round(pdf_times[0], 3),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "csv_mb": round(csv_bytes / 1e6, 2),
        "json_mb": round(json_bytes / 1e6, 2),
        "setup_s": round(setup_s, 1),
    }
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:>18}: {value}")


if __name__ == "__main__":
    main()
