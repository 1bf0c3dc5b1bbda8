"""The headline of a review: what the State under Review announces, counted both ways.

The codebook's unit is the paragraph; UPR Info counts one row per (recommendation,
recommending state). Every number here says which unit it counts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from uprlens.store import Store

__all__ = ["Headline", "headline"]

POSITION_ORDER = ("supported", "supported_in_part", "noted", "pending", None)


@dataclass
class Headline:
    review_id: str
    sur: str
    sur_name: str
    cycle: int
    session: int | None
    year: int | None
    wg_report: str | None
    source: str  # which source speaks for the review
    paragraphs: int  # recommendations, unit = paragraph
    pairs: int  # unit = (recommendation, recommending state)
    recommending_states: int
    positions: dict[str, int] = field(default_factory=dict)  # per paragraph
    positions_pairs: dict[str, int] = field(default_factory=dict)  # per pair
    other_sources: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def supported_rate(self) -> float | None:
        if not self.paragraphs:
            return None
        return self.positions.get("supported", 0) / self.paragraphs


def headline(store: Store, sur: str, cycle: int) -> Headline:
    review = store.review(sur, cycle)
    rid = review["id"]
    src = store.query(
        "SELECT DISTINCT source_kind FROM recommendations WHERE review_id=? AND is_primary=1",
        (rid,),
    )
    source = src[0]["source_kind"] if src else ""
    others = [
        r["kind"]
        for r in store.query("SELECT kind FROM sources WHERE review_id=? ORDER BY kind", (rid,))
        if r["kind"] != source
    ]
    positions: dict[str, int] = {}
    for r in store.query(
        "SELECT coalesce(position, 'unknown') AS p, count(*) AS n FROM recommendations "
        "WHERE review_id=? AND is_primary=1 AND kind='recommendation' GROUP BY p",
        (rid,),
    ):
        positions[r["p"]] = r["n"]
    positions_pairs: dict[str, int] = {}
    for r in store.query(
        "SELECT coalesce(p, 'unknown') AS p, count(*) AS n FROM ("
        " SELECT DISTINCT r.pk, rs.state, r.position AS p FROM recommendations r"
        " JOIN recommendation_states rs ON rs.recommendation_pk = r.pk"
        " WHERE r.review_id=? AND r.is_primary=1 AND r.kind='recommendation') GROUP BY p",
        (rid,),
    ):
        positions_pairs[r["p"]] = r["n"]
    return Headline(
        review_id=rid,
        sur=review["sur"],
        sur_name=review["sur_name"],
        cycle=review["cycle"],
        session=review["session"],
        year=review["year"],
        wg_report=review["wg_report"],
        source=source,
        paragraphs=int(review["recommendations"] or 0),
        pairs=sum(positions_pairs.values()),
        recommending_states=int(review["recommending_states"] or 0),
        positions=positions,
        positions_pairs=positions_pairs,
        other_sources=others,
    )
