from __future__ import annotations

import pytest

from uprlens.classify.features import verb_objects
from uprlens.classify.model import find_ngram, parse_feature


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("Adopt the necessary legislative measures", "vo_adopt_measures", "vo_adopt_law"),
        ("Adopt a comprehensive law on domestic violence", "vo_adopt_law", "vo_adopt_measures"),
        ("That the Government should ratify the CAT", "vo_ratify_cat", "vo_that_government"),
        (
            "Continue its efforts, including by establishing a national commission",
            "inc_establishing_commission",
            "inc_establishing_national",
        ),
    ],
)
def test_verb_objects_reach_the_object(text, present, absent):
    (feats,) = verb_objects([text])
    assert present in feats.split()
    assert absent not in feats.split()


def test_verb_object_evidence_points_at_the_object():
    text = "Adopt a comprehensive law on domestic violence"
    assert parse_feature("vo__vo_adopt_law") == (("law",), False)
    span = find_ngram(text, "vo__vo_adopt_law")
    assert span is not None and text[span[0] : span[1]] == "law"
    assert parse_feature("vo__vo_none") is None


def test_stem_features_match_word_starts_only():
    text = "Protect children and childhood"
    span = find_ngram(text, "stem__child")
    assert span is not None and text[span[0] : span[1]] == "children"
    assert find_ngram(text, "stem__lawye") is None
