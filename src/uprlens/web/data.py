"""The data behind each page, shared by the HTML pages and the JSON API."""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any

import anyio.to_thread

from uprlens.analyse.headline import headline
from uprlens.errors import RecordNotFound, UprlensError
from uprlens.lexicons.states import registry
from uprlens.store import Store
from uprlens.store.browse import (
    RecFilter,
    browse,
    matching_pks,
    review_breakdown,
    rows_by_pk,
    similar,
    state_profile,
)
from uprlens.store.coding import CODABLE, current_values
from uprlens.web.cache import DataCache
from uprlens.web.common import optional, plain
from uprlens.web.render import locate

__all__ = [
    "diagnosis_view",
    "draft_data",
    "list_data",
    "list_data_async",
    "rec_data",
    "related_data",
    "review_data",
    "state_data",
]

MAX_DRAFT = 5000


def review_data(store: Store, sur: str, cycle: int) -> dict[str, Any]:
    h = headline(store, sur.upper(), cycle)
    audit_fn = optional("uprlens.analyse.audit", "audit")
    audit: Any = None
    audit_error = None
    if audit_fn is not None:
        kwargs = {}
        if "classify_missing" in inspect.signature(audit_fn).parameters:
            # Classifying a whole review inside a page request would take minutes: the page
            # shows what is labelled and the audit's notes say what is not.
            kwargs["classify_missing"] = False
        try:
            audit = plain(audit_fn(store, h.sur, cycle, **kwargs))
        except UprlensError as exc:
            audit_error = str(exc)
    return {
        "headline": h.as_dict(),
        "breakdown": review_breakdown(store, h.review_id),
        "audit": audit,
        "audit_available": audit_fn is not None,
        "audit_error": audit_error,
    }


def _result_key(f: RecFilter) -> tuple[Any, ...]:
    volatile = ("page", "per_page")
    data = {x.name: getattr(f, x.name) for x in dataclasses.fields(f) if x.name not in volatile}
    return ("matches", *sorted(data.items()))


def list_data(store: Store, f: RecFilter, cache: DataCache | None = None) -> dict[str, Any]:
    """One page of the table. With ``cache``, the ordered matches of a filter are computed once
    per store change, and every page (and the count) is read from them."""
    if cache is None:
        total, rows = browse(store, f)
        return _page(f, total, rows)
    pks = cache.get_or_compute(store, _result_key(f), lambda: _matches(store, f, cache))
    return _from_pks(store, f, pks)


# Label filters whose sets of keys are large (a regional group holds 15k recommendations, an
# action category up to 20k). Two of them together took SQL about 100 ms: it built one set and
# probed each member for the other. Each one's set is kept instead, and a combination is their
# intersection in the whole table's order: a few ms once the sets are kept. A filter with a
# selective index (the SuR, a recommending state) or a search (its own relevance order) is
# left to SQL, which answers it in a few ms.
_SET_FIELDS = ("group", "category", "verdict", "flag", "theme", "affected", "position", "cycle")
# A few matches are sorted by their rank in the whole table; more are picked from it in order.
_SORT_BELOW = 16


def _matches(store: Store, f: RecFilter, cache: DataCache) -> list[int]:
    """What ``matching_pks(store, f)`` gives, from kept per-filter sets where that is cheaper."""
    parts = [(name, getattr(f, name)) for name in _SET_FIELDS if getattr(f, name) is not None]
    labels = [name for name, _ in parts if name not in ("position", "cycle")]
    if f.q or f.sur or f.state or len(labels) < 2:
        return matching_pks(store, f)
    whole = RecFilter(sort=f.sort, order=f.order, all_sources=f.all_sources)
    full = cache.get_or_compute(store, _result_key(whole), lambda: matching_pks(store, whole))
    sets = sorted(
        (_keys(store, cache, name, value, f.all_sources) for name, value in parts), key=len
    )
    found = set(sets[0]).intersection(*sets[1:])
    if len(found) * _SORT_BELOW < len(full):
        rank = cache.get_or_compute(
            store,
            ("rank", *_result_key(whole)),
            lambda: {pk: i for i, pk in enumerate(full)},
        )
        return sorted(found, key=rank.__getitem__)
    return [pk for pk in full if pk in found]


def _keys(
    store: Store, cache: DataCache, name: str, value: Any, all_sources: bool
) -> frozenset[int]:
    one = RecFilter(all_sources=all_sources, **{name: value})
    return cache.get_or_compute(  # type: ignore[no-any-return]
        store, ("keys", name, value, all_sources), lambda: frozenset(matching_pks(store, one))
    )


async def list_data_async(store: Store, f: RecFilter, state: Any) -> dict[str, Any]:
    """``list_data`` for a route on the event loop: ``store`` is the loop's connection,
    ``state`` the app's state (its ``cache`` and ``pool``).

    A filter seen before is a slice of its cached matches. A new one may take tens of
    milliseconds of SQLite: it is computed in the thread pool, on that thread's connection
    from the pool, so the loop goes on answering other requests meanwhile. (Capping these
    at two threads a worker, to spare each new thread's connection and fingerprint of the
    store, about 7 ms, made a burst of new filters queue: p50 of filters 82 -> 218 ms.)
    """
    cache: DataCache = state.cache
    key = _result_key(f)
    pks = cache.peek(store, key)
    if pks is None and (f.sur or f.state) and not f.q:
        # An indexed SuR or recommending state narrows the rows to a few hundred: a
        # millisecond or two on the loop costs less than the hop to a thread and back.
        pks = cache.get_or_compute(store, key, lambda: _matches(store, f, cache))
    if pks is None:

        def compute() -> list[int]:
            own = state.pool.get()
            return cache.get_or_compute(own, key, lambda: _matches(own, f, cache))

        pks = await anyio.to_thread.run_sync(compute)
    return _from_pks(store, f, pks)


def _from_pks(store: Store, f: RecFilter, pks: list[int]) -> dict[str, Any]:
    start = (f.page - 1) * f.per_page
    return _page(f, len(pks), rows_by_pk(store, pks[start : start + f.per_page]))


def _page(f: RecFilter, total: int, rows: list[dict[str, Any]]) -> dict[str, Any]:
    for r in rows:
        r.pop("pk", None)
    pages = max(1, -(-total // f.per_page))
    return {"total": total, "page": f.page, "pages": pages, "per_page": f.per_page, "items": rows}


def rec_data(store: Store, rec_id: str, *, related: bool = True) -> dict[str, Any]:
    """One recommendation with everything its page shows. ``related=False`` leaves out the
    earlier-cycle and similar recommendations (``related_data``), the slow part: the page
    loads them separately."""
    rec = store.recommendation(rec_id)
    reg = registry()
    rec.pop("pk", None)
    located, unlocated = [], []
    for ev in rec["evidence"]:
        (located if locate(rec["text"], ev) else unlocated).append(ev)
    rec["evidence_unlocated"] = unlocated
    rec["state_names"] = {
        s: reg.name(s) for s in [x for x in rec["states"].split("; ") if x] + [rec["sur"]]
    }
    rec["coder_values"] = current_values(store, rec_id)
    rec["codable"] = {k: list(v) for k, v in CODABLE.items()}
    baseline: dict[str, str] = {}
    for lab in rec["human_labels"]:
        if lab["label"] in CODABLE:
            baseline.setdefault(lab["label"], lab["value"])
    for lab in rec["machine_labels"]:
        if lab["label"] in CODABLE:
            baseline[lab["label"]] = lab["value"]
    rec["baseline"] = baseline
    if related:
        rec.update(_related(store, rec))
    return rec


def related_data(store: Store, rec_id: str) -> dict[str, Any]:
    """The recommendation's id, text and place, with its earlier-cycle and similar ones."""
    row = store.query(
        "SELECT id, sur, cycle, text FROM recommendations WHERE id = ? "
        "ORDER BY is_primary DESC, pk LIMIT 1",
        (rec_id,),
    )
    if not row:
        raise RecordNotFound(f"no recommendation with id {rec_id!r}; search with /recommendations")
    rec = dict(row[0])
    return {**rec, **_related(store, rec)}


def _related(store: Store, rec: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    match_texts = optional("uprlens.analyse.similarity", "match_texts")
    if match_texts is not None:
        out["earlier"], out["earlier_method"] = _earlier(store, rec, match_texts)
    else:
        out["earlier"] = similar(
            store, rec["text"], exclude_id=rec["id"], sur=rec["sur"], before_cycle=rec["cycle"]
        )
        out["earlier_method"] = "full-text similarity within the same State under Review"
    out["similar"] = similar(store, rec["text"], exclude_id=rec["id"])
    return out


def _earlier(store: Store, rec: dict[str, Any], match_texts: Any) -> tuple[list[Any], str]:
    """The same SuR's earlier-cycle recommendations that the cross-cycle linker
    (uprlens.analyse.similarity, as used by uprlens.analyse.cycles) finds similar."""
    candidates = [
        dict(r)
        for r in store.query(
            "SELECT id, sur, cycle, text, states, position FROM recommendations "
            "WHERE sur = ? AND cycle < ? AND is_primary = 1 AND kind = 'recommendation' "
            "ORDER BY cycle, pk",
            (rec["sur"], rec["cycle"]),
        )
    ]
    method = "uprlens.analyse.similarity (the cross-cycle linker)"
    kwargs: dict[str, Any] = {}
    if "semantic" in inspect.signature(match_texts).parameters:
        # Sentence vectors for every earlier recommendation of the SuR would mean running the
        # embedding model over hundreds of texts inside one page request (seconds of CPU).
        kwargs["semantic"] = False
        method += ", word overlap (TF-IDF) only, without sentence vectors"
    if not candidates:
        return [], method
    matches = match_texts([rec["text"]], [c["text"] for c in candidates], top_k=6, **kwargs)
    out = []
    for m in sorted(matches, key=lambda m: -m.score):
        row = dict(candidates[m.j])
        row["score"] = round(float(m.score), 3)
        out.append(row)
    return out, method


def state_data(store: Store, iso3: str) -> dict[str, Any]:
    reg = registry()
    code = iso3.upper()
    state = reg.get(code) if code in reg else None
    if state is None:
        raise RecordNotFound(f"no state with ISO3 code {iso3!r}; see /states for the list")
    profile = state_profile(store, code)
    return {
        "iso3": code,
        "name": state.un_name,
        "regional_group": state.regional_group,
        "organisations": list(state.organisations),
        "status": state.status,
        **profile,
    }


def draft_data(
    store: Store,
    text: str,
    *,
    sur: str,
    from_state: str | None = None,
    cycle: int | None = None,
) -> dict[str, Any]:
    check = optional("uprlens.draft", "check")
    if check is None:
        return {"available": False, "result": None}
    result = check(text, sur=sur, cycle=cycle, store=store, from_state=from_state or None)
    return {"available": True, "result": plain(result)}


# The labels the page lists first; flags set to "0" are left out, as in draft.render_text.
_LEADING = ("verdict", "action_category")


def diagnosis_view(d: dict[str, Any]) -> dict[str, Any]:
    """From a check result's ``diagnosis`` (Classification.to_dict()): its labels in the
    page's order, and every evidence span tagged with the label it supports (for
    ``highlight``)."""
    labels = d.get("labels") or {}
    names = [n for n in _LEADING if n in labels] + [n for n in labels if n not in _LEADING]
    rows, spans = [], []
    for name in names:
        lab = labels[name]
        value = str(lab.get("value", ""))
        if name not in _LEADING and value == "0":
            continue
        evidence = list(lab.get("evidence") or [])
        rows.append({"name": name, "value": value, "evidence": evidence})
        spans += [{**ev, "label": name, "value": value} for ev in evidence]
    tags = {
        key: [str(t.get("value", "")) for t in d.get(key) or []]
        for key in ("themes", "affected_persons", "issues")
    }
    return {"labels": rows, "evidence": spans, "tags": tags}
