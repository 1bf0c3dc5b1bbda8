"""Input checks: what the classifier refuses, repairs or warns about, and why."""

from __future__ import annotations

import re
import unicodedata

from uprlens.errors import ClassifyError

__all__ = ["MAX_CHARS", "check_text"]

# UPR recommendations run to ~900 characters; a text far longer is a document pasted by
# mistake, and the models would only read a blur of it. Keep the head, say so.
MAX_CHARS = 4000

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_WORD = re.compile(r"[^\W\d_]+")
# Function words: any English sentence of a few words has some; other languages (French,
# Spanish, Portuguese...) written in Latin script have almost none of these.
_ENGLISH = frozenset(
    re.findall(
        r"\w+",
        "the of and to in for on with its their all by as that be are is this from at an a or "
        "which including such other into through against under between within without it "
        "ensure continue take adopt further measures efforts rights human",
    )
)
# Function words of other languages UPR texts come in, written in Latin script (French,
# Spanish, Portuguese, German, Italian).
_FOREIGN = (
    frozenset(
        re.findall(
            r"\w+",
            "le la les des du et de dans pour sur aux une un est au ses leur leurs qui que "
            "el los las y del para con por una en lo su sus os da do dos das com uma em ao "
            "der die das und mit von zu den dem ein eine für il gli di della delle per che",
        )
    )
    - _ENGLISH
)


def check_text(text: object, *, where: str = "") -> tuple[str, list[str]]:
    """Return the text to classify (cleaned, maybe truncated) and warnings; raise on refusal."""
    at = f"{where}: " if where else ""
    if text is None or (isinstance(text, float) and text != text):
        raise ClassifyError(f"{at}empty text: there is no recommendation to classify")
    if not isinstance(text, str):
        raise ClassifyError(f"{at}expected text, got {type(text).__name__}: {text!r:.60}")
    warnings: list[str] = []
    cleaned, n_ctrl = _CONTROL.subn(" ", text)
    if n_ctrl:
        warnings.append(f"replaced {n_ctrl} control character(s) with spaces")
    cleaned = unicodedata.normalize("NFC", cleaned)
    if not cleaned.strip():
        raise ClassifyError(f"{at}empty text: there is no recommendation to classify")
    if len(cleaned) > MAX_CHARS:
        cut = cleaned.rfind(" ", 0, MAX_CHARS)
        cut = cut if cut > MAX_CHARS // 2 else MAX_CHARS
        warnings.append(
            f"text truncated at {cut} chars (it has {len(cleaned)}); "
            "a recommendation is rarely over 1,000 characters: is this one recommendation?"
        )
        cleaned = cleaned[:cut]
    words = _WORD.findall(cleaned)
    letters = sum(len(w) for w in words)
    if letters == 0:
        raise ClassifyError(f"{at}no words in text {cleaned.strip()[:60]!r}: nothing to classify")
    if not cleaned.isascii():
        latin = sum(
            1 for w in words for ch in w if ch.isascii() or "LATIN" in unicodedata.name(ch, "")
        )
    else:
        latin = letters
    if latin / letters < 0.5:
        raise ClassifyError(
            f"{at}text looks non-English (mostly non-Latin script: {cleaned.strip()[:40]!r}); "
            "the classifier reads English only: classify the English version of the report"
        )
    if len(words) >= 5:
        low = [w.lower() for w in words]
        english = sum(1 for w in low if w in _ENGLISH) / len(words)
        foreign = sum(1 for w in low if w in _FOREIGN) / len(words)
        if foreign >= 0.1 and foreign > english:
            raise ClassifyError(
                f"{at}text looks non-English ({cleaned.strip()[:40]!r}...): the classifier "
                "reads English only: classify the English version of the report"
            )
        if english < 0.1 and foreign > 0:
            warnings.append("text may not be English: labels may be wrong (English-only)")
    return cleaned, warnings
