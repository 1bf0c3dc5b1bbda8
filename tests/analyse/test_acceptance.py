from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from uprlens.analyse.acceptance import (
    acceptance_by,
    acceptance_summary,
    global_rates,
    pairs_frame,
    position_by,
    review_frame,
)
from uprlens.store import Store
from uprlens.types import ImportBatch, Label, Part, Provenance, Recommendation, Review

C2 = Review("CHN", 2, 17, 2013, "A/HRC/25/5")
C3 = Review("CHN", 3, 31, 2018, "A/HRC/40/6")

# (paragraph, text, states, position, category, verdict, continue, cites, themes)
CHINA_C3 = [
    ("28.1", "Ratify the International Covenant on Civil and Political Rights (France);",
     ("FRA",), "supported", "5", "specific", "0", "0", ["A12 Acceptance of international norms"]),
    ("28.2", "Take measures to protect human rights defenders (Germany, Norway);",
     ("DEU", "NOR"), "supported", "4", "general", "0", "0", []),
    ("28.3", "Continue to protect the rights of vulnerable groups (Hungary);",
     ("HUN",), "supported", "2", "vague", "1", "0", []),
    ("28.4", "Safeguard its political system and the development path chosen by its people "
     "(Cuba);", ("CUB",), "supported", "2", "endorsing", "1", "0", []),
    ("28.5", "Grant the special procedures unfettered access to Xinjiang, as recommended by "
     "CERD (Sweden);", ("SWE",), "noted", "5", "specific", "0", "1",
     ["A24 Cooperation with special procedures"]),
    ("28.6", "Abolish the death penalty (Italy);", ("ITA",), "noted", "5", "specific", "0",
     "0", []),
]  # fmt: skip
CHINA_C2 = [
    ("186.1", "Ratify the ICCPR (Estonia);", ("EST",), "noted", "5", "specific", "0", "0",
     ["A12 Acceptance of international norms"]),
    ("186.2", "Take measures to protect human rights defenders (Norway);", ("NOR",),
     "supported", "5", "specific", "0", "0", []),
    ("186.3", "Build a national system of rural electrification grids (Viet Nam);", ("VNM",),
     "supported", "4", "general", "0", "0", []),
    ("186.4", "Abolish the death penalty (Italy);", ("ITA",), "noted", "5", "specific", "0",
     "0", []),
]  # fmt: skip


@dataclass
class FakeClassification:
    """The shape Store.save_machine_labels reads (labels, themes, affected_persons, issues)."""

    labels: dict[str, Label]
    themes: list[Label] = field(default_factory=list)
    affected_persons: list[Label] = field(default_factory=list)
    issues: list[Label] = field(default_factory=list)


def fake(category: str, verdict: str, cont: str = "0", cites: str = "0") -> FakeClassification:
    return FakeClassification(
        {
            "action_category": Label("action_category", category, decided_by="test"),
            "verdict": Label("verdict", verdict, decided_by="test"),
            "continue_framing": Label("continue_framing", cont, decided_by="test"),
            "cites_un_expert": Label("cites_un_expert", cites, decided_by="test"),
        }
    )


def make_batch(review: Review, rows: list[tuple], kind: str = "ohchr_matrix") -> ImportBatch:
    recs = [
        Recommendation(
            id=f"{review.sur}-c{review.cycle}-{par}", review=review, paragraph=par, text=text,
            parts=[Part(text, states)], provenance=Provenance("m.docx", row=i),
            position=pos, position_qualifier=pos.capitalize(), themes=list(themes),
        )
        for i, (par, text, states, pos, *_rest, themes) in enumerate(rows, start=1)
    ]
    return ImportBatch(kind, review, recs, Provenance("m.docx", sha256=review.id))


def build_store(path: Path, *, cycles: tuple[int, ...] = (2, 3), labels: bool = True) -> Store:
    store = Store(path)
    data = {2: (C2, CHINA_C2), 3: (C3, CHINA_C3)}
    store.import_batches([make_batch(*data[c]) for c in cycles])
    if labels:
        rows = []
        for c in cycles:
            review, recs = data[c]
            for par, _t, _s, _p, cat, verdict, cont, cites, _th in recs:
                pk = store.query("SELECT pk FROM recommendations WHERE id=?",
                                 (f"CHN-c{c}-{par}",))[0][0]
                rows.append((pk, fake(cat, verdict, cont, cites)))
        store.save_machine_labels(rows, classifier_version="test-1")
    return store


def test_summary_shows_what_acceptance_hides(db_path: Path) -> None:
    store = build_store(db_path)
    frame, info = review_frame(store, "CHN", 3)
    assert info.source == "store" and info.classifier_version == "test-1"
    s = acceptance_summary(frame)
    fig, rates = s["figures"], s["rates"]
    assert (fig["all"]["n"], fig["position.supported"]["n"], fig["position.noted"]["n"]) == (
        6, 4, 2)
    assert [fig[f"supported.{v}"]["n"] for v in ("specific", "general", "vague", "endorsing")] \
        == [1, 1, 1, 1]
    assert fig["supported.substantive"]["ids"] == ["CHN-c3-28.1"]
    assert rates["headline_rate"] == pytest.approx(4 / 6)
    assert rates["substantive_rate"] == pytest.approx(1 / 6)
    assert fig["continue_framing"]["ids"] == ["CHN-c3-28.3", "CHN-c3-28.4"]
    assert fig["cites_un_expert.noted"]["ids"] == ["CHN-c3-28.5"]
    assert fig["endorsing"]["ids"] == ["CHN-c3-28.4"]
    assert fig["noted.specific"]["n"] == 2


def test_override_wins_over_machine_label(db_path: Path) -> None:
    store = build_store(db_path)
    now = datetime.now(UTC).isoformat()
    with store.transaction() as conn:
        for value in ("general", "vague"):  # the latest row is current
            conn.execute(
                "INSERT INTO overrides(recommendation_id, label, old_value, new_value, coder, "
                "reason, created_at) VALUES (?,?,?,?,?,?,?)",
                ("CHN-c3-28.1", "verdict", "specific", value, "ana", "test", now),
            )
    frame, info = review_frame(store, "CHN", 3)
    assert frame.set_index("id").loc["CHN-c3-28.1", "verdict"] == "vague"
    assert info.n_overridden == 1
    assert acceptance_summary(frame)["figures"]["supported.substantive"]["n"] == 0


def test_position_by_verdict_and_category(db_path: Path) -> None:
    frame, _ = review_frame(build_store(db_path), "CHN", 3)
    by_v = position_by(frame, "verdict").set_index("verdict")
    assert by_v.loc["specific", "supported"] == 1 and by_v.loc["specific", "noted"] == 2
    assert by_v.loc["specific", "accepted_share"] == pytest.approx(1 / 3)
    by_c = position_by(frame, "action_category").set_index("action_category")
    assert list(by_c.index) == ["1", "2", "3", "4", "5"]
    assert by_c.loc["1", "n"] == 0 and by_c.loc["5", "n"] == 3


def test_acceptance_by_category_beside_global_and_earlier(db_path: Path) -> None:
    store = build_store(db_path)
    frames = {c: review_frame(store, "CHN", c)[0] for c in (2, 3)}
    glob, source = global_rates(store)
    assert "published" in source  # no UPR Info rows in this store
    t = acceptance_by(frames[3], "action_category", global_frame=glob,
                      earlier={2: frames[2]}).set_index("action_category")
    assert t.loc["5", "global_share"] == pytest.approx(0.55)
    assert t.loc["5", "n_c2"] == 3
    assert t.loc["5", "accepted_share_c2"] == pytest.approx(1 / 3)


def test_global_rates_are_computed_from_upr_info_rows(db_path: Path) -> None:
    store = Store(db_path)
    review = Review("FRA", 1, 2, 2008)

    def part(text: str, state: str, cat: str, response: str) -> Part:
        return Part(text, (state,), {"action_category": cat, "response": response})

    recs = [
        Recommendation("FRA-c1-u1", review, None, "Ratify X", [
            part("Ratify X", "DEU", "5", "Accepted"), part("Ratify X", "ITA", "5", "Noted")],
            Provenance("u.csv", row=1), position="supported"),
        Recommendation("FRA-c1-u3", review, None, "Continue Y", [
            part("Continue Y", "ESP", "2", "Accepted")], Provenance("u.csv", row=3),
            position="supported"),
    ]
    store.import_batches([ImportBatch("upr_info", review, recs, Provenance("u.csv"))])
    glob, source = global_rates(store)
    assert "computed from the 3" in source
    g = glob.set_index("action_category")
    assert g.loc["5", "global_share"] == pytest.approx(0.5) and g.loc["5", "global_n"] == 2
    assert g.loc["2", "global_share"] == pytest.approx(1.0)


def test_unlabelled_review_is_reported_not_invented(db_path: Path) -> None:
    store = build_store(db_path, labels=False)
    frame, info = review_frame(store, "CHN", 3, classify_missing=False)
    assert info.source == "none"
    assert "6 recommendations have no machine labels" in info.notes[0]
    assert frame["verdict"].isna().all()
    s = acceptance_summary(frame)
    assert s["figures"]["labelled"]["n"] == 0
    assert s["rates"]["headline_rate"] == pytest.approx(4 / 6)


def test_pairs_count_each_recommending_state(db_path: Path) -> None:
    store = build_store(db_path)
    frame, _ = review_frame(store, "CHN", 3)
    pairs = pairs_frame(store, frame)
    assert len(pairs) == 7  # 28.2 has two states
    assert set(pairs[pairs["id"] == "CHN-c3-28.2"]["state"]) == {"DEU", "NOR"}
    assert pairs.set_index("state").loc["CUB", "regional_group"] == "GRULAC"


def test_missing_labels_are_classified_on_the_fly_and_said(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    classify = pytest.importorskip("uprlens.classify")
    from uprlens.errors import ClassifyError

    class FakeClassifier:
        @classmethod
        def load(cls) -> FakeClassifier:
            return cls()

        def classify_many(self, texts: list[str], *, on_error: str = "raise") -> list:
            assert on_error == "return"
            return [ClassifyError("empty") if "Abolish" in t else fake("4", "general")
                    for t in texts]

    monkeypatch.setattr(classify, "Classifier", FakeClassifier)
    monkeypatch.setattr(classify, "CLASSIFIER_VERSION", "fake-9")
    store = build_store(db_path, labels=False)
    frame, info = review_frame(store, "CHN", 3)
    assert info.source == "on_the_fly" and info.classifier_version == "fake-9"
    assert "classified on the fly with classifier fake-9 (not saved" in info.notes[0]
    assert "1 could not be classified" in info.notes[0]
    by_id = frame.set_index("id")
    assert by_id.loc["CHN-c3-28.1", "verdict"] == "general"
    assert not by_id.loc["CHN-c3-28.6", "labelled"]
    assert store.counts()["machine_labels"] == 0  # an audit never writes the store
