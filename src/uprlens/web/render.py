"""HTML built in Python: every value passes through markupsafe.escape before it is wrapped."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup, escape

__all__ = ["bar_width", "highlight", "locate", "pct"]


def locate(text: str, ev: Mapping[str, Any]) -> tuple[int, int] | None:
    """Where an evidence span sits in ``text``: its offsets when they hold its words, else the
    first occurrence of its words, else None (the evidence is then listed, not highlighted)."""
    start, end, words = int(ev.get("start", -1)), int(ev.get("end", -1)), ev.get("text") or ""
    if 0 <= start < end <= len(text) and (not words or text[start:end] == words):
        return start, end
    if words:
        at = text.find(words)
        if at >= 0:
            return at, at + len(words)
    return None


def highlight(text: str, evidence: Iterable[Mapping[str, Any]]) -> Markup:
    """``text`` with each evidence span in a <mark> naming the label(s) it supports.

    Spans may overlap: the text is cut at every span boundary and each piece lists every
    label whose span covers it.
    """
    spans: list[tuple[int, int, str]] = []
    for ev in evidence:
        where = locate(text, ev)
        if where is not None:
            spans.append((where[0], where[1], f"{ev.get('label')}={ev.get('value')}"))
    if not spans:
        return Markup(escape(text))
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out: list[Markup] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = text[a:b]
        labels = sorted({lab for s, e, lab in spans if s <= a and b <= e})
        if labels:
            out.append(
                Markup('<mark title="{0}" data-labels="{0}">{1}</mark>').format(
                    ", ".join(labels), piece
                )
            )
        else:
            out.append(Markup(escape(piece)))
    return Markup("").join(out)


def pct(value: float | int | None, total: float | int | None) -> str:
    if not total or value is None:
        return ""
    return f"{100 * value / total:.0f}%"


def bar_width(value: float | int | None, largest: float | int | None, full: int = 240) -> int:
    """Width in pixels of an SVG bar (attributes, not inline styles, so the CSP holds)."""
    if not largest or not value:
        return 0
    return max(1, round(full * value / largest))
