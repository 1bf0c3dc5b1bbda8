"""The data behind each page, shared by the HTML pages and the JSON API."""

from __future__ import annotations

import dataclasses
import inspect
import threading
import time
from typing import Any

from uprlens.analyse.headline import headline
from uprlens.errors import RecordNotFound, UprlensError
from uprlens.lexicons.states import registry
from uprlens.store import Store
from uprlens.store.browse import RecFilter, browse, review_breakdown, similar, state_profile
from uprlens.store.coding import CODABLE, current_values
from uprlens.web.common import optional, plain
from uprlens.web.render import locate

__all__ = ["CountCache", "draft_data", "list_data", "rec_data", "review_data", "state_data"]

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


class CountCache:
    """Match counts per filter for a few seconds: paging through one filter counts once.

    A count can lag an import by at most ``ttl`` seconds; the rows themselves never lag.
    """

    def __init__(self, ttl: float = 10.0, size: int = 2048) -> None:
        self.ttl = ttl
        self.size = size
        self._data: dict[tuple[Any, ...], tuple[float, int]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def key(f: RecFilter) -> tuple[Any, ...]:
        data = dataclasses.asdict(f)
        for volatile in ("page", "per_page", "sort", "order"):
            data.pop(volatile)
        return tuple(sorted(data.items()))

    def get(self, f: RecFilter) -> int | None:
        hit = self._data.get(self.key(f))
        if hit and time.monotonic() - hit[0] < self.ttl:
            return hit[1]
        return None

    def put(self, f: RecFilter, total: int) -> None:
        with self._lock:
            if len(self._data) >= self.size:
                self._data.clear()
            self._data[self.key(f)] = (time.monotonic(), total)


def list_data(store: Store, f: RecFilter, counts: CountCache | None = None) -> dict[str, Any]:
    known = counts.get(f) if counts is not None else None
    total, rows = browse(store, f, known_total=known)
    if counts is not None and known is None:
        counts.put(f, total)
    for r in rows:
        r.pop("pk", None)
    pages = max(1, -(-total // f.per_page))
    return {"total": total, "page": f.page, "pages": pages, "per_page": f.per_page, "items": rows}


def rec_data(store: Store, rec_id: str) -> dict[str, Any]:
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
    match_texts = optional("uprlens.analyse.similarity", "match_texts")
    if match_texts is not None:
        rec["earlier"], rec["earlier_method"] = _earlier(store, rec, match_texts)
    else:
        rec["earlier"] = similar(
            store, rec["text"], exclude_id=rec_id, sur=rec["sur"], before_cycle=rec["cycle"]
        )
        rec["earlier_method"] = "full-text similarity within the same State under Review"
    rec["similar"] = similar(store, rec["text"], exclude_id=rec_id)
    return rec


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
    if not candidates:
        return [], method
    matches = match_texts([rec["text"]], [c["text"] for c in candidates], top_k=6)
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
