"""Bulk paths (worker processes, pickling, the store's blocks, large CSV files) must return
exactly what one process returns."""

from __future__ import annotations

import csv
import pickle

import pandas as pd
import pytest

from uprlens.classify.codebook import Classification
from uprlens.errors import ClassifyError

from ..conftest import shared_path
from .conftest import read_cases


def _exact(res: list[object]) -> list[object]:
    """Everything a result says: labels, evidence, exact scores, warnings."""
    out: list[object] = []
    for r in res:
        if isinstance(r, Classification):
            out.append((r.to_dict(), [lb.score for lb in r._all_labels()]))
        else:
            out.append(("error", str(r)))
    return out


def _texts() -> list[object]:
    texts: list[object] = [c["text"] for n in ("verdict.csv", "category.csv") for c in read_cases(n)]
    return texts + ["", "Ratify the ICCPR", "\x00Ratify the ICCPR", None]


def test_worker_processes_return_what_one_process_returns(clf, monkeypatch):
    import uprlens.classify.codebook as cb

    # Tiny chunks so that both processes label some and results cross the pipe.
    monkeypatch.setattr(cb, "_PARALLEL_MIN", 10)
    monkeypatch.setattr(cb, "_CHUNK_MIN", 4)
    monkeypatch.setattr(cb, "_CHUNK_MAX", 4)
    texts = _texts()
    seen: list[int] = []
    serial = clf.classify_many(texts, on_error="return")
    parallel = clf.classify_many(texts, on_error="return", n_jobs=2, progress=seen.append)
    assert _exact(parallel) == _exact(serial)
    # Progress counts distinct texts (repeats are labelled once), rising to all of them.
    distinct = len({t if isinstance(t, str) else id(t) for t in texts})
    assert seen == sorted(seen) and seen[-1] == distinct and len(seen) > 1


def test_classification_pickles_compactly_and_exactly(clf):
    res = clf.classify_many([c["text"] for c in read_cases("verdict.csv")])
    back = pickle.loads(pickle.dumps(res))
    assert _exact(back) == _exact(res)
    assert [r.labels for r in back] == [r.labels for r in res]
    assert [r.text for r in back] == [r.text for r in res]


def test_label_blocks_cover_every_text_in_order(clf, monkeypatch):
    import uprlens.classify.stored as stored

    monkeypatch.setattr(stored, "_BLOCK", 7)
    texts = [c["text"] for c in read_cases("verdict.csv")][:20]
    ticks: list[tuple[int, int]] = []
    got: list[object] = []
    offsets = []
    for off, block in stored.label_blocks(clf, texts, n_jobs=1, progress=lambda d, t: ticks.append((d, t))):
        offsets.append(off)
        got.extend(block)
    assert offsets == list(range(0, len(texts), 7))
    assert _exact(got) == _exact(clf.classify_many(texts, on_error="return"))
    assert ticks[-1] == (len(texts), len(texts))


def test_large_csv_is_classified_over_processes_with_the_same_output(tmp_path, clf, monkeypatch):
    import uprlens.classify.codebook as cb
    import uprlens.classify.csvio as csvio

    monkeypatch.setattr(csvio, "PARALLEL_ROWS", 10)
    monkeypatch.setattr(cb, "_PARALLEL_MIN", 10)
    monkeypatch.setattr(cb, "_CHUNK_MIN", 5)
    monkeypatch.setattr(cb, "_CHUNK_MAX", 5)
    src = tmp_path / "in.csv"
    rows = [c["text"] for c in read_cases("verdict.csv")][:30] + ["", "Ratify the ICCPR"]
    with src.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text"])
        w.writerows([[i, t] for i, t in enumerate(rows)])
    one = csvio.classify_csv(src, tmp_path / "one.csv", "text", "id", classifier=clf, n_jobs=1)
    two = csvio.classify_csv(src, tmp_path / "two.csv", "text", "id", classifier=clf, n_jobs=2)
    assert (tmp_path / "one.csv").read_text("utf-8") == (tmp_path / "two.csv").read_text("utf-8")
    assert [e.row for e in one.errors] == [e.row for e in two.errors] == [len(rows) - 1]


def test_a_worker_error_names_the_text(clf, monkeypatch):
    import uprlens.classify.codebook as cb

    monkeypatch.setattr(cb, "_PARALLEL_MIN", 10)
    monkeypatch.setattr(cb, "_CHUNK_MIN", 4)
    monkeypatch.setattr(cb, "_CHUNK_MAX", 4)
    texts = ["Ratify the ICCPR"] * 3 + [f"Abolish the death penalty now {i}" for i in range(20)]
    texts[17] = ""
    with pytest.raises(ClassifyError, match="text 18"):
        clf.classify_many(texts, n_jobs=2)


def test_rule_scan_finds_what_each_rule_set_finds(clf):
    df = pd.read_csv(shared_path("uprinfo", "recommendations_s1-20.csv"))
    sets = clf.scan.sets
    for t in df.recommendation.sample(2000, random_state=2):
        low = t.lower()
        assert clf.scan.candidates(low) == [s.candidates(low) for s in sets], t
