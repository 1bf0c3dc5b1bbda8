"""Every label carries the words that decided it, and says what produced it."""

from __future__ import annotations

import pandas as pd
import pytest

from uprlens.classify.codebook import Classification
from uprlens.classify.lexicon import FLAGS

from ..conftest import shared_path
from .conftest import read_cases


def _assigned(c: Classification):
    """Every label the classification assigns (a flag left at 0 is not assigned)."""
    for name, lb in c.labels.items():
        if not (name in FLAGS and lb.value == "0"):
            yield lb
    yield from (*c.themes, *c.affected_persons, *c.issues)


def _check(results) -> int:
    n = 0
    for c in results:
        assert isinstance(c, Classification), c
        for lb in _assigned(c):
            n += 1
            assert lb.evidence, f"{lb.name}={lb.value} ({lb.decided_by}): no evidence: {c.text}"
            for e in lb.evidence:
                assert c.text[e.start : e.end] == e.text and e.text.strip()
                if e.source == "model":
                    # Model evidence names the model that produced the label.
                    assert e.rule_id in (lb.decided_by, f"{lb.decided_by}:prior"), (lb, e)
            if lb.name in ("themes", "issues"):
                assert any(e.source == "model" for e in lb.evidence), lb
    return n


def test_every_label_of_real_texts_has_evidence(clf):
    df = pd.read_csv(shared_path("uprinfo", "recommendations_s1-20.csv"))
    texts = df.recommendation.sample(400, random_state=4).tolist()
    assert _check(clf.classify_many(texts)) > 400 * 5


def test_every_label_of_the_case_texts_has_evidence(clf):
    texts = [c["text"] for n in ("verdict.csv", "category.csv") for c in read_cases(n)]
    _check(clf.classify_many(texts))


def test_labels_decided_by_absence_cite_the_wording(clf):
    c = clf.classify("Keep up the good work (Albania);")
    assert c.labels["verdict"].value == "vague"
    [ev] = c.labels["verdict"].evidence
    assert ev.text == "Keep up the good work"
    assert ev.rule_id == c.labels["verdict"].decided_by == "vague.no_named_subject"
    [persons] = c.affected_persons
    assert persons.value == "general" and persons.evidence[0].text == ev.text


@pytest.mark.parametrize(
    ("text", "words", "rule"),
    [
        (
            "Further promote and protect human rights (Albania);",
            "human rights",
            "generic.human_rights",
        ),
        (
            "Continue to protect the rights of vulnerable groups",
            "vulnerable groups",
            "generic.vulnerable",
        ),
        ("Continue its efforts in this regard", "its efforts", "generic.own_efforts"),
    ],
)
def test_a_vague_verdict_cites_the_words_that_name_no_subject(clf, text, words, rule):
    verdict = clf.classify(text).labels["verdict"]
    assert verdict.value == "vague" and verdict.decided_by == "vague.no_named_subject"
    assert [(e.text, e.rule_id) for e in verdict.evidence] == [(words, rule)]


def test_model_labels_whose_top_ngrams_are_not_in_the_text_still_cite_words(clf):
    # UPR Info texts whose theme or issue had no evidence span before (their top-weighted
    # n-grams were function words, or views with no words such as "vo_none").
    texts = [
        "Accede to the CED",
        "Accede to the OP-CAT",
        "Decriminalise press offences",
        "Dismantle the separation wall.",
        "Respect the freedom of religion",
        "Suspend summary returns to Greece",
    ]
    for c in clf.classify_many(texts):
        for lb in [*c.themes, *c.issues]:
            assert lb.evidence, (c.text, lb)
            assert all(e.rule_id.startswith(lb.decided_by) for e in lb.evidence)


def test_a_label_no_word_weighs_toward_cites_the_model_prior(clf):
    import numpy as np
    from scipy import sparse

    from uprlens.classify.model import MultiLabelModel

    names = clf.category._names()
    coef = sparse.lil_matrix((2, len(names)), dtype=np.float32)
    coef[1, int(np.flatnonzero(names == "full__ratify")[0])] = 1.0
    model = MultiLabelModel(
        "t", None, coef.tocsr(), np.array([1.0, 0.0]), ["a", "b"], np.zeros(2), "9"
    )
    model.set_feature_names(names)
    texts = [" Ratify the ICCPR. "]
    X = clf.category.transform(texts)
    [[a, b]] = model.batch_evidence(texts, X, [[0, 1]])
    assert [(e.text, e.rule_id) for e in a] == [("Ratify the ICCPR.", "model:t@9:prior")]
    assert [(e.text, e.rule_id) for e in b] == [("Ratify", "model:t@9")]


IMPLEMENT_NAMED = [
    (
        "Implement, before the next review, the recommendations of CERD on the rights of "
        "minorities",
        "CERD",
    ),
    ("Implement the recommendations of the Committee against Torture", "Committee"),
    ("Implement the CERD recommendations on Xinjiang", "CERD"),
    ("Implement the Committee against Torture's recommendations on detention", "Committee"),
    (
        "Fully implement, as a matter of priority, the recommendations made by the Special "
        "Rapporteur on torture",
        "Special Rapporteur",
    ),
    (
        "Implement the concluding observations of the Committee on the Rights of the Child",
        "Committee",
    ),
    ("Implement CRC recommendations by setting a national plan", "CRC"),
]


@pytest.mark.parametrize("text,body", IMPLEMENT_NAMED, ids=lambda x: x[:40])
def test_implementing_a_named_bodys_recommendations_is_specific_in_any_order(clf, text, body):
    v = clf.classify(text).labels["verdict"]
    assert v.value == "specific", v
    assert v.decided_by == "specific.implement_named"
    assert any(body in e.text for e in v.evidence), v.evidence


@pytest.mark.parametrize(
    "text",
    [
        "Implement the recommendations accepted",
        "Implement the recommendations accepted during the first cycle of the universal "
        "periodic review",
        "Implement the recommendations of the universal periodic review",
        "Take steps to implement all accepted recommendations in a timely manner",
        "Implement the recommendations of treaty bodies",
    ],
    ids=lambda x: x[:40],
)
def test_implementing_unnamed_recommendations_is_not_specific(clf, text):
    c = clf.classify(text)
    assert c.labels["verdict"].value in {"general", "vague"}, c.labels["verdict"]
    assert not any(h.rule.id == "specific.implement_named" for h in clf.specific.match(text)), text
