from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.analyse.test_acceptance import build_store
from uprlens.analyse.acceptance import review_frame
from uprlens.analyse.cycles import classify_link, dropped, fate_of_noted, link_all, link_cycles
from uprlens.analyse.similarity import match_texts, strip_states


@pytest.mark.parametrize(
    ("cat", "earlier_cat", "verdict", "earlier_verdict", "expected"),
    [
        ("5", "5", "specific", "specific", "repeated"),
        ("4", "5", "general", "specific", "watered_down"),
        ("4", "5", "specific", "specific", "watered_down"),
        ("5", "4", "specific", "general", "strengthened"),
        ("5", "3", None, None, "strengthened"),
        ("5", "4", "general", "specific", "mixed"),
        ("2", "2", "endorsing", "vague", "watered_down"),
        (None, None, None, None, "unlabelled"),
    ],
)
def test_classify_link(cat, earlier_cat, verdict, earlier_verdict, expected) -> None:  # type: ignore[no-untyped-def]
    assert classify_link(cat, earlier_cat, verdict, earlier_verdict) == expected


def test_strip_states_keeps_treaty_acronyms() -> None:
    assert strip_states("Ratify the ICCPR (France, Germany);") == "Ratify the ICCPR"
    assert strip_states("Accede to the Convention (CAT) promptly (Chile);") == (
        "Accede to the Convention (CAT) promptly"
    )


def test_similar_wordings_match_and_unrelated_do_not() -> None:
    later = ["Ratify the International Covenant on Civil and Political Rights (Sweden);",
             "Build rural electricity grids in all provinces (Cuba);"]
    earlier = ["Ratify the International Covenant on Civil and Political Rights as soon as "
               "possible (Japan);", "Abolish the death penalty (Italy);"]
    matches = match_texts(later, earlier, threshold=0.5)
    assert [(m.i, m.j) for m in matches] == [(0, 0)]
    assert 0.5 <= matches[0].score <= 1.0


def test_links_dropped_and_fate_of_noted(db_path: Path) -> None:
    store = build_store(db_path)
    frames = {c: review_frame(store, "CHN", c)[0] for c in (2, 3)}
    links = link_cycles(frames, cycle=3, threshold=0.5)
    best = links[links["best"]].set_index("id")
    # same wording, category 5 -> 4 and specific -> general
    assert best.loc["CHN-c3-28.2", "earlier_id"] == "CHN-c2-186.2"
    assert best.loc["CHN-c3-28.2", "link"] == "watered_down"
    assert best.loc["CHN-c3-28.6", "link"] == "repeated"
    assert best.loc["CHN-c3-28.1", "earlier_id"] == "CHN-c2-186.1"
    assert (links["threshold"] == 0.5).all()
    assert dropped(frames, links, cycle=3)["id"].tolist() == ["CHN-c2-186.3"]
    fate = fate_of_noted(frames, links, cycle=3).set_index("id")
    assert fate.loc["CHN-c2-186.4", "fate"] == "repeated"
    assert fate.loc["CHN-c2-186.4", "later_position"] == "noted"
    assert fate.loc["CHN-c2-186.1", "later_id"] == "CHN-c3-28.1"
    assert fate.loc["CHN-c2-186.1", "later_position"] == "supported"


def test_a_stricter_threshold_links_less(db_path: Path) -> None:
    store = build_store(db_path)
    frames = {c: review_frame(store, "CHN", c)[0] for c in (2, 3)}
    loose = link_cycles(frames, cycle=3, threshold=0.3)
    strict = link_cycles(frames, cycle=3, threshold=0.95)
    assert len(strict) < len(loose)
    assert set(strict["id"]) == {"CHN-c3-28.1", "CHN-c3-28.2", "CHN-c3-28.6"}


def test_link_all_reports_progress_per_sur() -> None:
    frame = pd.DataFrame(
        {
            "sur": ["A", "A", "B", "C", "C"],
            "cycle": [1, 2, 1, 1, 2],
            "id": ["a1", "a2", "b1", "c1", "c2"],
            "text": ["Abolish the death penalty", "Abolish the death penalty now",
                     "Ratify CAT", "Free the press", "Ratify the Rome Statute"],
            "action_category": ["5", "5", "5", "4", "5"],
        }
    )
    seen: list[str] = []
    links = link_all(frame, progress=seen.append)
    assert seen == ["A", "B", "C"]
    assert links[["id", "earlier_id", "link"]].values.tolist() == [["a2", "a1", "repeated"]]
