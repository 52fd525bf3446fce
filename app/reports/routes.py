from collections.abc import Iterator

from fastapi import APIRouter, Request
from sqlmodel import Session
from starlette.responses import StreamingResponse

from app.deps import CurrentUser
from app.reports.service import candidates_csv

router = APIRouter()


@router.get("/reports/candidates.csv")
def export_candidates_csv(request: Request, user: CurrentUser) -> StreamingResponse:
    def rows() -> Iterator[str]:
        # The stream outlives the handler, so it holds its own database session.
        with Session(request.app.state.engine) as session:
            yield from candidates_csv(session=session, user=user, bank=request.app.state.bank)

    return StreamingResponse(
        rows(), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="candidates.csv"'},
    )
