"""Collaborative coding pages: login, overrides, the audit trail, agreement, the queue of the
least confident classifier labels, and account administration."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from uprlens.store import Store
from uprlens.store.coding import (
    CODABLE,
    ROLES,
    User,
    add_override,
    add_user,
    audit_trail,
    authenticate,
    create_session,
    end_session,
    list_users,
    queue,
    set_role,
)
from uprlens.web.agreement import agreement
from uprlens.web.common import render
from uprlens.web.routes.pages import REC_ID
from uprlens.web.security import (
    SESSION_COOKIE,
    Auth,
    auth,
    check_csrf,
    cookie_secure,
    require,
    store,
)

__all__ = ["router", "safe_next"]

router = APIRouter(include_in_schema=False)

LABEL = Query(pattern="^(" + "|".join(CODABLE) + ")$")
USERNAME = r"^[A-Za-z0-9_.-]{2,40}$"


def safe_next(target: str | None) -> str:
    """Only same-site paths: a login link must not bounce the user to another site."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/reviews"


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request,
    who: Auth = Depends(auth),
    next: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    return render(request, "login.html", who, next=safe_next(next), error=None)


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str | None, Form(max_length=500)] = None,
    who: Auth = Depends(check_csrf),
    st: Store = Depends(store),
) -> Response:
    user = authenticate(st, username, password)
    if user is None:
        return render(
            request,
            "login.html",
            who,
            status=401,
            next=safe_next(next),
            error="Unknown user name or wrong password.",
        )
    token, _ = create_session(st, user)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=cookie_secure(request),
        max_age=12 * 3600,
    )
    return response


@router.post("/logout")
def logout(
    request: Request, who: Auth = Depends(check_csrf), st: Store = Depends(store)
) -> Response:
    end_session(st, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/reviews", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.post("/recommendations/{rec_id}/override")
def override(
    rec_id: Annotated[str, REC_ID],
    label: Annotated[str, Form(pattern="^(" + "|".join(CODABLE) + ")$")],
    value: Annotated[str, Form(max_length=40)],
    reason: Annotated[str, Form(max_length=2000)],
    expected: Annotated[str | None, Form(max_length=40)] = None,
    user: User = Depends(require("coder")),
    st: Store = Depends(store),
) -> Response:
    add_override(st, rec_id, label, value, coder=user.username, reason=reason, expected=expected)
    return RedirectResponse(f"/recommendations/{rec_id}#coding", status_code=303)


@router.get("/coding", response_class=HTMLResponse)
def coding_page(
    request: Request, who: Auth = Depends(auth), st: Store = Depends(store)
) -> Response:
    return render(request, "coding.html", who, rows=agreement(st))


@router.get("/coding/queue", response_class=HTMLResponse)
def queue_page(
    request: Request,
    label: Annotated[str, LABEL] = "action_category",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    who: Auth = Depends(auth),
    st: Store = Depends(store),
) -> Response:
    coder = who.user.username if who.user else None
    rows = queue(st, label=label, coder=coder, limit=50, offset=(page - 1) * 50)
    return render(
        request, "queue.html", who, rows=rows, label=label, labels=list(CODABLE), page=page
    )


@router.get("/coding/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    rec_id: Annotated[str | None, Query(max_length=120)] = None,
    coder: Annotated[str | None, Query(max_length=40)] = None,
    label: Annotated[str | None, Query(pattern="^(" + "|".join(CODABLE) + ")?$")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    who: Auth = Depends(auth),
    st: Store = Depends(store),
) -> Response:
    total, rows = audit_trail(
        st,
        rec_id=rec_id or None,
        coder=coder or None,
        label=label or None,
        limit=100,
        offset=(page - 1) * 100,
    )
    return render(
        request,
        "audit.html",
        who,
        rows=rows,
        total=total,
        page=page,
        filters={"rec_id": rec_id, "coder": coder, "label": label},
    )


def _admin_only(who: Auth) -> User:
    if who.user is None:
        raise HTTPException(401, "log in first")
    if not who.user.can("admin"):
        raise HTTPException(403, "only an admin may see the accounts")
    return who.user


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, who: Auth = Depends(auth), st: Store = Depends(store)) -> Response:
    _admin_only(who)
    return render(request, "users.html", who, users=list_users(st), roles=ROLES)


@router.post("/admin/users")
def create_user(
    username: Annotated[str, Form(max_length=40)],
    password: Annotated[str, Form(max_length=1000)],
    role: Annotated[str, Form(pattern="^(" + "|".join(ROLES) + ")$")],
    user: User = Depends(require("admin")),
    st: Store = Depends(store),
) -> Response:
    add_user(st, username, password, role, actor=user.username)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{username}/role")
def change_role(
    username: Annotated[str, Path(pattern=USERNAME)],
    role: Annotated[str, Form(pattern="^(" + "|".join(ROLES) + ")$")],
    user: User = Depends(require("admin")),
    st: Store = Depends(store),
) -> Response:
    set_role(st, username, role, actor=user.username)
    return RedirectResponse("/admin/users", status_code=303)
