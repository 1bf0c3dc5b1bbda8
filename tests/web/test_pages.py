from __future__ import annotations

import csv
import io

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from .conftest import HOSTILE


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def table_ids(html: str) -> list[str]:
    body = soup(html).select("#results tbody tr td:first-child a")
    return [a.get_text() for a in body]


@pytest.mark.parametrize(
    "path",
    [
        "/reviews",
        "/reviews/CHN/3",
        "/recommendations",
        "/recommendations/CHN-c3-28.1",
        "/states",
        "/states/FRA",
        "/draft",
        "/login",
        "/coding",
        "/coding/queue",
        "/coding/audit",
    ],
)
def test_every_page_reads_without_login(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200
    assert "text/html" in r.headers["content-type"]
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert not soup(r.text).find("script"), "reading must not need JavaScript"


def test_reviews_list_headline_numbers(client: TestClient) -> None:
    page = soup(client.get("/reviews").text)
    row = next(tr for tr in page.select("tbody tr") if tr.find("a", string="CHN-c3"))
    cells = [td.get_text(strip=True) for td in row.find_all("td")]
    assert cells[6:9] == ["4", "2", "2"]  # recommendations, supported, noted


def test_dashboard_links_to_the_recommendations_behind_each_number(client: TestClient) -> None:
    page = soup(client.get("/reviews/CHN/3").text)
    try:
        from uprlens.analyse.audit import audit  # noqa: F401
    except ImportError:
        assert "not available yet" in page.get_text()
    else:
        assert page.find("h2", string="Audit") is not None
    link = page.find("a", string="noted")
    assert link is not None
    listed = client.get(link["href"])
    assert sorted(table_ids(listed.text)) == ["CHN-c3-28.2", "CHN-c3-28.3"]


def test_recommendation_text_is_data_not_markup(client: TestClient) -> None:
    for path in ("/recommendations/CHN-c3-28.3", "/recommendations?sur=CHN&cycle=3"):
        html = client.get(path).text
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
        assert "&amp;amp;" in html and "&amp;lt;b&amp;gt;" in html
        page = soup(html)
        assert page.find("script") is None
        assert HOSTILE in page.get_text()


def test_evidence_is_highlighted_with_its_label(client: TestClient) -> None:
    page = soup(client.get("/recommendations/CHN-c3-28.3").text)
    marks = page.select("blockquote.rec mark")
    assert [m.get_text() for m in marks] == ["torture"]
    assert marks[0]["title"] == "action_category=4"
    assert page.select_one("blockquote.rec").get_text() == HOSTILE
    detail = page.get_text()
    assert "matrix.docx" in detail and "paragraph 28.3" in detail and "page 3" in detail


def test_earlier_cycles_and_similar(client: TestClient) -> None:
    page = soup(client.get("/recommendations/CHN-c3-28.1").text)
    # The page links to its related list, a page of its own (the slow part of finding them).
    link = page.find("h2", id="related").find_next("a")
    assert link["href"] == "/recommendations/CHN-c3-28.1/related"
    page = soup(client.get("/recommendations/CHN-c3-28.1/related").text)
    earlier = page.find("h2", string="Earlier cycles").find_all_next("a", limit=1)
    assert earlier[0].get_text() == "CHN-c2-186.1"
    sim = client.get("/api/recommendations/CHN-c3-28.2").json()
    assert {"CHN-c2-186.2", "EGY-c2-166.1"} <= {r["id"] for r in sim["similar"]}
    assert all(r["sur"] == "CHN" and r["cycle"] < 3 for r in sim["earlier"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sur=EGY", ["EGY-c2-166.1"]),
        ("sur=chn&cycle=2", ["CHN-c2-186.1", "CHN-c2-186.2"]),
        ("state=ITA", ["CHN-c2-186.2", "CHN-c3-28.2"]),
        ("group=EEG", []),
        ("group=Asia", ["CHN-c3-28.4"]),
        ("position=supported&sur=CHN&cycle=3", ["CHN-c3-28.1", "CHN-c3-28.4"]),
        ("category=3", ["CHN-c2-186.2"]),
        ("category=4", ["CHN-c3-28.2", "CHN-c3-28.3"]),
        ("verdict=endorsing", ["CHN-c3-28.4"]),
        ("flag=continue_framing", ["CHN-c3-28.4"]),
        ("theme=D23+Death+penalty", ["CHN-c3-28.2"]),
        ("q=death+penalty&sort=review", ["CHN-c2-186.2", "CHN-c3-28.2", "EGY-c2-166.1"]),
        ("q=tortur*&sort=review", ["CHN-c3-28.3", "EGY-c2-166.1"]),
    ],
)
def test_filters(client: TestClient, query: str, expected: list[str]) -> None:
    r = client.get(f"/recommendations?{query}")
    assert r.status_code == 200
    assert sorted(table_ids(r.text)) == expected
    api = client.get(f"/api/recommendations?{query}").json()
    assert sorted(i["id"] for i in api["items"]) == expected
    assert api["total"] == len(expected)


def test_sort_and_pagination_are_in_the_url(client: TestClient) -> None:
    first = table_ids(client.get("/recommendations?sort=states&order=desc&per_page=10").text)
    assert first[:2] == ["CHN-c3-28.1", "CHN-c3-28.3"]  # two recommending states each
    page1 = client.get("/recommendations?per_page=10&sort=review").text
    assert len(table_ids(page1)) == 7
    r = client.get("/recommendations?sort=review&per_page=10&page=2")
    assert table_ids(r.text) == []
    nxt = soup(client.get("/recommendations?sur=CHN&per_page=10").text).find("a", rel="next")
    assert nxt is None


def test_empty_form_fields_redirect_to_a_short_url(client: TestClient) -> None:
    r = client.get(
        "/recommendations?q=&sur=CHN&cycle=&state=&position=noted&sort=review",
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/recommendations?sur=CHN&position=noted"


def test_export_is_exactly_what_is_shown(client: TestClient) -> None:
    query = "sur=CHN&sort=position&order=desc&per_page=10"
    shown = table_ids(client.get(f"/recommendations?{query}").text)
    rows = list(csv.reader(io.StringIO(client.get(f"/recommendations.csv?{query}").text)))
    assert rows[0][:4] == ["id", "review", "paragraph", "text"]
    assert [r[0] for r in rows[1:]] == shown
    hostile = next(r for r in rows if r[0] == "CHN-c3-28.3")
    assert hostile[3] == HOSTILE
    paged = list(
        csv.reader(io.StringIO(client.get("/recommendations.csv?per_page=10&page=1").text))
    )
    every = list(
        csv.reader(io.StringIO(client.get("/recommendations.csv?per_page=10&scope=all").text))
    )
    assert len(paged) == len(every) == 8
    wb = load_workbook(io.BytesIO(client.get(f"/recommendations.xlsx?{query}").content))
    cells = [[c.value for c in row] for row in wb.active.iter_rows()]
    assert [r[0] for r in cells[1:]] == shown
    assert [r[3] for r in cells[1:]] == [r[3] for r in rows[1:]]


@pytest.mark.parametrize(
    "query",
    [
        "sur=%3Cscript%3E",
        "sur=CHN'--",
        "cycle=abc",
        "cycle=99",
        "cycle=-1",
        "page=0",
        "page=-3",
        "page=99999999999999999999",
        "per_page=100000",
        "sort=pk;DROP TABLE recommendations",
        "order=sideways",
        "position=' OR 1=1 --",
        "group=Mars",
        "category=6",
        "flag=anything",
        "all_sources=yes",
        "q=" + "a" * 201,
        'q="',
        "q=)(*",
        "sort=relevance",
        "theme=" + "x" * 301,
    ],
)
def test_hostile_filter_values_are_4xx_not_500(client: TestClient, query: str) -> None:
    for path in ("/recommendations", "/api/recommendations", "/recommendations.csv"):
        r = client.get(f"{path}?{query}")
        assert 400 <= r.status_code < 500, (path, query, r.status_code)
    assert client.get("/api/recommendations").json()["total"] == 7


@pytest.mark.parametrize(
    "query",
    ["theme=' OR 1=1 --", "q=' OR 1=1 --", "affected=%00%01", "q=death AND OR NOT", "q=NEAR("],
)
def test_odd_but_valid_filter_values_match_literally(client: TestClient, query: str) -> None:
    r = client.get(f"/api/recommendations?{query}")
    assert r.status_code in (200, 400)
    if r.status_code == 200:
        assert r.json()["total"] < 7


@pytest.mark.parametrize(
    "path",
    [
        "/recommendations/NOPE-1",
        "/recommendations/%3Cscript%3E",
        "/states/XXX",
        "/reviews/CHN/4",
        "/api/recommendations/..%2F..",
        "/states/12",
        "/reviews/CHN/0",
    ],
)
def test_missing_things_are_4xx(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert 400 <= r.status_code < 500
    assert "<script>" not in r.text


def test_state_profile(client: TestClient) -> None:
    data = client.get("/api/states/ITA").json()
    assert data["total"] == 2 and data["regional_group"] == "WEOG"
    assert {r["key"]: r["n"] for r in data["by_cycle"]} == {2: 1, 3: 1}
    assert {r["key"]: r["n"] for r in data["positions"]} == {"noted": 2}
    page = soup(client.get("/states/ITA").text)
    assert "2 recommendations made" in page.get_text()


def test_draft_checker(client: TestClient) -> None:
    from .conftest import csrf_of

    token = csrf_of(client.get("/draft").text)
    r = client.post(
        "/draft",
        data={"text": "Abolish the death penalty", "sur": "CHN", "csrf_token": token},
    )
    assert r.status_code == 200
    try:
        import uprlens.draft  # noqa: F401
        from uprlens.draft import check  # noqa: F401
    except ImportError:
        assert "not available yet" in r.text
    else:
        assert "<h2>Result</h2>" in r.text
    assert "Abolish the death penalty" in r.text
    bad = client.post("/draft", data={"text": "Abolish it", "sur": "<b>", "csrf_token": token})
    assert bad.status_code == 422


def test_openapi_describes_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for p in (
        "/api/reviews",
        "/api/recommendations",
        "/api/recommendations/{rec_id}",
        "/api/states/{iso3}",
        "/api/draft",
        "/api/login",
        "/api/agreement",
        "/api/queue",
        "/api/overrides",
        "/api/recommendations/{rec_id}/overrides",
        "/api/users",
    ):
        assert p in paths, p
    params = {p["name"] for p in paths["/api/recommendations"]["get"]["parameters"]}
    assert {
        "sur",
        "cycle",
        "state",
        "group",
        "position",
        "category",
        "verdict",
        "flag",
        "theme",
        "affected",
        "q",
        "sort",
        "order",
        "page",
        "per_page",
    } <= params
