from __future__ import annotations

import pytest

from uprlens.classify.checks import MAX_CHARS, check_text
from uprlens.errors import ClassifyError


@pytest.mark.parametrize("bad", ["", "   \n\t", None, float("nan"), "\x00\x01\x02"])
def test_empty_refused(bad):
    with pytest.raises(ClassifyError, match="empty text"):
        check_text(bad)


def test_not_a_string():
    with pytest.raises(ClassifyError, match="expected text"):
        check_text(42)


@pytest.mark.parametrize(
    "text",
    [
        "Ratifier le Pacte international relatif aux droits civils et politiques dans les meilleurs délais",
        "Ratificar la Convención sobre los derechos de las personas con discapacidad sin demora",
        "批准《公民权利和政治权利国际公约》",
        "Ратифицировать Международный пакт о гражданских и политических правах",
    ],
)
def test_non_english_refused_and_says_so(text):
    with pytest.raises(ClassifyError, match="non-English"):
        check_text(text)


def test_control_characters_replaced_with_warning():
    text, warnings = check_text("Ratify\x00 the\x07 ICCPR")
    assert text == "Ratify  the  ICCPR"
    assert any("control character" in w for w in warnings)


def test_long_text_truncated_with_warning():
    long = "Ensure the protection of human rights defenders. " * 500
    text, warnings = check_text(long)
    assert len(text) <= MAX_CHARS
    assert long.startswith(text)
    assert any("truncated" in w for w in warnings)


def test_short_english_passes_clean():
    assert check_text("Ratify OP-CAT") == ("Ratify OP-CAT", [])
