"""Collaborative coding in the store: accounts, login sessions, overrides and their audit trail.

Overrides are keyed by the stable recommendation id (``CHN-c3-28.12``) so they survive
re-imports. Nothing is ever updated in place: each change is a new ``overrides`` row, and the
latest row per (recommendation, label, coder) is that coder's current value. Every write runs in
one ``BEGIN IMMEDIATE`` transaction that reads the current value and writes the change, so two
coders writing at once are serialised by SQLite and a crash part-way leaves nothing half-done.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from uprlens.errors import RecordNotFound, StoreError
from uprlens.store.db import Store

__all__ = [
    "CODABLE",
    "ROLES",
    "AccountError",
    "CodingError",
    "OverrideConflict",
    "Session",
    "User",
    "add_override",
    "add_user",
    "audit_trail",
    "authenticate",
    "coder_values",
    "create_session",
    "current_values",
    "end_session",
    "get_session",
    "list_users",
    "machine_values",
    "queue",
    "set_role",
    "web_secret",
]

ROLES = ("admin", "coder", "viewer")
_FLAG = ("0", "1")
# The labels a coder may override and the values each admits (CODEBOOK.md). Multi-valued
# labels (themes, issues) are not coded here: kappa needs one value per item.
CODABLE: dict[str, tuple[str, ...]] = {
    "action_category": ("1", "2", "3", "4", "5"),
    "verdict": ("specific", "general", "vague", "endorsing"),
    "continue_framing": _FLAG,
    "unnamed_group": _FLAG,
    "cites_un_expert": _FLAG,
    "time_bound": _FLAG,
    "assistance_or_sharing": _FLAG,
    "praise": _FLAG,
}
SESSION_TTL = timedelta(hours=12)
_USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,40}$")
_MIN_PASSWORD = 10
_MAX_REASON = 2000
_hasher = PasswordHasher()
# Verified against when the user does not exist, so a login takes as long either way.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class CodingError(StoreError):
    """A coding request the store refuses: unknown label, bad value, empty reason..."""


class AccountError(CodingError):
    """An account request the store refuses: taken name, weak password, unknown role..."""


class OverrideConflict(CodingError):
    """The value changed since the coder saw it; reload and decide again."""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str

    def can(self, role: str) -> bool:
        """True when this user holds ``role`` or a stronger one (admin > coder > viewer)."""
        return ROLES.index(self.role) <= ROLES.index(role)


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str
    expires_at: str


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(when: datetime | None = None) -> str:
    return (when or _now()).isoformat(timespec="seconds")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# -- accounts ---------------------------------------------------------------------------------


def add_user(store: Store, username: str, password: str, role: str, *, actor: str) -> User:
    """Create an account; the password is stored as an argon2id hash."""
    if not _USERNAME.match(username or ""):
        raise AccountError(
            f"user name {username!r} is not allowed: use 2-40 letters, digits, '.', '_' or '-'"
        )
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if len(password or "") < _MIN_PASSWORD:
        raise AccountError(f"the password must have at least {_MIN_PASSWORD} characters")
    pw_hash = _hasher.hash(password)
    with store.transaction() as conn:
        taken = conn.execute("SELECT 1 FROM users WHERE username = ?", (username,)).fetchone()
        if taken:
            raise AccountError(f"user {username!r} exists already; pick another name")
        cur = conn.execute(
            "INSERT INTO users(username, password_hash, role, created_at) VALUES (?,?,?,?)",
            (username, pw_hash, role, _stamp()),
        )
        conn.execute(
            "INSERT INTO account_audit(actor, action, username, old_value, new_value, created_at) "
            "VALUES (?,?,?,?,?,?)",
            (actor, "create", username, None, role, _stamp()),
        )
    return User(int(cur.lastrowid or 0), username, role)


def set_role(store: Store, username: str, role: str, *, actor: str) -> User:
    """Change a user's role (admin only: the caller checks)."""
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT id, username, role FROM users WHERE username = ?", (username,)
        ).fetchone()
        if row is None:
            raise RecordNotFound(f"no user {username!r}; list them with `uprlens user list`")
        conn.execute("UPDATE users SET role = ? WHERE id = ?", (role, row["id"]))
        conn.execute(
            "INSERT INTO account_audit(actor, action, username, old_value, new_value, created_at) "
            "VALUES (?,?,?,?,?,?)",
            (actor, "role", row["username"], row["role"], role, _stamp()),
        )
        # A changed role takes effect at once: its old sessions end.
        conn.execute("DELETE FROM sessions WHERE user_id = ?", (row["id"],))
    return User(int(row["id"]), row["username"], role)


def list_users(store: Store) -> list[dict[str, Any]]:
    return [
        dict(r)
        for r in store.query(
            "SELECT id, username, role, created_at, disabled FROM users ORDER BY username"
        )
    ]


def authenticate(store: Store, username: str, password: str) -> User | None:
    """The user whose name and password match, else None (same work either way)."""
    row = store.query(
        "SELECT id, username, role, password_hash, disabled FROM users WHERE username = ?",
        (username,),
    )
    stored = row[0]["password_hash"] if row else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if not row or row[0]["disabled"]:
        return None
    r = row[0]
    if _hasher.check_needs_rehash(stored):
        with store.transaction() as conn:
            conn.execute(
                "UPDATE users SET password_hash = ? WHERE id = ?", (_hasher.hash(password), r["id"])
            )
    return User(int(r["id"]), r["username"], r["role"])


def create_session(
    store: Store, user: User, *, ttl: timedelta = SESSION_TTL
) -> tuple[str, Session]:
    """A new login session: the cookie token (returned once, stored only as a hash) and its CSRF."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires = _stamp(_now() + ttl)
    with store.transaction() as conn:
        conn.execute("DELETE FROM sessions WHERE expires_at < ?", (_stamp(),))
        conn.execute(
            "INSERT INTO sessions(token_hash, user_id, csrf, created_at, expires_at) "
            "VALUES (?,?,?,?,?)",
            (_token_hash(token), user.id, csrf, _stamp(), expires),
        )
    return token, Session(user, csrf, expires)


def get_session(store: Store, token: str | None) -> Session | None:
    if not token or len(token) > 200:
        return None
    rows = store.query(
        "SELECT u.id, u.username, u.role, s.csrf, s.expires_at FROM sessions s "
        "JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ? "
        "AND u.disabled = 0",
        (_token_hash(token), _stamp()),
    )
    if not rows:
        return None
    r = rows[0]
    return Session(User(int(r["id"]), r["username"], r["role"]), r["csrf"], r["expires_at"])


def end_session(store: Store, token: str | None) -> None:
    if not token:
        return
    with store.transaction() as conn:
        conn.execute("DELETE FROM sessions WHERE token_hash = ?", (_token_hash(token),))


def web_secret(store: Store, name: str) -> str:
    """A random secret made on first use and kept in the store, so restarts keep it."""
    with store.transaction() as conn:
        conn.execute(
            "INSERT OR IGNORE INTO web_secrets(name, value) VALUES (?, ?)",
            (name, secrets.token_urlsafe(32)),
        )
        return str(
            conn.execute("SELECT value FROM web_secrets WHERE name = ?", (name,)).fetchone()[0]
        )


# -- overrides and the audit trail ------------------------------------------------------------


def _baseline(conn: Any, rec_id: str, label: str) -> str | None:
    """What the label says before any coder touched it: the classifier, else the source."""
    row = conn.execute(
        "SELECT m.value FROM machine_labels m JOIN recommendations r ON r.pk = m.recommendation_pk "
        "WHERE r.id = ? AND m.label = ? ORDER BY r.is_primary DESC, m.score DESC LIMIT 1",
        (rec_id, label),
    ).fetchone()
    if row is not None:
        return str(row[0])
    row = conn.execute(
        "SELECT h.value FROM human_labels h JOIN recommendations r ON r.pk = h.recommendation_pk "
        "WHERE r.id = ? AND h.label = ? ORDER BY r.is_primary DESC, h.part LIMIT 1",
        (rec_id, label),
    ).fetchone()
    return str(row[0]) if row is not None else None


def _coder_current(conn: Any, rec_id: str, label: str, coder: str) -> str | None:
    row = conn.execute(
        "SELECT new_value FROM overrides WHERE recommendation_id = ? AND label = ? AND coder = ? "
        "ORDER BY id DESC LIMIT 1",
        (rec_id, label, coder),
    ).fetchone()
    return str(row[0]) if row is not None else None


def current_values(store: Store, rec_id: str) -> dict[str, dict[str, str]]:
    """Each coder's current value of each label of one recommendation: {label: {coder: value}}."""
    out: dict[str, dict[str, str]] = {}
    for r in store.query(
        "SELECT o.label, o.coder, o.new_value FROM overrides o WHERE o.recommendation_id = ? "
        "AND o.id = (SELECT max(o2.id) FROM overrides o2 WHERE o2.recommendation_id = o.recommendation_id "
        "AND o2.label = o.label AND o2.coder = o.coder) ORDER BY o.label, o.coder",
        (rec_id,),
    ):
        out.setdefault(r["label"], {})[r["coder"]] = r["new_value"]
    return out


def add_override(
    store: Store,
    rec_id: str,
    label: str,
    new_value: str,
    *,
    coder: str,
    reason: str,
    expected: str | None = None,
) -> dict[str, Any]:
    """Record a coder's value for one label of one recommendation, with the reason.

    ``expected`` is the value the coder saw (``""`` for none); when given and the current value
    differs, another change landed in between and OverrideConflict is raised instead of
    silently writing over it.
    """
    if label not in CODABLE:
        raise CodingError(
            f"label {label!r} cannot be overridden; choose one of {', '.join(CODABLE)}"
        )
    if new_value not in CODABLE[label]:
        raise CodingError(
            f"{new_value!r} is not a value of {label}; choose one of {', '.join(CODABLE[label])}"
        )
    reason = (reason or "").strip()
    if not reason:
        raise CodingError("say why: an override needs a reason")
    if len(reason) > _MAX_REASON:
        raise CodingError(f"the reason is longer than {_MAX_REASON} characters; shorten it")
    with store.transaction() as conn:
        if (
            conn.execute("SELECT 1 FROM recommendations WHERE id = ? LIMIT 1", (rec_id,)).fetchone()
            is None
        ):
            raise RecordNotFound(f"no recommendation {rec_id!r} in the store")
        old = _coder_current(conn, rec_id, label, coder)
        if old is None:
            old = _baseline(conn, rec_id, label)
        if expected is not None and (old or "") != expected:
            raise OverrideConflict(
                f"{rec_id} {label} is now {old!r}, not {expected!r} as you saw it: "
                "someone changed it meanwhile; reload the page and decide again"
            )
        created = _stamp()
        cur = conn.execute(
            "INSERT INTO overrides(recommendation_id, label, old_value, new_value, coder, reason, "
            "created_at) VALUES (?,?,?,?,?,?,?)",
            (rec_id, label, old, new_value, coder, reason, created),
        )
    return {
        "id": cur.lastrowid,
        "recommendation_id": rec_id,
        "label": label,
        "old_value": old,
        "new_value": new_value,
        "coder": coder,
        "reason": reason,
        "created_at": created,
    }


def audit_trail(
    store: Store,
    *,
    rec_id: str | None = None,
    coder: str | None = None,
    label: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[dict[str, Any]]]:
    """Every override, newest first: (total, page of rows)."""
    where: list[str] = []
    params: list[Any] = []
    for column, value in (("recommendation_id", rec_id), ("coder", coder), ("label", label)):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    total = int(store.query(f"SELECT count(*) FROM overrides{clause}", params)[0][0])
    rows = store.query(
        "SELECT id, recommendation_id, label, old_value, new_value, coder, reason, created_at "
        f"FROM overrides{clause} ORDER BY id DESC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return total, [dict(r) for r in rows]


# -- agreement inputs -------------------------------------------------------------------------


def coder_values(store: Store, label: str) -> dict[str, dict[str, str]]:
    """{coder: {recommendation id: current value}} for one label."""
    out: dict[str, dict[str, str]] = {}
    for r in store.query(
        "SELECT o.coder, o.recommendation_id, o.new_value FROM overrides o "
        "JOIN (SELECT max(id) AS id FROM overrides WHERE label = ? "
        "      GROUP BY recommendation_id, coder) latest ON latest.id = o.id",
        (label,),
    ):
        out.setdefault(r["coder"], {})[r["recommendation_id"]] = r["new_value"]
    return out


def machine_values(store: Store, label: str, rec_ids: Sequence[str]) -> dict[str, str]:
    """{recommendation id: classifier value} for one label (primary record first)."""
    out: dict[str, str] = {}
    ids = list(dict.fromkeys(rec_ids))
    for i in range(0, len(ids), 900):  # SQLite's bound-parameter limit
        chunk = ids[i : i + 900]
        marks = ",".join("?" * len(chunk))
        for r in store.query(
            "SELECT r.id, m.value FROM machine_labels m JOIN recommendations r "
            f"ON r.pk = m.recommendation_pk WHERE m.label = ? AND r.id IN ({marks}) "
            "ORDER BY r.is_primary, m.score",
            [label, *chunk],
        ):
            out[r["id"]] = r["value"]  # ordered so the primary, most confident value wins
    return out


def queue(
    store: Store, *, label: str, coder: str | None, limit: int = 50, offset: int = 0
) -> list[dict[str, Any]]:
    """Recommendations whose classifier value of ``label`` is least confident, that ``coder``
    has not yet coded on that label."""
    if label not in CODABLE:
        raise CodingError(f"unknown label {label!r}; choose one of {', '.join(CODABLE)}")
    rows = store.query(
        "SELECT r.id, r.sur, r.cycle, r.text, m.value, m.score, m.decided_by "
        "FROM machine_labels m JOIN recommendations r ON r.pk = m.recommendation_pk "
        "WHERE m.label = ? AND r.is_primary = 1 AND r.kind = 'recommendation' "
        "AND NOT EXISTS (SELECT 1 FROM overrides o WHERE o.recommendation_id = r.id "
        "                AND o.label = m.label AND o.coder = ?) "
        "ORDER BY m.score, r.pk LIMIT ? OFFSET ?",
        (label, coder or "", limit, offset),
    )
    return [dict(r) for r in rows]
