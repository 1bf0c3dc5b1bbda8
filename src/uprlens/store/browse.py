"""Read-only queries behind the web pages: the filtered recommendation table, breakdowns of a
review and of a recommending state, similar recommendations.

Every value reaches SQLite as a bound parameter; sort columns come from a fixed whitelist.
Each page costs a fixed number of queries (no query per row).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any

from uprlens.errors import StoreError
from uprlens.store.db import Store, _fts_query

__all__ = [
    "FLAGS",
    "SORTS",
    "Facets",
    "RecFilter",
    "browse",
    "facets",
    "keys_by_state",
    "matching_pks",
    "rows_by_pk",
    "review_breakdown",
    "similar",
    "state_profile",
]

FLAGS = (
    "continue_framing",
    "unnamed_group",
    "cites_un_expert",
    "time_bound",
    "assistance_or_sharing",
    "praise",
)
SORTS: dict[str, str] = {
    "review": "r.sur {o}, r.cycle {o}, r.pk {o}",
    "cycle": "r.cycle {o}, r.sur, r.pk",
    "position": "r.position {o}, r.sur, r.cycle, r.pk",
    "states": "r.n_states {o}, r.pk",
    "length": "length(r.text) {o}, r.pk",
    "relevance": "f.rank {o}, r.pk",
}
# Words too common in recommendations to say what one is about.
_STOP = frozenset(
    """the and for with that this its all their from into such which have has are was were been
    being also other take ensure continue further efforts measures including include state
    states government national law laws right rights human consider adopt strengthen promote
    protect implement establish effective necessary order particular well those these them
    they shall should would could within under between through against regard""".split()  # noqa: SIM905
)


@dataclass
class RecFilter:
    """The filter of the recommendation table, as it appears in the URL."""

    sur: str | None = None
    cycle: int | None = None
    state: str | None = None  # recommending state, ISO3
    group: str | None = None  # regional group of a recommending state
    position: str | None = None
    category: str | None = None  # action category 1-5, human or machine
    verdict: str | None = None
    flag: str | None = None  # a flag that is set ("1")
    theme: str | None = None
    affected: str | None = None
    q: str | None = None
    all_sources: bool = False  # False: only each review's authoritative source
    sort: str = "review"
    order: str = "asc"
    page: int = 1
    per_page: int = 50

    def params(self, **change: Any) -> dict[str, Any]:
        """The non-default fields (with ``change`` applied), for building a URL."""
        # A shallow copy: every field is a scalar, and asdict's deep copy costs more than the
        # rest of a page's links together (a table page builds about a dozen).
        data = {name: getattr(self, name) for name in _FILTER_FIELDS}
        data.update(change)
        return {
            k: v
            for k, v in data.items()
            if v not in (None, "", False)
            and (k not in _FILTER_DEFAULTS or v != _FILTER_DEFAULTS[k])
        }


_FILTER_DEFAULTS = {f.name: f.default for f in fields(RecFilter)}
_FILTER_FIELDS = tuple(_FILTER_DEFAULTS)


@dataclass
class Facets:
    surs: list[tuple[str, str]]  # (iso3, name)
    cycles: list[int]
    states: list[tuple[str, str]]
    groups: list[str]
    positions: list[str]
    themes: list[str]
    affected: list[str]


def _where(f: RecFilter) -> tuple[str, str, list[Any]]:
    where = ["r.kind = 'recommendation'"]
    params: list[Any] = []
    join = ""
    if f.q:
        q = _fts_query(f.q)
        if not q:
            raise StoreError(f"nothing to search for in {f.q!r}: give at least one word")
        join = "JOIN recommendations_fts f ON f.rowid = r.pk"
        where.append("recommendations_fts MATCH ?")
        params.append(q)
    if not f.all_sources:
        where.append("r.is_primary = 1")
    if f.sur:
        where.append("r.sur = ?")
        params.append(f.sur.upper())
    if f.cycle is not None:
        where.append("r.cycle = ?")
        params.append(f.cycle)
    if f.position:
        if f.position == "unknown":
            where.append("r.position IS NULL")
        else:
            where.append("r.position = ?")
            params.append(f.position)
    # Each label filter is a set of recommendation keys. One of them (the most selective kind)
    # may drive the query as an IN over a subquery, built once; the others are checked per
    # candidate row with an EXISTS on the table's primary key, which starts with
    # recommendation_pk. Building every set and intersecting them costs tens of milliseconds
    # on 40k rows (a regional group alone holds 15k); probing a few hundred rows, well under one.
    # When the SuR or a search already narrows the rows, every label filter is a probe.
    label_filters: list[tuple[str, str, list[Any]]] = []  # (IN subquery, EXISTS body, params)
    if f.state:
        label_filters.append(
            (
                "SELECT recommendation_pk FROM recommendation_states WHERE state = ?",
                "SELECT 1 FROM recommendation_states x WHERE x.recommendation_pk = r.pk "
                "AND x.state = ?",
                [f.state.upper()],
            )
        )
    if f.flag:
        if f.flag not in FLAGS:
            raise StoreError(f"unknown flag {f.flag!r}; choose one of {', '.join(FLAGS)}")
        label_filters.append(
            (
                "SELECT recommendation_pk FROM machine_labels WHERE label = ? AND value = '1'",
                "SELECT 1 FROM machine_labels x WHERE x.recommendation_pk = r.pk "
                "AND x.label = ? AND x.value = '1'",
                [f.flag],
            )
        )
    if f.verdict:
        label_filters.append(
            (
                "SELECT recommendation_pk FROM machine_labels WHERE label = 'verdict' "
                "AND value = ?",
                "SELECT 1 FROM machine_labels x WHERE x.recommendation_pk = r.pk "
                "AND x.label = 'verdict' AND x.value = ?",
                [f.verdict],
            )
        )
    for scheme, value in (("theme", f.theme), ("affected_persons", f.affected)):
        if value:
            label_filters.append(
                (
                    "SELECT recommendation_pk FROM tags WHERE scheme = ? AND value = ?",
                    "SELECT 1 FROM tags x WHERE x.recommendation_pk = r.pk "
                    "AND x.scheme = ? AND x.value = ?",
                    [scheme, value],
                )
            )
    if f.category:
        label_filters.append(
            (
                "SELECT recommendation_pk FROM machine_labels WHERE label = 'action_category' "
                "AND value = ? UNION SELECT recommendation_pk FROM human_labels "
                "WHERE label = 'action_category' AND value = ?",
                "SELECT 1 FROM machine_labels x WHERE x.recommendation_pk = r.pk "
                "AND x.label = 'action_category' AND x.value = ? UNION ALL "
                "SELECT 1 FROM human_labels x WHERE x.recommendation_pk = r.pk "
                "AND x.label = 'action_category' AND x.value = ?",
                [f.category, f.category],
            )
        )
    if f.group:
        label_filters.append(
            (
                "SELECT rs.recommendation_pk FROM recommendation_states rs "
                "JOIN states s ON s.iso3 = rs.state WHERE s.regional_group = ?",
                "SELECT 1 FROM recommendation_states x JOIN states s ON s.iso3 = x.state "
                "WHERE x.recommendation_pk = r.pk AND s.regional_group = ?",
                [f.group],
            )
        )
    narrowed = bool(f.sur or f.q)
    for i, (subquery, probe, values) in enumerate(label_filters):
        if i == 0 and not narrowed:
            where.append(f"r.pk IN ({subquery})")
        else:
            where.append(f"EXISTS ({probe})")
        params += values
    return join, " AND ".join(where), params


def _check_sort(f: RecFilter) -> None:
    if f.sort not in SORTS:
        raise StoreError(f"unknown sort {f.sort!r}; choose one of {', '.join(SORTS)}")
    if f.sort == "relevance" and not f.q:
        raise StoreError("sort=relevance needs a search (q=...)")


def _user_query(f: RecFilter, sql: str, store: Store, params: list[Any]) -> list[Any]:
    try:
        return store.query(sql, params)
    except Exception as exc:  # sqlite3 errors from an odd FTS query: the user's input
        if exc.__class__.__module__ == "sqlite3":
            raise StoreError(f"the search {f.q!r} could not be run: {exc}") from None
        raise


_ROW_COLUMNS = (
    "r.pk, r.id, r.review_id, r.sur, r.cycle, r.paragraph, r.text, r.states, r.n_states, "
    "r.position, r.source_kind"
)


def browse(
    store: Store, f: RecFilter, *, known_total: int | None = None
) -> tuple[int, list[dict[str, Any]]]:
    """(number of matches, the requested page) of recommendations, with their labels.
    ``known_total``: the count for this filter when the caller has it (skips counting)."""
    _check_sort(f)
    direction = "DESC" if f.order == "desc" else "ASC"
    join, where, params = _where(f)
    if known_total is None:
        sql = f"SELECT count(*) FROM recommendations r {join} WHERE {where}"
        total = int(_user_query(f, sql, store, params)[0][0])
    else:
        total = known_total
    rows = [
        dict(r)
        for r in _user_query(
            f,
            f"SELECT {_ROW_COLUMNS} FROM recommendations r {join} WHERE {where} "
            f"ORDER BY {SORTS[f.sort].format(o=direction)} LIMIT ? OFFSET ?",
            store,
            [*params, f.per_page, (f.page - 1) * f.per_page],
        )
    ]
    _attach_labels(store, rows)
    return total, rows


def matching_pks(store: Store, f: RecFilter) -> list[int]:
    """The keys of every recommendation ``f`` matches, in its sort order (page ignored): its
    length is the count and any page is a slice, so a caller that keeps it pages for free."""
    _check_sort(f)
    direction = "DESC" if f.order == "desc" else "ASC"
    join, where, params = _where(f)
    sql = (
        f"SELECT r.pk FROM recommendations r {join} WHERE {where} "
        f"ORDER BY {SORTS[f.sort].format(o=direction)}"
    )
    return [int(r[0]) for r in _user_query(f, sql, store, params)]


def search_keys(store: Store, q: str) -> list[int]:
    """The keys of every record the full-text search ``q`` matches, unordered and unfiltered:
    what the search adds to ``matching_pks``'s WHERE, for a caller that sorts and filters the
    keys itself (the FTS rowid is the recommendation's key)."""
    fts = _fts_query(q)
    if not fts:
        raise StoreError(f"nothing to search for in {q!r}: give at least one word")
    sql = "SELECT rowid FROM recommendations_fts WHERE recommendations_fts MATCH ?"
    return [int(r[0]) for r in _user_query(RecFilter(q=q), sql, store, [fts])]


def keys_by_state(store: Store, *, all_sources: bool = False) -> dict[str, list[int]]:
    """For every recommending state, the keys ``matching_pks(store, RecFilter(state=...))``
    finds (unordered, each once), all in one pass over the table: one query per state costs
    a few ms each, two hundred times."""
    primary = "" if all_sources else " AND r.is_primary = 1"
    out: dict[str, set[int]] = {}
    for state, pk in store.query(
        "SELECT rs.state, rs.recommendation_pk FROM recommendation_states rs "
        "JOIN recommendations r ON r.pk = rs.recommendation_pk "
        f"WHERE r.kind = 'recommendation'{primary}"
    ):
        out.setdefault(state, set()).add(int(pk))
    return {state: sorted(pks) for state, pks in out.items()}


def rows_by_pk(store: Store, pks: list[int]) -> list[dict[str, Any]]:
    """The table rows (with labels, as ``browse`` gives them) of ``pks``, in that order."""
    if not pks:
        return []
    marks = ",".join("?" * len(pks))
    found = {
        r["pk"]: dict(r)
        for r in store.query(
            f"SELECT {_ROW_COLUMNS} FROM recommendations r WHERE r.pk IN ({marks})", pks
        )
    }
    rows = [found[pk] for pk in pks if pk in found]
    _attach_labels(store, rows)
    return rows


def _attach_labels(store: Store, rows: list[dict[str, Any]]) -> None:
    """Add category, verdict and flags to a page of rows in two queries."""
    by_pk = {r["pk"]: r for r in rows}
    for r in rows:
        r.update(category_human=None, category_machine=None, verdict=None, flags=[])
    if not by_pk:
        return
    marks = ",".join("?" * len(by_pk))
    pks = list(by_pk)
    for m in store.query(
        f"SELECT recommendation_pk AS pk, label, value FROM machine_labels "
        f"WHERE recommendation_pk IN ({marks}) AND label IN ('action_category', 'verdict', "
        f"{','.join('?' * len(FLAGS))})",
        [*pks, *FLAGS],
    ):
        row = by_pk[m["pk"]]
        if m["label"] == "action_category":
            row["category_machine"] = m["value"]
        elif m["label"] == "verdict":
            row["verdict"] = m["value"]
        elif m["value"] == "1":
            row["flags"].append(m["label"])
    for h in store.query(
        f"SELECT recommendation_pk AS pk, group_concat(DISTINCT value) AS v FROM human_labels "
        f"WHERE recommendation_pk IN ({marks}) AND label = 'action_category' "
        "GROUP BY recommendation_pk",
        pks,
    ):
        by_pk[h["pk"]]["category_human"] = h["v"]


def facets(store: Store) -> Facets:
    """The choices of the filter form: what the store holds."""
    return Facets(
        surs=[
            (r["iso3"], r["name"])
            for r in store.query(
                "SELECT DISTINCT v.sur AS iso3, s.name FROM reviews v JOIN states s "
                "ON s.iso3 = v.sur ORDER BY s.name"
            )
        ],
        cycles=[int(r[0]) for r in store.query("SELECT DISTINCT cycle FROM reviews ORDER BY 1")],
        states=[
            (r["iso3"], r["name"])
            for r in store.query(
                "SELECT s.iso3, s.name FROM states s WHERE EXISTS (SELECT 1 FROM "
                "recommendation_states rs WHERE rs.state = s.iso3) ORDER BY s.name"
            )
        ],
        groups=[r[0] for r in store.query("SELECT DISTINCT regional_group FROM states ORDER BY 1")],
        positions=[
            r[0]
            for r in store.query(
                "SELECT DISTINCT position FROM recommendations WHERE position IS NOT NULL "
                "ORDER BY 1"
            )
        ],
        themes=[
            r[0]
            for r in store.query(
                "SELECT DISTINCT value FROM tags WHERE scheme = 'theme' ORDER BY 1 LIMIT 2000"
            )
        ],
        affected=[
            r[0]
            for r in store.query(
                "SELECT DISTINCT value FROM tags WHERE scheme = 'affected_persons' "
                "ORDER BY 1 LIMIT 2000"
            )
        ],
    )


def _counts(store: Store, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    return [dict(r) for r in store.query(sql, params)]


def review_breakdown(store: Store, review_id: str) -> dict[str, Any]:
    """Counts behind a review's dashboard charts (unit: paragraph unless said otherwise)."""
    base = "r.review_id = ? AND r.is_primary = 1 AND r.kind = 'recommendation'"
    return {
        "positions": _counts(
            store,
            "SELECT coalesce(position, 'unknown') AS key, count(*) AS n FROM recommendations r "
            f"WHERE {base} GROUP BY key ORDER BY n DESC",
            [review_id],
        ),
        "category_machine": _counts(
            store,
            "SELECT m.value AS key, count(*) AS n, sum(r.position = 'supported') AS supported "
            "FROM recommendations r JOIN machine_labels m ON m.recommendation_pk = r.pk "
            f"AND m.label = 'action_category' WHERE {base} GROUP BY key ORDER BY key",
            [review_id],
        ),
        "category_human": _counts(
            store,
            "SELECT h.value AS key, count(DISTINCT r.pk) AS n, "
            "count(DISTINCT CASE WHEN r.position = 'supported' THEN r.pk END) AS supported "
            "FROM recommendations r JOIN human_labels h ON h.recommendation_pk = r.pk "
            f"AND h.label = 'action_category' WHERE {base} GROUP BY key ORDER BY key",
            [review_id],
        ),
        "verdicts": _counts(
            store,
            "SELECT m.value AS key, count(*) AS n FROM recommendations r JOIN machine_labels m "
            f"ON m.recommendation_pk = r.pk AND m.label = 'verdict' WHERE {base} "
            "GROUP BY key ORDER BY n DESC",
            [review_id],
        ),
        "groups": _counts(
            store,
            "SELECT s.regional_group AS key, count(DISTINCT r.pk) AS n, "
            "count(DISTINCT CASE WHEN r.position = 'supported' THEN r.pk END) AS supported "
            "FROM recommendations r JOIN recommendation_states rs ON rs.recommendation_pk = r.pk "
            f"JOIN states s ON s.iso3 = rs.state WHERE {base} GROUP BY key ORDER BY n DESC",
            [review_id],
        ),
        "states": _counts(
            store,
            "SELECT rs.state AS key, s.name, count(DISTINCT r.pk) AS n FROM recommendations r "
            "JOIN recommendation_states rs ON rs.recommendation_pk = r.pk "
            f"JOIN states s ON s.iso3 = rs.state WHERE {base} GROUP BY key "
            "ORDER BY n DESC, key LIMIT 15",
            [review_id],
        ),
        "themes": _counts(
            store,
            "SELECT t.value AS key, count(*) AS n FROM recommendations r JOIN tags t "
            f"ON t.recommendation_pk = r.pk AND t.scheme = 'theme' WHERE {base} "
            "GROUP BY key ORDER BY n DESC, key LIMIT 15",
            [review_id],
        ),
    }


def state_profile(store: Store, iso3: str) -> dict[str, Any]:
    """What one state recommended across every review in the store, and how it fared."""
    made = (
        "FROM recommendations r JOIN recommendation_states rs ON rs.recommendation_pk = r.pk "
        "WHERE rs.state = ? AND r.is_primary = 1 AND r.kind = 'recommendation'"
    )
    by_cycle = _counts(
        store,
        "SELECT r.cycle AS key, count(DISTINCT r.pk) AS n, "
        "count(DISTINCT CASE WHEN r.position = 'supported' THEN r.pk END) AS supported, "
        "count(DISTINCT CASE WHEN r.position = 'noted' THEN r.pk END) AS noted, "
        f"count(DISTINCT r.sur) AS surs {made} GROUP BY key ORDER BY key",
        [iso3],
    )
    return {
        "total": sum(r["n"] for r in by_cycle),
        "by_cycle": by_cycle,
        "positions": _counts(
            store,
            f"SELECT coalesce(r.position, 'unknown') AS key, count(DISTINCT r.pk) AS n {made} "
            "GROUP BY key ORDER BY n DESC",
            [iso3],
        ),
        "surs": _counts(
            store,
            f"SELECT r.sur AS key, s.name, count(DISTINCT r.pk) AS n {made.replace('WHERE', 'JOIN states s ON s.iso3 = r.sur WHERE')} "
            "GROUP BY key ORDER BY n DESC, key LIMIT 20",
            [iso3],
        ),
        "category_human": _counts(
            store,
            "SELECT h.value AS key, count(DISTINCT r.pk) AS n FROM recommendations r "
            "JOIN recommendation_states rs ON rs.recommendation_pk = r.pk "
            "JOIN human_labels h ON h.recommendation_pk = r.pk AND h.label = 'action_category' "
            "AND (h.part = 0 OR h.part = rs.part) WHERE rs.state = ? AND r.is_primary = 1 "
            "AND r.kind = 'recommendation' GROUP BY key ORDER BY key",
            [iso3],
        ),
        "category_machine": _counts(
            store,
            "SELECT m.value AS key, count(DISTINCT r.pk) AS n FROM recommendations r "
            "JOIN recommendation_states rs ON rs.recommendation_pk = r.pk "
            "JOIN machine_labels m ON m.recommendation_pk = r.pk AND m.label = 'action_category' "
            "WHERE rs.state = ? AND r.is_primary = 1 AND r.kind = 'recommendation' "
            "GROUP BY key ORDER BY key",
            [iso3],
        ),
    }


def _key_words(text: str, n: int = 6) -> list[str]:
    words = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'-]{3,}", text)]
    seen: dict[str, None] = {}
    for w in words:
        if w not in _STOP:
            seen.setdefault(w.strip("'-"), None)
    # Longer words tend to be the rarer, more telling ones.
    return sorted(seen, key=len, reverse=True)[:n]


def similar(
    store: Store,
    text: str,
    *,
    exclude_id: str,
    sur: str | None = None,
    before_cycle: int | None = None,
    limit: int = 6,
) -> list[dict[str, Any]]:
    """Recommendations that share the most telling words with ``text`` (FTS5 rank, any word)."""
    words = _key_words(text)
    if not words:
        return []
    match = " OR ".join(f'"{w}"' for w in words)
    where = ["recommendations_fts MATCH ?", "r.id != ?", "r.kind = 'recommendation'"]
    params: list[Any] = [match, exclude_id]
    if sur:
        where.append("r.sur = ?")
        params.append(sur)
    if before_cycle is not None:
        where.append("r.cycle < ?")
        params.append(before_cycle)
    rows = store.query(
        "SELECT r.id, r.sur, r.cycle, r.text, r.states, r.position FROM recommendations_fts f "
        f"JOIN recommendations r ON r.pk = f.rowid WHERE {' AND '.join(where)} "
        "ORDER BY f.rank LIMIT ?",
        [*params, limit * 3],
    )
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for r in rows:
        if r["id"] in seen:
            continue
        seen.add(r["id"])
        out.append(dict(r))
        if len(out) == limit:
            break
    return out
