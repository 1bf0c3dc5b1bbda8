from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from uprlens.store import Store
from uprlens.store.coding import add_override, audit_trail

N = 40


def test_two_coders_at_once_lose_nothing(web_db: Path) -> None:
    """Two coders, each on their own connection (as the server's worker threads are), write
    overrides of the same labels at the same time: every change lands, and each coder's chain
    of old -> new values is unbroken."""
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def work(coder: str) -> None:
        store = Store(web_db)
        try:
            start.wait()
            for i in range(N):
                value = str(1 + i % 5)
                add_override(
                    store,
                    "CHN-c3-28.2",
                    "action_category",
                    value,
                    coder=coder,
                    reason=f"{coder} pass {i}",
                )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            store.close()

    threads = [threading.Thread(target=work, args=(c,)) for c in ("alice", "bob")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    store = Store(web_db)
    total, rows = audit_trail(store, limit=1000)
    assert total == 2 * N
    for coder in ("alice", "bob"):
        chain = sorted((r for r in rows if r["coder"] == coder), key=lambda r: r["id"])
        assert [r["reason"] for r in chain] == [f"{coder} pass {i}" for i in range(N)]
        assert chain[0]["old_value"] == "4"  # the classifier's value
        for prev, cur in zip(chain, chain[1:], strict=False):
            assert cur["old_value"] == prev["new_value"]


CRASH = """
import os, sys
from uprlens.store import Store
from uprlens.store import coding

store = Store(sys.argv[1])
real = store.conn

class DieAfterInsert:
    def __getattr__(self, name):
        return getattr(real, name)
    def execute(self, sql, *args):
        cur = real.execute(sql, *args)
        if sql.startswith("INSERT INTO overrides"):
            os._exit(3)  # the process dies between the write and the COMMIT
        return cur

store.conn = DieAfterInsert()
coding.add_override(store, "CHN-c3-28.2", "action_category", "3", coder="alice", reason="r")
"""


def test_a_crash_in_the_middle_of_a_write_leaves_the_store_consistent(web_db: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", CRASH, str(web_db)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 3, proc.stderr
    store = Store(web_db)
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert store.counts()["overrides"] == 0
    # ...and the store takes the next write normally.
    add_override(store, "CHN-c3-28.2", "action_category", "3", coder="alice", reason="again")
    assert store.counts()["overrides"] == 1
