"""The ``audit`` and ``ledger`` commands. cli.py calls :func:`register`; each command is one
library call plus output."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from uprlens.errors import UprlensError

__all__ = ["register"]

_SUFFIX_FORMAT = {".html": "html", ".htm": "html", ".xlsx": "xlsx", ".json": "json",
                  ".txt": "text"}


def _sur(name: str) -> str:
    from uprlens.lexicons.states import registry

    iso = registry().lookup(name)
    if iso is None:
        if name.upper() in registry():
            return name.upper()
        raise UprlensError(f"unknown State under Review {name!r}; give an ISO3 code or the UN name")
    return iso


def register(app: typer.Typer) -> None:
    @app.command()
    def audit(
        sur: Annotated[str, typer.Option(help="State under Review (ISO3 or name).")],
        cycle: Annotated[int, typer.Option(help="UPR cycle.")],
        out: Annotated[
            Path | None, typer.Option("--out", "-o", help="Write the report to this file.")
        ] = None,
        fmt: Annotated[
            str | None,
            typer.Option("--format", help="text | json | html | xlsx (default: from --out's "
                         "suffix, else text)."),
        ] = None,
        groups: Annotated[
            Path | None,
            typer.Option("--groups", help="CSV of user-given groups of states (columns "
                         "group,state), e.g. the co-signers of a joint statement."),
        ] = None,
        threshold: Annotated[
            float | None,
            typer.Option(help="Similarity threshold for cross-cycle links (0-1)."),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    ) -> None:
        """Audit one review: the headline and what it hides, cross-tabs against the global
        UPR Info rates and earlier cycles, recommending states, cross-cycle links, the
        evidence ledger; as text, JSON, one self-contained HTML report or XLSX.

        Example: uprlens audit --sur CHN --cycle 3 --out china2018.html
        """
        from uprlens.analyse.audit import audit as run_audit
        from uprlens.analyse.profiles import read_groups
        from uprlens.analyse.similarity import DEFAULT_THRESHOLD
        from uprlens.cli import _fail, _run, _store, err_console
        from uprlens.present.report import write_report

        chosen = "json" if as_json else fmt
        if chosen is None:
            chosen = _SUFFIX_FORMAT.get(out.suffix.lower(), "text") if out else "text"
        iso = _run(lambda: _sur(sur))
        user_groups = _run(lambda: read_groups(groups)) if groups else None
        if threshold is not None and not 0 < threshold <= 1:
            _fail(UprlensError(f"--threshold must be in (0, 1], got {threshold}"))
        store = _store(readonly=True)
        a = _run(lambda: run_audit(
            store, iso, cycle, groups=user_groups,
            threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
        ))
        text = _run(lambda: write_report(a, chosen, out))
        if text is not None:
            sys.stdout.write(text)
        else:
            err_console.print(f"wrote the {chosen} report to {out}", highlight=False)
            for note in a.notes:
                err_console.print(f"note: {note}", highlight=False, soft_wrap=True)

    @app.command()
    def ledger(
        sur: Annotated[str, typer.Option(help="State under Review (ISO3 or name).")],
        fmt: Annotated[str, typer.Option("--format", help="csv | xlsx | json")] = "csv",
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="File to write.")
        ] = None,
    ) -> None:
        """Export the evidence ledger of noted recommendations on cooperation with UN mechanisms.

        Every noted recommendation to SUR, across all cycles in the store, about cooperation
        with UN mechanisms, with the reply and the evidence.

        Example: uprlens ledger --sur CHN --format xlsx -o china_ledger.xlsx
        """
        from uprlens.analyse.ledger import ledger as run_ledger
        from uprlens.cli import _fail, _run, _store, err_console
        from uprlens.present.export import export_rows

        if fmt not in ("csv", "xlsx", "json"):
            _fail(UprlensError(f"unknown ledger format {fmt!r}; choose csv, xlsx or json"))
        iso = _run(lambda: _sur(sur))
        store = _store(readonly=True)
        frame = _run(lambda: run_ledger(store, iso))
        text = _run(lambda: export_rows(frame, fmt, output))
        if text is not None:
            sys.stdout.write(text)
        else:
            err_console.print(f"wrote {len(frame)} ledger rows to {output}", highlight=False)
