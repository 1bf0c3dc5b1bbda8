from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from uprlens.store import Store
from uprlens.store.coding import add_user
from uprlens.types import Evidence, ImportBatch, Label, Part, Provenance, Recommendation, Review
from uprlens.web import create_app

PASSWORD = "correct horse battery"
HOSTILE = "Stop <script>alert('x')</script> torture &amp; release &lt;b&gt;prisoners"

C3 = Review("CHN", 3, 31, 2018, "A/HRC/40/6")
C2 = Review("CHN", 2, 17, 2013, "A/HRC/25/5")
EGY = Review("EGY", 2, 20, 2014, "A/HRC/28/16")


def rec(
    review: Review,
    par: str,
    text: str,
    states: tuple[str, ...],
    position: str | None = "supported",
    themes: tuple[str, ...] = (),
    category: str | None = None,
) -> Recommendation:
    return Recommendation(
        id=f"{review.sur}-c{review.cycle}-{par}",
        review=review,
        paragraph=par,
        text=text,
        parts=[Part(text, states)],
        provenance=Provenance("matrix.docx", page=3, row=int(par.split(".")[-1])),
        position=position,
        themes=list(themes),
        human_labels={"action_category": category} if category else {},
    )


@dataclass
class FakeClassification:
    """The shape Store.save_machine_labels reads (the classifier's Classification)."""

    labels: dict[str, Label]
    themes: list[Label] = field(default_factory=list)
    affected_persons: list[Label] = field(default_factory=list)
    issues: list[Label] = field(default_factory=list)


def _label(name: str, value: str, text: str, word: str | None, score: float) -> Label:
    ev: tuple[Evidence, ...] = ()
    if word:
        at = text.index(word)
        ev = (Evidence(at, at + len(word), word, f"test.{name}"),)
    return Label(name, value, ev, decided_by=f"test.{name}", score=score)


def build_store(path: Path) -> Store:
    store = Store(path)
    c3 = [
        rec(
            C3,
            "28.1",
            "Ratify the International Covenant on Civil and Political Rights",
            ("FRA", "DEU"),
            themes=("A41 Constitutional and legislative framework",),
        ),
        rec(
            C3,
            "28.2",
            "Abolish the death penalty for all crimes",
            ("ITA",),
            "noted",
            themes=("D23 Death penalty",),
        ),
        rec(C3, "28.3", HOSTILE, ("USA", "GBR"), "noted"),
        rec(C3, "28.4", "Continue to promote economic development and poverty reduction", ("PAK",)),
    ]
    c2 = [
        rec(
            C2,
            "186.1",
            "Ratify the Covenant on Civil and Political Rights as soon as possible",
            ("FRA",),
            category="5",
        ),
        rec(C2, "186.2", "Consider abolishing the death penalty", ("ITA",), "noted", category="3"),
    ]
    egy = [rec(EGY, "166.1", "Abolish the death penalty and torture", ("DEU",), "noted")]
    store.import_batches(
        [
            ImportBatch("ohchr_matrix", C3, c3, Provenance("matrix.docx", sha256="a")),
            ImportBatch("ohchr_matrix", C2, c2, Provenance("m2013.docx", sha256="b")),
            ImportBatch("ohchr_matrix", EGY, egy, Provenance("egy.docx", sha256="c")),
        ]
    )
    pks = {r["id"]: r["pk"] for r in store.query("SELECT id, pk FROM recommendations")}
    labelled = [
        ("CHN-c3-28.1", "5", "Ratify", "specific", 0.95),
        ("CHN-c3-28.2", "4", "Abolish", "specific", 0.55),
        ("CHN-c3-28.3", "4", "torture", "vague", 0.41),
        ("CHN-c3-28.4", "2", "Continue", "endorsing", 0.35),
    ]
    rows = []
    for rid, cat, word, verdict, score in labelled:
        text = store.recommendation(rid)["text"]
        labels = {
            "action_category": _label("action_category", cat, text, word, score),
            "verdict": _label("verdict", verdict, text, None, score),
            "continue_framing": _label(
                "continue_framing",
                "1" if word == "Continue" else "0",
                text,
                "Continue" if word == "Continue" else None,
                0.9,
            ),
        }
        rows.append((pks[rid], FakeClassification(labels)))
    store.save_machine_labels(rows, classifier_version="test-0")
    add_user(store, "admin", PASSWORD, "admin", actor="test")
    add_user(store, "alice", PASSWORD, "coder", actor="test")
    add_user(store, "bob", PASSWORD, "coder", actor="test")
    add_user(store, "vera", PASSWORD, "viewer", actor="test")
    return store


@pytest.fixture(scope="session")
def _template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Hashing four passwords with argon2 is slow by design: build once, copy per test.
    path = tmp_path_factory.mktemp("web") / "template.db"
    build_store(path).close()
    return path


@pytest.fixture
def web_db(tmp_path: Path, _template_db: Path) -> Path:
    path = tmp_path / "web.db"
    shutil.copyfile(_template_db, path)
    return path


@pytest.fixture
def client(web_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(web_db)) as c:
        yield c


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF field on the page"
    return m.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log in through the HTML form; returns the session's CSRF token."""
    page = client.get("/login")
    r = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return csrf_of(client.get("/draft").text)
