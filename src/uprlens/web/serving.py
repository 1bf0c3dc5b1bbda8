"""Serve the web app with uvicorn: one process, or several worker processes on one socket.

Several processes are how the app uses more than one core: Python threads share one GIL, so
a second core only helps a second process. Each worker opens its own connections to the store
(SQLite in WAL mode lets any number of processes read while one writes) and keeps its own
caches, which follow the store's changes (see ``uprlens.web.cache``).
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

__all__ = ["default_workers", "serve", "app_from_env"]

_ENV_DB = "UPRLENS_WEB_DB"
_ENV_SECURE = "UPRLENS_WEB_SECURE_COOKIES"
_ENV_THREADS = "UPRLENS_WEB_THREADS"


def default_workers() -> int:
    """One worker process per core the machine lets this process use, at most 8."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(8, cores))


def _build(db_path: str | Path, secure_cookies: bool, threads: int, warm: bool = True) -> object:
    from uprlens.web import create_app

    return create_app(
        db_path, secure_cookies=True if secure_cookies else None, warm=warm, threads=threads
    )


def app_from_env() -> object:
    """The app of one worker process (uvicorn imports this in each worker it starts)."""
    return _build(
        os.environ[_ENV_DB],
        os.environ.get(_ENV_SECURE) == "1",
        int(os.environ.get(_ENV_THREADS, "40")),
    )


def serve(
    db_path: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int | None = None,
    threads: int = 40,
    secure_cookies: bool = False,
    log_level: str = "warning",
) -> None:
    """Serve until interrupted. ``workers`` None: ``default_workers()``."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    n = default_workers() if workers is None else workers
    if n <= 1:
        # Single process: uvicorn opens the socket itself and sets TCP_NODELAY per connection.
        web = _build(db_path, secure_cookies, threads)
        uvicorn.run(web, host=host, port=port, log_level=log_level, access_log=False)  # type: ignore[arg-type]
        return
    # Build the app once here first: it migrates the store and refreshes the planner's
    # statistics, and a bad path fails now with one clear message instead of once per worker.
    _build(db_path, secure_cookies, threads, warm=False)
    os.environ[_ENV_DB] = str(Path(db_path).resolve())
    os.environ[_ENV_SECURE] = "1" if secure_cookies else "0"
    os.environ[_ENV_THREADS] = str(threads)
    config = uvicorn.Config(
        "uprlens.web.serving:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=n,
        log_level=log_level,
        access_log=False,
    )
    sock = config.bind_socket()
    # uvicorn binds the shared socket with proto 0, so asyncio does not set TCP_NODELAY on the
    # connections it accepts; Nagle's algorithm then holds each response's body until the
    # client's delayed ACK, 40 ms later. Linux copies the option from the listening socket.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    Multiprocess(config, sockets=[sock]).run()
