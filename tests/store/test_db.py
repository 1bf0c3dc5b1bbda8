from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from uprlens.errors import RecordNotFound, StoreError
from uprlens.store import Store, default_db_path
from uprlens.types import ImportBatch, Part, Provenance, Recommendation, Review

REVIEW = Review("CHN", 3, 31, 2018, "A/HRC/40/6")


def rec(
    par: str,
    text: str,
    states: tuple[str, ...],
    position: str | None = "supported",
    review: Review = REVIEW,
) -> Recommendation:
    return Recommendation(
        id=f"{review.sur}-c{review.cycle}-{par}",
        review=review,
        paragraph=par,
        text=text,
        parts=[Part(text, states)],
        provenance=Provenance("m.docx", page=1),
        position=position,
        themes=["A41 Constitutional and legislative framework"],
    )


def batch(*recs: Recommendation, kind: str = "ohchr_matrix") -> ImportBatch:
    return ImportBatch(kind, recs[0].review, list(recs), Provenance("m.docx", sha256="x"))


def test_import_is_idempotent_and_updates_say_what_changed(db_path: Path) -> None:
    store = Store(db_path)
    b1 = batch(
        rec("28.1", "Ratify the ICCPR", ("FRA", "DEU")),
        rec("28.2", "Abolish the death penalty", ("ITA",), "noted"),
    )
    r1 = store.import_batches([b1])
    assert (r1.added, r1.updated, r1.unchanged) == (1, 0, 0)
    before = store.counts()
    r2 = store.import_batches([b1])
    assert (r2.added, r2.updated, r2.unchanged) == (0, 0, 1)
    assert store.counts() == before
    b2 = batch(
        rec("28.1", "Ratify the ICCPR promptly", ("FRA", "DEU")),
        rec("28.3", "Release Ilham Tohti", ("USA",), "noted"),
    )
    r3 = store.import_batches([b2])
    change = r3.changes[0]
    assert change.status == "updated"
    assert change.added == ["CHN-c3-28.3"]
    assert change.removed == ["CHN-c3-28.2"]
    assert change.changed == ["CHN-c3-28.1"]
    assert store.counts()["recommendations"] == 2


def test_failed_import_leaves_store_unchanged(db_path: Path) -> None:
    store = Store(db_path)
    store.import_batches([batch(rec("28.1", "Ratify the ICCPR", ("FRA",)))])
    before = store.counts()
    dup = batch(rec("28.5", "A", ("FRA",)), rec("28.5", "B", ("FRA",)))
    other = batch(rec("1.1", "Ratify CAT", ("GBR",), review=Review("EGY", 2, 20, 2014)))
    with pytest.raises(StoreError, match="two records with id"):
        store.import_batches([other, dup])
    assert store.counts() == before
    assert [r["id"] for r in store.reviews()] == ["CHN-c3"]


def test_unknown_state_code_is_refused_by_foreign_key(db_path: Path) -> None:
    store = Store(db_path)
    with pytest.raises(sqlite3.IntegrityError):
        store.import_batches([batch(rec("28.1", "Ratify", ("XXX",)))])
    assert store.counts()["recommendations"] == 0


def test_search_filters_and_hostile_queries(db_path: Path) -> None:
    store = Store(db_path)
    store.import_batches(
        [
            batch(
                rec("28.1", "Ratify the ICCPR", ("FRA",)),
                rec("28.2", "Abolish the death penalty", ("ITA",), "noted"),
            )
        ]
    )
    assert [r["id"] for r in store.search("death")] == ["CHN-c3-28.2"]
    assert [r["id"] for r in store.search("rat*")] == ["CHN-c3-28.1"]
    assert store.search("death", position="supported") == []
    assert [r["id"] for r in store.search("penalty", state="ITA")] == ["CHN-c3-28.2"]
    # Whatever a user types is data: FTS5 operators and quotes never reach SQLite as syntax.
    for hostile in ["death' OR 1=1 --", 'NEAR("death"', "death AND", "death)", "penalty OR x:y"]:
        assert isinstance(store.search(hostile), list)
    assert [r["id"] for r in store.search("death' OR 1=1 --")] == []
    for empty in ['"', "*", "()"]:
        with pytest.raises(StoreError, match="nothing to search for"):
            store.search(empty)


def test_primary_source_speaks_for_review(db_path: Path) -> None:
    store = Store(db_path)
    upr = batch(
        rec("u1", "Ratify the ICCPR", ("FRA",)), rec("u2", "Ratify CAT", ("DEU",)), kind="upr_info"
    )
    store.import_batches([upr])
    assert store.reviews()[0]["recommendations"] == 2
    store.import_batches([batch(rec("28.1", "Ratify the ICCPR", ("FRA",)))])
    (review,) = store.reviews()
    assert review["recommendations"] == 1
    assert review["sources"] == "ohchr_matrix, upr_info"


def test_show_and_missing(db_path: Path) -> None:
    store = Store(db_path)
    store.import_batches([batch(rec("28.1", "Ratify the ICCPR", ("FRA", "DEU")))])
    r = store.recommendation("CHN-c3-28.1")
    assert r["parts"][0]["states"] == ["FRA", "DEU"]
    assert r["tags"]["theme"] == ["A41 Constitutional and legislative framework"]
    with pytest.raises(RecordNotFound):
        store.recommendation("CHN-c3-99.9")
    with pytest.raises(RecordNotFound, match="cycle 2"):
        store.review("CHN", 2)


def test_schema_migrations_recorded_and_reopen(db_path: Path) -> None:
    Store(db_path).close()
    store = Store(db_path)
    assert store.schema_version >= 1
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_default_path_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UPRLENS_DB", raising=False)
    (tmp_path / ".uprlens").mkdir()
    (tmp_path / ".uprlens" / "uprlens.db").touch()
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    assert default_db_path(sub) == tmp_path / ".uprlens" / "uprlens.db"
    monkeypatch.setenv("UPRLENS_DB", str(tmp_path / "x.db"))
    assert default_db_path(sub) == tmp_path / "x.db"


def test_readonly_store_missing_file_is_clear(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store at"):
        Store(tmp_path / "nope.db", readonly=True)
