"""What a worker keeps to answer the table cheaply (every filter value's keys, every row's HTML,
threads with open connections), and the table's own reading of the URL, must not change what
the app shows: warm or cold, kept or fresh, the pages are the same and follow the store."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from uprlens.store import Store
from uprlens.store.browse import RecFilter, keys_by_state, matching_pks
from uprlens.web import create_app
from uprlens.web.app import COMPUTE_THREADS
from uprlens.web.common import page_filter, rec_filter
from uprlens.web.data import list_data, list_data_async, warm
from uprlens.web.render import table_rows

from .conftest import FakeClassification, _label
from .test_fast_paths import COMBINATIONS

PAGES = [
    "/recommendations",
    "/recommendations?page=2&per_page=10",
    "/recommendations?sur=CHN",
    "/recommendations?state=ITA",
    "/recommendations?state=FRA&cycle=2",
    "/recommendations?group=WEOG&category=4",
    "/recommendations?category=4&verdict=specific&sort=length&order=desc",
    "/recommendations?position=unknown",
    "/recommendations?position=noted&sort=cycle&order=desc",
    "/recommendations?theme=D23+Death+penalty&group=WEOG",
    "/recommendations?flag=continue_framing",
    "/recommendations?q=death",
    "/recommendations?q=death&group=WEOG",
    "/recommendations?all_sources=1&category=4",
    "/recommendations/CHN-c3-28.3",
]


def test_warm_app_shows_what_a_cold_one_shows(web_db: Path) -> None:
    warm_app = create_app(web_db, warm=True)
    with TestClient(warm_app) as hot, TestClient(create_app(web_db)) as cold:
        kept = warm_app.state.warmed
        assert kept["rows"] == kept["matches"] == 7  # every authoritative recommendation
        assert kept["key_sets"] > 20
        for path in PAGES:
            a, b = hot.get(path), cold.get(path)
            assert a.status_code == b.status_code == 200, path
            assert a.text == b.text, path


def test_kept_rows_are_the_rows_sql_gives(web_db: Path) -> None:
    """A page's rows from the kept HTML equal the rows read and rendered afresh."""

    class State:
        pass

    state: Any = State()
    app = create_app(web_db)
    state.cache, state.pool = app.state.cache, app.state.pool
    store = app.state.pool.get()
    warm(store, state.cache)
    fresh = Store(web_db)
    try:
        searches = [
            {"q": "death"},  # keys from the index, ordered by the kept table order
            {"q": "death", "all_sources": True},
            {"q": "death", "sort": "relevance"},  # ranked: SQL
            {"q": "tortur*", "order": "desc"},
        ]
        for combo in [{}, *COMBINATIONS, *searches, {"all_sources": True}, {"sort": "states"}]:
            for page in (1, 2):
                f = RecFilter(**combo, page=page, per_page=2)  # type: ignore[arg-type]
                got = asyncio.run(list_data_async(store, f, state, html=True))
                want = list_data(fresh, f)
                assert got["rows_html"] == table_rows(want["items"]), combo
                assert (got["total"], got["pages"]) == (want["total"], want["pages"]), combo
    finally:
        fresh.close()
        app.state.pool.close()


def test_keys_of_every_state_at_once_equal_each_state_alone(web_db: Path) -> None:
    store = Store(web_db)
    try:
        for all_sources in (False, True):
            every = keys_by_state(store, all_sources=all_sources)
            states = [r[0] for r in store.query("SELECT DISTINCT state FROM recommendation_states")]
            assert set(every) <= set(states)
            for iso3 in states:
                alone = matching_pks(store, RecFilter(state=iso3, all_sources=all_sources))
                assert every.get(iso3, []) == sorted(alone), (iso3, all_sources)
    finally:
        store.close()


def test_warm_pages_follow_a_change_of_labels(web_db: Path) -> None:
    """Kept rows show a recommendation's labels: a classifier run must show on the next page."""
    with TestClient(create_app(web_db, warm=True)) as c:
        before = c.get("/recommendations?sur=CHN&cycle=3&verdict=vague")
        assert "CHN-c3-28.3" in before.text
        writer = Store(web_db)
        pk = writer.query("SELECT pk FROM recommendations WHERE id = 'CHN-c3-28.3'")[0][0]
        text = writer.recommendation("CHN-c3-28.3")["text"]
        labels = {
            "action_category": _label("action_category", "1", text, None, 0.9),
            "verdict": _label("verdict", "general", text, None, 0.9),
        }
        writer.save_machine_labels([(pk, FakeClassification(labels))], classifier_version="t-1")
        writer.close()
        assert "CHN-c3-28.3" not in c.get("/recommendations?verdict=vague").text
        after = c.get("/recommendations?sur=CHN&cycle=3&verdict=general").text
        assert "CHN-c3-28.3" in after and "<td>general</td>" in after
        assert "– / 1</td>" in after


def test_compute_threads_live_as_long_as_the_app_is_served(web_db: Path) -> None:
    def named() -> list[str]:
        return [t.name for t in threading.enumerate() if t.name.startswith("uprlens-compute")]

    before = len(named())
    app = create_app(web_db, warm=True)
    with TestClient(app) as c:
        assert len(named()) == before + COMPUTE_THREADS
        assert c.get("/recommendations?q=abolish").status_code == 200  # computed on one
        assert len(named()) == before + COMPUTE_THREADS
    assert app.state.compute is None
    assert len(named()) == before


# Values near and across each parameter's limits: valid choices, wrong case, a trailing
# newline (which Python's "$" would accept), long and odd text.
_VALUES = st.one_of(
    st.sampled_from(
        [
            "",
            "1",
            "0",
            "3",
            "10",
            "25",
            "abc",
            "CHN",
            "chn",
            "CHN\n",
            "WEOG",
            "weog",
            "noted",
            "unknown",
            "specific",
            "continue_framing",
            "review",
            "relevance",
            "desc",
            "ASC",
            "999999",
            "1000000",
            "death penalty",
            " ",
            "x" * 200,
            "x" * 201,
            "y" * 300,
            "y" * 301,
            "<script>",
            "é" * 250,
        ]
    ),
    st.text(max_size=12),
)
_NAMES = [*(f.name for f in dataclasses.fields(RecFilter)), "scope", "other"]


def _probe_app() -> FastAPI:
    probe = FastAPI()

    @probe.get("/declared")
    async def declared(f: RecFilter = Depends(rec_filter)) -> dict[str, Any]:
        return dataclasses.asdict(f)

    @probe.get("/page")
    async def page(f: RecFilter = Depends(page_filter)) -> dict[str, Any]:
        return dataclasses.asdict(f)

    return probe


_PROBE = TestClient(_probe_app())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(_NAMES), _VALUES), max_size=5))
def test_page_filter_reads_the_url_as_rec_filter_does(params: list[tuple[str, str]]) -> None:
    """The table page's own reading of the URL accepts, refuses and builds exactly what the
    declared FastAPI parameters of the API do, repeated names included."""
    a = _PROBE.get("/declared", params=params)
    b = _PROBE.get("/page", params=params)
    assert a.status_code == b.status_code, (params, a.text, b.text)
    if a.status_code == 200:
        assert a.json() == b.json(), params
    else:
        assert a.status_code == 422
        detail = a.json()["detail"]
        if isinstance(detail, str):  # a rule across parameters: "sort=relevance needs a search"
            assert detail == b.json()["detail"], params
            return
        where = sorted(tuple(e["loc"]) for e in detail)
        assert where == sorted(tuple(e["loc"]) for e in b.json()["detail"]), params


@pytest.mark.parametrize(
    "query", ["page=0", "cycle=10", "sur=CHN%0A", "per_page=7", "q=" + "x" * 201, "sort=rank"]
)
def test_table_page_refuses_what_the_api_refuses(client: TestClient, query: str) -> None:
    page = client.get(f"/recommendations?{query}")
    api = client.get(f"/api/recommendations?{query}")
    assert page.status_code == api.status_code == 422, query
    assert "Invalid request" in page.text


def test_one_computation_serves_every_request_that_asks_meanwhile() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from uprlens.web.data import _once

    calls: list[int] = []
    gate = threading.Event()

    def compute() -> list[int]:
        calls.append(1)
        gate.wait(5)
        return [1, 2, 3]

    def broken() -> list[int]:
        calls.append(1)
        gate.wait(5)
        raise ValueError("odd search")

    async def main() -> None:
        inflight: dict[Any, Any] = {}
        with ThreadPoolExecutor(4) as pool:
            waiting = [asyncio.create_task(_once(inflight, "k", pool, compute)) for _ in range(5)]
            await asyncio.sleep(0.05)
            assert list(inflight) == ["k"]
            waiting[0].cancel()  # one client goes away: the others still get the result
            gate.set()
            assert await asyncio.gather(*waiting[1:]) == [[1, 2, 3]] * 4
            assert len(calls) == 1 and inflight == {}
            gate.clear()
            failing = [asyncio.create_task(_once(inflight, "e", pool, broken)) for _ in range(3)]
            await asyncio.sleep(0.05)
            gate.set()
            for outcome in await asyncio.gather(*failing, return_exceptions=True):
                assert isinstance(outcome, ValueError)
            assert len(calls) == 2 and inflight == {}

    asyncio.run(main())


def test_threads_limit_the_sync_routes_of_a_served_app(web_db: Path) -> None:
    """``uprlens serve --threads N`` reaches anyio's limiter on the serving loop."""
    import anyio.to_thread

    async def tokens() -> float:
        return anyio.to_thread.current_default_thread_limiter().total_tokens

    with TestClient(create_app(web_db, threads=7)) as c:
        assert c.portal is not None
        assert c.portal.call(tokens) == 7
    with TestClient(create_app(web_db)) as c:
        assert c.portal is not None
        assert c.portal.call(tokens) == 40  # anyio's own default, left alone
