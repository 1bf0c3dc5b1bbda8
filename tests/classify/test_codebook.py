from __future__ import annotations

import json

import pytest

from uprlens.classify import Classification, classify
from uprlens.classify.codebook import ROW_COLUMNS, split_parts, strongest_part
from uprlens.classify.lexicon import FLAGS
from uprlens.errors import ClassifyError

from .conftest import read_cases


@pytest.mark.parametrize("case", read_cases("verdict.csv"), ids=lambda c: c["text"][:50])
def test_verdict_cases(clf, case):
    c = clf.classify(case["text"])
    assert c.labels["verdict"].value == case["verdict"], c.labels["verdict"]


@pytest.mark.parametrize("case", read_cases("category.csv"), ids=lambda c: c["text"][:50])
def test_category_cases(clf, case):
    assert clf.classify(case["text"]).labels["action_category"].value == case["category"]


def test_every_label_has_origin_and_spans_point_into_text(clf):
    text = (
        "Continue its vocational education and training programmes in Xinjiang, and adopt a "
        "law on domestic violence by 2025 (Pakistan);"
    )
    c = clf.classify(text)
    assert isinstance(c, Classification)
    assert set(c.labels) == {"action_category", "verdict", *FLAGS}
    for lb in [*c.labels.values(), *c.issues, *c.themes, *c.affected_persons]:
        assert lb.decided_by, lb
        assert 0.0 <= lb.score <= 1.0
        for e in lb.evidence:
            assert text[e.start : e.end] == e.text
            assert e.rule_id
    assert c.labels["verdict"].value == "endorsing"
    assert c.labels["verdict"].decided_by.startswith("endorse.")
    assert c.labels["time_bound"].value == "1"
    assert c.labels["continue_framing"].value == "1"
    assert c.issues, "a recommendation always gets at least one issue"


def test_model_labels_cite_ngrams(clf):
    c = clf.classify("Adopt a comprehensive law to combat domestic violence")
    cat = c.labels["action_category"]
    assert cat.value == "5"
    # The model names its own version (the one it was trained as), not the classifier's.
    assert cat.decided_by == f"model:category@{clf.category.version}"
    assert any(e.source == "model" for e in cat.evidence)


def test_certain_lead_verb_overrides(clf):
    c = clf.classify("Consider ratifying the Rome Statute")
    assert c.labels["action_category"].value == "3"
    assert c.labels["action_category"].decided_by == "verb.consider"
    assert c.labels["action_category"].evidence[0].text == "Consider"


def test_as_row_and_to_dict(clf):
    c = clf.classify("Ratify the ICCPR (Albania);")
    row = c.as_row()
    assert tuple(row) == ROW_COLUMNS
    assert all(row[f] in {"0", "1"} for f in FLAGS)
    ev = json.loads(row["evidence"])
    assert "verdict" in ev and ev["verdict"][0][2].startswith("specific.")
    d = c.to_dict()
    json.dumps(d)
    assert d["labels"]["verdict"]["value"] == "specific"


def test_clustered_paragraph_takes_strongest_part(clf):
    text = (
        "Continue to protect the rights of vulnerable groups (Hungary); "
        "Ratify the ICCPR (Albania); Further promote human rights (Cuba);"
    )
    assert len(split_parts(text)) == 3
    c = clf.classify(text)
    assert c.labels["verdict"].value == "specific"
    assert c.labels["continue_framing"].value == "1"  # a flag is set if any part has it
    ev = c.labels["verdict"].evidence[0]
    assert text[ev.start : ev.end] == ev.text and "Ratify" in ev.text


def test_split_parts_does_not_split_on_acronyms():
    assert split_parts("Ratify the Convention against Torture (CAT) and OP-CAT (Chile);") == [
        (0, len("Ratify the Convention against Torture (CAT) and OP-CAT (Chile);"))
    ]


def test_strongest_part_prefers_endorsing():
    assert strongest_part(["specific", "endorsing", "vague"], ["5", "2", "2"]) == 1


def test_bad_input_errors(clf):
    with pytest.raises(ClassifyError, match="empty"):
        clf.classify("   ")
    with pytest.raises(ClassifyError, match="non-English"):
        clf.classify("Ratifier le Pacte international relatif aux droits civils et politiques")
    with pytest.raises(ClassifyError, match="text 2"):
        clf.classify_many(["Ratify the ICCPR", ""])
    out = clf.classify_many(
        ["Ratify the ICCPR", "", "Abolish the death penalty"], on_error="return"
    )
    assert isinstance(out[1], ClassifyError)
    assert out[2].labels["verdict"].value == "specific"


def test_long_and_control_text_still_labelled(clf):
    c = clf.classify("Ratify\x00 the ICCPR. " + "Protect human rights defenders. " * 400)
    assert any("truncated" in w for w in c.warnings)
    assert any("control" in w for w in c.warnings)
    assert c.labels["action_category"].value in {"1", "2", "3", "4", "5"}


def test_module_level_classify():
    assert classify("Abolish the death penalty").labels["verdict"].value == "specific"


def test_public_names():
    import uprlens.classify as pkg

    assert {
        "Classifier",
        "Classification",
        "CLASSIFIER_VERSION",
        "classify",
        "classify_csv",
        "explain_terminal",
    } <= set(pkg.__all__)


def test_parallel_batch_gives_the_same_labels(clf, monkeypatch):
    import uprlens.classify.codebook as cb

    monkeypatch.setattr(cb, "_PARALLEL_MIN", 10)
    texts = [c["text"] for c in read_cases("verdict.csv")] * 3 + [""]
    serial = clf.classify_many(texts, on_error="return")
    parallel = clf.classify_many(texts, on_error="return", n_jobs=2)
    assert [r.as_row() for r in serial[:-1]] == [r.as_row() for r in parallel[:-1]]
    assert isinstance(parallel[-1], ClassifyError)
    with pytest.raises(ClassifyError, match=f"text {len(texts)}"):
        clf.classify_many(texts, n_jobs=2)


def test_missing_model_file_says_how_to_rebuild(tmp_path):
    from uprlens.classify import Classifier

    with pytest.raises(ClassifyError, match=r"category\.joblib is missing; run `make train`"):
        Classifier.load(tmp_path)


def test_corrupt_model_file_is_a_clear_error(tmp_path):
    from uprlens.classify import Classifier

    (tmp_path / "category.joblib").write_bytes(b"not a pickle")
    with pytest.raises(ClassifyError, match="cannot be loaded"):
        Classifier.load(tmp_path)


def test_repeated_texts_are_labelled_once_but_returned_separately(clf):
    texts = ["Ratify the ICCPR", "Abolish the death penalty", "Ratify the ICCPR"]
    res = clf.classify_many(texts)
    assert res[0] is not res[2]
    assert res[0].as_row() == res[2].as_row() == clf.classify("Ratify the ICCPR").as_row()
    res[2].warnings.append("edited by a caller")
    assert res[0].warnings == []


def test_evidence_of_model_labels_is_found_in_the_text(clf):
    texts = [c["text"] for c in read_cases("verdict.csv")]
    for c in clf.classify_many(texts):
        for lb in [*c.labels.values(), *c.issues, *c.themes]:
            for e in lb.evidence:
                assert c.text[e.start : e.end] == e.text, (lb.name, e)
