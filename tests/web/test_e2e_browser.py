"""End to end in real headless Chromium against a real server on loopback. Screenshots of each
page go to test-artifacts/web/."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(web_db: Path) -> Iterator[str]:
    uvicorn = pytest.importorskip("uvicorn")
    from uprlens.web import create_app

    port = _free_port()
    config = uvicorn.Config(create_app(web_db), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline:
            pytest.fail("the server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.skip(f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_reading_pages_without_javascript(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    ctx = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.goto(f"{server}/")
    assert page.url.endswith("/reviews")
    assert page.locator("h1").inner_text() == "Reviews"
    shot(page, "01-reviews")

    page.click("text=CHN-c3")
    assert "China, cycle 3" in page.locator("h1").inner_text()
    shot(page, "02-review-dashboard")
    page.locator("section", has_text="Position").get_by_role("link", name="noted").first.click()
    assert sorted(page.locator("#results tbody tr td:first-child a").all_inner_texts()) == [
        "CHN-c3-28.2",
        "CHN-c3-28.3",
    ]

    page.goto(f"{server}/recommendations")
    page.fill("input[name=q]", "death penalty")
    page.select_option("select[name=position]", "noted")
    page.click("button:has-text('Filter')")
    assert "q=death+penalty" in page.url and "position=noted" in page.url
    assert "cycle=" not in page.url  # empty fields are dropped from the shareable URL
    ids = page.locator("#results tbody tr td:first-child a").all_inner_texts()
    assert sorted(ids) == ["CHN-c2-186.2", "CHN-c3-28.2", "EGY-c2-166.1"]
    shot(page, "03-recommendations-filtered")

    page.goto(f"{server}/recommendations/CHN-c3-28.3")
    text = page.locator("blockquote.rec").inner_text()
    assert "<script>alert('x')</script>" in text and "&amp;" in text
    assert page.locator("blockquote.rec mark").inner_text() == "torture"
    shot(page, "04-recommendation-hostile-text")

    page.goto(f"{server}/states/ITA")
    assert "Italy" in page.locator("h1").inner_text()
    shot(page, "05-state")
    page.goto(f"{server}/coding")
    shot(page, "06-agreement")
    page.goto(f"{server}/coding/queue")
    assert page.locator("tbody tr").count() == 4
    shot(page, "07-queue")
    ctx.close()


def test_coder_overrides_and_the_trail_shows_it(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    from .conftest import PASSWORD

    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.goto(f"{server}/login?next=/recommendations/CHN-c3-28.2")
    shot(page, "08-login")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Log in')")
    assert page.url.endswith("/recommendations/CHN-c3-28.2")
    form = page.locator("form", has=page.locator("input[name=label][value=action_category]"))
    form.locator("select[name=value]").select_option("3")
    form.locator("input[name=reason]").fill("asks the State to <consider>, not to act")
    form.locator("button").click()
    assert page.locator("h3", has_text="Audit trail").count() == 1
    assert "asks the State to <consider>, not to act" in page.locator("body").inner_text()
    shot(page, "09-recommendation-overridden")

    page.goto(f"{server}/coding/audit")
    row = page.locator("tbody tr").first.inner_text()
    assert "alice" in row and "action_category" in row
    shot(page, "10-audit-trail")
    page.goto(f"{server}/draft")
    page.select_option("select[name=sur]", "CHN")
    page.fill("textarea[name=text]", "Abolish the death penalty")
    page.click("button:has-text('Check')")
    shot(page, "11-draft")
    page.click("button:has-text('Log out')")
    assert page.locator("a", has_text="Log in").count() == 1
    ctx.close()


def test_admin_adds_a_user(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    from .conftest import PASSWORD

    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.goto(f"{server}/login?next=/admin/users")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Log in')")
    page.fill("form:has(input[name=username]) input[name=username]", "dora")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Add')")
    assert "dora" in page.locator("table").inner_text()
    shot(page, "12-users")
    ctx.close()
