"""Reports: campaign exports (CSV, JSON), the per-candidate report (page, PDF), and the review pages."""

from collections.abc import Callable, Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from sqlmodel import Session
from starlette.responses import FileResponse, Response, StreamingResponse

from app.bank.exposure import exposure_counts
from app.errors import Invalid
from app.grading.encoders import Encoder
from app.models import AssessmentState
from app.reports.compare import compared_topics, sort_rows
from app.reports.csv_export import candidates_csv
from app.reports.item_stats import graded_responses, item_statistics
from app.reports.json_export import candidates_json
from app.reports.pdf import REPORT_CSS, report_html, report_pdf
from app.reports.report import report_context
from app.reports.service import CampaignFilter, candidate_result, iter_campaign_results
from app.reports.similarity import EmbeddingCache, similarity_flags
from app.results.loading import CandidateResult
from app.web import blind
from app.web.deps import BankDep, CsrfChecked, CurrentUser, DbId, SessionDep
from app.web.i18n import current_locale, gettext
from app.web.state import app_state
from app.web.templating import local_redirect, render, request_locale

router = APIRouter()
# Result pages of other packages show the blind-mode pseudonym through this global too.
MAX_REVIEW_CANDIDATES = 2000  # the review pages load this many at most; exports have no limit
_embeddings = EmbeddingCache()


def campaign_filter(
    profile: Annotated[str, Query(max_length=80)] = "", state: Annotated[str, Query(max_length=20)] = ""
) -> CampaignFilter:
    if state and state not in AssessmentState.__members__:
        raise Invalid(f"Unknown state {state!r}.")
    return CampaignFilter(profile_id=profile or None, state=AssessmentState(state) if state else None)


FilterDep = Annotated[CampaignFilter, Depends(campaign_filter)]


def _download(
    request: Request, chunks: Callable[[Session], Iterator[str]], media_type: str, name: str
) -> Response:
    def stream() -> Iterator[str]:
        # The stream outlives the handler, so it holds its own database session.
        with Session(app_state(request).engine) as session:
            yield from chunks(session)

    return StreamingResponse(
        stream(), media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get("/reports/candidates.csv")
def export_csv(request: Request, bank: BankDep, user: CurrentUser, filters: FilterDep) -> Response:
    bank = bank
    return _download(
        request,
        lambda s: candidates_csv(session=s, user=user, bank=bank, filters=filters),
        "text/csv; charset=utf-8",
        "candidates.csv",
    )


@router.get("/reports/candidates.json")
def export_json(request: Request, user: CurrentUser, filters: FilterDep) -> Response:
    return _download(
        request,
        lambda s: candidates_json(session=s, user=user, filters=filters),
        "application/json",
        "candidates.json",
    )


@router.get("/reports/{name}.css")
def stylesheet(name: Literal["report", "review"]) -> Response:
    return FileResponse(REPORT_CSS.with_name(f"{name}.css"), media_type="text/css")


def _report(request: Request, session: Session, user: CurrentUser, assessment_id: int) -> dict[str, Any]:
    row = candidate_result(session=session, user=user, assessment_id=assessment_id)
    locale = request_locale(request)
    current_locale.set(locale)  # for the chart's title, translated here rather than in the template
    return report_context(
        session=session,
        row=row,
        bank=app_state(request).bank,
        locale=locale,
        display_name=blind.candidate_label(request, row.candidate),
        chart_title=gettext("Score by topic"),
    )


@router.get("/assessments/{assessment_id}/report")
def report_page(request: Request, session: SessionDep, user: CurrentUser, assessment_id: DbId) -> Response:
    context = _report(request, session, user, assessment_id)
    return Response(
        report_html(context, locale=request_locale(request), for_pdf=False), media_type="text/html"
    )


@router.get("/assessments/{assessment_id}/report.pdf")
def report_download(
    request: Request, session: SessionDep, user: CurrentUser, assessment_id: DbId
) -> Response:
    context = _report(request, session, user, assessment_id)
    return Response(
        report_pdf(context, locale=request_locale(request)),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="report-{assessment_id}.pdf"'},
    )


def _review_rows(session: Session, user: CurrentUser, filters: CampaignFilter) -> list[CandidateResult]:
    return list(
        iter_campaign_results(session=session, user=user, filters=filters, limit=MAX_REVIEW_CANDIDATES)
    )


def _page(
    request: Request, user: CurrentUser, filters: CampaignFilter, name: str, **context: Any
) -> Response:
    return render(
        request,
        f"reports/{name}.html",
        {
            "user": user,
            "bank": app_state(request).bank,
            "filters": filters,
            "blind": blind.is_blind(request),
            "states": list(AssessmentState),
            "limit": MAX_REVIEW_CANDIDATES,
            **context,
        },
    )


@router.get("/reports")
def reports_index(request: Request, user: CurrentUser, filters: FilterDep) -> Response:
    return _page(request, user, filters, "index")


@router.get("/reports/compare")
def compare_page(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    filters: FilterDep,
    sort: Annotated[str, Query(max_length=100)] = "total",
    order: Annotated[str, Query(pattern="^(asc|desc)$")] = "desc",
) -> Response:
    rows = _review_rows(session, user, filters)
    ordered = sort_rows(
        rows,
        sort=sort,
        descending=order == "desc",
        label=lambda row: blind.candidate_label(request, row.candidate),
    )
    return _page(
        request, user, filters, "compare", rows=ordered, topics=compared_topics(rows), sort=sort, order=order
    )


@router.get("/reports/items")
def items_page(request: Request, session: SessionDep, user: CurrentUser, filters: FilterDep) -> Response:
    rows = _review_rows(session, user, filters)
    stats = item_statistics(candidates=graded_responses(rows), exposure=exposure_counts(session=session))
    return _page(request, user, filters, "items", stats=stats, candidates=len(rows))


def _encoder_for(request: Request) -> Callable[[str], Encoder]:
    # The grader's own encoders, so similarity uses the model that graded the answers.
    encoder: Callable[[str], Encoder] = app_state(request).graders.free_text.encoder
    return encoder


@router.get("/reports/similarity")
def similarity_page(request: Request, session: SessionDep, user: CurrentUser, filters: FilterDep) -> Response:
    rows = _review_rows(session, user, filters)
    flags = similarity_flags(rows, encoder_for=_encoder_for(request), cache=_embeddings)
    return _page(request, user, filters, "similarity", flags=flags)


@router.post("/reports/blind", dependencies=[CsrfChecked])
def toggle_blind(
    request: Request,
    user: CurrentUser,
    enabled: Annotated[str, Form(max_length=1)],
    next_path: Annotated[str, Form(alias="next", max_length=500)] = "/reports",
) -> Response:
    blind.set_blind(request, enabled=enabled == "1")
    return local_redirect(next_path, default="/reports")
