"""The report as a reader sees it: rendered by a real headless Chromium."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from tests.analyse.test_audit import real_store  # noqa: F401  (module-scoped fixture)
from uprlens.analyse.audit import audit
from uprlens.present.report import render_html
from uprlens.store import Store

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

# Elements whose text must stay inside their box (scroll containers are checked apart).
OVERFLOW_JS = """
() => {
  const bad = [];
  for (const el of document.querySelectorAll('main p, main li, main td, main th, main h1,'
      + ' main h2, main h3, main h4, main dd, main dt, main figure, main .tablewrap')) {
    if (el.clientWidth === 0) continue;
    if (el.scrollWidth > el.clientWidth + 1) bad.push(el.tagName + '.' + el.className + ': '
        + el.textContent.slice(0, 60));
  }
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth) bad.push('page wider than the window');
  return bad;
}
"""


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("needs Chromium at /usr/bin/chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _drawn(png: bytes) -> tuple[int, float]:
    """(distinct colours, share of non-white pixels) of a screenshot."""
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    img.thumbnail((400, 400))
    colours = img.getcolors(maxcolors=1 << 24) or []
    total = sum(n for n, _ in colours)
    ink = sum(n for n, (r, g, b) in colours if r + g + b < 720) / total
    return len(colours), ink


@pytest.mark.parametrize("width", [1280, 820])
def test_report_renders_charts_and_nothing_overflows(
    browser, real_store: Store, tmp_path: Path, width: int  # noqa: F811
) -> None:
    a = audit(real_store, "CHN", 3)
    page_file = tmp_path / "report.html"
    page_file.write_text(render_html(a), encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": 1000})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_file.as_uri())
    page.screenshot(path=str(ARTIFACTS / f"report_CHN_c3_{width}.png"), full_page=False)
    assert [u for u in requests if not u.startswith("file:")] == []  # nothing from a network
    charts = page.locator("svg.chart")
    assert charts.count() == 4
    for i in range(charts.count()):
        chart = charts.nth(i)
        box = chart.bounding_box()
        assert box is not None and box["width"] > 250 and box["height"] > 120, box
        assert chart.locator("path, rect, use").count() > 10
        png = chart.screenshot(path=str(ARTIFACTS / f"chart_{i}_{width}.png"))
        colours, ink = _drawn(png)
        assert colours > 8 and ink > 0.03, (i, colours, ink)
    assert page.evaluate(OVERFLOW_JS) == []
    page.close()


def test_report_prints_to_pdf(browser, real_store: Store, tmp_path: Path) -> None:  # noqa: F811
    page_file = tmp_path / "report.html"
    page_file.write_text(render_html(audit(real_store, "SVN", 4)), encoding="utf-8")
    page = browser.new_page()
    page.goto(page_file.as_uri())
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    (ARTIFACTS / "report_SVN_c4.pdf").write_bytes(pdf)
    page.close()
