"""The fast paths of the reading pages (pre-escaped filter options, the table's rows built in
Python, label filters as probes, reads on the event loop) and the draft checker's HTML page."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from uprlens.store import Store
from uprlens.store.browse import RecFilter, matching_pks
from uprlens.web import data
from uprlens.web.cache import DataCache
from uprlens.web.data import list_data
from uprlens.web.render import Options, table_rows

from .conftest import HOSTILE, csrf_of

COMBINATIONS = [
    {"category": "4", "group": "WEOG"},
    {"category": "5", "state": "FRA"},
    {"sur": "CHN", "category": "4", "verdict": "specific"},
    {"sur": "CHN", "group": "WEOG", "position": "noted"},
    {"q": "death", "group": "WEOG"},
    {"q": "death", "category": "3"},
    {"flag": "continue_framing", "group": "Asia"},
    {"flag": "continue_framing", "sur": "CHN"},
    {"theme": "D23 Death penalty", "state": "ITA", "category": "4"},
    {"verdict": "specific", "group": "WEOG", "state": "DEU"},
    {"category": "4", "verdict": "vague", "cycle": 3, "position": "noted"},
    {"theme": "D23 Death penalty", "group": "WEOG", "cycle": 3},
]


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def test_combined_filters_match_the_intersection_of_single_ones(web_db: Path) -> None:
    """Whichever label filter drives the query and whichever are probes, a combination finds
    exactly the recommendations every one of its filters finds alone."""
    store = Store(web_db)
    try:
        found = 0
        for combo in COMBINATIONS:
            alone = [set(matching_pks(store, RecFilter(**{k: v}))) for k, v in combo.items()]
            together = matching_pks(store, RecFilter(**combo))
            assert set(together) == set.intersection(*alone), combo
            assert len(together) == len(set(together)), combo
            found += len(together)
        assert found > 0  # some combinations match something, or the test proves nothing
    finally:
        store.close()


@pytest.mark.parametrize(
    "combo",
    [
        {"sur": "CHN", "category": "4", "sort": "position", "order": "desc"},
        {"category": "4", "group": "WEOG", "sort": "length"},
        {"q": "death", "group": "WEOG", "sort": "review", "order": "desc"},
    ],
)
def test_combined_filters_keep_the_sort_order(web_db: Path, combo: dict[str, Any]) -> None:
    """The matches come in the order the whole table has under the same sort."""
    store = Store(web_db)
    try:
        f = RecFilter(**combo)
        got = matching_pks(store, f)
        assert got
        everything = matching_pks(store, RecFilter(sort=f.sort, order=f.order))
        assert got == [pk for pk in everything if pk in set(got)]
    finally:
        store.close()


@pytest.mark.parametrize("sort", ["review", "position", "length", "states", "cycle"])
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_combinations_from_kept_sets_equal_sql(web_db: Path, sort: str, order: str) -> None:
    """The web layer answers a combination from each filter's kept set of keys, ordered by the
    whole table's order: every page must be what SQL alone gives, and the cache, once filled,
    is used (not recomputed) by the next combination."""
    store = Store(web_db)
    cache = DataCache()
    try:
        for combo in [*COMBINATIONS, {"cycle": 3}, {"all_sources": True, "category": "4"}]:
            for page in (1, 2):
                f = RecFilter(**combo, sort=sort, order=order, page=page, per_page=2)
                assert list_data(store, f, cache) == list_data(store, f), combo
        assert ("keys", "group", "WEOG", False) in cache._data
    finally:
        store.close()


def test_options_mark_the_chosen_one_and_escape() -> None:
    opts = Options([("A<1", 'x & "y"'), ("B", "b"), (3, "three")])
    html = opts.render("A<1")
    assert '<option value="A&lt;1" selected>x &amp; &#34;y&#34;</option>' in html
    assert html.count("selected") == 1
    assert "selected" not in opts.render(None)
    assert "selected" not in opts.render("nothing like it")
    assert '<option value="3" selected>three</option>' in opts.render(3)
    labels = Options([("<b>", "<b>")], value_attr=False)
    assert labels.render("<b>") == "<option selected>&lt;b&gt;</option>"


def test_table_rows_escape_every_cell() -> None:
    row = {
        "id": "CHN-c3-1/2 <x>",
        "text": HOSTILE,
        "states": "<i>USA</i>",
        "position": None,
        "category_human": None,
        "category_machine": "4",
        "verdict": "vague",
        "flags": ["continue_framing", "<s>"],
    }
    html = str(table_rows([row]))
    tree = soup(f"<table><tbody>{html}</tbody></table>")
    cells = [td.get_text() for td in tree.select("td")]
    assert cells == [
        "CHN-c3-1/2 <x>",
        HOSTILE,
        "<i>USA</i>",
        "unknown",
        "– / 4",
        "vague",
        "continue_framing, <s>",
    ]
    assert "<script>" not in html and "<i>" not in html and "<s>" not in html
    assert tree.select_one("a")["href"] == "/recommendations/CHN-c3-1/2%20%3Cx%3E"


def test_filter_form_shows_the_chosen_values(client: TestClient) -> None:
    page = soup(client.get("/recommendations?sur=CHN&cycle=3&position=noted&per_page=25").text)
    chosen = {
        s["name"]: [o.get("value", o.get_text()) for o in s.select("option[selected]")]
        for s in page.select("form.filters select")
    }
    assert chosen["sur"] == ["CHN"]
    assert chosen["cycle"] == ["3"]
    assert chosen["position"] == ["noted"]
    assert chosen["per_page"] == ["25"]
    assert chosen["state"] == [] and chosen["category"] == []
    assert chosen["sort"] == ["review"]
    themes = [o["value"] for o in page.select("datalist#themes option")]
    assert "D23 Death penalty" in themes


def _sync_parts(fn: Any) -> list[str]:
    """``fn`` and the dependencies it pulls in (recursively) that are not coroutines."""
    out = [] if inspect.iscoroutinefunction(fn) else [fn.__qualname__]
    for param in inspect.signature(fn).parameters.values():
        dep = getattr(param.default, "dependency", None)
        if dep is not None:
            out += _sync_parts(dep)
    return out


def test_cheap_reads_run_on_the_event_loop() -> None:
    """A sync route or dependency would run in the thread pool (see security.loop_store)."""
    from uprlens.web.routes import api, pages

    for fn in (
        pages.recommendations_page,
        pages.recommendation_page,
        pages.reviews_page,
        api.api_recommendations,
    ):
        assert _sync_parts(fn) == [], fn.__name__


def _fake_check(text: str, **kwargs: Any) -> Any:
    """A real CheckResult, with values chosen to show every part of the page."""
    from uprlens.draft.checker import CheckResult, SmartItem
    from uprlens.draft.grounding import ExpertMatch
    from uprlens.draft.precedent import Precedent
    from uprlens.draft.predict import Prediction
    from uprlens.draft.rewrite import Rewrite

    at = text.index("torture")
    ev = {"start": at, "end": at + 7, "text": "torture", "rule_id": "verb.stop", "source": "rule"}
    label = {"value": "vague", "decided_by": "rule", "score": 0.9, "evidence": []}
    diagnosis = {
        "text": text,
        "labels": {
            "verdict": label,
            "action_category": {**label, "value": "4", "evidence": [ev]},
            "time_bound": {**label, "value": "0", "evidence": []},
        },
        "themes": [{"name": "theme", "value": "D25 <Torture>", "evidence": []}],
        "affected_persons": [],
        "issues": [],
    }
    return CheckResult(
        text=text,
        sur=kwargs["sur"],
        sur_name="China",
        cycle=None,
        from_state=None,
        diagnosis=diagnosis,
        smart=[
            SmartItem("specific_act", "Asks for a specific act", True, "<stop> is an act"),
            SmartItem("time_bound", "Has a deadline", False, "no date"),
            SmartItem("relevant", "Answers a documented concern", None, "no catalogue"),
        ],
        reasons=["Name <whose> rights"],
        catalogue_size=12,
        grounding=[
            ExpertMatch(
                1,
                "CAT",
                "CAT/C/CHN/CO/5",
                2015,
                "23",
                "torture",
                "End <torture> in custody",
                True,
                "",
                "",
                0.71,
                -3.2,
                0.5,
            )
        ],
        rewrites=[
            Rewrite(
                "Criminalise torture by 2027",
                ["a deadline"],
                verdict="specific",
                action_category="5",
            )
        ],
        precedents=[
            Precedent(
                "CHN-c3-28.3",
                "CHN",
                3,
                "28.3",
                "Stop torture",
                "USA; GBR",
                "noted",
                None,
                "ohchr_matrix",
                -2.0,
                0.8,
            )
        ],
        prediction=Prediction(
            0.37, "CHN", None, 40, "how often CHN supported such <texts>", "test"
        ),
    )


def test_draft_page_reads_as_html(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    real_optional = data.optional
    monkeypatch.setattr(
        data,
        "optional",
        lambda module, name: _fake_check if name == "check" else real_optional(module, name),
    )
    token = csrf_of(client.get("/draft").text)
    r = client.post("/draft", data={"text": HOSTILE, "sur": "CHN", "csrf_token": token})
    assert r.status_code == 200
    assert "<pre>" not in r.text and "<script>alert" not in r.text
    page = soup(r.text)
    mark = page.select_one("blockquote mark")
    assert mark is not None and mark.get_text() == "torture"
    assert "action_category=4" in mark["title"]
    labels = {
        tr.th.get_text(): tr.select("td")[0].get_text() for tr in page.select(".diagnosis tbody tr")
    }
    assert labels == {"verdict": "vague", "action_category": "4"}  # a flag at 0 is left out
    smart = [li.get_text() for li in page.select(".checklist li")]
    assert smart[0].startswith("yes") and "<stop> is an act" in smart[0]
    assert smart[1].startswith("no") and smart[2].startswith("cannot tell")
    grounding = [td.get_text() for td in page.select(".grounding tbody td")]
    assert grounding[:5] == ["0.71", "CAT", "CAT/C/CHN/CO/5", "23", "2015"]
    assert "End <torture> in custody" in grounding[5]
    assert "New verdict: specific (action category 5)" in page.select_one(".rewrites").get_text()
    assert page.select_one(".precedents a")["href"] == "/recommendations/CHN-c3-28.3"
    text = page.get_text()
    assert "37%" in text and "not advice" in text
    assert "Name <whose> rights" in text and "D25 <Torture>" in text

    api = client.post(
        "/api/draft", json={"text": HOSTILE, "sur": "CHN"}, headers={"X-CSRF-Token": token}
    )
    assert api.status_code == 200
    result = api.json()["result"]
    assert result["prediction"]["probability"] == 0.37
    assert result["grounding"][0]["symbol"] == "CAT/C/CHN/CO/5"
