"""The only module that speaks SQL.

One SQLite file (WAL, foreign keys on, schema migrations by ``PRAGMA user_version``). Every
import is one transaction: it either lands whole or leaves the store exactly as before.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from uprlens.errors import RecordNotFound, StoreError
from uprlens.lexicons.states import registry
from uprlens.types import ImportBatch, Recommendation

__all__ = ["ImportReport", "SourceChange", "Store", "default_db_path", "SOURCE_PRIORITY"]

ENV_VAR = "UPRLENS_DB"
DEFAULT_DIR = ".uprlens"
DEFAULT_NAME = "uprlens.db"

# Which source speaks for a review when several hold it: official documents first, then the
# OHCHR index, then UPR Info. Oral statements never do: they are not the official list.
SOURCE_PRIORITY = {
    "ohchr_matrix": 0,
    "wg_report": 1,
    "uhri": 2,
    "uprlens_csv": 3,
    "upr_info": 4,
}


def default_db_path(cwd: Path | None = None) -> Path:
    """``$UPRLENS_DB``, else the nearest ``.uprlens/uprlens.db`` above the working directory,
    else ``./.uprlens/uprlens.db`` (created on first write)."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / DEFAULT_DIR / DEFAULT_NAME
        if candidate.exists():
            return candidate
    return here / DEFAULT_DIR / DEFAULT_NAME


@dataclass
class SourceChange:
    kind: str
    review_id: str
    file: str
    status: str  # added | unchanged | updated
    n_recommendations: int
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    # A new version of a report the store holds addendum answers for: the answers put back
    # on its paragraphs, and those naming paragraphs this version lacks (kept in the store).
    responses_kept: int = 0
    responses_orphaned: list[str] = field(default_factory=list)
    responses_reworded: list[str] = field(default_factory=list)  # answered, text changed

    def describe(self) -> str:
        if self.status == "updated":
            text = (
                f"{self.review_id} ({self.kind}): updated from {self.file}: "
                f"{len(self.added)} added, {len(self.removed)} removed, {len(self.changed)} changed"
            )
            if self.responses_kept:
                text += f"; the addendum's positions kept on {self.responses_kept} paragraphs"
                if self.responses_reworded:
                    text += (
                        f" ({len(self.responses_reworded)} of them reworded, check that the "
                        f"answer still fits: {', '.join(self.responses_reworded[:10])})"
                    )
            if self.responses_orphaned:
                shown = ", ".join(self.responses_orphaned[:10])
                more = " ..." if len(self.responses_orphaned) > 10 else ""
                text += (
                    f"; {len(self.responses_orphaned)} addendum answers name paragraphs this "
                    f"version lacks ({shown}{more}): kept, check the report against the addendum"
                )
            return text
        return f"{self.review_id} ({self.kind}): {self.status}, {self.n_recommendations} records"


@dataclass
class ImportReport:
    changes: list[SourceChange] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(c.status == "added" for c in self.changes)

    @property
    def updated(self) -> int:
        return sum(c.status == "updated" for c in self.changes)

    @property
    def unchanged(self) -> int:
        return sum(c.status == "unchanged" for c in self.changes)

    @property
    def n_recommendations(self) -> int:
        return sum(c.n_recommendations for c in self.changes)

    def summary(self) -> str:
        return (
            f"{len(self.changes)} review sources: {self.added} added, {self.updated} updated, "
            f"{self.unchanged} unchanged ({self.n_recommendations} records)"
        )


def _migrations() -> list[tuple[int, str]]:
    folder = resources.files("uprlens.store").joinpath("migrations")
    out = []
    for entry in folder.iterdir():
        m = re.match(r"^(\d{4})_.*\.sql$", entry.name)
        if m:
            out.append((int(m.group(1)), entry.read_text("utf-8")))
    return sorted(out)


def _record_fingerprint(rec: Recommendation) -> dict[str, Any]:
    data = asdict(rec)
    data.pop("provenance", None)
    return data


def _batch_hash(batch: ImportBatch) -> str:
    payload = json.dumps(
        {
            "review": asdict(batch.review),
            "records": [_record_fingerprint(r) for r in batch.recommendations],
        },
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _fts_query(text: str) -> str:
    """Turn what a user types into a safe FTS5 query: every word must occur (prefix with *)."""
    tokens = re.findall(r"[\w'-]+\*?", text, flags=re.UNICODE)
    quoted = []
    for tok in tokens:
        star = tok.endswith("*")
        word = tok.rstrip("*").replace('"', "")
        if not word.strip("'-"):
            continue
        quoted.append(f'"{word}"' + ("*" if star else ""))
    return " ".join(quoted)


@dataclass
class ResponsesApplied:
    """What an addendum changed: positions set per kind, and paragraphs it left unanswered."""

    source: str
    review_id: str
    counts: dict[str, int]
    changed: int
    unanswered: list[str]

    def summary(self) -> str:
        what = ", ".join(f"{n} {pos}" for pos, n in sorted(self.counts.items()))
        text = (
            f"{self.source}: {sum(self.counts.values())} responses on {self.review_id} "
            f"({what}); {self.changed} positions changed"
        )
        if self.unanswered:
            shown = ", ".join(self.unanswered[:10]) + (" ..." if len(self.unanswered) > 10 else "")
            text += f"; {len(self.unanswered)} paragraphs not answered: {shown}"
        return text


class Store:
    """An uprlens store in one SQLite file. ``Store(":memory:")`` for throwaway use."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = str(path)
        self.readonly = readonly
        if self.path != ":memory:" and not readonly:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        if readonly:
            if not Path(self.path).exists():
                raise StoreError(
                    f"no store at {self.path}; create one with `uprlens ingest FILE` or "
                    "`make demo`, or pass --db PATH / set UPRLENS_DB"
                )
            uri = f"file:{Path(self.path).resolve()}?mode=ro"
            self.conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        else:
            self.conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA busy_timeout = 30000")
        if not readonly:
            if self.path != ":memory:":
                self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate()

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        current = self.schema_version
        for version, sql in _migrations():
            if version <= current:
                continue
            with self.transaction():
                for statement in _split_sql(sql):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {version}")
        self._sync_states()

    def _sync_states(self) -> None:
        rows = [
            (s.iso3, s.un_name, s.status, s.regional_group, "; ".join(s.organisations))
            for s in registry()
        ]
        with self.transaction():
            self.conn.executemany(
                "INSERT INTO states(iso3, name, status, regional_group, organisations) "
                "VALUES (?,?,?,?,?) ON CONFLICT(iso3) DO UPDATE SET name=excluded.name, "
                "status=excluded.status, regional_group=excluded.regional_group, "
                "organisations=excluded.organisations",
                rows,
            )

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception: all or nothing."""
        if self.conn.in_transaction:
            # Nested use joins the outer transaction; the outer one decides.
            yield self.conn
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    # -- imports ---------------------------------------------------------------------------

    def import_batches(
        self, batches: Sequence[ImportBatch], *, progress: Any = None
    ) -> ImportReport:
        """Store every batch in one transaction. Re-importing the same content changes
        nothing; a newer version of a (kind, review) source replaces it and says what changed."""
        report = ImportReport()
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.transaction() as conn:
            touched_reviews: set[str] = set()
            for batch in batches:
                change = self._import_batch(conn, batch, now)
                report.changes.append(change)
                if change.status != "unchanged":
                    touched_reviews.add(batch.review.id)
                if progress is not None:
                    progress(batch)
            for review_id in sorted(touched_reviews):
                self._refresh_primary(conn, review_id)
        if any(c.status != "unchanged" for c in report.changes):
            # Fresh planner statistics: without them SQLite picks poor plans on large stores.
            self.conn.execute("PRAGMA optimize")
        return report

    def _import_batch(self, conn: sqlite3.Connection, batch: ImportBatch, now: str) -> SourceChange:
        review = batch.review
        content_hash = _batch_hash(batch)
        conn.execute(
            "INSERT INTO reviews(id, sur, cycle, session, year, wg_report) VALUES (?,?,?,?,?,?) "
            "ON CONFLICT(id) DO UPDATE SET session=coalesce(excluded.session, reviews.session), "
            "year=coalesce(excluded.year, reviews.year), "
            "wg_report=coalesce(excluded.wg_report, reviews.wg_report)",
            (review.id, review.sur, review.cycle, review.session, review.year, review.wg_report),
        )
        existing = conn.execute(
            "SELECT id, content_hash FROM sources WHERE kind=? AND review_id=?",
            (batch.kind, review.id),
        ).fetchone()
        n = len(batch.recommendations)
        file = batch.source.source
        if existing is not None and existing["content_hash"] == content_hash:
            return SourceChange(batch.kind, review.id, file, "unchanged", n)
        added: list[str] = []
        removed: list[str] = []
        changed: list[str] = []
        answers = self._stored_answers(conn, review.id) if batch.kind == "wg_report" else {}
        if existing is not None:
            old = {
                r["id"]: (r["text"], r["position"], r["states"])
                for r in conn.execute(
                    "SELECT id, text, position, states FROM recommendations WHERE source_id=?",
                    (existing["id"],),
                )
            }
            # Positions as they will be once the addendum's answers are put back, so that an
            # answered paragraph does not count as changed by its report's own position.
            new = {
                r.id: (
                    r.text,
                    answers[r.paragraph][0] if r.paragraph in answers else r.position,
                    "; ".join(r.states),
                )
                for r in batch.recommendations
            }
            added = sorted(set(new) - set(old))
            removed = sorted(set(old) - set(new))
            changed = sorted(k for k in set(new) & set(old) if new[k] != old[k])
            conn.execute("DELETE FROM sources WHERE id=?", (existing["id"],))
        cur = conn.execute(
            "INSERT INTO sources(kind, review_id, file, file_sha256, content_hash, title, "
            "imported_at, n_recommendations) VALUES (?,?,?,?,?,?,?,?)",
            (batch.kind, review.id, file, batch.source.sha256, content_hash, batch.title, now, n),
        )
        source_id = cur.lastrowid
        self._insert_recommendations(conn, source_id, batch)
        paragraphs = {r.paragraph for r in batch.recommendations}
        kept, orphaned = self._put_back_answers(conn, source_id, paragraphs, answers)
        paragraph_of = {r.id: r.paragraph for r in batch.recommendations}
        reworded = [k for k in changed if paragraph_of[k] in answers]
        status = "updated" if existing is not None else "added"
        return SourceChange(
            batch.kind, review.id, file, status, n, added, removed, changed, kept, orphaned,
            reworded,
        )

    @staticmethod
    def _stored_answers(
        conn: sqlite3.Connection, review_id: str
    ) -> dict[str, tuple[str, str | None, str]]:
        return {
            r["paragraph"]: (r["position"], r["stated"], r["source"])
            for r in conn.execute(
                "SELECT paragraph, position, stated, source FROM responses WHERE review_id=?",
                (review_id,),
            )
        }

    @staticmethod
    def _put_back_answers(
        conn: sqlite3.Connection,
        source_id: int | None,
        present: set[str],
        answers: dict[str, tuple[str, str | None, str]],
    ) -> tuple[int, list[str]]:
        """The addendum's answers on a freshly imported report whose paragraphs are
        ``present``: (paragraphs set, answers naming paragraphs the report lacks)."""
        if not answers:
            return 0, []
        conn.executemany(
            "UPDATE recommendations SET position=?, position_qualifier=?, position_source=? "
            "WHERE source_id=? AND paragraph=?",
            [
                (pos, stated, src, source_id, para)
                for para, (pos, stated, src) in answers.items()
                if para in present
            ],
        )
        return len(present & set(answers)), sorted(set(answers) - present)

    def _insert_recommendations(
        self, conn: sqlite3.Connection, source_id: int | None, batch: ImportBatch
    ) -> None:
        seen: set[str] = set()
        for rec in batch.recommendations:
            if rec.id in seen:
                raise StoreError(
                    f"{batch.source.source}: two records with id {rec.id} in one source; "
                    "the reader must give every paragraph its own id"
                )
            seen.add(rec.id)
            prov = rec.provenance
            states = rec.states
            cur = conn.execute(
                "INSERT INTO recommendations(id, source_id, source_kind, review_id, sur, cycle, "
                "session, kind, paragraph, text, states, n_states, n_parts, position, "
                "position_qualifier, position_source, file, page, row, locator) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    rec.id, source_id, batch.kind, rec.review.id, rec.review.sur,
                    rec.review.cycle, rec.review.session, rec.kind, rec.paragraph, rec.text,
                    "; ".join(states), len(states), len(rec.parts), rec.position,
                    rec.position_qualifier, rec.position_source, prov.source, prov.page,
                    prov.row, prov.locator,
                ),
            )
            pk = cur.lastrowid
            conn.executemany(
                "INSERT INTO parts(recommendation_pk, part, text) VALUES (?,?,?)",
                [(pk, i, p.text) for i, p in enumerate(rec.parts, start=1)],
            )
            state_rows = []
            label_rows = []
            for i, part in enumerate(rec.parts, start=1):
                for ord_, state in enumerate(part.states):
                    state_rows.append((pk, i, state, ord_))
                for label, value in part.human_labels.items():
                    label_rows.append((pk, i, label, value, batch.kind))
            for label, value in rec.human_labels.items():
                label_rows.append((pk, 0, label, value, batch.kind))
            conn.executemany(
                "INSERT OR IGNORE INTO recommendation_states(recommendation_pk, part, state, ord) "
                "VALUES (?,?,?,?)",
                state_rows,
            )
            conn.executemany(
                "INSERT OR REPLACE INTO human_labels(recommendation_pk, part, label, value, source) "
                "VALUES (?,?,?,?,?)",
                label_rows,
            )
            tag_rows = (
                [(pk, "theme", v) for v in rec.themes]
                + [(pk, "affected_persons", v) for v in rec.affected_persons]
                + [(pk, "sdg", v) for v in rec.sdgs]
                + [(pk, "issue", v) for v in rec.issues]
            )
            conn.executemany(
                "INSERT OR IGNORE INTO tags(recommendation_pk, scheme, value) VALUES (?,?,?)",
                tag_rows,
            )

    def _refresh_primary(self, conn: sqlite3.Connection, review_id: str) -> None:
        kinds = [
            r["kind"]
            for r in conn.execute("SELECT kind FROM sources WHERE review_id=?", (review_id,))
        ]
        ranked = sorted((SOURCE_PRIORITY[k], k) for k in kinds if k in SOURCE_PRIORITY)
        conn.execute("UPDATE recommendations SET is_primary=0 WHERE review_id=?", (review_id,))
        if ranked:
            conn.execute(
                "UPDATE recommendations SET is_primary=1 WHERE review_id=? AND source_kind=?",
                (review_id, ranked[0][1]),
            )

    def apply_responses(self, responses: Any, *, review_id: str | None = None) -> ResponsesApplied:
        """Set the positions an addendum states (:class:`uprlens.ingest.responses.Responses`)
        on the stored Working Group report paragraphs they answer, in one transaction.

        The review is the one whose report symbol the addendum names (A/HRC/25/5/Add.1 ->
        A/HRC/25/5), or ``review_id``. An answer to a paragraph the stored report does not
        hold is an error and nothing changes: it means a different report, or a misprint
        to check. Paragraphs the addendum does not answer keep the position they had.
        The answers are also kept on their own, so that a later version of the report gets
        them back when it is imported.
        """
        where = responses.symbol or responses.source
        if review_id is None:
            if not responses.report_symbol:
                raise RecordNotFound(
                    f"{where}: the addendum names no report symbol (A/HRC/xx/yy/Add.1); "
                    "give the review with --review, e.g. CHN-c2"
                )
            rows = self.query(
                "SELECT id FROM reviews WHERE replace(wg_report, ' ', '')=?",
                (responses.report_symbol.replace(" ", ""),),
            )
            if not rows:
                raise RecordNotFound(
                    f"{where}: no review of report {responses.report_symbol} in the store; "
                    "import the Working Group report first (in the same command is fine)"
                )
            review_id = rows[0]["id"]
        with self.transaction() as conn:
            src = conn.execute(
                "SELECT id FROM sources WHERE kind='wg_report' AND review_id=?", (review_id,)
            ).fetchone()
            if src is None:
                raise RecordNotFound(
                    f"{where}: review {review_id} has no Working Group report in the store; "
                    "import the report the addendum answers first"
                )
            stored = {
                r["paragraph"]: r["position"]
                for r in conn.execute(
                    "SELECT paragraph, position FROM recommendations WHERE source_id=?",
                    (src["id"],),
                )
            }
            unknown = sorted(p for p in responses.by_paragraph if p not in stored)
            if unknown:
                shown = ", ".join(unknown[:12]) + (" ..." if len(unknown) > 12 else "")
                raise RecordNotFound(
                    f"{where}: answers {len(unknown)} paragraph(s) that the stored report of "
                    f"{review_id} does not hold ({shown}); nothing was changed"
                )
            changed = 0
            counts: dict[str, int] = {}
            now = datetime.now(UTC).isoformat(timespec="seconds")
            conn.executemany(
                "INSERT OR REPLACE INTO responses(review_id, paragraph, position, stated, "
                "source, file, imported_at) VALUES (?,?,?,?,?,?,?)",
                [
                    (review_id, para, r.position, r.stated, r.source, responses.source, now)
                    for para, r in responses.by_paragraph.items()
                ],
            )
            for para, r in responses.by_paragraph.items():
                changed += stored[para] != r.position
                counts[r.position] = counts.get(r.position, 0) + 1
                conn.execute(
                    "UPDATE recommendations SET position=?, position_qualifier=?, "
                    "position_source=? WHERE source_id=? AND paragraph=?",
                    (r.position, r.stated, r.source, src["id"], para),
                )
        unanswered = sorted(p for p in stored if p and p not in responses.by_paragraph)
        return ResponsesApplied(where, review_id, counts, changed, unanswered)

    def import_experts(self, entries: Iterable[Any], *, file: str) -> ImportReport:
        """Add UN expert recommendations (ExpertRecommendation records); duplicates are skipped."""
        added = 0
        total = 0
        with self.transaction() as conn:
            for e in entries:
                total += 1
                h = hashlib.sha256(
                    "\x1f".join(
                        [e.sur, e.body, e.symbol, str(e.year or ""), e.paragraph, e.text]
                    ).encode("utf-8")
                ).hexdigest()
                prov = getattr(e, "provenance", None)
                cur = conn.execute(
                    "INSERT OR IGNORE INTO expert_recommendations(sur, body, symbol, year, "
                    "paragraph, topic, text, verbatim, source, note, file, row, content_hash) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        e.sur, e.body, e.symbol, e.year, e.paragraph, e.topic, e.text,
                        int(bool(e.verbatim)), e.source, e.note,
                        prov.source if prov else file, prov.row if prov else None, h,
                    ),
                )
                added += cur.rowcount
        status = "added" if added else "unchanged"
        return ImportReport(
            [SourceChange("expert_catalogue", "-", file, status, total, added=[str(added)])]
        )

    # -- reading ---------------------------------------------------------------------------

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def reviews(self, review_id: str | None = None) -> list[dict[str, Any]]:
        """Every review (or the one ``review_id``) with its headline numbers (primary source,
        per paragraph)."""
        rows = self.query(
            """
            SELECT v.id, v.sur, s.name AS sur_name, v.cycle, v.session, v.year, v.wg_report,
                   (SELECT group_concat(kind, ', ') FROM
                       (SELECT kind FROM sources WHERE review_id=v.id ORDER BY kind)) AS sources,
                   count(r.pk) AS recommendations,
                   sum(r.position='supported') AS supported,
                   sum(r.position='noted') AS noted,
                   sum(r.position='supported_in_part') AS supported_in_part,
                   sum(r.pk IS NOT NULL AND (r.position IS NULL OR r.position='pending')) AS no_position,
                   (SELECT count(DISTINCT rs.state) FROM recommendation_states rs
                      JOIN recommendations r2 ON r2.pk = rs.recommendation_pk
                     WHERE r2.review_id = v.id AND r2.is_primary=1
                       AND r2.kind='recommendation') AS recommending_states
              FROM reviews v
              JOIN states s ON s.iso3 = v.sur
              LEFT JOIN recommendations r
                ON r.review_id = v.id AND r.is_primary = 1 AND r.kind = 'recommendation'
             WHERE ? IS NULL OR v.id = ?
             GROUP BY v.id
             ORDER BY v.sur, v.cycle
            """,
            (review_id, review_id),
        )
        return [dict(r) for r in rows]

    def review(self, sur: str, cycle: int) -> dict[str, Any]:
        found = self.reviews(f"{sur.upper()}-c{int(cycle)}")
        if found:
            return found[0]
        have = ", ".join(
            r["id"] for r in self.query("SELECT id FROM reviews WHERE sur=? ORDER BY cycle",
                                        (sur.upper(),))
        )
        raise RecordNotFound(
            f"no review of {sur.upper()} in cycle {cycle} in the store"
            + (f" (it holds {have})" if have else "")
            + "; import it first with `uprlens ingest FILE`"
        )

    def recommendation(self, rec_id: str) -> dict[str, Any]:
        """One recommendation with its parts, states, tags and labels (primary source first)."""
        rows = self.query(
            "SELECT r.*, src.title AS source_title FROM recommendations r "
            "JOIN sources src ON src.id = r.source_id WHERE r.id = ? "
            "ORDER BY r.is_primary DESC, r.pk",
            (rec_id,),
        )
        if not rows:
            raise RecordNotFound(f"no recommendation {rec_id!r} in the store")
        rec = dict(rows[0])
        pk = rec["pk"]
        rec["other_sources"] = [r["source_kind"] for r in rows[1:]]
        rec["parts"] = [
            {
                "part": p["part"],
                "text": p["text"],
                "states": [
                    s["state"]
                    for s in self.query(
                        "SELECT state FROM recommendation_states WHERE recommendation_pk=? "
                        "AND part=? ORDER BY ord",
                        (pk, p["part"]),
                    )
                ],
            }
            for p in self.query(
                "SELECT part, text FROM parts WHERE recommendation_pk=? ORDER BY part", (pk,)
            )
        ]
        rec["tags"] = {}
        for t in self.query(
            "SELECT scheme, value FROM tags WHERE recommendation_pk=? ORDER BY scheme, value",
            (pk,),
        ):
            rec["tags"].setdefault(t["scheme"], []).append(t["value"])
        rec["human_labels"] = [
            dict(r)
            for r in self.query(
                "SELECT part, label, value, source FROM human_labels WHERE recommendation_pk=? "
                "ORDER BY part, label",
                (pk,),
            )
        ]
        rec["machine_labels"] = [
            dict(r)
            for r in self.query(
                "SELECT label, value, score, decided_by, classifier_version FROM machine_labels "
                "WHERE recommendation_pk=? ORDER BY label, value",
                (pk,),
            )
        ]
        rec["evidence"] = [
            dict(r)
            for r in self.query(
                "SELECT label, value, start, end, text, rule_id, source FROM evidence "
                "WHERE recommendation_pk=? ORDER BY label, start",
                (pk,),
            )
        ]
        rec["overrides"] = [
            dict(r)
            for r in self.query(
                "SELECT label, old_value, new_value, coder, reason, created_at FROM overrides "
                "WHERE recommendation_id=? ORDER BY id",
                (rec_id,),
            )
        ]
        return rec

    def search(
        self,
        text: str | None = None,
        *,
        sur: str | None = None,
        cycle: int | None = None,
        position: str | None = None,
        state: str | None = None,
        source_kind: str | None = None,
        primary_only: bool = False,
        kind: str | None = "recommendation",
        limit: int = 20,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Full-text (FTS5, every word must occur, ``word*`` for a prefix) plus filters."""
        where: list[str] = []
        params: list[Any] = []
        join = ""
        order = "r.sur, r.cycle, r.pk"
        if text:
            q = _fts_query(text)
            if not q:
                raise StoreError(f"nothing to search for in {text!r}")
            join = "JOIN recommendations_fts f ON f.rowid = r.pk"
            where.append("recommendations_fts MATCH ?")
            params.append(q)
            order = "f.rank"
        if sur:
            where.append("r.sur = ?")
            params.append(sur.upper())
        if cycle is not None:
            where.append("r.cycle = ?")
            params.append(cycle)
        if position:
            where.append("r.position = ?")
            params.append(position)
        if kind:
            where.append("r.kind = ?")
            params.append(kind)
        if source_kind:
            where.append("r.source_kind = ?")
            params.append(source_kind)
        if primary_only:
            where.append("r.is_primary = 1")
        if state:
            where.append(
                "EXISTS (SELECT 1 FROM recommendation_states rs WHERE rs.recommendation_pk=r.pk "
                "AND rs.state = ?)"
            )
            params.append(state.upper())
        sql = (
            "SELECT r.pk, r.id, r.sur, r.cycle, r.paragraph, r.text, r.states, r.position, "
            f"r.source_kind, r.is_primary FROM recommendations r {join}"
            + (" WHERE " + " AND ".join(where) if where else "")
            + f" ORDER BY {order} LIMIT ? OFFSET ?"
        )
        params += [limit, offset]
        try:
            return [dict(r) for r in self.query(sql, params)]
        except sqlite3.OperationalError as exc:
            raise StoreError(f"search failed for {text!r}: {exc}") from None

    def iter_recommendations(
        self, *, primary_only: bool = False, sur: str | None = None, cycle: int | None = None
    ) -> Iterator[dict[str, Any]]:
        where = ["1=1"]
        params: list[Any] = []
        if primary_only:
            where.append("is_primary = 1")
        if sur:
            where.append("sur = ?")
            params.append(sur.upper())
        if cycle is not None:
            where.append("cycle = ?")
            params.append(cycle)
        cur = self.conn.execute(
            "SELECT pk, id, review_id, sur, cycle, session, kind, paragraph, text, states, "
            "n_states, position, position_qualifier, source_kind, is_primary, file, page, row "
            f"FROM recommendations WHERE {' AND '.join(where)} ORDER BY pk",
            params,
        )
        for row in cur:
            yield dict(row)

    def counts(self) -> dict[str, int]:
        out = {}
        for table in (
            "reviews", "sources", "recommendations", "recommendation_states", "parts", "tags",
            "human_labels", "machine_labels", "evidence", "expert_recommendations", "overrides",
            "responses",
        ):
            out[table] = int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        return out

    # -- embedding cache -------------------------------------------------------------------

    def load_vectors(self, hashes: list[str], model: str) -> dict[str, bytes]:
        """Cached sentence vectors by text hash (see uprlens.classify.embeddings)."""
        out: dict[str, bytes] = {}
        for i in range(0, len(hashes), 900):
            part = hashes[i : i + 900]
            marks = ",".join("?" * len(part))
            for r in self.conn.execute(
                f"SELECT text_hash, vector FROM embeddings WHERE model=? AND text_hash IN ({marks})",
                [model, *part],
            ):
                out[r[0]] = r[1]
        return out

    def save_vectors(self, rows: list[tuple[str, str, bytes]]) -> None:
        if self.readonly or not rows:
            return  # a read-only store still computes vectors, it just cannot keep them
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO embeddings(text_hash, model, vector) VALUES (?,?,?)", rows
            )

    # -- machine labels --------------------------------------------------------------------

    def save_machine_labels(
        self,
        rows: Iterable[tuple[int, Any]],
        *,
        classifier_version: str,
    ) -> int:
        """Replace the machine labels of the given recommendations (pk, Classification)."""
        n = 0
        with self.transaction() as conn:
            for pk, c in rows:
                conn.execute("DELETE FROM machine_labels WHERE recommendation_pk=?", (pk,))
                conn.execute(
                    "DELETE FROM evidence WHERE recommendation_pk=? AND source != 'human'", (pk,)
                )
                labels = list(c.labels.values()) + list(c.themes) + list(c.affected_persons)
                labels += list(c.issues)
                label_rows = []
                ev_rows = []
                for lab in labels:
                    label_rows.append(
                        (pk, lab.name, lab.value, float(lab.score), lab.decided_by,
                         classifier_version)
                    )
                    for ev in lab.evidence:
                        ev_rows.append(
                            (pk, lab.name, lab.value, ev.start, ev.end, ev.text, ev.rule_id,
                             ev.source)
                        )
                conn.executemany(
                    "INSERT OR REPLACE INTO machine_labels(recommendation_pk, label, value, score, "
                    "decided_by, classifier_version) VALUES (?,?,?,?,?,?)",
                    label_rows,
                )
                conn.executemany(
                    "INSERT INTO evidence(recommendation_pk, label, value, start, end, text, "
                    "rule_id, source) VALUES (?,?,?,?,?,?,?,?)",
                    ev_rows,
                )
                n += 1
        return n


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    statements: list[str] = []
    buf: list[str] = []
    in_trigger = False
    for line in script.splitlines():
        stripped = line.strip()
        if not buf and (not stripped or stripped.startswith("--")):
            continue
        buf.append(line)
        upper = stripped.upper()
        if upper.startswith("CREATE TRIGGER"):
            in_trigger = True
        if in_trigger:
            if upper == "END;":
                statements.append("\n".join(buf))
                buf = []
                in_trigger = False
        elif stripped.endswith(";"):
            statements.append("\n".join(buf))
            buf = []
    if "".join(buf).strip():
        statements.append("\n".join(buf))
    return statements
