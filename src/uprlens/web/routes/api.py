"""The JSON API: everything the pages show, and the coding writes. Described at /openapi.json."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from pydantic import BaseModel, Field

from uprlens.store import Store
from uprlens.store.browse import RecFilter
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
from uprlens.web.common import rec_filter
from uprlens.web.data import (
    MAX_DRAFT,
    draft_data,
    list_data_async,
    rec_data,
    review_data,
    state_data,
)
from uprlens.web.routes.pages import REC_ID
from uprlens.web.security import (
    SESSION_COOKIE,
    Auth,
    auth,
    check_csrf,
    loop_store,
    require,
    store,
)

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["api"])

_LABELS = "^(" + "|".join(CODABLE) + ")$"
_ROLES = "^(" + "|".join(ROLES) + ")$"
_USERNAME = r"^[A-Za-z0-9_.-]{2,40}$"
WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "not logged in"},
    403: {"description": "missing CSRF token or role too weak"},
}


class LoginIn(BaseModel):
    username: str = Field(max_length=100)
    password: str = Field(max_length=1000)


class OverrideIn(BaseModel):
    label: str = Field(pattern=_LABELS)
    value: str = Field(max_length=40, description="one of the label's values (see /api/labels)")
    reason: str = Field(min_length=1, max_length=2000)
    expected: str | None = Field(
        default=None,
        max_length=40,
        description="the value you saw; if it changed meanwhile the write is refused (409)",
    )


class DraftIn(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_DRAFT)
    sur: str = Field(pattern=r"^[A-Za-z]{3}$", description="State under Review, ISO3")
    from_state: str | None = Field(
        default=None, pattern=r"^[A-Za-z]{3}$", description="Recommending state, ISO3"
    )
    cycle: int | None = Field(default=None, ge=1, le=9)


class UserIn(BaseModel):
    username: str = Field(pattern=_USERNAME)
    password: str = Field(min_length=1, max_length=1000)
    role: str = Field(pattern=_ROLES)


class RoleIn(BaseModel):
    role: str = Field(pattern=_ROLES)


@router.get("/reviews", summary="Every review with its headline numbers")
def api_reviews(st: Store = Depends(store)) -> list[dict[str, Any]]:
    return st.reviews()


@router.get("/reviews/{sur}/{cycle}", summary="A review's dashboard data")
def api_review(
    sur: Annotated[str, Path(pattern=r"^[A-Za-z]{3}$")],
    cycle: Annotated[int, Path(ge=1, le=9)],
    st: Store = Depends(store),
) -> dict[str, Any]:
    return review_data(st, sur, cycle)


@router.get("/recommendations", summary="The filtered, sorted, paginated recommendation table")
async def api_recommendations(
    request: Request, f: RecFilter = Depends(rec_filter), st: Store = Depends(loop_store)
) -> dict[str, Any]:
    # Cheap reads run on the event loop (see security.loop_store), as their pages do.
    return await list_data_async(st, f, request.app.state)


@router.get("/recommendations/{rec_id}", summary="One recommendation with labels and evidence")
def api_recommendation(
    rec_id: Annotated[str, REC_ID], st: Store = Depends(store)
) -> dict[str, Any]:
    return rec_data(st, rec_id)


@router.get("/states/{iso3}", summary="A recommending state's profile across all reviews")
def api_state(
    iso3: Annotated[str, Path(pattern=r"^[A-Za-z]{3}$")], st: Store = Depends(store)
) -> dict[str, Any]:
    return state_data(st, iso3)


@router.post("/draft", summary="Check a draft recommendation", responses=WRITE_RESPONSES)
def api_draft(
    body: DraftIn, who: Auth = Depends(check_csrf), st: Store = Depends(store)
) -> dict[str, Any]:
    return draft_data(
        st,
        body.text,
        sur=body.sur.upper(),
        from_state=body.from_state.upper() if body.from_state else None,
        cycle=body.cycle,
    )


@router.get("/labels", summary="The labels a coder may override and their values")
async def api_labels() -> dict[str, list[str]]:
    return {k: list(v) for k, v in CODABLE.items()}


@router.get("/me", summary="Who you are, and the CSRF token your writes must send")
def api_me(who: Auth = Depends(auth)) -> dict[str, Any]:
    user = who.user
    return {
        "user": {"username": user.username, "role": user.role} if user else None,
        "csrf": None if who.bearer else who.csrf,
    }


@router.post("/login", summary="Log in; returns a bearer token", responses={401: {}})
def api_login(body: LoginIn, st: Store = Depends(store)) -> dict[str, Any]:
    user = authenticate(st, body.username, body.password)
    if user is None:
        raise HTTPException(401, "unknown user name or wrong password")
    token, session = create_session(st, user)
    return {
        "token": token,
        "token_type": "bearer",
        "expires_at": session.expires_at,
        "user": {"username": user.username, "role": user.role},
    }


@router.post("/logout", summary="End the session", responses=WRITE_RESPONSES)
def api_logout(
    request: Request, who: Auth = Depends(check_csrf), st: Store = Depends(store)
) -> dict[str, bool]:
    if who.user is None:
        raise HTTPException(401, "not logged in")
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if who.bearer else request.cookies.get(SESSION_COOKIE)
    end_session(st, token)
    return {"ok": True}


@router.post(
    "/recommendations/{rec_id}/overrides",
    summary="Override one label of one recommendation (coder or admin)",
    responses={**WRITE_RESPONSES, 404: {}, 409: {"description": "changed meanwhile"}},
    status_code=201,
)
def api_override(
    rec_id: Annotated[str, REC_ID],
    body: OverrideIn,
    user: User = Depends(require("coder")),
    st: Store = Depends(store),
) -> dict[str, Any]:
    return add_override(
        st,
        rec_id,
        body.label,
        body.value,
        coder=user.username,
        reason=body.reason,
        expected=body.expected,
    )


@router.get("/overrides", summary="The audit trail of every override, newest first")
def api_overrides(
    rec_id: Annotated[str | None, Query(max_length=120)] = None,
    coder: Annotated[str | None, Query(max_length=40)] = None,
    label: Annotated[str | None, Query(pattern="^(" + "|".join(CODABLE) + ")?$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    st: Store = Depends(store),
) -> dict[str, Any]:
    total, rows = audit_trail(
        st,
        rec_id=rec_id or None,
        coder=coder or None,
        label=label or None,
        limit=limit,
        offset=offset,
    )
    return {"total": total, "items": rows}


@router.get("/agreement", summary="Cohen's kappa per label, coder-coder and coder-classifier")
def api_agreement(st: Store = Depends(store)) -> list[dict[str, Any]]:
    return agreement(st)


@router.get("/queue", summary="Recommendations whose classifier label is least confident")
def api_queue(
    label: Annotated[str, Query(pattern=_LABELS)] = "action_category",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    who: Auth = Depends(auth),
    st: Store = Depends(store),
) -> list[dict[str, Any]]:
    coder = who.user.username if who.user else None
    return queue(st, label=label, coder=coder, limit=limit, offset=offset)


@router.get("/users", summary="Accounts (admin)", responses={401: {}, 403: {}})
def api_users(who: Auth = Depends(auth), st: Store = Depends(store)) -> list[dict[str, Any]]:
    if who.user is None:
        raise HTTPException(401, "log in first")
    if not who.user.can("admin"):
        raise HTTPException(403, "only an admin may list the accounts")
    return list_users(st)


@router.post(
    "/users", summary="Create an account (admin)", responses=WRITE_RESPONSES, status_code=201
)
def api_add_user(
    body: UserIn, user: User = Depends(require("admin")), st: Store = Depends(store)
) -> dict[str, Any]:
    created = add_user(st, body.username, body.password, body.role, actor=user.username)
    return {"username": created.username, "role": created.role}


@router.post(
    "/users/{username}/role", summary="Change an account's role (admin)", responses=WRITE_RESPONSES
)
def api_set_role(
    username: Annotated[str, Path(pattern=_USERNAME)],
    body: RoleIn,
    user: User = Depends(require("admin")),
    st: Store = Depends(store),
) -> dict[str, Any]:
    changed = set_role(st, username, body.role, actor=user.username)
    return {"username": changed.username, "role": changed.role}
