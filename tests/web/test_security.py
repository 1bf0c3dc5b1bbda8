from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from uprlens.store import Store
from uprlens.web import create_app

from .conftest import PASSWORD, csrf_of, login

# Every write route, the role it needs (None: anyone, but still CSRF), and a valid request body.
# test_every_write_route_is_listed fails when a route is added without being listed here.
WRITES: dict[str, tuple[str | None, str, dict[str, Any]]] = {
    "/login": (None, "form", {"username": "alice", "password": PASSWORD}),
    "/logout": (None, "form", {}),
    "/draft": (None, "form", {"text": "Abolish the death penalty", "sur": "CHN"}),
    "/recommendations/{rec_id}/override": (
        "coder",
        "form",
        {"label": "verdict", "value": "general", "reason": "too broad"},
    ),
    "/admin/users": ("admin", "form", {"username": "zed", "password": PASSWORD, "role": "viewer"}),
    "/admin/users/{username}/role": ("admin", "form", {"role": "viewer"}),
    "/api/draft": (None, "json", {"text": "Abolish the death penalty", "sur": "CHN"}),
    "/api/login": (None, "json", {"username": "alice", "password": PASSWORD}),
    "/api/logout": (None, "json", {}),
    "/api/recommendations/{rec_id}/overrides": (
        "coder",
        "json",
        {"label": "verdict", "value": "general", "reason": "too broad"},
    ),
    "/api/users": ("admin", "json", {"username": "zed", "password": PASSWORD, "role": "viewer"}),
    "/api/users/{username}/role": ("admin", "json", {"role": "viewer"}),
}
ROLE_WRITES = {p: v for p, v in WRITES.items() if v[0] is not None}


def concrete(path: str) -> str:
    return path.replace("{rec_id}", "CHN-c3-28.2").replace("{username}", "bob")


def post(client: TestClient, path: str, kind: str, body: dict[str, Any], csrf: str | None) -> Any:
    if kind == "form":
        data = dict(body)
        if csrf is not None:
            data["csrf_token"] = csrf
        return client.post(concrete(path), data=data, follow_redirects=False)
    headers = {"X-CSRF-Token": csrf} if csrf is not None else {}
    return client.post(concrete(path), json=body, headers=headers, follow_redirects=False)


def changes(db: Path) -> tuple[int, int, str]:
    store = Store(db)
    try:
        n_over = store.counts()["overrides"]
        n_users = len(store.query("SELECT 1 FROM users"))
        roles = json.dumps([tuple(r) for r in store.query("SELECT username, role FROM users")])
        return n_over, n_users, roles
    finally:
        store.close()


def test_every_write_route_is_listed() -> None:
    from uprlens.web.routes import api, coding, pages

    posts = {
        r.path
        for router in (pages.router, coding.router, api.router)
        for r in router.routes
        if isinstance(r, APIRoute) and r.methods & {"POST", "PUT", "PATCH", "DELETE"}
    }
    assert posts == set(WRITES)


# /api/login sets no cookie (it returns a bearer token in the body), so a forged cross-site
# request gains nothing from it: it is the one write that takes no CSRF token.
CSRF_EXEMPT = {"/api/login"}


@pytest.mark.parametrize("path", sorted(set(WRITES) - CSRF_EXEMPT))
def test_no_write_without_a_csrf_token(client: TestClient, web_db: Path, path: str) -> None:
    before = changes(web_db)
    login(client, "admin")
    role, kind, body = WRITES[path]
    assert post(client, path, kind, body, csrf=None).status_code == 403
    assert post(client, path, kind, body, csrf="forged-token").status_code == 403
    assert changes(web_db) == before


@pytest.mark.parametrize("path", sorted(ROLE_WRITES))
def test_no_write_without_login(client: TestClient, web_db: Path, path: str) -> None:
    before = changes(web_db)
    anonymous = csrf_of(client.get("/draft").text)  # a valid token for an anonymous visitor
    _, kind, body = ROLE_WRITES[path]
    assert post(client, path, kind, body, csrf=anonymous).status_code == 401
    assert changes(web_db) == before


@pytest.mark.parametrize("path", sorted(ROLE_WRITES))
def test_role_checks(client: TestClient, web_db: Path, path: str) -> None:
    needed, kind, body = ROLE_WRITES[path]
    weaker = ["vera"] if needed == "coder" else ["vera", "alice"]
    for username in weaker:
        before = changes(web_db)
        client.cookies.clear()
        token = login(client, username)
        assert post(client, path, kind, body, csrf=token).status_code == 403, username
        assert changes(web_db) == before
    client.cookies.clear()
    token = login(client, "alice" if needed == "coder" else "admin")
    r = post(client, path, kind, body, csrf=token)
    assert r.status_code in (200, 201, 303), r.text
    assert changes(web_db) != before


def test_bearer_token_api_needs_no_csrf_but_a_valid_token(client: TestClient) -> None:
    r = client.post("/api/login", json={"username": "bob", "password": PASSWORD})
    token = r.json()["token"]
    client.cookies.clear()
    body = {"label": "action_category", "value": "3", "reason": "asks to consider"}
    ok = client.post(
        "/api/recommendations/CHN-c3-28.2/overrides",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert ok.status_code == 201 and ok.json()["old_value"] == "4"
    bad = client.post(
        "/api/recommendations/CHN-c3-28.2/overrides",
        json=body,
        headers={"Authorization": "Bearer not-a-token"},
    )
    assert bad.status_code == 401
    assert (
        client.post("/api/login", json={"username": "bob", "password": "nope"}).status_code == 401
    )


def test_login_cookie_flags_and_no_open_redirect(web_db: Path) -> None:
    with TestClient(create_app(web_db), base_url="https://testserver") as client:
        page = client.get("/login")
        r = client.post(
            "/login",
            data={
                "username": "alice",
                "password": PASSWORD,
                "next": "//evil.example/x",
                "csrf_token": csrf_of(page.text),
            },
            follow_redirects=False,
        )
        assert r.status_code == 303 and r.headers["location"] == "/reviews"
        cookie = next(c for c in r.headers.get_list("set-cookie") if "uprlens_session=" in c)
        low = cookie.lower()
        assert "httponly" in low and "samesite=strict" in low and "secure" in low
        client.cookies.clear()
        fresh = client.get("/login")
        wrong = client.post(
            "/login",
            data={"username": "alice", "password": "x", "csrf_token": csrf_of(fresh.text)},
        )
        assert wrong.status_code == 401


def test_override_through_the_page_and_conflict(client: TestClient, web_db: Path) -> None:
    token = login(client, "alice")
    form = {
        "label": "action_category",
        "value": "3",
        "reason": "asks to consider",
        "expected": "4",
        "csrf_token": token,
    }
    r = client.post("/recommendations/CHN-c3-28.2/override", data=form, follow_redirects=False)
    assert r.status_code == 303
    # The same form sent again (a second tab) saw "4", but the value is now "3".
    again = client.post("/recommendations/CHN-c3-28.2/override", data=form)
    assert again.status_code == 409
    page = client.get("/recommendations/CHN-c3-28.2").text
    assert "asks to consider" in page
    trail = client.get("/api/overrides?rec_id=CHN-c3-28.2").json()
    assert trail["total"] == 1
    assert trail["items"][0]["coder"] == "alice" and trail["items"][0]["old_value"] == "4"


def test_bad_override_values_are_4xx(client: TestClient) -> None:
    token = login(client, "alice")
    for data in (
        {"label": "action_category", "value": "9", "reason": "r"},
        {"label": "theme", "value": "x", "reason": "r"},
        {"label": "verdict", "value": "vague", "reason": ""},
        {"label": "verdict"},
    ):
        r = client.post("/recommendations/CHN-c3-28.2/override", data={**data, "csrf_token": token})
        assert 400 <= r.status_code < 500, data
    r = client.post(
        "/recommendations/NOPE-1/override",
        data={"label": "verdict", "value": "vague", "reason": "r", "csrf_token": token},
    )
    assert r.status_code == 404


def test_admin_pages_are_admin_only(client: TestClient) -> None:
    assert client.get("/admin/users").status_code == 401
    assert client.get("/api/users").status_code == 401
    login(client, "alice")
    assert client.get("/admin/users").status_code == 403
    assert client.get("/api/users").status_code == 403
    client.cookies.clear()
    login(client, "admin")
    assert "alice" in client.get("/admin/users").text


def test_serve_binds_to_loopback_by_default() -> None:
    from uprlens.commands_web import register

    app = typer.Typer()
    register(app)
    command = typer.main.get_command(app)
    serve = command.commands["serve"]  # type: ignore[attr-defined]
    host = next(p for p in serve.params if p.name == "host")
    assert host.default == "127.0.0.1"


def test_user_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from uprlens import cli
    from uprlens.commands_web import register

    # A fresh app with the real global options, so this test does not depend on cli.py
    # having registered the web commands yet.
    app = typer.Typer()
    app.callback()(cli.main)
    register(app)
    db = tmp_path / "cli.db"
    monkeypatch.setenv("UPRLENS_PASSWORD", PASSWORD)
    runner = CliRunner()
    r = runner.invoke(app, ["--db", str(db), "user", "add", "carol", "--role", "coder"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["--db", str(db), "user", "add", "carol", "--role", "coder"])
    assert r.exit_code == 1 and "exists already" in r.output
    r = runner.invoke(app, ["--db", str(db), "user", "list"])
    assert "carol" in r.output and "coder" in r.output
