"""The candidate's answer page, opened from the invite link; works with and without JavaScript."""

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session
from starlette.responses import RedirectResponse, Response

from app.answers import service
from app.auth.access import open_invite
from app.errors import N_, Invalid
from app.grading.code import run_examples as run_examples_in
from app.models import Answer, Assessment, AssessmentState, Candidate
from app.sandbox import SandboxUnavailable
from app.settings import Settings
from app.web.deps import CsrfChecked, DbId, ExampleRunsDep, GradersDep, QueueDep, SessionDep, SettingsDep
from app.web.templating import is_htmx, render

router = APIRouter()
FIELD = re.compile(r"^answer-(\d{1,12})$")
REVISION_FIELD = re.compile(r"^revision-(\d{1,12})$")
MAX_FIELDS = 100


def invited(request: Request, session: SessionDep, token: str) -> tuple[Assessment, Candidate]:
    assessment, candidate = open_invite(session=session, token=token)
    request.state.locale = candidate.locale
    return assessment, candidate


Invited = Annotated[tuple[Assessment, Candidate], Depends(invited)]


async def _numbered_fields(request: Request, pattern: re.Pattern[str]) -> dict[int, str]:
    """The form's fields named `<prefix>-<id>`, by id."""
    form = await request.form(max_fields=MAX_FIELDS)
    return {
        int(match.group(1)): value
        for key, value in form.items()
        if (match := pattern.match(key)) and isinstance(value, str)
    }


async def answer_fields(request: Request) -> dict[int, str]:
    """Every `answer-<id>` field of the form (autosave sends one, the full form sends all)."""
    return await _numbered_fields(request, FIELD)


AnswerFields = Annotated[dict[int, str], Depends(answer_fields)]


async def revision_fields(request: Request) -> dict[int, int]:
    """Every `revision-<id>` field: the revision of the answer the page was showing when it was edited."""
    fields = await _numbered_fields(request, REVISION_FIELD)
    # A malformed value counts as absent, like a page from before revisions were sent.
    return {aq_id: int(value) for aq_id, value in fields.items() if value.isdigit() and len(value) <= 12}


RevisionFields = Annotated[dict[int, int], Depends(revision_fields)]


def _limits(settings: Settings) -> service.AnswerLimits:
    return service.AnswerLimits(
        text_bytes=settings.max_text_answer_bytes, code_bytes=settings.max_code_answer_bytes
    )


def _page_context(
    session: SessionDep, assessment: Assessment, candidate: Candidate, token: str
) -> dict[str, Any]:
    sheet = service.answer_sheet(session=session, assessment=assessment)
    return {
        "assessment": assessment,
        "candidate": candidate,
        "sheet": sheet,
        "token": token,
        "language": candidate.locale,
        "deadline": service.deadline(assessment=assessment, sheet=sheet),
        "minutes": service.time_budget_minutes(sheet),
    }


@router.get("/a/{token}", name="answer_page")
def answer_page(request: Request, session: SessionDep, invite: Invited, token: str) -> Response:
    assessment, candidate = invite
    if assessment.state in (AssessmentState.submitted, AssessmentState.graded):
        return render(request, "answers/submitted.html", {"candidate": candidate, "again": False})
    service.start(session=session, assessment=assessment)
    context = _page_context(session, assessment, candidate, token)
    context["saved"] = request.query_params.get("saved") == "1"
    return render(request, "answers/page.html", context)


def _save_by_invite(
    request: Request,
    session: Session,
    token: str,
    contents: dict[int, str],
    revisions: dict[int, int],
    limits: service.AnswerLimits,
) -> Answer:
    assessment, _ = invited(request, session, token)
    saved = service.save_answers(
        session=session, assessment=assessment, contents=contents, limits=limits, revisions=revisions
    )
    session.close()  # the connection goes back here, in the worker thread, not on the event loop
    return saved[-1]


@router.post("/a/{token}/save", dependencies=[CsrfChecked])
async def save(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    fields: AnswerFields,
    revisions: RevisionFields,
    token: str,
) -> Response:
    # Autosave is the hottest path: the invite lookup and the save share one worker-thread trip.
    answer = await run_in_threadpool(
        _save_by_invite, request, session, token, fields, revisions, _limits(settings)
    )
    if is_htmx(request):
        return render(request, "answers/partials/save_status.html", {"answer": answer})
    return RedirectResponse(f"/a/{token}?saved=1", status_code=303)


@router.post("/a/{token}/submit", dependencies=[CsrfChecked])
def submit(
    request: Request,
    queue: QueueDep,
    session: SessionDep,
    settings: SettingsDep,
    invite: Invited,
    fields: AnswerFields,
    revisions: RevisionFields,
) -> Response:
    assessment, candidate = invite
    first_time = service.submit(
        session=session,
        assessment=assessment,
        final_answers=fields,
        limits=_limits(settings),
        revisions=revisions,
    )
    if first_time:
        queue.notify()
    response = render(request, "answers/submitted.html", {"candidate": candidate, "again": not first_time})
    if is_htmx(request):
        response.headers["HX-Retarget"] = "body"
    return response


@router.post("/a/{token}/run/{assessment_question_id}", dependencies=[CsrfChecked])
def run_examples(
    request: Request,
    graders: GradersDep,
    example_runs: ExampleRunsDep,
    session: SessionDep,
    settings: SettingsDep,
    invite: Invited,
    fields: AnswerFields,
    token: str,
    assessment_question_id: DbId,
) -> Response:
    assessment, _ = invite
    address = request.client.host if request.client else "?"
    example_runs.check(
        limits={
            f"invite:{assessment.id}": settings.examples_runs_per_minute,
            # One address opening many invites must not take over the code runner either.
            f"address:{address}": settings.examples_runs_per_address_per_minute,
        }
    )
    source = fields.get(assessment_question_id)
    if source is None:
        raise Invalid(N_("No code was sent."))
    answer = service.save_answer(
        session=session,
        assessment=assessment,
        assessment_question_id=assessment_question_id,
        content=source,
        limits=_limits(settings),
    )
    sandbox = graders.sandbox
    if sandbox is None:
        raise SandboxUnavailable("no sandbox on this server")  # the web layer says it in words
    sheet = service.answer_sheet(session=session, assessment=assessment)
    item = service.sheet_item(sheet, answer.assessment_question_id)
    if item.question.code is None:
        raise Invalid(N_("This question is not a coding task."))
    # The answer is saved; the run may wait for a slot and take seconds: hold no connection meanwhile.
    session.commit()
    with sandbox.example_turn(wait_s=settings.examples_wait_s):  # SandboxBusy: a 503 "busy, try again"
        results = run_examples_in(source=source, spec=item.question.code, sandbox=sandbox)
    context = {"results": results, "answer": answer, "aq_id": assessment_question_id, "token": token}
    if is_htmx(request):
        return render(request, "answers/partials/example_results.html", context)
    page = _page_context(session, assessment, invite[1], token)
    page["example_results"] = {assessment_question_id: results}
    return render(request, "answers/page.html", page)
