"""HTML built in Python: every value passes through markupsafe.escape before it is wrapped."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from jinja2.utils import url_quote
from markupsafe import Markup, escape

__all__ = ["Options", "bar_width", "highlight", "locate", "pct", "table_row", "table_rows"]


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


class Options:
    """The <option>s of a <select>, escaped once: the filter form lists some 200 states twice,
    and rendering them in the template on every request cost more than the rest of the page.
    ``render(selected)`` marks the chosen one and is a few string joins."""

    def __init__(self, items: Sequence[tuple[Any, Any]], *, value_attr: bool = True) -> None:
        """``items``: (value, label) pairs. ``value_attr=False``: the label is the value."""
        self._index: dict[str, int] = {}
        self._plain: list[str] = []
        self._chosen: list[str] = []
        for i, (value, label) in enumerate(items):
            attr = Markup(' value="{0}"').format(value) if value_attr else ""
            self._plain.append(Markup("<option{0}>{1}</option>").format(attr, label))
            self._chosen.append(Markup("<option{0} selected>{1}</option>").format(attr, label))
            self._index.setdefault(str(value), i)
        self._all = "".join(self._plain)

    def render(self, selected: Any = None) -> Markup:
        i = self._index.get(str(selected)) if selected is not None else None
        if i is None:
            return Markup(self._all)
        return Markup("".join([*self._plain[:i], self._chosen[i], *self._plain[i + 1 :]]))


def _cell(value: Any, empty: str = "") -> str:
    return str(escape(value)) if value else empty


def table_row(r: Mapping[str, Any]) -> str:
    """One <tr> of the recommendation table, every value escaped (a str, so that joining many
    of them stays a plain join; ``table_rows`` marks the result safe)."""
    rid = r["id"]
    return (
        f'<tr>\n  <td><a href="/recommendations/{escape(url_quote(rid))}">{escape(rid)}</a></td>'
        f'\n  <td class="text">{escape(r["text"])}</td>'
        f"\n  <td>{_cell(r.get('states'))}</td>"
        f"\n  <td>{_cell(r.get('position'), 'unknown')}</td>"
        f"\n  <td>{_cell(r.get('category_human'), '–')} / "
        f"{_cell(r.get('category_machine'), '–')}</td>"
        f"\n  <td>{_cell(r.get('verdict'))}</td>"
        f"\n  <td>{escape(', '.join(r.get('flags') or ()))}</td>\n</tr>\n"
    )


def table_rows(items: Iterable[Mapping[str, Any]]) -> Markup:
    """The <tr>s of the recommendation table. Built here rather than in the template: Jinja
    spent more on these 50 rows (a thousand small pieces) than on the rest of the request."""
    return Markup("".join([table_row(r) for r in items]))
