"""What makes the app fast must not change what it shows: cached results equal fresh ones and
follow the store's changes; the related list moved off the recommendation page still escapes."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from uprlens.store import Store
from uprlens.store.browse import RecFilter, browse, matching_pks, rows_by_pk
from uprlens.types import ImportBatch, Provenance
from uprlens.web.cache import DataCache
from uprlens.web.data import list_data
from uprlens.web.serving import default_workers

from .conftest import C2, HOSTILE, rec

FILTERS = [
    RecFilter(),
    RecFilter(sur="CHN"),
    RecFilter(cycle=2),
    RecFilter(state="ITA"),
    RecFilter(group="WEOG"),
    RecFilter(position="noted"),
    RecFilter(position="unknown"),
    RecFilter(category="4"),
    RecFilter(category="5"),
    RecFilter(verdict="specific"),
    RecFilter(flag="continue_framing"),
    RecFilter(theme="D23 Death penalty"),
    RecFilter(q="death penalty"),
    RecFilter(q="death", sort="relevance", order="desc"),
    RecFilter(all_sources=True, sort="length", order="desc"),
    RecFilter(sort="position", order="desc"),
    RecFilter(sort="states"),
    RecFilter(sort="cycle", order="desc", per_page=10),
]


@pytest.mark.parametrize("f", FILTERS, ids=lambda f: str(f.params()) or "all")
def test_cached_pages_equal_sql_pages(web_db: Path, f: RecFilter) -> None:
    store = Store(web_db)
    cache = DataCache()
    pks = matching_pks(store, f)
    for page in (1, 2, 3):
        g = dataclasses.replace(f, page=page, per_page=2)
        total, rows = browse(store, g)
        assert total == len(pks)
        assert rows_by_pk(store, pks[(page - 1) * 2 : page * 2]) == rows
        cached = list_data(store, g, cache)
        assert cached == list_data(store, g)
        assert cached["total"] == total


def test_cache_follows_an_import_by_another_connection(web_db: Path) -> None:
    reader = Store(web_db)
    cache = DataCache()
    f = RecFilter(sur="CHN", all_sources=True)
    before = list_data(reader, f, cache)
    assert list_data(reader, f, cache) == before  # from the cache
    writer = Store(web_db)
    extra = rec(C2, "186.9", "Release all human rights defenders", ("NOR",))
    writer.import_batches(
        [ImportBatch("uprlens_csv", C2, [extra], Provenance("extra.csv", sha256="z"))]
    )
    writer.close()
    after = list_data(reader, f, cache)
    assert after["total"] == before["total"] + 1
    assert "CHN-c2-186.9" in {r["id"] for r in after["items"]}


def test_cache_bounds_what_it_keeps(web_db: Path) -> None:
    store = Store(web_db)
    cache = DataCache(max_items=3)
    calls = []

    def compute(n: int) -> list[int]:
        calls.append(n)
        return list(range(n))

    assert cache.get_or_compute(store, "a", lambda: compute(2)) == [0, 1]
    assert cache.get_or_compute(store, "a", lambda: compute(2)) == [0, 1]
    assert calls == [2]
    cache.get_or_compute(store, "b", lambda: compute(2))  # 4 > 3: "a" goes
    cache.get_or_compute(store, "a", lambda: compute(2))
    assert calls == [2, 2, 2]
    cache.get_or_compute(store, "big", lambda: compute(10))  # larger than the bound: not kept
    cache.get_or_compute(store, "big", lambda: compute(10))
    assert calls == [2, 2, 2, 10, 10]


def test_list_pages_in_the_app_follow_an_import(client: TestClient, web_db: Path) -> None:
    first = client.get("/api/recommendations", params={"all_sources": "1"}).json()["total"]
    writer = Store(web_db)
    extra = rec(C2, "186.8", "Protect journalists", ("NOR",))
    writer.import_batches(
        [ImportBatch("uprlens_csv", C2, [extra], Provenance("more.csv", sha256="y"))]
    )
    writer.close()
    again = client.get("/api/recommendations", params={"all_sources": "1"}).json()["total"]
    assert again == first + 1


def test_related_page_escapes_and_404s(client: TestClient) -> None:
    html = client.get("/recommendations/CHN-c3-28.1/related").text
    assert "<script>alert" not in html
    page = BeautifulSoup(client.get("/recommendations/CHN-c3-28.3/related").text, "html.parser")
    assert page.select_one("blockquote.rec").get_text() == HOSTILE
    assert client.get("/recommendations/NOPE-c9-1/related").status_code == 404


def test_default_workers_is_at_least_one() -> None:
    assert 1 <= default_workers() <= 8
