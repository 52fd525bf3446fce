"""Dependency aliases shared by the routes."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from app.auth.csrf import require_csrf
from app.errors import AppError
from app.models import User
from app.settings import Settings, get_settings


class LoginRequired(AppError):
    status_code = 401


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_current_user(request: Request, session: SessionDep) -> User:
    user_id = request.session.get("user_id")
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None:
        raise LoginRequired("Please sign in.")
    request.state.locale = user.locale
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
CsrfChecked = Depends(require_csrf)
