"""The ``uprlens`` command line. Each command is one library call plus error mapping."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from uprlens.errors import UprlensError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Audit the recommendations of the UN Universal Periodic Review.",
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

_state: dict[str, Any] = {"db": None, "debug": False}

T = TypeVar("T")


def _fail(exc: BaseException) -> None:
    if _state["debug"]:
        raise exc
    err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def _run(fn: Callable[[], T]) -> T:
    try:
        return fn()
    except UprlensError as exc:
        _fail(exc)
        raise  # unreachable: _fail exits
    except KeyboardInterrupt:
        err_console.print("interrupted; the store is unchanged by the unfinished step")
        raise typer.Exit(130) from None


def _db_path() -> Path:
    from uprlens.store import default_db_path

    return Path(_state["db"]) if _state["db"] else default_db_path()


def _store(readonly: bool = False) -> Any:
    from uprlens.store import Store

    return _run(lambda: Store(_db_path(), readonly=readonly))


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )


@app.callback()
def main(
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="Store file. Default: $UPRLENS_DB, else the nearest .uprlens/uprlens.db "
            "above the working directory, else ./.uprlens/uprlens.db.",
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    _state["db"] = db
    _state["debug"] = debug


def _parse_map(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        if "=" not in item:
            _fail(UprlensError(f"--map takes COLUMN=FIELD, got {item!r}"))
        k, v = item.split("=", 1)
        out[k.strip()] = v.strip()
    return out


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files to import.")] = None,
    bundled: Annotated[
        bool, typer.Option("--bundled", help="Import the China data shipped with uprlens.")
    ] = False,
    sur: Annotated[
        str | None, typer.Option(help="State under Review, for files that do not name it.")
    ] = None,
    column_map: Annotated[
        list[str] | None,
        typer.Option("--map", help="Column mapping COLUMN=FIELD for tables (repeatable)."),
    ] = None,
    allow_numbering_problems: Annotated[
        bool,
        typer.Option(
            "--allow-numbering-problems",
            help="Import a Working Group report even when its paragraph numbers have gaps or "
            "duplicates (misprints in the UN document); the problems are still listed.",
        ),
    ] = False,
) -> None:
    """Import documents and exports into the store; the kind is detected from the content.

    Every file is read completely before anything is written, and all files land in one
    transaction: on any error the store is unchanged. Re-importing changes nothing.

    Example: uprlens ingest ../shared/data/ohchr/CHN_2018_s31_c3.docx
    """
    from uprlens.ingest.bundled import bundled_sources

    todo: list[tuple[Path, dict[str, Any]]] = []
    if bundled:
        todo += bundled_sources()
    options: dict[str, Any] = {}
    if sur:
        options["sur"] = sur
    if column_map:
        options["column_map"] = _parse_map(column_map)
    if allow_numbering_problems:
        options["allow_numbering_problems"] = True
    todo += [(p, dict(options)) for p in paths or []]
    if not todo:
        _fail(UprlensError("nothing to import: give FILE paths or --bundled"))
    store = _store()
    batches = []
    experts: list[tuple[Path, list[Any]]] = []
    responses: list[Any] = []
    with _progress() as progress:
        task = progress.add_task("reading", total=len(todo))
        for path, opts in todo:
            progress.update(task, description=f"reading {path.name}")
            kind_batches, kind_experts, kind_responses = _run(lambda p=path, o=opts: _read(p, o))
            batches += kind_batches
            if kind_experts:
                experts.append((path, kind_experts))
            responses += kind_responses
            progress.advance(task)
        task2 = progress.add_task("storing", total=len(batches))

        def store_all() -> tuple[Any, list[Any]]:
            # Reports first, then the addenda that answer them: one transaction, so an
            # addendum that answers paragraphs the store lacks leaves everything unchanged.
            with store.transaction():
                rep = store.import_batches(batches, progress=lambda _b: progress.advance(task2))
                return rep, [store.apply_responses(r) for r in responses]

        report, applied = _run(store_all)
    for change in report.changes:
        if change.status != "unchanged":
            console.print(change.describe(), highlight=False)
    for done in applied:
        console.print(done.summary(), highlight=False)
    for path, entries in experts:
        rep = _run(lambda p=path, e=entries: store.import_experts(e, file=str(p)))
        console.print(
            f"expert catalogue: {len(entries)} entries from {path.name}, "
            f"{rep.changes[0].added[0]} new",
            highlight=False,
        )
    console.print(report.summary(), highlight=False)


def _read(path: Path, opts: dict[str, Any]) -> tuple[list[Any], list[Any], list[Any]]:
    """(UPR batches, expert recommendations, addendum responses) of one file; UHRI exports
    can hold the first two."""
    from uprlens.ingest import (
        read_expert_csv,
        read_kind,
        read_responses,
        read_uhri,
        read_uhri_experts,
        sniff,
    )

    kind = sniff(path, column_map=opts.get("column_map"))
    if kind != "wg_report":
        opts = {k: v for k, v in opts.items() if k != "allow_numbering_problems"}
    else:
        opts = {k: v for k, v in opts.items() if k != "column_map"}
    if kind == "wg_responses":
        return [], [], [read_responses(path)]
    if kind == "expert_csv":
        return [], read_expert_csv(path, **opts), []
    if kind == "uhri":
        return read_uhri(path, **opts), read_uhri_experts(path, **opts), []
    return read_kind(kind, path, **opts), [], []


@app.command()
def parse(
    path: Annotated[Path, typer.Argument(help="A document or export to read.")],
    fmt: Annotated[str, typer.Option("--format", help="csv | json")] = "csv",
    sur: Annotated[
        str | None, typer.Option(help="State under Review, for files that do not name it.")
    ] = None,
    allow_numbering_problems: Annotated[
        bool, typer.Option("--allow-numbering-problems", help="See `uprlens ingest --help`.")
    ] = False,
) -> None:
    """Print what uprlens extracts from a file, one row per part, without touching the store.

    Example: uprlens parse ../shared/data/wg-reports/china2013.pdf --format csv
    """
    from uprlens.present.export import batches_frame, export_rows

    opts: dict[str, Any] = {}
    if sur:
        opts["sur"] = sur
    if allow_numbering_problems:
        opts["allow_numbering_problems"] = True
    if fmt not in ("csv", "json"):
        _fail(UprlensError(f"--format must be csv or json, not {fmt!r}"))
    batches, _experts, responses = _run(lambda: _read(path, opts))
    if responses:
        import pandas as pd

        frame = pd.DataFrame(
            [
                {
                    "paragraph": r.paragraph,
                    "position": r.position,
                    "qualifier": r.qualifier or "",
                    "comment": r.comment or "",
                    "source": r.source,
                }
                for res in responses
                for r in res.by_paragraph.values()
            ]
        )
        sys.stdout.write(_run(lambda: export_rows(frame, fmt, None)) or "")
        return
    text = _run(lambda: export_rows(batches_frame(batches), fmt, None))
    sys.stdout.write(text or "")
    for batch in batches:
        if "numbering note" in (batch.title or ""):
            # On stderr so that the CSV/JSON on stdout stays machine-readable.
            err_console.print(f"note: {batch.title}")


@app.command()
def reviews() -> None:
    """List the reviews in the store with their headline numbers (unit: paragraph).

    Example: uprlens reviews
    """
    store = _store(readonly=True)
    rows = _run(store.reviews)
    table = Table(title=f"Reviews in {_db_path()}")
    table.add_column("review", no_wrap=True)
    table.add_column("state under review")
    for col in ("sess.", "year", "WG report", "sources"):
        table.add_column(col)
    for col in ("recs", "supp.", "noted", "other", "states"):
        table.add_column(col, justify="right")
    for r in rows:
        other = (r["supported_in_part"] or 0) + (r["no_position"] or 0)
        table.add_row(
            r["id"], r["sur_name"], str(r["session"] or ""), str(r["year"] or ""),
            r["wg_report"] or "", r["sources"] or "", str(r["recommendations"]),
            str(r["supported"] or 0), str(r["noted"] or 0), str(other),
            str(r["recommending_states"]),
        )
    console.print(table)
    if not rows:
        console.print("The store is empty: `uprlens ingest FILE` or `make demo`.")


@app.command()
def show(
    rec_id: Annotated[str, typer.Argument(help="Recommendation id, e.g. CHN-c3-28.12")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one recommendation: text, states, position, labels, provenance.

    Example: uprlens show CHN-c3-28.12
    """
    from uprlens.lexicons.states import registry

    store = _store(readonly=True)
    rec = _run(lambda: store.recommendation(rec_id))
    if as_json:
        console.print_json(json.dumps(rec, default=str, ensure_ascii=False))
        return
    reg = registry()
    console.print(f"[bold]{rec['id']}[/]  ({rec['source_kind']}; {rec['review_id']})")
    console.print(rec["text"], highlight=False)
    for part in rec["parts"] if rec["n_parts"] > 1 else []:
        names = ", ".join(reg.name(s) for s in part["states"])
        console.print(f"  part {part['part']}: {part['text']}  [dim]({names})[/]", highlight=False)
    names = "; ".join(reg.name(s) for s in rec["states"].split("; ") if s)
    console.print(f"[bold]states[/]: {names or '(unattributed)'}", highlight=False)
    pos = rec["position"] or "unknown"
    if rec["position_qualifier"]:
        pos += f" — “{rec['position_qualifier']}”"
    console.print(f"[bold]position[/]: {pos}", highlight=False)
    if rec["position_source"]:
        console.print(f"[bold]position source[/]: {rec['position_source']}", highlight=False)
    for scheme, values in rec["tags"].items():
        console.print(f"[bold]{scheme}[/]: {'; '.join(values)}", highlight=False)
    for lab in rec["human_labels"]:
        where = f" part {lab['part']}" if lab["part"] else ""
        console.print(
            f"[bold]human {lab['label']}[/]{where}: {lab['value']} ({lab['source']})",
            highlight=False,
        )
    for lab in rec["machine_labels"]:
        console.print(
            f"[bold]machine {lab['label']}[/]: {lab['value']} "
            f"(by {lab['decided_by']}, {lab['score']:.2f}, v{lab['classifier_version']})",
            highlight=False,
        )
    prov = rec["file"]
    if rec["page"]:
        prov += f", page {rec['page']}"
    if rec["row"]:
        prov += f", row {rec['row']}"
    if rec["locator"]:
        prov += f", {rec['locator']}"
    console.print(f"[bold]provenance[/]: {prov}", highlight=False)
    if rec["other_sources"]:
        console.print(f"[dim]also in: {', '.join(rec['other_sources'])}[/]")


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words that must all occur (word* = prefix).")],
    sur: Annotated[str | None, typer.Option(help="State under Review (ISO3).")] = None,
    cycle: Annotated[int | None, typer.Option(help="UPR cycle.")] = None,
    position: Annotated[
        str | None, typer.Option(help="supported | noted | supported_in_part | pending")
    ] = None,
    state: Annotated[str | None, typer.Option(help="Recommending state (ISO3 or name).")] = None,
    limit: Annotated[int, typer.Option(help="How many results.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Full-text search over every recommendation in the store.

    Example: uprlens search "death penalty" --sur CHN --position noted
    """
    from uprlens.lexicons.states import registry

    iso = None
    if state:
        iso = registry().lookup(state)
        if iso is None:
            _fail(UprlensError(f"unknown state {state!r}"))
    store = _store(readonly=True)
    rows = _run(
        lambda: store.search(
            query, sur=sur, cycle=cycle, position=position, state=iso, limit=limit
        )
    )
    if as_json:
        console.print_json(json.dumps(rows, ensure_ascii=False))
        return
    table = Table(title=f"{len(rows)} results for {query!r}")
    for col in ("id", "position", "states", "text"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r["id"], r["position"] or "", r["states"], r["text"])
    console.print(table)


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", help="csv | xlsx | json | parquet")] = "csv",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write.")] = None,
    sur: Annotated[str | None, typer.Option(help="State under Review (ISO3).")] = None,
    cycle: Annotated[int | None, typer.Option(help="UPR cycle.")] = None,
    primary_only: Annotated[
        bool, typer.Option("--primary-only", help="Only each review's authoritative source.")
    ] = False,
) -> None:
    """Export recommendations with their labels.

    Example: uprlens export --format xlsx --sur CHN -o china.xlsx
    """
    from uprlens.present.export import export_rows, recommendations_frame

    store = _store(readonly=True)
    frame = _run(
        lambda: recommendations_frame(store, sur=sur, cycle=cycle, primary_only=primary_only)
    )
    text = _run(lambda: export_rows(frame, fmt, output))
    if text is not None:
        sys.stdout.write(text)
    else:
        err_console.print(f"wrote {len(frame)} rows to {output}")


@app.command()
def explain(
    text: Annotated[str, typer.Argument(help="A recommendation's text, or a stored id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    sur: Annotated[
        str | None,
        typer.Option(help="State under Review it is addressed to (some frames depend on it)."),
    ] = None,
) -> None:
    """Label one recommendation by the codebook and show the words that decided each label.

    Example: uprlens explain "Continue to protect the rights of vulnerable groups"
    """
    from uprlens.classify.codebook import default_classifier
    from uprlens.classify.explain import explain_terminal
    from uprlens.ids import parse_id
    from uprlens.lexicons.states import registry

    try:
        parse_id(text)
        rec = _run(lambda: _store(readonly=True).recommendation(text))
        text = rec["text"]
        sur = sur or rec["sur"]
        console.print(f"[bold]{rec['id']}[/]", highlight=False)
    except ValueError:
        pass
    sur_iso = _run(lambda: registry().resolve(sur)) if sur else None
    c = _run(lambda: default_classifier().classify(text, sur=sur_iso))
    if as_json:
        console.print_json(json.dumps(c.to_dict(), ensure_ascii=False))
        return
    console.print(explain_terminal(c))


@app.command("classify")
def classify_cmd(
    input_: Annotated[
        Path | None, typer.Option("--input", help="CSV file with a text column.")
    ] = None,
    text_column: Annotated[str | None, typer.Option(help="Column holding the text.")] = None,
    id_column: Annotated[str | None, typer.Option(help="Column holding row ids.")] = None,
    output: Annotated[Path | None, typer.Option(help="CSV file to write.")] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Label every recommendation in the store.")
    ] = False,
    sur: Annotated[
        str | None,
        typer.Option(help="With --all: only this SuR. With --input: the SuR of every row."),
    ] = None,
    sur_column: Annotated[
        str | None, typer.Option(help="With --input: column naming each row's SuR.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="With --all: relabel what this version labelled.")
    ] = False,
) -> None:
    """Label a CSV file (adds the codebook columns) or everything in the store (--all).

    Example: uprlens classify --input recs.csv --text-column text --output labelled.csv
    """
    if all_ == (input_ is not None):
        _fail(UprlensError("give either --input FILE.csv (with --text-column, --output) or --all"))
    if all_:
        from uprlens.classify.stored import label_store

        store = _store()
        with _progress() as progress:
            task = progress.add_task("classifying", total=None)

            def tick(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            report = _run(lambda: label_store(store, sur=sur, force=force, progress=tick))
            # Sentence vectors too, so that audits and draft checks never wait for the model.
            from uprlens.analyse.similarity import warm_embeddings

            vec = progress.add_task("embedding", total=None)
            embedded = _run(
                lambda: warm_embeddings(store, sur, progress=lambda n: progress.advance(vec, n))
            )
        if embedded:
            console.print(f"cached sentence vectors of {embedded} texts", highlight=False)
        for line in report.failed[:20]:
            err_console.print(f"[yellow]not labelled:[/] {line}", highlight=False)
        console.print(report.summary(), highlight=False)
        if report.failed:
            raise typer.Exit(1)
        return
    if not text_column or output is None:
        _fail(UprlensError("--input needs --text-column COL and --output OUT.csv"))
    from uprlens.classify.csvio import classify_csv
    from uprlens.lexicons.states import registry

    assert input_ is not None and text_column is not None and output is not None
    with _progress() as progress:
        task = progress.add_task("classifying", total=None)
        summary = _run(
            lambda: classify_csv(
                input_, output, text_column, id_column,
                sur=registry().resolve(sur) if sur else None, sur_column=sur_column,
                progress=lambda d, t: progress.update(task, completed=d, total=t),
            )
        )
    for err in summary.errors[:20]:
        err_console.print(f"[yellow]row failed:[/] {err.message}", highlight=False)
    console.print(summary.describe(), highlight=False)
    if summary.errors:
        raise typer.Exit(1)


@app.command()
def disagreements(
    label: Annotated[
        str, typer.Option(help="action_category | verdict | issue")
    ] = "action_category",
    sur: Annotated[str | None, typer.Option(help="State under Review (ISO3).")] = None,
    cycle: Annotated[int | None, typer.Option(help="UPR cycle.")] = None,
    limit: Annotated[int, typer.Option(help="How many rows to show.")] = 30,
    output: Annotated[Path | None, typer.Option("-o", help="Write all rows as CSV.")] = None,
) -> None:
    """List recommendations where the machine label differs from a human one.

    Example: uprlens disagreements --label action_category --sur CHN
    """
    from uprlens.analyse.disagreements import disagreements as find

    store = _store(readonly=True)
    frame = _run(lambda: find(store, label=label, sur=sur, cycle=cycle))
    if output is not None:
        frame.to_csv(output, index=False)
        err_console.print(f"wrote {len(frame)} rows to {output}")
        return
    table = Table(title=f"{len(frame)} disagreements on {label}")
    for col in ("id", "human", "machine", "score", "text"):
        table.add_column(col, overflow="fold")
    for r in frame.head(limit).itertuples():
        table.add_row(r.id, f"{r.human} ({r.human_source})", str(r.machine),
                      f"{r.score:.2f}", r.text[:160])
    console.print(table)
    if not len(frame):
        console.print("No disagreements (or no machine labels yet: `uprlens classify --all`).")


def _register_extensions() -> None:
    # Commands of later stages live beside their packages; each module adds its own.
    from uprlens import commands_audit, commands_draft, commands_web

    commands_audit.register(app)
    commands_draft.register(app)
    commands_web.register(app)


_register_extensions()
