from __future__ import annotations

from pathlib import Path

import pytest

from uprlens.classify.lexicon import load_lead_verbs, load_lexicons, load_rules
from uprlens.errors import LexiconError


def test_shipped_lexicons_load_and_are_not_empty():
    lx = load_lexicons()
    assert len(lx.lead_verbs) > 40
    for rules in (lx.endorsing, lx.flags, lx.specific, lx.subjects, lx.groups):
        assert rules
        assert all(r.note for r in rules), "every rule says why it exists"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_bad_rule_lines_are_all_reported_with_file_and_line(tmp_path):
    p = _write(
        tmp_path,
        "endorsing.jsonl",
        '{"id": "endorse.ok", "label": "endorsing", "pattern": "stability", "note": "x"}\n'
        "not json\n"
        '{"id": "endorse.bad_re", "label": "endorsing", "pattern": "(unclosed", "note": "x"}\n'
        '{"id": "endorse.ok", "label": "endorsing", "pattern": "again", "note": "x"}\n'
        '{"id": "endorse.wrong", "label": "praise", "pattern": "x", "note": "x"}\n'
        '{"id": "endorse.empty", "label": "endorsing", "pattern": "a*", "note": "x"}\n',
    )
    with pytest.raises(LexiconError) as err:
        load_rules(p)
    msg = str(err.value)
    assert f"{p}:2: not valid JSON" in msg
    assert f"{p}:3:" in msg and "not a valid regular expression" in msg
    assert f"{p}:4: duplicate id 'endorse.ok' (first on line 1)" in msg
    assert f"{p}:5: label 'praise'" in msg
    assert f"{p}:6:" in msg and "empty string" in msg


def test_bad_lead_verbs_reported(tmp_path):
    p = _write(
        tmp_path, "lead_verbs.csv", "verb,category,certain,note\nratify,6,0,x\nRatify!,5,0,x\n"
    )
    with pytest.raises(LexiconError) as err:
        load_lead_verbs(p)
    assert f"{p}:2: category '6'" in str(err.value)
    assert f"{p}:3: verb" in str(err.value)


def test_lead_verbs_missing_column(tmp_path):
    p = _write(tmp_path, "lead_verbs.csv", "verb,cat\nratify,5\n")
    with pytest.raises(LexiconError, match="missing column"):
        load_lead_verbs(p)


def test_missing_lexicon_file_is_a_lexicon_error(tmp_path):
    with pytest.raises(LexiconError, match="cannot read"):
        load_rules(tmp_path / "flags.jsonl")


def test_critical_frame_becomes_every_rules_unless(tmp_path):
    p = tmp_path / "endorsing.jsonl"
    p.write_text(
        '{"id": "endorse.critical_frame", "label": "critical_frame", "pattern": "so-called"}\n'
        '{"id": "endorse.camps", "label": "endorsing", "pattern": "camps", "unless": "close"}\n',
        encoding="utf-8",
    )
    (rule,) = load_rules(p)
    assert rule.id == "endorse.camps"
    assert rule.unless is not None
    assert rule.unless.search("the so-called camps")
    assert rule.unless.search("close the camps")
    assert not rule.unless.search("continue the camps")
