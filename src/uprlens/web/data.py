"""The data behind each page, shared by the HTML pages and the JSON API."""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import inspect
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

import anyio.to_thread
import numpy as np
from markupsafe import Markup

from uprlens.analyse.headline import headline
from uprlens.errors import RecordNotFound, UprlensError
from uprlens.lexicons.states import registry
from uprlens.store import Store
from uprlens.store.browse import (
    FLAGS,
    RecFilter,
    browse,
    keys_by_state,
    matching_pks,
    review_breakdown,
    rows_by_pk,
    search_keys,
    similar,
    state_profile,
)
from uprlens.store.coding import CODABLE, current_values
from uprlens.web.cache import DataCache
from uprlens.web.common import (
    CATEGORIES,
    GROUPS,
    POSITIONS,
    VERDICTS,
    kept_facet_options,
    kept_facets,
    optional,
    plain,
)
from uprlens.web.render import locate, table_row

__all__ = [
    "diagnosis_view",
    "draft_data",
    "list_data",
    "list_data_async",
    "rec_data",
    "related_data",
    "review_data",
    "state_data",
    "warm",
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


# Filters answered from kept sets of keys rather than by SQL. A regional group holds 15k
# recommendations and an action category up to 20k: SQL built one such set and probed each
# member for the others (about 100 ms for two of them), and any new combination paid it again.
# Instead each filter value's keys are kept (computed once per store change, or at a worker's
# start, see ``warm``), and a combination is a few boolean masks over the whole table's order:
# well under a millisecond for any number of filters. A filter with the SuR (an index narrows
# it to a few hundred rows) or a search (its own relevance order) is left to SQL.
_SET_FIELDS = (
    "state",
    "group",
    "category",
    "verdict",
    "flag",
    "theme",
    "affected",
    "position",
    "cycle",
)


def _by_sets(f: RecFilter) -> bool:
    # A search in the table's own order is one more set (the FTS index's keys, a few ms);
    # ranked by relevance it needs bm25 over every match, which SQL does.
    return not f.sur and not (f.q and f.sort == "relevance")


def _whole(f: RecFilter) -> RecFilter:
    """The unfiltered table in ``f``'s order (and choice of sources)."""
    return RecFilter(sort=f.sort, order=f.order, all_sources=f.all_sources)


def _matches(store: Store, f: RecFilter, cache: DataCache) -> list[int]:
    """What ``matching_pks(store, f)`` gives, from kept per-filter sets where that is cheaper."""
    if not _by_sets(f):
        return matching_pks(store, f)
    gen = cache.generation(store)
    whole = _whole(f)
    full = cache.get_or_compute(store, _result_key(whole), lambda: matching_pks(store, whole))
    parts = [(name, getattr(f, name)) for name in _SET_FIELDS if getattr(f, name) is not None]
    if f.q:
        parts.append(("q", f.q))
    if not parts:
        return full
    order: np.ndarray[Any, Any] = cache.get_or_compute(
        store, ("order", *_result_key(whole)), lambda: np.asarray(full, dtype=np.int64)
    )
    top = int(order.max()) + 1 if len(order) else 0
    keep = np.ones(top, dtype=bool)
    for name, value in parts:
        keys = _keys(store, cache, name, value, f.all_sources)
        if name == "q":  # the index also holds records outside the table (other sources)
            keys = keys[keys < top]
        member = np.zeros(top, dtype=bool)
        if len(keys):
            if int(keys.max()) >= top:
                return matching_pks(store, f)  # the store changed between the two reads
            member[keys] = True
        keep &= member
    if cache.generation(store) != gen:
        return matching_pks(store, f)  # the sets may come from two versions of the store
    return [int(pk) for pk in order[keep[order]]]


def _keys(
    store: Store, cache: DataCache, name: str, value: Any, all_sources: bool
) -> np.ndarray[Any, Any]:
    if name == "q":  # the same keys whatever the sources: the whole order filters them
        return cache.get_or_compute(  # type: ignore[no-any-return]
            store, ("keys", "q", value), lambda: np.asarray(search_keys(store, value), np.int64)
        )
    one = RecFilter(all_sources=all_sources, **{name: value})
    return cache.get_or_compute(  # type: ignore[no-any-return]
        store,
        ("keys", name, value, all_sources),
        lambda: np.asarray(matching_pks(store, one), dtype=np.int64),
    )


def _cheap(store: Store, f: RecFilter, cache: DataCache) -> bool:
    """Whether computing ``f``'s matches takes no more than a millisecond or two of SQLite: the
    SuR's index narrows to a few hundred rows, as does a recommending state's; kept sets only
    need combining. A new large set (a group, a category) or a search may take tens of ms."""
    if f.q and not _by_sets(f):
        return False  # ranked by bm25 over every match: tens of ms
    if f.sur:
        return True
    if cache.peek(store, _result_key(_whole(f))) is None:
        return False
    # A search's keys are one pass of the FTS index, 1-6 ms on 40k records: cheaper on the
    # loop than on a compute thread, which waits for the GIL at every row (measured: a 6 ms
    # search took 50-100 ms there under 16 concurrent clients).
    return all(
        name == "state"
        or cache.peek(store, ("keys", name, getattr(f, name), f.all_sources)) is not None
        for name in _SET_FIELDS
        if getattr(f, name) is not None
    )


async def list_data_async(
    store: Store, f: RecFilter, state: Any, *, html: bool = False
) -> dict[str, Any]:
    """``list_data`` for a route on the event loop: ``store`` is the loop's connection,
    ``state`` the app's state (its ``cache`` and ``pool``). ``html``: instead of ``items``, the
    page's table rows as HTML (``rows_html``), kept per recommendation (see ``_rows_html``).

    A filter seen before is a slice of its cached matches, and so is one that kept sets answer.
    A new one may take tens of milliseconds of SQLite (a search with thousands of matches, a
    large set not kept yet): it is computed on one of the app's compute threads
    (``app._compute_threads``), on that thread's connection, so the loop goes on answering
    other requests meanwhile.
    """
    cache: DataCache = state.cache
    key = _result_key(f)
    pks = cache.peek(store, key)
    if pks is None and _cheap(store, f, cache):
        pks = cache.get_or_compute(store, key, lambda: _matches(store, f, cache))
    if pks is None:

        def compute() -> list[int]:
            own = state.pool.get()
            return cache.get_or_compute(own, key, lambda: _matches(own, f, cache))

        executor = getattr(state, "compute", None)
        if executor is None:  # an app not started through its lifespan
            pks = await anyio.to_thread.run_sync(compute)
        else:
            pks = await _once(state.inflight, key, executor, compute)
    if not html:
        return _from_pks(store, f, pks)
    start = (f.page - 1) * f.per_page
    out = _page(f, len(pks), [])
    del out["items"]
    out["rows_html"] = _rows_html(store, cache, pks[start : start + f.per_page])
    return out


async def _once(
    inflight: dict[Any, asyncio.Future[list[int]]],
    key: Any,
    executor: Executor,
    compute: Callable[[], list[int]],
) -> list[int]:
    """``compute()`` on ``executor``; a request for the same ``key`` meanwhile waits for that
    result instead of computing it again (a popular new search, asked by several clients at
    once, costs one pass of the full-text index, not one each). ``inflight`` belongs to the
    event loop: only the loop's thread reads or changes it."""
    pending = inflight.get(key)
    if pending is None:
        pending = asyncio.get_running_loop().run_in_executor(executor, compute)
        inflight[key] = pending
        pending.add_done_callback(lambda _: inflight.pop(key, None))
    # Shielded: a client that goes away must not cancel the result others wait for.
    return await asyncio.shield(pending)


_ROWS_KEY = ("row_html",)


def _rows_html(store: Store, cache: DataCache, pks: list[int]) -> Markup:
    """The table rows of ``pks`` (``render.table_row``), each built once per store change.

    Reading 50 rows and their labels and escaping them cost over a millisecond a page, more
    than the rest of the page; a kept row is a dictionary lookup. The rows are kept in one
    dictionary that lives as long as the store does not change (as the lists of matches do),
    so at most one entry per recommendation.
    """
    kept: dict[int, str] = cache.get_or_compute(store, _ROWS_KEY, dict, lambda _: 1)
    missing = [pk for pk in pks if pk not in kept]
    if missing:
        for row in rows_by_pk(store, missing):
            kept[row["pk"]] = table_row(row)
    return Markup("".join([kept[pk] for pk in pks if pk in kept]))


def warm(store: Store, cache: DataCache, *, rows: bool = True) -> dict[str, int]:
    """Fill what a worker's first requests would otherwise each pay for: the filter form's
    choices, the whole table in its default order, the kept keys of every value of the
    fixed-choice filters and of every recommending state, and (``rows``) every authoritative
    recommendation's table row. Returns how many of each it kept. Run at a worker's start,
    before it accepts requests: about 1.5 s of CPU for 40k recommendations."""
    was_on = gc.isenabled()
    # Tens of thousands of new rows would set off collections that find nothing to free:
    # a third of the warm-up's CPU.
    gc.disable()
    try:
        return _warm(store, cache, rows)
    finally:
        # What was just kept lives as long as the worker: out of the collector's sight, or
        # every full collection walks it all (a 100 ms pause in some unlucky request).
        gc.freeze()
        if was_on:
            gc.enable()


def _warm(store: Store, cache: DataCache, rows: bool) -> dict[str, int]:
    opts = kept_facet_options(cache, store)
    fc = kept_facets(cache, store)
    whole = RecFilter()
    full = cache.get_or_compute(store, _result_key(whole), lambda: matching_pks(store, whole))
    cache.get_or_compute(
        store, ("order", *_result_key(whole)), lambda: np.asarray(full, dtype=np.int64)
    )
    choices: dict[str, Any] = {
        "group": GROUPS,
        "category": CATEGORIES,
        "position": POSITIONS,
        "cycle": fc.cycles,
        "verdict": VERDICTS,
        "flag": FLAGS,
    }
    n_keys = 0
    for name, values in choices.items():
        for value in values:
            _keys(store, cache, name, value, False)
            n_keys += 1
    for iso3, pks in keys_by_state(store).items():
        cache.get_or_compute(
            store,
            ("keys", "state", iso3, False),
            lambda pks=pks: np.asarray(pks, dtype=np.int64),  # type: ignore[misc]
        )
        n_keys += 1
    n_rows = 0
    if rows:
        for i in range(0, len(full), 500):
            _rows_html(store, cache, full[i : i + 500])
        n_rows = len(cache.peek(store, _ROWS_KEY) or ())
    return {"options": len(opts), "key_sets": n_keys, "rows": n_rows, "matches": len(full)}


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
