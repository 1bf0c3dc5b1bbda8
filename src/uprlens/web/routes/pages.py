"""Reading pages: reviews, a review's dashboard, the recommendation table and one
recommendation, a recommending state, the draft checker. Plain HTML, no JavaScript needed."""

from __future__ import annotations

import csv
import dataclasses
import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from openpyxl import Workbook

from uprlens.store import Store
from uprlens.store.browse import RecFilter
from uprlens.web.common import (
    facet_options,
    page_filter,
    rec_filter,
    render,
    url,
)
from uprlens.web.data import (
    MAX_DRAFT,
    diagnosis_view,
    draft_data,
    list_data,
    list_data_async,
    rec_data,
    related_data,
    review_data,
    state_data,
)
from uprlens.web.security import Auth, auth, check_csrf, loop_store, reader, store

__all__ = ["EXPORT_COLUMNS", "export_table", "router"]

router = APIRouter(include_in_schema=False)

REC_ID = Path(max_length=120, pattern=r"^[^/\x00-\x1f]+$")
EXPORT_MAX = 100_000
# The export holds the table's columns, in the table's order.
EXPORT_COLUMNS = (
    ("id", "id"),
    ("review", "review_id"),
    ("paragraph", "paragraph"),
    ("text", "text"),
    ("recommending states", "states"),
    ("position", "position"),
    ("category (source)", "category_human"),
    ("category (classifier)", "category_machine"),
    ("verdict", "verdict"),
    ("flags", "flags"),
)


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/reviews", status_code=303)


@router.get("/reviews", response_class=HTMLResponse)
async def reviews_page(
    request: Request, who: Auth = Depends(reader), st: Store = Depends(loop_store)
) -> Response:
    return render(request, "reviews.html", who, reviews=st.reviews())


@router.get("/reviews/{sur}/{cycle}", response_class=HTMLResponse)
def review_page(
    request: Request,
    sur: Annotated[str, Path(pattern=r"^[A-Za-z]{3}$")],
    cycle: Annotated[int, Path(ge=1, le=9)],
    who: Auth = Depends(auth),
    st: Store = Depends(store),
) -> Response:
    return render(request, "review.html", who, **review_data(st, sur, cycle))


def _filter_context(request: Request, st: Store, f: RecFilter) -> dict[str, Any]:
    return {"f": f, "opts": facet_options(request, st)}


# The table, a recommendation and the lists are cheap reads (the table's matches are cached per
# filter): they run on the event loop, see ``security.loop_store``. Pages that may take long
# (a review's audit, related recommendations, exports, the draft checker) stay in the pool.
@router.get("/recommendations", response_class=HTMLResponse)
async def recommendations_page(
    request: Request,
    f: RecFilter = Depends(page_filter),
    who: Auth = Depends(reader),
    st: Store = Depends(loop_store),
) -> Response:
    raw = request.query_params
    if any(v == "" for v in raw.values()):
        # A plain GET form sends every field, empty or not: redirect to the short, shareable URL.
        return RedirectResponse(url("/recommendations", f.params()), status_code=303)
    data = await list_data_async(st, f, request.app.state, html=True)
    return render(
        request, "recommendations.html", who, data=data, **_filter_context(request, st, f)
    )


def export_table(st: Store, f: RecFilter, scope: str) -> list[list[str]]:
    """The rows of the table as shown (scope="page") or every page of it (scope="all")."""
    if scope == "all":
        f = dataclasses.replace(f, page=1, per_page=EXPORT_MAX)
    data = list_data(st, f)
    out = [[title for title, _ in EXPORT_COLUMNS]]
    for row in data["items"]:
        cells = []
        for _, key in EXPORT_COLUMNS:
            value = row.get(key)
            if isinstance(value, list):
                value = "; ".join(value)
            cells.append("" if value is None else str(value))
        out.append(cells)
    return out


Scope = Annotated[
    str, Query(pattern=r"^(page|all)$", description="page: as shown; all: every page")
]


@router.get("/recommendations.csv")
def export_csv(
    f: RecFilter = Depends(rec_filter), scope: Scope = "page", st: Store = Depends(store)
) -> Response:
    buf = io.StringIO()
    csv.writer(buf).writerows(export_table(st, f, scope))
    return Response(
        buf.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="recommendations.csv"'},
    )


@router.get("/recommendations.xlsx")
def export_xlsx(
    f: RecFilter = Depends(rec_filter), scope: Scope = "page", st: Store = Depends(store)
) -> Response:
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = "recommendations"
    for r, row in enumerate(export_table(st, f, scope), start=1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            # Assigned as a string type so a text beginning with "=" never becomes a formula.
            cell.value = value[:32767]
            cell.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    return Response(
        buf.getvalue(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="recommendations.xlsx"'},
    )


@router.get("/recommendations/{rec_id}", response_class=HTMLResponse)
async def recommendation_page(
    request: Request,
    rec_id: Annotated[str, REC_ID],
    who: Auth = Depends(reader),
    st: Store = Depends(loop_store),
) -> Response:
    return render(request, "recommendation.html", who, rec=rec_data(st, rec_id, related=False))


@router.get("/recommendations/{rec_id}/related", response_class=HTMLResponse)
def related_page(
    request: Request,
    rec_id: Annotated[str, REC_ID],
    who: Auth = Depends(auth),
    st: Store = Depends(store),
) -> Response:
    """The earlier-cycle and similar recommendations, which the recommendation's page loads
    after it is shown (or links to, without JavaScript)."""
    return render(request, "related.html", who, rec=related_data(st, rec_id))


@router.get("/states", response_class=HTMLResponse)
def states_page(
    request: Request, who: Auth = Depends(auth), st: Store = Depends(store)
) -> Response:
    rows = st.query(
        "SELECT s.iso3, s.name, s.regional_group, count(DISTINCT rs.recommendation_pk) AS n "
        "FROM recommendation_states rs JOIN states s ON s.iso3 = rs.state "
        "JOIN recommendations r ON r.pk = rs.recommendation_pk "
        "WHERE r.is_primary = 1 AND r.kind = 'recommendation' "
        "GROUP BY s.iso3 ORDER BY s.name"
    )
    return render(request, "states.html", who, states=[dict(r) for r in rows])


@router.get("/states/{iso3}", response_class=HTMLResponse)
def state_page(
    request: Request,
    iso3: Annotated[str, Path(pattern=r"^[A-Za-z]{3}$")],
    who: Auth = Depends(auth),
    st: Store = Depends(store),
) -> Response:
    return render(request, "state.html", who, s=state_data(st, iso3))


def _draft_page(request: Request, who: Auth, st: Store, **ctx: Any) -> Response:
    ctx.setdefault("text", "")
    ctx.setdefault("sur", "")
    ctx.setdefault("from_state", "")
    ctx.setdefault("data", None)
    result = (ctx["data"] or {}).get("result")
    ctx["diagnosis"] = diagnosis_view(result.get("diagnosis") or {}) if result else None
    return render(
        request, "draft.html", who, opts=facet_options(request, st), max_chars=MAX_DRAFT, **ctx
    )


@router.get("/draft", response_class=HTMLResponse)
def draft_form(request: Request, who: Auth = Depends(auth), st: Store = Depends(store)) -> Response:
    return _draft_page(request, who, st)


@router.post("/draft", response_class=HTMLResponse)
def draft_check(
    request: Request,
    text: Annotated[str, Form(min_length=1, max_length=MAX_DRAFT)],
    sur: Annotated[str, Form(pattern=r"^[A-Za-z]{3}$")],
    from_state: Annotated[str | None, Form(pattern=r"^([A-Za-z]{3})?$")] = None,
    who: Auth = Depends(check_csrf),
    st: Store = Depends(store),
) -> Response:
    data = draft_data(st, text, sur=sur.upper(), from_state=(from_state or "").upper() or None)
    return _draft_page(
        request, who, st, text=text, sur=sur.upper(), from_state=from_state or "", data=data
    )
