from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from bs4 import BeautifulSoup

from tests.analyse.test_acceptance import C3, CHINA_C3, build_store, fake, make_batch
from uprlens.analyse.audit import audit
from uprlens.errors import UprlensError
from uprlens.present.report import render_html, render_text, write_report


@pytest.fixture
def report(db_path: Path) -> str:
    return render_html(audit(build_store(db_path), "CHN", 3))


def test_report_is_self_contained(report: str) -> None:
    soup = BeautifulSoup(report, "html.parser")
    assert not soup.find_all(["script", "link", "iframe", "img", "object"])
    for tag in soup.find_all(src=True):
        pytest.fail(f"external resource {tag}")
    for tag in soup.find_all(href=True):
        assert tag["href"].startswith("#"), tag
    assert "@import" not in report
    assert not re.search(r"url\((?!#)", report)  # SVG clip paths refer inside the file
    assert len(soup.select("figure svg.chart")) >= 3  # verdict, category, states, cycles


def test_every_number_links_to_the_recommendations_behind_it(report: str) -> None:
    soup = BeautifulSoup(report, "html.parser")
    ids = {t["id"] for t in soup.find_all(id=True)}
    links = [a["href"][1:] for a in soup.find_all("a", href=True)]
    assert links and all(target in ids for target in links)
    nums = soup.select("a.num")
    assert len(nums) > 50
    for a in nums:
        target = soup.find(id=a["href"][1:])
        recs = [x["href"][1:] for x in target.find_all("a", href=True)]
        assert recs and all(r.startswith("rec-") and r in ids for r in recs)
        if re.fullmatch(r"\d+", a.get_text()) and "pairs" not in a["class"]:
            # a count of recommendations is the size of its list
            assert int(a.get_text()) == len(set(recs)), a
    # the headline count links to all six recommendations
    lead = soup.select_one("#headline .lead a.num")
    assert lead.get_text() == "6"


def test_report_states_method_and_limits(report: str) -> None:
    soup = BeautifulSoup(report, "html.parser")
    method = soup.find(id="method").get_text(" ", strip=True)
    assert "codebook" in method.lower() and "test-1" in method
    assert "Classifier accuracy" in method
    # the method names the similarity actually used (semantic when the model is installed)
    assert ("lexical + semantic" in method or "lexical only" in method) and "0.50" in method
    assert "published" in method  # global rates taken from UPR Info's published figures


def test_hostile_text_is_escaped(db_path: Path) -> None:
    store = build_store(db_path)
    rows = [*CHINA_C3, ("28.7", '<script>alert("x")</script> Ratify CAT (Chile);', ("CHL",),
                        "noted", "5", "specific", "0", "0", [])]
    store.import_batches([make_batch(C3, rows)])
    pk = store.query("SELECT pk FROM recommendations WHERE id='CHN-c3-28.7'")[0][0]
    store.save_machine_labels([(pk, fake("5", "specific"))], classifier_version="test-1")
    html = render_html(audit(store, "CHN", 3))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(" in html


def test_unlabelled_review_renders_and_says_why(db_path: Path) -> None:
    store = build_store(db_path, cycles=(3,), labels=False)
    a = audit(store, "CHN", 3, classify_missing=False)
    html = render_html(a)
    assert "no earlier cycle of China in the store" in html
    assert "No labels for this review" in html


def test_text_json_and_xlsx(db_path: Path, tmp_path: Path) -> None:
    a = audit(build_store(db_path), "CHN", 3)
    text = render_text(a)
    assert "recommendations: 6 (4 supported / 2 noted)" in text
    assert "substantive acceptance" in text and "endorsing ones made by: Cuba 1" in text
    out = tmp_path / "audit.xlsx"
    write_report(a, "xlsx", out)
    wb = openpyxl.load_workbook(out)
    assert {"summary", "ledger", "state_profiles", "links"} <= set(wb.sheetnames)
    with pytest.raises(UprlensError, match="give --out FILE"):
        write_report(a, "xlsx", None)
    with pytest.raises(UprlensError, match="unknown report format 'pdf'"):
        write_report(a, "pdf", None)
