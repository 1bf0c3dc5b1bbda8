"""``uprlens serve`` and ``uprlens user add|list``: thin commands over uprlens.web and the store."""

from __future__ import annotations

import getpass
import os
from typing import Annotated

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the web commands to the ``uprlens`` CLI."""
    user_app = typer.Typer(
        help="Accounts of the web app (admin, coder, viewer).", no_args_is_help=True
    )
    app.add_typer(user_app, name="user")

    @app.command()
    def serve(
        host: Annotated[
            str, typer.Option(help="Address to bind. Anything but loopback exposes the app.")
        ] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port.")] = 8000,
        secure_cookies: Annotated[
            bool,
            typer.Option(
                "--secure-cookies",
                help="Mark cookies Secure even on plain HTTP (use behind an HTTPS proxy).",
            ),
        ] = False,
        workers_threads: Annotated[
            int, typer.Option("--threads", help="Worker threads per process for requests.")
        ] = 40,
        workers: Annotated[
            int | None,
            typer.Option(
                "--workers",
                min=1,
                max=64,
                help="Worker processes (default: one per core, at most 8). Use 1 to debug.",
            ),
        ] = None,
    ) -> None:
        """Serve the web app (pages and JSON API) over the store.

        Example: uprlens serve --port 8000 --workers 2
        """
        from uprlens.cli import _db_path, _run, console
        from uprlens.web.serving import default_workers
        from uprlens.web.serving import serve as run_server

        n = workers or default_workers()
        console.print(
            f"uprlens on http://{host}:{port}/  (store: {_db_path()}, {n} worker process"
            f"{'es' if n > 1 else ''})",
            highlight=False,
        )
        _run(
            lambda: run_server(
                _db_path(),
                host=host,
                port=port,
                workers=n,
                threads=workers_threads,
                secure_cookies=secure_cookies,
            )
        )

    @user_app.command("add")
    def user_add(
        username: Annotated[str, typer.Argument(help="User name: letters, digits, . _ -")],
        role: Annotated[str, typer.Option(help="admin | coder | viewer")] = "coder",
    ) -> None:
        """Create an account. The password is read from $UPRLENS_PASSWORD or asked for.

        Example: uprlens user add alice --role coder
        """
        from uprlens.cli import _run, _store, console
        from uprlens.store.coding import add_user

        password = os.environ.get("UPRLENS_PASSWORD") or getpass.getpass(
            f"password for {username}: "
        )
        store = _store()
        user = _run(lambda: add_user(store, username, password, role, actor="cli"))
        console.print(f"added {user.username} ({user.role})", highlight=False)

    @user_app.command("list")
    def user_list() -> None:
        """List the accounts.

        Example: uprlens user list
        """
        from rich.table import Table

        from uprlens.cli import _run, _store, console
        from uprlens.store.coding import list_users

        store = _store()
        table = Table(title="Users")
        for col in ("user", "role", "since"):
            table.add_column(col)
        for u in _run(lambda: list_users(store)):
            table.add_row(u["username"], u["role"], u["created_at"])
        console.print(table)
