from __future__ import annotations

import re

import pytest

from uprlens.classify.lexicon import default_lexicons
from uprlens.classify.rules import LeadVerbFinder, RuleSet, literal_prefixes

from .conftest import read_cases

ENDORSING = RuleSet(default_lexicons().endorsing)
FLAGS = RuleSet(default_lexicons().flags)


@pytest.mark.parametrize("case", read_cases("endorsing.csv"), ids=lambda c: c["text"][:50])
def test_endorsing_cases(case):
    hits = ENDORSING.match(case["text"])
    assert bool(hits) == (case["expected"] == "1"), [h.rule.id for h in hits]
    if case["span"]:
        assert any(
            case["span"].lower() in h.text.lower() or h.text.lower() in case["span"].lower()
            for h in hits
        )
        for h in hits:
            assert case["text"][h.start : h.end] == h.text


@pytest.mark.parametrize(
    "case", read_cases("flags.csv"), ids=lambda c: c["flag"] + ":" + c["text"][:40]
)
def test_flag_cases(case):
    hits = [h for h in FLAGS.match(case["text"]) if h.rule.label == case["flag"]]
    if case["flag"] == "unnamed_group":
        hits += [
            h
            for h in RuleSet(default_lexicons().groups).match(case["text"])
            if h.rule.label == "unnamed_group"
        ]
    assert bool(hits) == (case["expected"] == "1"), [h.rule.id for h in hits]
    if case["span"]:
        want = case["span"].lower()
        assert any(want in h.text.lower() or h.text.lower() in want for h in hits), [
            h.text for h in hits
        ]


def test_gates_never_change_what_matches():
    # The substring gate is a speed-up only: with and without it the hits are the same.
    texts = [c["text"] for c in read_cases("endorsing.csv") + read_cases("flags.csv")]
    for rs in (ENDORSING, FLAGS):
        ungated = RuleSet(rs.rules)
        ungated._always = list(range(len(rs.rules)))
        ungated._by_head, ungated._by_head1, ungated._substr = {}, {}, []
        ungated._memo = {}
        for t in texts:
            assert [(h.rule.id, h.start) for h in rs.match(t)] == [
                (h.rule.id, h.start) for h in ungated.match(t)
            ]


def test_literal_prefixes():
    assert literal_prefixes(re.compile(r"\b(ratif\w*|accede)\b", re.I)) == {"ratif", "accede"}
    assert literal_prefixes(re.compile(r"[A-Z]\w+ law", re.I)) is None
    assert literal_prefixes(re.compile(r"(most )?vulnerable", re.I)) is None


@pytest.mark.parametrize(
    ("text", "verb"),
    [
        ("Consider ratifying the ICCPR", "consider"),
        ("In order to combat impunity, investigate all cases of torture", "investigate"),
        ("That the Government continue its efforts", "continue"),
        ("Urgently release all detained journalists", "release"),
        ("Step up efforts to combat trafficking", "step up"),
        ("Zebras are nice", None),
    ],
)
def test_lead_verb(text, verb):
    found = LeadVerbFinder(default_lexicons().lead_verbs).find(text)
    assert (found[0].verb if found else None) == verb
    if found:
        assert text[found[1] : found[2]].lower().startswith(verb.split()[0])
