"""``uprlens explain``: each label with the words that decided it, highlighted."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from uprlens.classify.codebook import Classification
from uprlens.classify.lexicon import FLAGS
from uprlens.types import Label

__all__ = ["explain_terminal", "explain_text"]

_STYLE = {"rule": "bold yellow", "model": "bold cyan", "human": "bold green"}


def _highlight(text: str, label: Label) -> Text:
    out = Text(text)
    for e in label.evidence:
        if 0 <= e.start < e.end <= len(text):
            out.stylize(_STYLE.get(e.source, "bold"), e.start, e.end)
    return out


def _rows(c: Classification) -> list[Label]:
    rows = [c.labels["action_category"], c.labels["verdict"]]
    rows += [c.labels[f] for f in FLAGS if c.labels[f].value == "1"]
    return rows + c.issues + c.themes + c.affected_persons


def explain_terminal(c: Classification) -> Group:
    """A rich renderable: the text, then one row per label with its evidence and origin."""
    table = Table(show_lines=False, expand=True)
    table.add_column("label", no_wrap=True)
    table.add_column("value")
    table.add_column("evidence")
    table.add_column("decided by", no_wrap=True)
    table.add_column("score", justify="right")
    for lb in _rows(c):
        ev = (
            Text(" | ").join(Text(e.text, style=_STYLE.get(e.source, "bold")) for e in lb.evidence)
            if lb.evidence
            else Text("-", style="dim")
        )
        table.add_row(lb.name, lb.value, ev, lb.decided_by, f"{lb.score:.2f}")
    off = [f for f in FLAGS if c.labels[f].value == "0"]
    parts = [
        _highlight(c.text, c.labels["verdict"]),
        table,
        Text("flags not set: " + ", ".join(off), style="dim"),
        Text("yellow = rule evidence, cyan = model evidence (top-weighted n-grams)", style="dim"),
    ]
    parts += [Text(f"warning: {w}", style="bold red") for w in c.warnings]
    return Group(*parts)


def explain_text(c: Classification) -> str:
    """Plain-text form of the same explanation (for logs and tests)."""
    lines = [c.text]
    for lb in _rows(c):
        ev = " | ".join(f"[{e.start}:{e.end}] {e.text!r} ({e.rule_id})" for e in lb.evidence)
        lines.append(f"{lb.name} = {lb.value}  by {lb.decided_by} ({lb.score:.2f})  {ev}")
    lines += [f"warning: {w}" for w in c.warnings]
    return "\n".join(lines)
