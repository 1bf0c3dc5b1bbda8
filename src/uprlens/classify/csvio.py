"""The batch job: label every row of a CSV, report the rows that failed, never stop half-way."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from uprlens.classify.codebook import (
    ROW_COLUMNS,
    Classification,
    Classifier,
    default_classifier,
    default_jobs,
)
from uprlens.errors import ClassifyError, SourceNotFound, UnreadableDocument, WrongColumns
from uprlens.lexicons.states import registry
from uprlens.types import Recommendation

__all__ = [
    "BatchSummary",
    "OUTPUT_SUFFIX",
    "RowError",
    "classify_csv",
    "classify_records",
    "output_names",
]

BATCH = 2000  # rows classified together: vectorised, yet progress stays visible
# A file this long is classified over every core, in blocks this large (one fork per block).
PARALLEL_ROWS = 8000
PARALLEL_BATCH = 50_000


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based data row (header excluded), as in the input file
    message: str


@dataclass
class BatchSummary:
    input: str
    output: str
    rows: int = 0
    labelled: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def describe(self) -> str:
        msg = f"{self.labelled} of {self.rows} rows labelled -> {self.output}"
        if self.errors:
            shown = "; ".join(f"row {e.row}: {e.message}" for e in self.errors[:5])
            more = f" (and {len(self.errors) - 5} more)" if len(self.errors) > 5 else ""
            msg += f"; {len(self.errors)} row(s) failed: {shown}{more}"
        return msg


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    if not path.is_file():
        raise SourceNotFound("input CSV not found", path=path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            rows = list(reader)
            header = list(reader.fieldnames or [])
    except UnicodeDecodeError as exc:
        raise UnreadableDocument(
            f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the CSV as UTF-8",
            path=path,
        ) from exc
    except csv.Error as exc:
        raise UnreadableDocument(f"malformed CSV ({exc})", path=path) from exc
    if not header:
        raise WrongColumns("empty file: no header row", path=path)
    return header, rows


OUTPUT_SUFFIX = "_uprlens"


def output_names(header: list[str], path: Path | None = None) -> dict[str, str]:
    """Column the classifier writes each of its outputs to: its own name, or
    ``<name>_uprlens`` where the input already has that column."""
    names: dict[str, str] = {}
    for c in (*ROW_COLUMNS, "warnings", "error"):
        if c not in header:
            names[c] = c
        elif c + OUTPUT_SUFFIX not in header:
            names[c] = c + OUTPUT_SUFFIX
        else:
            raise WrongColumns(
                f'the input already has both "{c}" and "{c}{OUTPUT_SUFFIX}", where the '
                "classifier would write its own labels; rename one of them",
                path=path,
            )
    return names


def classify_csv(
    input: str | Path,  # noqa: A002 - the CLI's option name
    output: str | Path,
    text_column: str,
    id_column: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    classifier: Classifier | None = None,
    n_jobs: int | None = None,
    sur: str | None = None,
    sur_column: str | None = None,
) -> BatchSummary:
    """Label each row of ``input`` and write ``output`` with the codebook columns added.

    A row that cannot be labelled keeps its columns, gets empty labels and an ``error``
    message; it is listed in the summary with its row number. Raises WrongColumns if a named
    column is missing (before writing anything).

    The input's own columns are never overwritten: if it already has a column the classifier
    writes (say a human-coded ``verdict``), the classifier's goes to ``verdict_uprlens``
    beside it, so the two can be compared; if that name is taken too, WrongColumns is raised
    before anything is written.

    ``sur`` (every row) or ``sur_column`` (per row; a state's name or ISO3 code): the State
    under Review the recommendations are addressed to, for the endorsing frames that hold
    for some states only (``lexicons/endorsing_by_sur.jsonl``).

    A file of ``PARALLEL_ROWS`` rows or more is classified over ``n_jobs`` processes
    (default: ``default_jobs()``, every core up to 4).
    """
    src, dst = Path(input), Path(output)
    header, rows = _read(src)
    cols = ((text_column, "--text-column"), (id_column, "--id-column"), (sur_column, "--sur-column"))
    for col, opt in cols:
        if col is not None and col not in header:
            raise WrongColumns(
                f'missing column "{col}" (found: {", ".join(header)}); pass the right name '
                f"with {opt}",
                path=src,
            )
    clf = classifier or default_classifier()
    summary = BatchSummary(str(src), str(dst), rows=len(rows))
    rename = output_names(header, src)
    out_cols = header + list(rename.values())
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(dst.name + ".part")
    jobs = default_jobs() if n_jobs is None else n_jobs
    step = PARALLEL_BATCH if jobs > 1 and len(rows) >= PARALLEL_ROWS else BATCH
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=out_cols, extrasaction="ignore")
        writer.writeheader()
        for b in range(0, len(rows), step):
            chunk = rows[b : b + step]

            def tick(done: int, base: int = b) -> None:
                if progress is not None:
                    progress(min(base + done, len(rows)), len(rows))

            try:
                results = clf.classify_many(
                    [r.get(text_column) for r in chunk],
                    surs=[_sur_of(r, sur, sur_column) for r in chunk],
                    on_error="return",
                    n_jobs=jobs if step > BATCH else 1,
                    progress=tick if step > BATCH else None,
                )
            except Exception as exc:  # noqa: BLE001 - the batch must say which rows were hit
                results = []
                for r in chunk:  # fall back row by row to find the culprit
                    try:
                        results.extend(clf.classify_many([r.get(text_column)], on_error="return"))
                    except Exception as one:  # noqa: BLE001
                        results.append(
                            ClassifyError(f"internal error: {type(one).__name__}: {one}")
                        )
                del exc
            for n, (row, res) in enumerate(zip(chunk, results, strict=True), start=b + 1):
                out = dict(row)
                label = f"row {n}" + (f" (id {row.get(id_column)})" if id_column else "")
                if isinstance(res, Exception):
                    summary.errors.append(RowError(n, f"{label}: {res}"))
                    out[rename["error"]] = str(res)
                else:
                    out.update((rename[k], v) for k, v in res.as_row().items())
                    if res.warnings:
                        out[rename["warnings"]] = "; ".join(res.warnings)
                        summary.warnings.append(RowError(n, "; ".join(res.warnings)))
                    summary.labelled += 1
                writer.writerow(out)
            if progress is not None:
                progress(min(b + step, len(rows)), len(rows))
    tmp.replace(dst)
    return summary


def _sur_of(row: dict[str, str], sur: str | None, sur_column: str | None) -> str | None:
    if sur_column is None:
        return sur
    # Unresolvable names get no SuR-specific frame, the same as a file without the column.
    return registry().lookup(row.get(sur_column) or "")


def classify_records(
    records: Iterable[Recommendation],
    classifier: Classifier | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[tuple[str, Classification | ClassifyError]]:
    """Label stored recommendations (``uprlens classify --all``): yields (record id, result);
    a record that cannot be labelled yields its ClassifyError, naming the record."""
    clf = classifier or default_classifier()
    done = 0
    batch: list[Recommendation] = []

    def flush() -> Iterator[tuple[str, Classification | ClassifyError]]:
        results = clf.classify_many(
            [r.text for r in batch], on_error="return", surs=[r.review.sur for r in batch]
        )
        for rec, res in zip(batch, results, strict=True):
            if isinstance(res, ClassifyError):
                res = ClassifyError(f"{rec.id} ({rec.provenance.describe()}): {res}")
            yield rec.id, res

    for rec in records:
        batch.append(rec)
        if len(batch) >= BATCH:
            yield from flush()
            done += len(batch)
            batch = []
            if progress is not None:
                progress(done)
    if batch:
        yield from flush()
        done += len(batch)
        if progress is not None:
            progress(done)
