from __future__ import annotations

from pathlib import Path

import pytest

from tests.analyse.test_acceptance import build_store
from uprlens.analyse.ledger import cooperation_evidence, ledger, load_rules
from uprlens.errors import LexiconError, RecordNotFound


@pytest.mark.parametrize(
    ("text", "rule", "span"),
    [
        ("Extend a standing invitation to all special procedures", "coop.sp.invitation",
         "standing invitation"),
        ("Grant OHCHR unfettered access to Xinjiang", "coop.ohchr.office", "OHCHR"),
        ("Grant OHCHR unfettered access to Xinjiang", "coop.access.unfettered",
         "unfettered access"),
        ("Ratify the Rome Statute of the International Criminal Court",
         "coop.treaty.ratify", "Ratify the Rome Statute"),
        ("Implement the concluding observations of CERD", "coop.tb.generic",
         "concluding observations"),
        ("Prevent reprisals against persons cooperating with the UN", "coop.reprisals.reprisal",
         "reprisals"),
    ],
)
def test_lexicon_finds_spans_with_rule_ids(text: str, rule: str, span: str) -> None:
    ev = cooperation_evidence(text)
    hits = [e for e in ev if e.rule_id == rule]
    assert hits, [e.rule_id for e in ev]
    assert hits[0].text == span and text[hits[0].start : hits[0].end] == span


def test_lexicon_leaves_unrelated_and_unhcr_alone() -> None:
    assert cooperation_evidence("Cooperate with the High Commissioner for Refugees") == []
    assert cooperation_evidence("Improve access to education in rural areas") == []


def test_ledger_keeps_noted_cooperation_ones_across_cycles(db_path: Path) -> None:
    store = build_store(db_path)
    led = ledger(store, "CHN").set_index("id")
    # 28.5: special procedures + access + theme A24; 186.1: ratification + theme A12
    assert sorted(led.index) == ["CHN-c2-186.1", "CHN-c3-28.5"]
    assert "special_procedures" in led.loc["CHN-c3-28.5", "topics"]
    assert led.loc["CHN-c3-28.5", "decided_by"] == "lexicon+themes"
    assert led.loc["CHN-c3-28.5", "reply"] == "Noted"
    assert "unfettered access" in led.loc["CHN-c3-28.5", "evidence"]
    # supported ratification (28.1) is not in a ledger of what was declined
    assert "CHN-c3-28.1" not in led.index


def test_ledger_of_an_absent_sur_says_so(db_path: Path) -> None:
    store = build_store(db_path)
    with pytest.raises(RecordNotFound, match="no recommendations to EGY"):
        ledger(store, "EGY")


def test_bad_lexicon_reports_every_problem(tmp_path: Path) -> None:
    f = tmp_path / "lex.jsonl"
    f.write_text(
        '{"id": "a", "label": "ohchr", "pattern": "OHCHR"}\n'
        '{"id": "b", "label": "nonsense", "pattern": "x"}\n'
        '{"id": "c", "label": "ohchr", "pattern": "("}\n'
        "not json\n",
        encoding="utf-8",
    )
    with pytest.raises(LexiconError) as e:
        load_rules(f)
    msg = str(e.value)
    assert "line 2 (b): unknown label" in msg and "line 3 (c): bad pattern" in msg
    assert "line 4: not JSON" in msg
