from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tests.analyse.test_acceptance import FakeClassification, build_store, fake
from uprlens.analyse.audit import audit
from uprlens.errors import RecordNotFound
from uprlens.store import Store

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


def first_word_labels(text: str) -> FakeClassification:
    """A deliberately crude stand-in for the classifier, so that the audit's arithmetic can be
    checked on real reviews whatever the state of the model files."""
    t = text.lower()
    word = t.split()[0] if t.split() else ""
    cat = {"continue": "2", "maintain": "2", "further": "2", "consider": "3", "study": "3",
           "ratify": "5", "accede": "5", "abolish": "5", "release": "5", "invite": "5",
           "share": "1", "seek": "1"}.get(word, "4")
    if re.search(r"political system|development path|internal affairs|politici", t):
        verdict = "endorsing"
    elif cat == "5":
        verdict = "specific"
    elif cat in ("1", "2"):
        verdict = "vague"
    else:
        verdict = "general"
    cites = "1" if re.search(r"treaty bod|special procedure|ohchr|high commissioner", t) else "0"
    return fake(cat, verdict, "1" if cat == "2" else "0", cites)


@pytest.fixture(scope="module")
def real_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    if not (SHARED / "ohchr").is_dir():
        pytest.skip(f"needs {SHARED} (../shared/data is absent)")
    from uprlens.ingest import read_any
    from uprlens.ingest.bundled import bundled_sources

    store = Store(tmp_path_factory.mktemp("real") / "store.db")
    batches = []
    for path in sorted((SHARED / "ohchr").glob("*.docx")):
        batches += read_any(path)
    for path, opts in bundled_sources():
        if path.name == "cycle1_2009.csv":
            batches += read_any(path, **opts)
    store.import_batches(batches)
    rows = [(r["pk"], first_word_labels(r["text"])) for r in store.iter_recommendations()]
    store.save_machine_labels(rows, classifier_version="test-first-word")
    return store


def test_china_2018_headline_and_what_it_hides(real_store: Store) -> None:
    a = audit(real_store, "CHN", 3)
    fig = a.summary["figures"]
    assert (a.headline.paragraphs, fig["position.supported"]["n"], fig["position.noted"]["n"]) \
        == (346, 284, 62)
    mix = [fig[f"supported.{v}"]["n"] for v in ("specific", "general", "vague", "endorsing")]
    assert sum(mix) == 284  # every supported one has exactly one verdict
    assert a.summary["rates"]["substantive_rate"] == pytest.approx(
        fig["supported.substantive"]["n"] / 346)
    # the endorsing ones have states behind them, and every id is one of the review's
    assert len(a.endorsing_states) > 0
    endorsing_ids = {i for ids in a.endorsing_states["ids"] for i in ids}
    assert endorsing_ids == set(fig["endorsing"]["ids"])
    assert a.labels.source == "store"


def test_china_2018_links_to_2009_and_2013(real_store: Store) -> None:
    a = audit(real_store, "CHN", 3)
    assert a.earlier_cycles == [1, 2]
    best = a.links[a.links["best"]]
    assert set(best["earlier_cycle"]) == {1, 2}
    assert (best["score"] >= a.threshold).all()
    assert set(best["link"]) <= {"repeated", "strengthened", "watered_down", "mixed"}
    assert set(a.fate_of_noted["cycle"]) == {1, 2}
    # the ledger spans all cycles and keeps only what was declined
    assert set(a.ledger["cycle"]) >= {2, 3}
    assert set(a.ledger["position"]) <= {"noted", "supported_in_part"}


@pytest.mark.parametrize(("sur", "cycle", "earlier"), [("SVN", 4, [2, 3]), ("EGY", 2, [])])
def test_other_reviews_and_what_cannot_be_computed(
    real_store: Store, sur: str, cycle: int, earlier: list[int]
) -> None:
    a = audit(real_store, sur, cycle)
    assert a.headline.paragraphs == len(a.recommendations) > 0
    assert a.earlier_cycles == earlier
    no_earlier = [n for n in a.notes if n.startswith("no earlier cycle")]
    assert bool(no_earlier) == (not earlier)
    if not earlier:
        assert a.links.empty and a.fate_of_noted.empty


def test_a_review_not_in_the_store_names_what_is(db_path: Path) -> None:
    store = build_store(db_path)
    with pytest.raises(RecordNotFound, match=r"no review of CHN in cycle 4.*CHN-c2, CHN-c3"):
        audit(store, "CHN", 4)


def test_tables_are_dataframes_for_notebooks(db_path: Path) -> None:
    a = audit(build_store(db_path), "CHN", 3)
    tables = a.tables()
    assert {"summary", "state_profiles", "links", "ledger", "blocs"} <= set(tables)
    json.dumps(a.to_dict())  # JSON-ready all through


def _app() -> typer.Typer:
    from uprlens.commands_audit import register

    app = typer.Typer()
    register(app)
    return app


def test_cli_audit_and_ledger(db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                              ) -> None:
    build_store(db_path).close()
    monkeypatch.setenv("UPRLENS_DB", str(db_path))
    runner = CliRunner()
    res = runner.invoke(_app(), ["audit", "--sur", "China", "--cycle", "3"])
    assert res.exit_code == 0, res.output
    assert "recommendations: 6 (4 supported / 2 noted)" in res.output
    out = tmp_path / "r.html"
    res = runner.invoke(_app(), ["audit", "--sur", "CHN", "--cycle", "3", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_text("utf-8").startswith("<!DOCTYPE html>")
    res = runner.invoke(_app(), ["audit", "--sur", "CHN", "--cycle", "3", "--format", "json"])
    assert json.loads(res.output)["headline"]["paragraphs"] == 6
    res = runner.invoke(_app(), ["ledger", "--sur", "CHN"])
    assert res.exit_code == 0 and "CHN-c3-28.5" in res.output
    res = runner.invoke(_app(), ["audit", "--sur", "CHN", "--cycle", "9"])
    assert res.exit_code == 1 and "no review of CHN in cycle 9" in res.output
    res = runner.invoke(_app(), ["audit", "--sur", "Atlantis", "--cycle", "3"])
    assert res.exit_code == 1 and "unknown State under Review 'Atlantis'" in res.output
