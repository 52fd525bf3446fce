from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from app.auth import service
from app.auth.throttle import LoginThrottled
from app.web.deps import CsrfChecked, CurrentUser, SessionDep
from app.web.i18n import gettext
from app.web.templating import local_redirect, render

router = APIRouter()


@router.get("/")
def home(request: Request) -> Response:
    return RedirectResponse("/dashboard" if request.session.get("user_id") else "/login", status_code=303)


@router.get("/login")
def login_page(request: Request) -> Response:
    return render(request, "auth/login.html", {})


@router.post("/login", dependencies=[CsrfChecked])
def login(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=200)],
) -> Response:
    # Throttled per address too; the server does not trust proxy headers, so this is the peer.
    address = request.client.host[:64] if request.client else "unknown"
    try:
        user = service.authenticate(session=session, email=email, password=password, address=address)
    except (service.InvalidCredentials, LoginThrottled) as exc:
        return render(
            request,
            "auth/login.html",
            {"error": exc.translated(gettext), "email": email},
            status_code=exc.status_code,
        )
    request.session.clear()  # a new session on sign-in: no fixation
    request.session["user_id"] = user.id
    request.session["session_version"] = user.session_version
    return RedirectResponse("/dashboard", status_code=303)


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    service.end_sessions(session=session, user=user)  # copies of the cookie stop working too
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.post("/account/locale", dependencies=[CsrfChecked])
def change_locale(
    session: SessionDep,
    user: CurrentUser,
    locale: Annotated[str, Form(max_length=5)],
    next_path: Annotated[str, Form(alias="next", max_length=300)] = "/dashboard",
) -> Response:
    service.set_locale(session=session, user=user, locale=locale)
    return local_redirect(next_path, default="/dashboard")
