"""The interviewer's view of a graded assessment, and overrides with a reason."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from app.auth.access import get_assessment
from app.errors import N_, NotFound
from app.results.loading import assessment_result
from app.results.scores import add_override
from app.web.deps import BankDep, CsrfChecked, CurrentUser, DbId, SessionDep
from app.web.templating import is_htmx, render

router = APIRouter()


@router.get("/assessments/{assessment_id}/result")
def result_page(
    request: Request, bank: BankDep, session: SessionDep, user: CurrentUser, assessment_id: DbId
) -> Response:
    assessment, candidate = get_assessment(session=session, user=user, assessment_id=assessment_id)
    result = assessment_result(session=session, assessment=assessment)
    context = {
        "user": user,
        "assessment": assessment,
        "candidate": candidate,
        "result": result,
        "bank": bank,
    }
    return render(request, "results/result.html", context)


@router.post("/assessments/{assessment_id}/questions/{aq_id}/override", dependencies=[CsrfChecked])
def override(
    request: Request,
    bank: BankDep,
    session: SessionDep,
    user: CurrentUser,
    assessment_id: DbId,
    aq_id: DbId,
    after: Annotated[float, Form(ge=0, le=1000)],
    reason: Annotated[str, Form(max_length=2000)],
    key_point_id: Annotated[str, Form(max_length=80)] = "",
) -> Response:
    assessment, candidate = get_assessment(session=session, user=user, assessment_id=assessment_id)
    result = assessment_result(session=session, assessment=assessment)
    question = next((q for q in result.questions if q.item.assessment_question.id == aq_id), None)
    if question is None:
        raise NotFound(N_("No such question in this assessment."))
    add_override(
        session=session,
        user=user,
        result=question,
        key_point_id=key_point_id or None,
        after=after,
        reason=reason,
    )
    if not is_htmx(request):
        return RedirectResponse(f"/assessments/{assessment_id}/result#q{aq_id}", status_code=303)
    result = assessment_result(session=session, assessment=assessment)
    updated = next(q for q in result.questions if q.item.assessment_question.id == aq_id)
    context = {
        "user": user,
        "assessment": assessment,
        "candidate": candidate,
        "q": updated,
        "bank": bank,
    }
    return render(request, "results/partials/question_result.html", context)
