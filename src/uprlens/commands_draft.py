"""The drafting assistant's commands: ``check`` and ``catalogue``. cli.py calls
:func:`register`; each command is one library call plus output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from uprlens.errors import StoreError, UprlensError

__all__ = ["register"]


def _open_store() -> Any:
    """The store if there is one: ``check`` still diagnoses without it."""
    from uprlens.cli import _db_path
    from uprlens.store import Store

    path: Path = _db_path()
    try:
        return Store(path, readonly=True)
    except StoreError:
        return None


def register(app: typer.Typer) -> None:
    @app.command()
    def check(
        text: Annotated[str, typer.Argument(help="The draft recommendation.")],
        sur: Annotated[str, typer.Option(help="State under Review (ISO3 or name).")],
        cycle: Annotated[
            int | None, typer.Option(help="Cycle the draft is for; history uses earlier ones.")
        ] = None,
        from_state: Annotated[
            str | None, typer.Option("--from", help="Recommending state (ISO3 or name).")
        ] = None,
        fmt: Annotated[str, typer.Option("--format", help="text | json")] = "text",
        no_predict: Annotated[
            bool, typer.Option("--no-predict", help="Skip the response prediction.")
        ] = False,
    ) -> None:
        """Check a draft recommendation: diagnosis with evidence, SMART checklist, UN expert
        grounding, stronger wordings (re-checked), precedent and the chance of support.

        Example: uprlens check "Continue to protect the rights of vulnerable groups" --sur CHN
        """
        from uprlens.cli import _fail, _run, console
        from uprlens.draft import check as run_check
        from uprlens.draft import render_text

        if fmt not in ("text", "json"):
            _fail(UprlensError(f"unknown --format {fmt!r}; use text or json"))
        store = _open_store()
        result = _run(
            lambda: run_check(text, sur=sur, cycle=cycle, store=store, from_state=from_state,
                              predict=not no_predict)
        )
        if fmt == "json":
            typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        else:
            console.print(render_text(result), highlight=False, markup=False, soft_wrap=True)

    @app.command()
    def catalogue(
        text: Annotated[str, typer.Argument(help="Words to look for.")],
        sur: Annotated[str, typer.Option(help="State concerned (ISO3 or name).")],
        limit: Annotated[int, typer.Option(help="How many entries.")] = 10,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Search the UN expert catalogue (import entries with `uprlens ingest FILE --sur X`).

        Example: uprlens catalogue "arbitrary detention Uyghurs" --sur CHN
        """
        from uprlens.cli import _run, _store, console
        from uprlens.draft.grounding import catalogue_size, citation, ground
        from uprlens.lexicons.states import registry

        iso = _run(lambda: registry().resolve(sur))
        store = _store(readonly=True)
        hits = _run(lambda: ground(store, text, iso, limit=limit))
        if as_json:
            typer.echo(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=2))
            return
        n = catalogue_size(store, iso)
        console.print(f"{len(hits)} of {n} entries on {iso}", highlight=False)
        for h in hits:
            tag = "" if h.verbatim else " [second-hand]"
            console.print(f"{h.score:.2f} {citation(h)}{tag}\n     {h.text}", highlight=False,
                          markup=False)
