from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from app.answers.service import answer_sheet
from app.assessments import service
from app.auth.access import get_assessment
from app.reports.service import CampaignFilter, iter_campaign_results
from app.results.loading import CandidateResult
from app.web.deps import BankDep, CsrfChecked, CurrentUser, DbId, SessionDep, SettingsDep
from app.web.state import app_state
from app.web.templating import is_htmx, render

router = APIRouter()


def _rows(session: SessionDep, user: CurrentUser) -> list[CandidateResult]:
    # Batched loading (a handful of queries per 100 candidates): the dashboard polls every 5 s.
    rows = list(iter_campaign_results(session=session, user=user, filters=CampaignFilter()))
    return rows[::-1]  # newest first


@router.get("/dashboard")
def dashboard(request: Request, bank: BankDep, session: SessionDep, user: CurrentUser) -> Response:
    context = {"user": user, "rows": _rows(session, user), "bank": bank}
    template = "dashboard/partials/candidate_rows.html" if is_htmx(request) else "dashboard/index.html"
    return render(request, template, context)


@router.get("/candidates/new")
def new_candidate(request: Request, bank: BankDep, user: CurrentUser) -> Response:
    return render(request, "assessments/new.html", {"user": user, "bank": bank, "form": {}})


@router.post("/candidates", dependencies=[CsrfChecked])
def create_candidate(
    request: Request,
    bank: BankDep,
    session: SessionDep,
    user: CurrentUser,
    name: Annotated[str, Form(max_length=200)],
    email: Annotated[str, Form(max_length=254)],
    profile_id: Annotated[str, Form(max_length=80)],
    locale: Annotated[str, Form(max_length=5)] = "en",
) -> Response:
    assessment = service.create_candidate(
        session=session,
        bank=bank,
        owner=user,
        name=name,
        email=email,
        profile_id=profile_id,
        locale=locale,
    )
    return RedirectResponse(f"/assessments/{assessment.id}", status_code=303)


def _detail_context(
    request: Request, session: SessionDep, user: CurrentUser, assessment_id: int
) -> dict[str, Any]:
    assessment, candidate = get_assessment(session=session, user=user, assessment_id=assessment_id)
    return {
        "user": user,
        "assessment": assessment,
        "candidate": candidate,
        "bank": app_state(request).bank,
        "sheet": answer_sheet(session=session, assessment=assessment),
        "invite_url": None,
    }


@router.get("/assessments/{assessment_id}")
def assessment_detail(
    request: Request, session: SessionDep, user: CurrentUser, assessment_id: DbId
) -> Response:
    return render(request, "assessments/detail.html", _detail_context(request, session, user, assessment_id))


@router.get("/assessments/{assessment_id}/swap")
def swap_page(
    request: Request, bank: BankDep, session: SessionDep, user: CurrentUser, assessment_id: DbId, replace: str
) -> Response:
    context = _detail_context(request, session, user, assessment_id)
    context["replace"] = replace
    context["options"] = service.replacement_options(
        session=session, bank=bank, assessment=context["assessment"], replace=replace
    )
    template = "assessments/partials/swap_options.html" if is_htmx(request) else "assessments/swap.html"
    return render(request, template, context)


@router.post("/assessments/{assessment_id}/swap", dependencies=[CsrfChecked])
def swap(
    request: Request,
    bank: BankDep,
    session: SessionDep,
    user: CurrentUser,
    assessment_id: DbId,
    replace: Annotated[str, Form(max_length=80)],
    replacement: Annotated[str, Form(max_length=80)],
) -> Response:
    assessment, _ = get_assessment(session=session, user=user, assessment_id=assessment_id)
    service.swap_question(
        session=session,
        bank=bank,
        assessment=assessment,
        replace=replace,
        replacement=replacement,
    )
    if is_htmx(request):
        context = _detail_context(request, session, user, assessment_id)
        return render(request, "assessments/partials/question_set.html", context)
    return RedirectResponse(f"/assessments/{assessment_id}", status_code=303)


@router.post("/assessments/{assessment_id}/invite", dependencies=[CsrfChecked])
def invite(
    request: Request, session: SessionDep, user: CurrentUser, settings: SettingsDep, assessment_id: DbId
) -> Response:
    assessment, _ = get_assessment(session=session, user=user, assessment_id=assessment_id)
    token = service.issue_invite(session=session, assessment=assessment, ttl_hours=settings.invite_ttl_hours)
    context = _detail_context(request, session, user, assessment_id)
    # The link is shown this once; only its hash is stored.
    context["invite_url"] = str(request.url_for("answer_page", token=token))
    template = "assessments/partials/invite.html" if is_htmx(request) else "assessments/detail.html"
    return render(request, template, context)
