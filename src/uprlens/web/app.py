"""The uprlens web app: server-rendered pages (readable without JavaScript) and a JSON API.

``create_app(db_path)`` builds a FastAPI app over one store file. Each worker thread keeps its
own SQLite connection (WAL: readers never wait for a writer); every write is one transaction.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from uprlens.errors import RecordNotFound, StoreError, UprlensError
from uprlens.store import Store
from uprlens.store.coding import AccountError, CodingError, OverrideConflict
from uprlens.web import security
from uprlens.web.cache import DataCache
from uprlens.web.common import url
from uprlens.web.render import bar_width, highlight, pct, table_rows

__all__ = ["create_app"]

_HERE = Path(__file__).resolve().parent
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


# Reads map the file rather than copy its pages into each connection's own page cache: the
# loop's connection and each compute thread's then share the OS's copy, and a search's
# first pass over the full-text index costs about a third less CPU.
MMAP_BYTES = 1 << 30


class StorePool:
    """One Store per worker thread, opened on first use."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._local = threading.local()
        self._all: list[Store] = []
        self._lock = threading.Lock()
        self._generation = 0
        self.get()  # migrate (and fail on a bad path) at start, not on the first request

    def get(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None or getattr(self._local, "generation", -1) != self._generation:
            store = Store(self.path)
            store.conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
            self._local.store = store
            self._local.generation = self._generation
            with self._lock:
                self._all.append(store)
        return store

    def close(self) -> None:
        """Close every connection; a later request (an app served again) opens new ones."""
        with self._lock:
            self._generation += 1
            for store in self._all:
                store.close()
            self._all.clear()


class SecurityHeaders:
    """Security headers on every answer, and a CSRF nonce cookie for every visitor.

    Plain ASGI rather than BaseHTTPMiddleware: it costs microseconds, not milliseconds.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        nonce = request.cookies.get(security.NONCE_COOKIE)
        fresh = None
        if not nonce or len(nonce) > 100:
            fresh = secrets.token_urlsafe(24)
            nonce = fresh
        scope.setdefault("state", {})["csrf_nonce"] = nonce
        docs = scope["path"].startswith("/api/docs")
        secure = security.cookie_secure(request)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if fresh is not None:
                    cookie = f"{security.NONCE_COOKIE}={fresh}; HttpOnly; Path=/; SameSite=strict"
                    headers.append("set-cookie", cookie + ("; Secure" if secure else ""))
                if not docs:
                    # Swagger UI's page needs inline scripts; it is the one page without the CSP.
                    headers.setdefault("Content-Security-Policy", CSP)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "same-origin")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _refresh_statistics(store: Store) -> None:
    """Give SQLite's planner row counts (ANALYZE, sampled): without them it may walk a
    40k-row table once per row for a filter. Imports do not refresh them, so the app does at
    start."""
    store.conn.execute("PRAGMA analysis_limit = 1000")
    store.conn.execute("ANALYZE")


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("uprlens.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates ship inside the package: checking their files' mtimes on every render
        # is a stat() per template per request for nothing.
        auto_reload=False,
    )
    env.filters["highlight"] = highlight
    env.filters["pct"] = pct
    env.globals["bar_width"] = bar_width
    env.globals["url"] = url
    env.globals["table_rows"] = table_rows
    return env


COMPUTE_THREADS = 4


def _compute_threads(pool: StorePool, cache: DataCache, start: bool) -> ThreadPoolExecutor:
    """The threads that compute new lists of matches (``data.list_data_async``) off the loop.

    Their own pool rather than anyio's: anyio ends a thread after 10 s idle and starts new
    ones for a burst, and each new thread opens a connection and fingerprints the store for
    the cache (about 9 ms of CPU). These few live as long as the app is served. ``start``:
    open every thread's connection now rather than on its first request.
    """

    def ready() -> None:
        cache.generation(pool.get())

    executor = ThreadPoolExecutor(
        COMPUTE_THREADS, thread_name_prefix="uprlens-compute", initializer=ready
    )
    if start:
        # Tasks that wait for each other keep every thread busy, so each submit starts one.
        barrier = threading.Barrier(COMPUTE_THREADS)
        waits = [executor.submit(barrier.wait, 10) for _ in range(COMPUTE_THREADS)]
        for w in waits:
            w.result()
    return executor


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path in ("/openapi.json",)


def create_app(
    db_path: str | Path,
    *,
    secure_cookies: bool | None = None,
    warm: bool = False,
    threads: int | None = None,
) -> FastAPI:
    """The web app over the store at ``db_path`` (created and migrated if needed).

    ``secure_cookies``: mark cookies Secure. None (default) decides per request: Secure when
    the request came over HTTPS. ``warm``: at start-up, before the first request, fill the
    caches the first requests would otherwise fill one by one (``uprlens.web.data.warm``:
    1.5-2 s of CPU and some 80 MB for 40k recommendations). ``uprlens serve`` warms each
    worker. ``threads``: at most this many requests of sync routes at once (anyio's thread
    pool; None: anyio's default, 40).
    """
    from uprlens.web.data import warm as warm_caches
    from uprlens.web.routes import api, coding, pages

    pool = StorePool(db_path)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if threads is not None:
            # Set here, on the serving loop: the limiter belongs to the loop. (FastAPI runs
            # on_startup hooks only for apps without a lifespan, so a hook would be ignored.)
            anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        compute = _compute_threads(pool, _app.state.cache, warm)
        _app.state.compute = compute
        if warm:
            # On the loop's own connection, the one cheap reads use (security.loop_store).
            _app.state.warmed = warm_caches(pool.get(), _app.state.cache)
        try:
            yield
        finally:
            _app.state.compute = None
            compute.shutdown(wait=True)
            pool.close()

    app = FastAPI(
        lifespan=lifespan,
        title="uprlens",
        version="1",
        description="Audit the recommendations of the UN Universal Periodic Review. "
        "Reading needs no login; every write needs a session (cookie + X-CSRF-Token header, "
        "or Authorization: Bearer <token> from POST /api/login) and the right role.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.pool = pool
    app.state.templates = _environment()
    app.state.secure_cookies = secure_cookies
    app.state.csrf_key = security.csrf_key(app.state.pool.get())
    app.state.cache = DataCache()
    app.state.warmed = None
    app.state.compute = None
    app.state.inflight = {}  # new lists of matches being computed: data._once
    _refresh_statistics(pool.get())

    app.add_middleware(SecurityHeaders)

    def error_page(request: Request, status: int, title: str, detail: Any) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": detail}, status_code=status)
        html = request.app.state.templates.get_template("error.html").render(
            request=request,
            status=status,
            title=title,
            detail=detail if isinstance(detail, str) else None,
            errors=detail if isinstance(detail, list) else [],
            user=None,
            csrf="",
        )
        return HTMLResponse(html, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"where": ".".join(str(p) for p in e.get("loc", ())), "msg": str(e.get("msg", ""))}
            for e in exc.errors()
        ]
        return error_page(request, 422, "Invalid request", errors)

    @app.exception_handler(HTTPException)
    async def on_http(request: Request, exc: HTTPException) -> Response:
        response = error_page(
            request, exc.status_code, _TITLES.get(exc.status_code, "Error"), exc.detail
        )
        for k, v in (exc.headers or {}).items():
            response.headers[k] = v
        return response

    @app.exception_handler(UprlensError)
    async def on_uprlens(request: Request, exc: UprlensError) -> Response:
        if isinstance(exc, RecordNotFound):
            status = 404
        elif isinstance(exc, OverrideConflict):
            status = 409
        elif isinstance(exc, (CodingError, AccountError, StoreError)):
            status = 400
        else:
            status = 400
        return error_page(request, status, _TITLES.get(status, "Error"), str(exc))

    app.mount("/static", StaticFiles(packages=[("uprlens.web", "static")]), name="static")
    app.include_router(pages.router)
    app.include_router(coding.router)
    app.include_router(api.router)

    return app


_TITLES = {
    400: "Bad request",
    401: "Login needed",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    422: "Invalid request",
}
