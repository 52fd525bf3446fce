from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from app.auth import service
from app.deps import CsrfChecked, CurrentUser, SessionDep
from app.i18n import gettext
from app.templating import local_redirect, render

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
    try:
        user = service.authenticate(session=session, email=email, password=password)
    except service.InvalidCredentials as exc:
        return render(
            request, "auth/login.html", {"error": exc.translated(gettext), "email": email}, status_code=401
        )
    request.session.clear()  # a new session on sign-in: no fixation
    request.session["user_id"] = user.id
    return RedirectResponse("/dashboard", status_code=303)


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request) -> Response:
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
