from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from uprlens.errors import RecordNotFound
from uprlens.store import Store
from uprlens.store.coding import (
    AccountError,
    CodingError,
    OverrideConflict,
    add_override,
    add_user,
    audit_trail,
    authenticate,
    coder_values,
    create_session,
    end_session,
    get_session,
    machine_values,
    queue,
    set_role,
)
from uprlens.web.agreement import agreement, kappa

from .conftest import PASSWORD


def test_passwords_are_argon2_hashes_and_verify(web_db: Path) -> None:
    store = Store(web_db)
    stored = store.query("SELECT password_hash FROM users WHERE username = 'alice'")[0][0]
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert authenticate(store, "alice", PASSWORD) is not None
    assert authenticate(store, "alice", PASSWORD + "x") is None
    assert authenticate(store, "nobody", PASSWORD) is None


def test_account_rules(web_db: Path) -> None:
    store = Store(web_db)
    with pytest.raises(AccountError, match="exists already"):
        add_user(store, "ALICE", PASSWORD, "coder", actor="t")
    with pytest.raises(AccountError, match="at least"):
        add_user(store, "carol", "short", "coder", actor="t")
    with pytest.raises(AccountError, match="unknown role"):
        add_user(store, "carol", PASSWORD, "root", actor="t")
    with pytest.raises(AccountError, match="not allowed"):
        add_user(store, "<b>x</b>", PASSWORD, "coder", actor="t")


def test_sessions_store_only_a_hash_and_end(web_db: Path) -> None:
    store = Store(web_db)
    user = authenticate(store, "alice", PASSWORD)
    assert user is not None
    token, session = create_session(store, user)
    assert store.query("SELECT count(*) FROM sessions WHERE token_hash = ?", (token,))[0][0] == 0
    got = get_session(store, token)
    assert got is not None and got.user.username == "alice" and got.csrf == session.csrf
    end_session(store, token)
    assert get_session(store, token) is None


def test_role_change_ends_sessions(web_db: Path) -> None:
    store = Store(web_db)
    user = authenticate(store, "alice", PASSWORD)
    assert user is not None
    token, _ = create_session(store, user)
    set_role(store, "alice", "viewer", actor="admin")
    assert get_session(store, token) is None
    assert authenticate(store, "alice", PASSWORD).role == "viewer"  # type: ignore[union-attr]
    log = store.query(
        "SELECT actor, action, old_value, new_value FROM account_audit "
        "WHERE username = 'alice' ORDER BY id"
    )
    assert [tuple(r) for r in log][-1] == ("admin", "role", "coder", "viewer")


def test_override_keeps_old_value_and_trail(web_db: Path) -> None:
    store = Store(web_db)
    first = add_override(
        store, "CHN-c3-28.2", "action_category", "3", coder="alice", reason="asks to consider"
    )
    assert first["old_value"] == "4"  # the classifier's value
    second = add_override(
        store,
        "CHN-c3-28.2",
        "action_category",
        "4",
        coder="alice",
        reason="changed my mind",
        expected="3",
    )
    assert second["old_value"] == "3"
    total, rows = audit_trail(store, rec_id="CHN-c3-28.2")
    assert total == 2
    assert [(r["old_value"], r["new_value"], r["reason"]) for r in rows] == [
        ("3", "4", "changed my mind"),
        ("4", "3", "asks to consider"),
    ]
    # Human labels are the baseline where the classifier said nothing.
    h = add_override(store, "CHN-c2-186.2", "action_category", "4", coder="bob", reason="r")
    assert h["old_value"] == "3"


def test_override_refuses_bad_input_and_stale_values(web_db: Path) -> None:
    store = Store(web_db)
    with pytest.raises(CodingError, match="cannot be overridden"):
        add_override(store, "CHN-c3-28.2", "theme", "x", coder="alice", reason="r")
    with pytest.raises(CodingError, match="not a value"):
        add_override(store, "CHN-c3-28.2", "action_category", "9", coder="alice", reason="r")
    with pytest.raises(CodingError, match="reason"):
        add_override(store, "CHN-c3-28.2", "action_category", "3", coder="alice", reason="  ")
    with pytest.raises(RecordNotFound):
        add_override(store, "CHN-c3-99.9", "action_category", "3", coder="alice", reason="r")
    with pytest.raises(OverrideConflict, match="reload"):
        add_override(
            store, "CHN-c3-28.2", "action_category", "3", coder="alice", reason="r", expected="5"
        )
    assert audit_trail(store)[0] == 0


def test_overrides_survive_reimport(web_db: Path) -> None:
    from uprlens.types import ImportBatch, Provenance

    from .conftest import C3, rec

    store = Store(web_db)
    add_override(store, "CHN-c3-28.2", "verdict", "general", coder="alice", reason="r")
    newer = [rec(C3, "28.2", "Abolish the death penalty for all crimes now", ("ITA",), "noted")]
    store.import_batches(
        [ImportBatch("ohchr_matrix", C3, newer, Provenance("v2.docx", sha256="z"))]
    )
    assert coder_values(store, "verdict") == {"alice": {"CHN-c3-28.2": "general"}}


def test_kappa_between_coders_and_classifier(web_db: Path) -> None:
    store = Store(web_db)
    alice = {"CHN-c3-28.1": "5", "CHN-c3-28.2": "4", "CHN-c3-28.3": "1", "CHN-c3-28.4": "2"}
    bob = {"CHN-c3-28.1": "5", "CHN-c3-28.2": "3", "CHN-c3-28.3": "1", "CHN-c3-28.4": "2"}
    for coder, values in (("alice", alice), ("bob", bob)):
        for rid, v in values.items():
            add_override(store, rid, "action_category", v, coder=coder, reason="coded")
    rows = {(r["label"], r["a"], r["b"]): r for r in agreement(store)}
    pair = rows[("action_category", "alice", "bob")]
    assert pair["n"] == 4 and pair["observed"] == 0.75
    from sklearn.metrics import cohen_kappa_score

    ids = sorted(alice)
    expected = cohen_kappa_score([alice[i] for i in ids], [bob[i] for i in ids])
    assert pair["kappa"] == pytest.approx(expected)
    machine = machine_values(store, "action_category", ids)
    assert machine == {
        "CHN-c3-28.1": "5",
        "CHN-c3-28.2": "4",
        "CHN-c3-28.3": "4",
        "CHN-c3-28.4": "2",
    }
    vs = rows[("action_category", "alice", "classifier")]
    assert vs["n"] == 4 and vs["observed"] == 0.75
    assert kappa(["1"], ["1"]) is None
    assert kappa(["1", "1"], ["1", "1"]) is None


def test_queue_least_confident_first_and_skips_coded(web_db: Path) -> None:
    store = Store(web_db)
    ids = [r["id"] for r in queue(store, label="action_category", coder="alice")]
    assert ids == ["CHN-c3-28.4", "CHN-c3-28.3", "CHN-c3-28.2", "CHN-c3-28.1"]
    add_override(store, "CHN-c3-28.4", "action_category", "2", coder="alice", reason="ok")
    ids = [r["id"] for r in queue(store, label="action_category", coder="alice")]
    assert ids[0] == "CHN-c3-28.3"
    assert "CHN-c3-28.4" in [r["id"] for r in queue(store, label="action_category", coder="bob")]


def test_failed_write_leaves_nothing(web_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(web_db)
    before = store.counts()["overrides"]
    real = store.conn

    class Exploding:
        """Fails on the INSERT, after the transaction began and the old value was read."""

        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

        def execute(self, sql: str, *args: object) -> object:
            if sql.startswith("INSERT INTO overrides"):
                raise sqlite3.OperationalError("disk I/O error (simulated)")
            return real.execute(sql, *args)

    monkeypatch.setattr(store, "conn", Exploding())
    with pytest.raises(sqlite3.OperationalError):
        add_override(store, "CHN-c3-28.2", "action_category", "3", coder="alice", reason="r")
    monkeypatch.undo()
    assert not store.conn.in_transaction
    assert store.counts()["overrides"] == before
