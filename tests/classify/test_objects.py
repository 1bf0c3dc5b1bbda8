from __future__ import annotations

import pickle

from uprlens.classify.objects import new_evidence, new_label
from uprlens.types import Evidence, Label


def test_fast_objects_are_the_dataclasses():
    e = new_evidence(3, 9, "adopt", "verb.adopt", "rule")
    want = Evidence(3, 9, "adopt", "verb.adopt", "rule")
    assert type(e) is Evidence and e == want and hash(e) == hash(want) and repr(e) == repr(want)
    lb = new_label("verdict", "specific", (e,), "specific.adopt_law", 0.75)
    want_lb = Label("verdict", "specific", (want,), "specific.adopt_law", 0.75)
    assert lb == want_lb and hash(lb) == hash(want_lb) and repr(lb) == repr(want_lb)
    assert pickle.loads(pickle.dumps(lb)) == want_lb


def test_fast_objects_stay_frozen():
    import dataclasses

    import pytest

    e = new_evidence(0, 1, "a", "r", "rule")
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.start = 5  # type: ignore[misc]
