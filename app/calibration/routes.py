"""Calibration and agreement on the dashboard: fit from overrides, re-grade, show what changed."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from app.calibration import service
from app.calibration.regrade import regrade
from app.web.deps import BankDep, CsrfChecked, CurrentUser, GradersDep, SessionDep
from app.web.state import app_state
from app.web.templating import render

router = APIRouter()


def _page(request: Request, session: SessionDep, user: CurrentUser, **extra: object) -> Response:
    context = {
        "user": user,
        "bank": app_state(request).bank,
        "agreement": service.agreement_report(session=session, owner=user),
        "calibrated": service.calibrated_questions(session=session, bank=app_state(request).bank, owner=user),
        "min_labels": service.MIN_GLOBAL_LABELS,
        **extra,
    }
    return render(request, "calibration/index.html", context)


@router.get("/calibration")
def calibration_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    return _page(request, session, user)


@router.post("/calibration/fit", dependencies=[CsrfChecked])
def fit(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    summary = service.fit_and_store(session=session, user=user)
    return _page(request, session, user, fitted=summary)


@router.post("/calibration/regrade", dependencies=[CsrfChecked])
def regrade_answers(
    request: Request,
    bank: BankDep,
    graders: GradersDep,
    session: SessionDep,
    user: CurrentUser,
    question_id: Annotated[str, Form(max_length=80)] = "",
) -> Response:
    changes = regrade(
        session=session,
        graders=graders,
        bank=bank,
        owner=user,
        question_id=question_id or None,
    )
    return _page(request, session, user, changes=changes)
