"""Caches of what only changes when the store does: the filter form's choices and, per filter,
the ordered list of matching recommendations (which gives both the count and every page).

Entries are keyed on a generation. When a connection of this process sees that another
connection committed to the store (``PRAGMA data_version``), the cache compares a fingerprint
of the tables the lists are made of (counts and largest rowids) with the last one; if it moved
(an import, a classifier run) the caches empty, so a page never shows data older than the last
commit it could see.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from uprlens.store import Store

__all__ = ["DataCache"]

T = TypeVar("T")

# What the cached lists are computed from. Imports replace a source's rows (new content hash,
# new rowids); a classifier run deletes and inserts machine labels and tags (new rowids).
_FINGERPRINT = (
    "SELECT (SELECT count(*) FROM sources), (SELECT group_concat(content_hash) FROM sources), "
    "(SELECT max(rowid) FROM recommendations), (SELECT count(*) FROM recommendations), "
    "(SELECT max(rowid) FROM machine_labels), (SELECT count(*) FROM machine_labels), "
    "(SELECT max(rowid) FROM tags), (SELECT count(*) FROM tags), "
    "(SELECT max(rowid) FROM human_labels), (SELECT count(*) FROM human_labels)"
)


class DataCache:
    """Per-process cache, safe across threads. ``max_items``: a bound on the summed sizes of
    the kept values (e.g. the number of keys of all cached result lists), so that many large
    results cannot exhaust memory."""

    def __init__(self, max_items: int = 2_000_000) -> None:
        self.max_items = max_items
        self._lock = threading.Lock()
        self._generation = 0
        self._seen: dict[int, int] = {}  # id(connection) -> its last data_version
        self._mark: tuple[Any, ...] | None = None
        self._data: OrderedDict[Any, tuple[int, int, Any]] = OrderedDict()
        self._items = 0

    def generation(self, store: Store) -> int:
        """The generation, after checking whether the store changed under ``store``'s connection."""
        version = int(store.conn.execute("PRAGMA data_version").fetchone()[0])
        key = id(store.conn)
        if self._seen.get(key) == version:
            return self._generation
        # Something was committed (or this connection is new): a login or a coder's override
        # changes nothing cached here, so look at what the cached data is made of.
        mark = tuple(store.query(_FINGERPRINT)[0])
        with self._lock:
            if mark != self._mark:
                self._mark = mark
                self._generation += 1
                self._data.clear()
                self._items = 0
            self._seen[key] = version
            return self._generation

    def peek(self, store: Store, key: Any) -> Any | None:
        """The value kept for ``key`` in the current generation, or None (nothing computed)."""
        gen = self.generation(store)
        with self._lock:
            hit = self._data.get(key)
            if hit is not None and hit[0] == gen:
                self._data.move_to_end(key)
                return hit[2]
        return None

    def get_or_compute(
        self,
        store: Store,
        key: Any,
        compute: Callable[[], T],
        size: Callable[[T], int] = len,  # type: ignore[assignment]
    ) -> T:
        gen = self.generation(store)
        with self._lock:
            hit = self._data.get(key)
            if hit is not None and hit[0] == gen:
                self._data.move_to_end(key)
                return hit[2]  # type: ignore[no-any-return]
        value = compute()  # outside the lock: two threads may compute one key, never wait
        n = max(1, size(value))
        with self._lock:
            if gen != self._generation or n > self.max_items:
                return value
            old = self._data.pop(key, None)
            if old is not None:
                self._items -= old[1]
            self._data[key] = (gen, n, value)
            self._items += n
            while self._items > self.max_items and self._data:
                _, (_, dropped, _) = self._data.popitem(last=False)
                self._items -= dropped
        return value

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._data.clear()
            self._items = 0
