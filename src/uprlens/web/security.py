"""Sessions, CSRF and roles for the web app.

Cookies: ``uprlens_session`` (the login token; HttpOnly, SameSite=Strict, Secure over HTTPS) and
``uprlens_nonce`` (a random value every visitor gets, so that forms shown before login carry a
CSRF token too). A form's CSRF token is the session's own token once logged in, else an HMAC of
the nonce under a key kept in the store. API clients may instead send
``Authorization: Bearer <token>``: such requests carry no ambient credential, so they need no
CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Depends, HTTPException, Request

from uprlens.store import Store
from uprlens.store.coding import Session, User, get_session, web_secret

__all__ = [
    "NONCE_COOKIE",
    "SESSION_COOKIE",
    "Auth",
    "auth",
    "reader",
    "check_csrf",
    "cookie_secure",
    "csrf_key",
    "require",
    "store",
    "loop_store",
]

SESSION_COOKIE = "uprlens_session"
NONCE_COOKIE = "uprlens_nonce"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


@dataclass
class Auth:
    """Who is asking, and the CSRF token their forms must carry."""

    session: Session | None
    csrf: str
    bearer: bool = False

    @property
    def user(self) -> User | None:
        return self.session.user if self.session else None


def csrf_key(store: Store) -> bytes:
    return web_secret(store, "csrf_key").encode("ascii")


def cookie_secure(request: Request) -> bool:
    forced = getattr(request.app.state, "secure_cookies", None)
    if forced is not None:
        return bool(forced)
    return request.url.scheme == "https"


def store(request: Request) -> Store:
    """The calling thread's connection to the store."""
    return request.app.state.pool.get()  # type: ignore[no-any-return]


def _anonymous_csrf(request: Request) -> str:
    nonce = getattr(request.state, "csrf_nonce", "") or ""
    key: bytes = request.app.state.csrf_key
    return hmac.new(key, nonce.encode("utf-8"), hashlib.sha256).hexdigest()


async def loop_store(request: Request) -> Store:
    """The event loop thread's connection, for ``async def`` routes that only read.

    A sync dependency or route runs in anyio's thread pool: the hop there and back, and
    Python threads taking turns on the GIL every few milliseconds under load, cost more than a
    cached page takes to build. Cheap reads therefore run on the loop, one at a time per
    worker, on this connection; writes keep their thread's own connection (``store``).
    """
    return request.app.state.pool.get()  # type: ignore[no-any-return]


def _who(request: Request, st: Store) -> Auth:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        session = get_session(st, header[7:].strip())
        if session is None:
            raise HTTPException(401, "the bearer token is unknown or expired; log in again")
        return Auth(session, session.csrf, bearer=True)
    session = get_session(st, request.cookies.get(SESSION_COOKIE))
    if session is not None:
        return Auth(session, session.csrf)
    return Auth(None, _anonymous_csrf(request))


def auth(request: Request, st: Store = Depends(store)) -> Auth:
    return _who(request, st)


async def reader(request: Request, st: Store = Depends(loop_store)) -> Auth:
    """``auth`` for ``async def`` routes (a session lookup is one indexed query)."""
    return _who(request, st)


async def check_csrf(request: Request, who: Auth = Depends(auth)) -> Auth:
    """Refuse a state-changing request whose CSRF token is missing or wrong."""
    if who.bearer:
        return who
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent.encode("utf-8"), who.csrf.encode("utf-8")):
        raise HTTPException(
            403,
            "missing or wrong CSRF token: reload the page and submit the form again "
            f"(API clients: send the {CSRF_HEADER} header or use a bearer token)",
        )
    return who


def require(role: str) -> Callable[..., User]:
    """A dependency: a logged-in user holding ``role`` (or stronger), after the CSRF check."""

    def dependency(who: Auth = Depends(check_csrf)) -> User:
        if who.user is None:
            raise HTTPException(401, "log in first: writing needs an account")
        if not who.user.can(role):
            raise HTTPException(
                403, f"your role ({who.user.role}) may not do this; it needs {role} or above"
            )
        return who.user

    return dependency
