"""Recommendations of UN expert bodies (treaty bodies, special procedures, OHCHR).

They are not UPR records: no recommending state, no SuR position. They come from UHRI exports
(:func:`uprlens.ingest.uhri.read_uhri_experts`) or from the plain catalogue CSV read here:
``body,symbol,year,paragraph,topic,text[,source,note][,sur|country][,verbatim]``.

Whether a row is the body's own wording: a ``verbatim`` column (true/false) decides when
present; otherwise the option ``verbatim=``; otherwise a file with a ``note`` column is a
second-hand catalogue (its notes say how each quote was obtained), so its rows are
verbatim=False, and a file without one is verbatim.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from uprlens.errors import BadRecord
from uprlens.ingest.safety import DEFAULT_LIMITS, Limits, file_sha256
from uprlens.ingest.tables import default_sur, read_mapped
from uprlens.lexicons.states import registry
from uprlens.types import Provenance

__all__ = ["ExpertRecommendation", "read_expert_csv"]


@dataclass(frozen=True)
class ExpertRecommendation:
    body: str  # "Committee against Torture", "OHCHR", "SR on human rights defenders"
    symbol: str  # CAT/C/CHN/CO/5, or a description when the document has none
    year: int | None
    paragraph: str
    topic: str
    text: str
    sur: str | None  # ISO3 of the State concerned
    source: str  # where the text was read (URL, UHRI export)
    note: str  # how second-hand it is, caveats
    verbatim: bool  # the body's own words (False: quoted or paraphrased by others)
    provenance: Provenance


REQUIRED: dict[str, tuple[str, ...]] = {
    "body": ("mechanism", "recommending body"),
    "symbol": ("document symbol", "document"),
    "text": ("recommendation",),
}
OPTIONAL: dict[str, tuple[str, ...]] = {
    "year": (),
    "paragraph": ("para", "number"),
    "topic": ("topics", "theme", "themes"),
    "source": ("url", "source_url"),
    "note": ("notes", "comment"),
    "sur": ("country", "state_under_review", "countries concerned"),
    "verbatim": (),
}

_TRUE = {"true", "yes", "1", "y", "verbatim"}
_FALSE = {"false", "no", "0", "n", "second-hand", "secondhand"}


def read_expert_csv(
    path: str | Path,
    *,
    sur: str | None = None,
    verbatim: bool | None = None,
    column_map: Mapping[str, str] | None = None,
    encoding: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    **_: object,
) -> list[ExpertRecommendation]:
    """Read a whole expert catalogue CSV/XLSX, or raise."""
    table, cols = read_mapped(
        path, required=REQUIRED, optional=OPTIONAL, column_map=column_map, encoding=encoding,
        limits=limits, what="expert catalogue",
    )
    p = table.path
    reg = registry()
    file_sur = default_sur(sur, table, cols, who="State concerned")
    file_verbatim = verbatim if verbatim is not None else "note" not in cols.index
    sha = file_sha256(p)
    out = []
    for row, cells in enumerate(table.rows, start=1):
        g = cols.get
        text = g(cells, "text").strip()
        if not text:
            raise BadRecord("empty text", path=p, row=row)
        iso = file_sur
        name = g(cells, "sur").strip()
        if name:
            iso = reg.resolve(name, path=p, row=row)
        year_s = g(cells, "year").strip()
        if year_s and not year_s.isdigit():
            raise BadRecord(f"year {year_s!r} is not a number", path=p, row=row)
        flag = g(cells, "verbatim").strip().casefold()
        if flag and flag not in _TRUE | _FALSE:
            raise BadRecord(f"verbatim {flag!r} is not true/false", path=p, row=row)
        out.append(
            ExpertRecommendation(
                body=g(cells, "body").strip(),
                symbol=g(cells, "symbol").strip(),
                year=int(year_s) if year_s else None,
                paragraph=g(cells, "paragraph").strip(),
                topic=g(cells, "topic").strip(),
                text=text,
                sur=iso,
                source=g(cells, "source").strip(),
                note=g(cells, "note").strip(),
                verbatim=(flag in _TRUE) if flag else file_verbatim,
                provenance=Provenance(source=p.name, sha256=sha, row=row),
            )
        )
    return out
