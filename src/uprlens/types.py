"""The core records every stage passes along. Standard library only.

Data flows ingest -> store -> classify -> analyse -> present; these are the shapes that
travel between the stages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "POSITIONS",
    "Evidence",
    "ImportBatch",
    "Label",
    "Part",
    "Position",
    "Provenance",
    "Recommendation",
    "Review",
    "SourceKind",
]

Position = Literal["supported", "noted", "supported_in_part", "pending"]
POSITIONS: tuple[str, ...] = ("supported", "noted", "supported_in_part", "pending")

SourceKind = Literal[
    "ohchr_matrix",  # OHCHR thematic list of recommendations (DOCX)
    "upr_info",  # UPR Info database export (CSV/XLSX)
    "uhri",  # OHCHR Universal Human Rights Index export (CSV/XLSX/JSON)
    "wg_report",  # Working Group report (PDF/DOCX/HTML/TXT)
    "responses",  # the SuR's responses, addendum A/HRC/xx/yy/Add.1
    "statements",  # oral statements at the interactive dialogue
    "codebook_labels",  # recommendations hand-coded by the codebook
    "expert_catalogue",  # UN expert recommendations (treaty bodies, special procedures)
]


@dataclass(frozen=True)
class Provenance:
    """Where a record came from: the file and the place inside it."""

    source: str  # file name as given by the user (or package resource)
    sha256: str = ""
    page: int | None = None  # 1-based page of a document
    row: int | None = None  # 1-based data row of a table (header excluded)
    locator: str = ""  # anything finer: "table 2", "para 117"

    def describe(self) -> str:
        bits = [self.source]
        if self.page is not None:
            bits.append(f"page {self.page}")
        if self.row is not None:
            bits.append(f"row {self.row}")
        if self.locator:
            bits.append(self.locator)
        return ", ".join(bits)


@dataclass(frozen=True)
class Review:
    """One review of one State under Review in one cycle."""

    sur: str  # ISO3
    cycle: int
    session: int | None = None
    year: int | None = None
    wg_report: str | None = None  # A/HRC/39/7

    @property
    def id(self) -> str:
        return f"{self.sur}-c{self.cycle}"


@dataclass(frozen=True)
class Part:
    """One wording of a recommendation with the state(s) that made it.

    Cycle 1-2 clustered paragraphs keep one part per wording (codebook, unit of counting).
    """

    text: str
    states: tuple[str, ...]  # ISO3 codes, in the order printed
    human_labels: dict[str, str] = field(default_factory=dict)  # e.g. UPR Info action_category


@dataclass
class Recommendation:
    """One numbered paragraph (or, for sources without numbers, one distinct wording)."""

    id: str  # CHN-c3-28.12
    review: Review
    paragraph: str | None
    text: str
    parts: list[Part]
    provenance: Provenance
    kind: Literal["recommendation", "pledge"] = "recommendation"
    position: str | None = None  # one of POSITIONS, or None when unknown
    position_qualifier: str | None = None  # the SuR's own words, verbatim
    position_source: str | None = None  # "A/HRC/25/5/Add.1 - Para. 186.28."
    themes: list[str] = field(default_factory=list)  # UHRI themes
    affected_persons: list[str] = field(default_factory=list)  # UHRI groups of persons
    sdgs: list[str] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)  # UPR Info issues (human labels)
    human_labels: dict[str, str] = field(default_factory=dict)

    @property
    def states(self) -> list[str]:
        seen: dict[str, None] = {}
        for part in self.parts:
            for s in part.states:
                seen.setdefault(s, None)
        return list(seen)


@dataclass
class ImportBatch:
    """All records of one source for one review: the unit the store replaces atomically."""

    kind: str  # a SourceKind
    review: Review
    recommendations: list[Recommendation]
    source: Provenance
    title: str = ""


@dataclass(frozen=True)
class Evidence:
    """The words that decided a label: character offsets into the recommendation text."""

    start: int
    end: int
    text: str
    rule_id: str  # "verb.ratify", "endorse.political_system", "model:category@0.1.0"
    source: Literal["rule", "model", "human"] = "rule"


@dataclass(frozen=True)
class Label:
    """One label on one recommendation, with its evidence and what produced it."""

    name: str  # action_category, verdict, continue_framing, themes, ...
    value: str
    evidence: tuple[Evidence, ...] = ()
    decided_by: str = ""  # rule id or model:<name>@<version>
    score: float = 1.0  # confidence in [0, 1]
