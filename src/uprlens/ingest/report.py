"""Recommendations of an official Working Group report (A/HRC/xx/yy), from its page texts.

The report's section "Conclusions and/or recommendations" holds one top-level paragraph per
position ("enjoy the support of", "will be examined by", "did not enjoy the support of") with
numbered recommendations under it: ``186.30`` in cycle 2, ``1.``, ``2.`` ... under ``114.`` in
cycle 1 (kept as ``114.1``). Early cycle-1 reports also reject recommendations only by
reference to the interactive dialogue ("paragraphs 27 (b), (c), ..., 97 did not enjoy the
support of China"); those items are cut out of the dialogue paragraphs and get ids such as
``27(b)`` (or ``97`` for a whole paragraph).

Each recommendation keeps its verbatim text (line breaks, page furniture and footnote markers
removed, words broken by the PDF text layer rejoined) and one :class:`~uprlens.types.Part` per
state wording: the trailing parenthesised state names close a part. Names are resolved by the
state registry; a parenthesis that names no state ("(ICRMW)", "(2016-2020)") is text.

:func:`parse_report_text` works on page texts (tests, fuzzing); :func:`read_report` opens a
file and returns the import batch. Neither touches the store.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from uprlens.errors import BadRecord, UnknownState, UnsupportedSource
from uprlens.ids import format_id
from uprlens.ingest.tables import cycle_for_session
from uprlens.lexicons import recommendation_verbs
from uprlens.lexicons.states import StateRegistry, registry
from uprlens.types import ImportBatch, Part, Provenance, Recommendation, Review

__all__ = [
    "ParsedItem",
    "ParsedReport",
    "looks_like_report",
    "parse_report_text",
    "read_report",
]


@dataclass
class ParsedItem:
    """One recommendation as printed: paragraph number, text and the state wordings."""

    paragraph: str  # "114.3", "186.30", "27(b)"
    text: str
    parts: list[Part]
    page: int  # 1-based page where the paragraph starts
    position: str | None = None
    qualifier: str | None = None  # the report's own words when they qualify the position
    position_source: str | None = None  # "A/HRC/11/25 para 114"
    locator: str = ""  # "para 114" or "dialogue para 27"
    note: str | None = None  # a numbering misprint recognised at this item


@dataclass
class ParsedReport:
    """What one report says: its identity and its recommendations."""

    source: str
    symbol: str | None = None  # A/HRC/11/25
    sur: str | None = None  # ISO3
    sur_name: str | None = None  # as printed
    session: int | None = None  # Working Group session
    cycle: int | None = None
    year: int | None = None
    items: list[ParsedItem] = field(default_factory=list)
    # Numbering the text does not explain (a large gap, a cited item not found): the import
    # is refused unless the user accepts them.
    problems: list[str] = field(default_factory=list)
    # Misprints the text explains (a number skipped or printed twice in a run, a wrong
    # paragraph number in front of the next item, letters a cited paragraph does not print):
    # the import goes ahead and records them.
    notes: list[str] = field(default_factory=list)
    section_page: int | None = None


_WS = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _WS.sub(" ", text).strip()


def looks_like_report(text: str) -> bool:
    """True when the text of a document's first pages is a UPR Working Group report."""
    flat = _squash(text).casefold()
    if "report of the working group on the universal periodic review" in flat:
        return True
    # Early reports carry only "UNIVERSAL PERIODIC REVIEW <State>" on the cover; their first
    # paragraph says what they are.
    return "working group on the universal periodic review" in flat and (
        "adopted the present report" in flat or re.search(r"held its \S+ session", flat) is not None
    )


# ---------------------------------------------------------------- page furniture

_FURNITURE = [
    re.compile(r"^A\s*/\s*HRC\s*/\s*\S+(\s+\S+)?$"),  # running header: symbol (+ page)
    re.compile(r"^(\d{1,3}\s+)?GE\.\s*\d{2}\s*-\s*\d{4,6}.*$"),  # job number footer
    re.compile(r"^Page\s+\d{1,3}$", re.I),
    re.compile(r"^\d{1,3}$"),  # bare page number
    re.compile(r"^\*\s*\d{6,}\s*\*$"),  # barcode text
    re.compile(r"^_{3,}$"),
]
# Footnotes fill at most this many of a page's last lines (morocco2012 page 15 prints three
# footnotes that quote eleven recommendations on 20 lines).
_FOOTNOTE_LINES = 40
_FOOTNOTE_START = re.compile(r"^(\*{1,3}|\d{1,2})\s*[A-Z“\"]")


def _clean_page(text: str) -> list[str]:
    """Lines of one page without running headers, footers, page numbers and footnotes."""
    lines = [ln.strip() for ln in text.replace("\r", "\n").split("\n")]
    lines = [ln for ln in lines if ln]
    # Headers and footers sit in the first and last lines of a page.
    for _ in range(4):
        if lines and any(p.match(lines[0]) for p in _FURNITURE):
            lines.pop(0)
        if lines and any(p.match(lines[-1]) for p in _FURNITURE):
            lines.pop()
    # Footnotes come last on a page. A footnote line starts with its marker ("1 The
    # recommendation as read...", "** Conclusions ... not edited"); a digit marker only
    # counts when it was cited above on the page, so a wrapped "2 years" stays.
    cut = len(lines)
    for i in range(len(lines) - 1, max(len(lines) - _FOOTNOTE_LINES, 0), -1):
        m = _FOOTNOTE_START.match(lines[i])
        if not m:
            continue
        marker = m.group(1)
        above = "\n".join(lines[:i])
        if marker.startswith("*"):
            cited = ("*" * len(marker)) in above
        else:
            # Some reports print the marker after a space: "(Chile, 1 China, 2 Mexico 3)".
            cited = re.search(rf"[A-Za-z\)\].,;:] ?{re.escape(marker)}(?!\d)", above) is not None
        below = lines[i + 1 :]
        if cited and not any(re.match(r"^\d{1,3}\s*\.", ln) for ln in below):
            cut = i
    # The end of a footnote begun on the page before ("... read during the interactive
    # dialogue: “Ratify the third Optional Protocol to" / "the CRC (OP-CRC-IC)” (Montenegro).")
    # is printed above this page's footnotes, after an item closed with its states: lines
    # that close a quotation they did not open cannot continue that item. It can take a few
    # lines ("criminal responsibility to at least 12 years, ... have" / "access to education
    # (Ghana)”.").
    for start in range(cut - 1, max(cut - 5, 1) - 1, -1):
        tail = " ".join(lines[start:cut])
        if (
            lines[start][:1].islower()
            and tail.count("”") > tail.count("“")
            and _CLOSED.search(lines[start - 1])
        ):
            cut = start
            break
    return lines[:cut]


# ---------------------------------------------------------------- word repair


_WORD = re.compile(r"[A-Za-z]+")


class _Vocabulary:
    """Word counts of the document, to undo the PDF layer's broken words ("ratificati on")."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.counts: Counter[str] = Counter()
        self.hyphenated: set[str] = set()
        for t in texts:
            self.counts.update(w.casefold() for w in re.findall(r"[A-Za-z]+", t))
            self.hyphenated.update(w.casefold() for w in re.findall(r"[A-Za-z]+-[A-Za-z]+", t))

    def join_broken(self, text: str) -> str:
        # Join "a b" when "ab" is a word of the document and one half is rarer than the
        # whole: "promotio n", "Of fice", "a bolish"; "in to" (both common) stays.
        out: list[str] = []
        last = 0
        word, end = "", -2  # the word before, as joined so far, and where it ends
        for m in _WORD.finditer(text):
            piece = m.group(0)
            if (
                m.start() == end + 1
                and text[end] == " "
                and piece[0].islower()
                and self._joins(word, piece)
            ):
                out.append(text[last:end])
                last = end + 1  # drop the space
                word += piece
            else:
                word = piece
            end = m.end()
        out.append(text[last:])
        return "".join(out)

    def _joins(self, a: str, b: str) -> bool:
        whole = self.counts.get((a + b).casefold(), 0)
        if whole == 0:
            return False
        ca = self.counts.get(a.casefold(), 0)
        cb = self.counts.get(b.casefold(), 0)
        return min(ca, cb) <= whole

    def line_join(self, left: str, right: str) -> str:
        """Join two lines of one paragraph, undoing end-of-line hyphenation only when sure."""
        if not left:
            return right
        m = re.search(r"([A-Za-z]+)-$", left)
        if m and right[:1].isalpha():
            first = re.match(r"[A-Za-z]+", right)
            tail = first.group(0) if first else ""
            hyph = f"{m.group(1)}-{tail}".casefold()
            joined = f"{m.group(1)}{tail}".casefold()
            if hyph not in self.hyphenated and self.counts.get(joined, 0) > 0:
                return left[:-1] + right
            return left + right
        return f"{left} {right}"


# ---------------------------------------------------------------- states


def _strip_marker(name: str) -> str:
    name = re.sub(r"[\s\d*]+$", "", name.strip())  # footnote marker after the name
    # ... or before it, when the marker of the previous name follows its comma:
    # "(Chile, 1 China, 2 Mexico 3)".
    name = re.sub(r"^[\d*]{1,3}\s+(?=[A-Z])", "", name)
    name = name.replace("‟", "'").replace("\u00ad", "")
    name = re.sub(r"(\w)\(", r"\1 (", name)  # "Venezuela(Bolivarian Republic of)"
    return _squash(name).strip(" .;,:")


@lru_cache(maxsize=1)
def _names() -> _Names:
    return _Names(registry())


class _Names:
    """State lookup forgiving the misprints of real reports, never guessing a short name."""

    def __init__(self, reg: StateRegistry) -> None:
        self.reg = reg
        self.cache: dict[tuple[str, bool], str | None] = {}
        self.choices: dict[str, str] = {}
        for st in reg:
            for name in (st.un_name, *st.aliases):
                self.choices[normal_key(name)] = st.iso3

    def lookup(self, name: str, *, fuzzy: bool = True) -> str | None:
        name = _strip_marker(name)
        key = (name, fuzzy)
        if key in self.cache:
            return self.cache[key]
        iso = self._lookup(name, fuzzy)
        self.cache[key] = iso
        return iso

    def _lookup(self, name: str, fuzzy: bool) -> str | None:
        if not name or len(name) > 80 or not name[:1].isalpha():
            return None
        if len(name) == 3 and not name.isupper():
            # The registry also answers to ISO3 codes, whatever their case: the words "and",
            # "can" and "per" would be Andorra, Canada and Peru.
            return self.choices.get(normal_key(name))
        iso = self.reg.lookup(name)
        if iso:
            return iso
        m = re.fullmatch(r"(.+?)\s*\((.+)\)", name)
        if m and not name.startswith("("):
            # "Bolivia (Plurinational Republic of)": the short name decides.
            return self.lookup(m.group(1), fuzzy=fuzzy)
        if not name[:1].isupper() and not name.casefold().startswith("the "):
            return None
        key = normal_key(name)
        # A name broken by the text layer ("Aus tralia", "Unite d Kingdom").
        if key in self.choices:
            return self.choices[key]
        # Misprints in the report ("Russia Federation", "United Sates of America"): only long
        # names, only a near-certain match, and only when the words look like a name.
        if fuzzy and len(key) >= 8 and re.fullmatch(r"[A-Z][\w'’\-]*( [\w'’\-()]+){0,8}", name):
            from rapidfuzz import fuzz, process

            hit = process.extractOne(key, list(self.choices), scorer=fuzz.ratio, score_cutoff=90)
            if hit:
                return self.choices[hit[0]]
        return None


def normal_key(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.casefold())


def _segment(names: _Names, piece: str) -> tuple[list[str], list[str]]:
    """States in a piece with no separators left: "Bosnia and Herzegovina", "Chile Egypt"."""
    words = piece.split()
    states: list[str] = []
    unknown: list[str] = []
    i = 0
    while i < len(words):
        for j in range(min(len(words), i + 10), i, -1):
            cand = " ".join(words[i:j])
            iso = names.lookup(cand, fuzzy=False)
            if iso:
                states.append(iso)
                i = j
                break
        else:
            if words[i] not in ("and", "&"):
                unknown.append(words[i])
            i += 1
    return states, unknown


def _resolve_group(names: _Names, content: str) -> tuple[list[str], list[str]]:
    """States named in one parenthesis, and the words that name none.

    Tries the whole content first ("United Kingdom of Great Britain and Northern Ireland",
    "Bosnia and Herzegovina"), then splits on commas, semicolons and slashes, then on words.
    """
    whole = names.lookup(content)
    if whole:
        return [whole], []
    states: list[str] = []
    unknown: list[str] = []
    for piece in re.split(r"\s*(?:,|;|/)\s*", content):
        piece = _strip_marker(piece)
        if not piece:
            continue
        iso = names.lookup(piece)
        if iso:
            states.append(iso)
            continue
        found, missing = _segment(names, re.sub(r"[()]", " ", piece))
        states.extend(found)
        if missing:
            unknown.append(piece if not found else " ".join(missing))
    return states, unknown


def _paren_groups(text: str, names: _Names) -> list[tuple[int, int]]:
    """(start, end) of each outermost closed parenthesis, end exclusive.

    An unclosed "(" is ignored ("(ICERD, in line with ... (Peru);"); a ")" without its "("
    at the very end of a wording opens at the start of the name before it ("... Court Ghana);").
    """
    stack: list[int] = []
    groups: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if ch == "(":
            stack.append(i)
        elif ch == ")":
            if stack:
                start = stack.pop()
                groups.append((start, i + 1))
            else:
                m = re.search(r"(?:^|[\s;,])((?:[A-Z][\w'’\-]*\s*){1,6})$", text[:i])
                if m:
                    # The longest run of final words that names a state: "... Court Ghana)".
                    words = m.group(1).split()
                    for n in range(len(words), 0, -1):
                        if names.lookup(" ".join(words[-n:]), fuzzy=False):
                            start = text.rfind(words[-n], 0, i)
                            groups.append((start - 1, i + 1))
                            break
    for start in stack:
        # "(Iran (Islamic Republic of);": the inner group closes the outer name.
        for k, (gs, ge) in enumerate(groups):
            if gs > start and (
                names.lookup(text[start + 1 : gs]) or names.lookup(text[start + 1 : ge])
            ):
                groups[k] = (start, ge)
                break
        else:
            # "... do so (United Kingdom, and the Rome Statute ... (Mexico)": the ")" after
            # the state was lost; the comma after the name closes the group.
            m = re.match(r"([^(),;]+)[,;]", text[start + 1 :])
            if m and names.lookup(m.group(1), fuzzy=False):
                groups.append((start, start + 1 + m.end()))
    groups.sort()
    outer: list[tuple[int, int]] = []
    for g in groups:
        if outer and g[0] >= outer[-1][0] and g[1] <= outer[-1][1]:
            continue
        outer.append(g)
    return outer


_PART_TRIM = " \t;,/"

# Verbs that open a recommendation (lexicons/recommendation_verbs.csv): a piece starting with
# none of them after a lead-in that ends in ":" ("Consider ratifying or acceding to: OP-CAT
# (France); ICRMW (Mexico)") is an item of the list the lead-in governs, not a wording of its own.
_VERBS = recommendation_verbs()


def _colon_lead(first: str) -> str | None:
    """The words up to a ":" that ends the first piece's verb phrase: "Consider ratifying:"."""
    m = re.match(r"([^:;()]{3,80}:)\s*\S", _squash(first).lstrip(_PART_TRIM))
    return m.group(1) if m else None


_MAX_NOUN_WORDS = 4


def _parallel_head(before: str, item: str, *, joined: bool = False) -> str | None:
    """The words of the piece before that a bare noun phrase shares, cut where they start.

    "address cases of violence against women (Sweden), domestic violence (Algeria)":
    Algeria's "domestic violence" stands where "violence against women" stood.
    """
    text = _squash(before).rstrip(_PART_TRIM)
    words = item.split()
    # Only a short lower-case phrase is a bare noun phrase; a longer one, or one opening with
    # an adverb ("further strengthen ..."), is a verb phrase the verb list does not know.
    if len(words) > _MAX_NOUN_WORDS or not words[0][0].islower() or words[0].endswith("ly"):
        return None
    if words[0].endswith("ing") and _verbal(words[0]):
        # "Consider ratifying OP-CAT (Mexico), signing the Optional Protocol (Sweden)": the
        # gerund stands where the gerund before stood.
        gerunds = [
            m for m in re.finditer(r"\b[a-z]+ing\b", text) if m.start() > 0 and _verbal(m.group(0))
        ]
        if gerunds:
            return text[: gerunds[-1].start()]
    for w in words:
        if len(w) < 4 or not w.isalpha():
            continue
        hits = list(re.finditer(rf"\b{re.escape(w)}\b", text))
        if hits and hits[-1].start() > 0:
            return text[: hits[-1].start()]
    if joined:
        # "to ensure their safety (France) and freedom of expression (Switzerland)": sharing
        # no word, a noun phrase joined by "and" is a second object of the last verb, when
        # the object it stands beside is as short as a noun phrase.
        for m in reversed(list(re.finditer(r"\b([a-z]+)\s+", text))):
            if m.group(1) in _VERBS and m.start() > 0:
                if len(text[m.end() :].split()) <= _MAX_NOUN_WORDS:
                    return text[: m.end()]
                break
    return None


def _joined(piece: str) -> bool:
    return re.match(r"(?:,\s*)?and\s", _squash(piece).lstrip(" \t")) is not None


def _list_item(piece: str) -> str | None:
    """The piece without its joining words, when it opens with no verb: "; ICRMW", ", other"."""
    item = re.sub(r"^(?:(?:and|or)\s+)", "", _squash(piece).strip(_PART_TRIM))
    word = re.match(r"[\w'’\-]+", item)
    if word is None or word.group(0).casefold() in _VERBS or _CONTINUES.match(item):
        return None
    return item


_GOES_ON = re.compile(
    r"\s*(?:\d{1,2}\s*)?;(?=\s*(?:in\s+particular|particularly|especially|notably)\b)"
)


def split_parts(text: str, *, names: _Names, path: str, page: int, paragraph: str) -> list[Part]:
    """One Part per wording: text up to a run of state parentheses, with those states.

    Wordings chained by "/" ("Consider ratifying (Mauritius)/ratify (Argentina) the
    OP-CAT;") share the words after the last parenthesis; each part gets them.
    """
    runs: list[tuple[int, int, list[str]]] = []  # (start, end, states) of state runs
    for k, (s, e) in enumerate(groups := _paren_groups(text, names)):
        content = text[s + 1 : e - 1]
        states, unknown = _resolve_group(names, content)
        if states and not unknown:
            if runs and text[runs[-1][1] : s].strip(" ,;\t") == "":
                runs[-1] = (runs[-1][0], e, runs[-1][2] + states)  # "(Costa Rica) (El Salvador)"
            else:
                runs.append((s, e, states))
            continue
        follows_break = re.match(r"\s*(\d{1,2}\s*)?([;./]|\(|$|and\b)", text[e:]) is not None
        last = k == len(groups) - 1
        if states and unknown and (follows_break or last) and _looks_like_state_list(content):
            raise UnknownState(unknown[0], path=path, page=page)
        if last and not runs and not states:
            # The paragraph ends with a parenthesis that names no state we know.
            trailing = text[e:].strip(" .;,\t0123456789*")
            if not trailing and _looks_like_state_list(content):
                raise UnknownState(_strip_marker(content), path=path, page=page)
    if not runs:
        raise BadRecord(
            f"recommendation {paragraph} names no recommending state in parentheses "
            f"({_squash(text)[:80]!r}); check the page, or add the spelling to "
            "uprlens/lexicons/states.csv",
            path=path,
            page=page,
        )
    # Chains: runs of wordings up to a ";" or "." after a state parenthesis.
    chains: list[list[tuple[str, list[str]]]] = [[]]
    tails = [""]  # words that complete a chain's wordings after its last parenthesis
    cursor = 0
    for s, e, states in runs:
        raw = text[cursor:s]
        if chains[-1] and ";" in raw:
            # "to abolish (France) the death penalty; repeal it (Canada)": the words before
            # the ";" end the wording the parenthesis interrupted.
            before, raw = raw.split(";", 1)
            tails[-1] = _squash(before).strip(" .;,/\t0123456789*")
            chains.append([])
            tails.append("")
        chains[-1].append((raw, states))
        cursor = e
        # A footnote marker printed after the parenthesis is not the next wording's first
        # word: "(Italy) 4 ratifying the Convention".
        if m := re.match(r"\s*\d{1,2}(?=\s+[a-z])", text[e:]):
            cursor = e + m.end()
        if m := _GOES_ON.match(text[e:]):
            # "... torture (Japan); in particular by security forces (France)": the ";" does
            # not end the wording that the next piece narrows.
            cursor = e + m.end()
        elif re.match(r"\s*(\d{1,2}\s*)?[;.]", text[e:]):
            chains.append([])
            tails.append("")
    if not chains[-1]:
        chains.pop()
        tails.pop()
    if not re.match(r"\s*(\d{1,2}\s*)?[;.]", text[cursor:]):
        # Words after the last parenthesis complete the wording(s) before it.
        tails[-1] = _squash(text[cursor:]).strip(" .;,/\t0123456789*")
    if lead := _colon_lead(chains[0][0][0]):
        for k in range(1, len(chains)):
            if item := _list_item(chains[k][0][0]):
                chains[k][0] = (f"{lead} {item}", chains[k][0][1])
    for k in range(1, len(chains)):
        # "to consider ratifying the CRPD (Brazil) ...; and the ICPPED (Brazil);": a list item
        # after a ";" continues the verb phrase that began the list before it.
        first = _squash(chains[k][0][0]).lstrip(_PART_TRIM)
        if not re.match(r"(?:and|or)\s+(?:the|a|an)\s", first):
            continue
        lead = _squash(chains[k - 1][0][0]).strip(_PART_TRIM)
        m = _DETERMINER.search(lead)
        if m is not None and not _RECOMMENDS.search(f". {lead}"):
            item = re.sub(r"^(?:and|or)\s+", "", first)
            chains[k][0] = (f"{lead[: m.start()]} {item}", chains[k][0][1])
    parts: list[Part] = []
    for chain, tail in zip(chains, tails, strict=True):
        counts = Counter(st for _raw, states in chain for st in dict.fromkeys(states))
        if len(chain) > 1 and max(counts.values()) > 1:
            parts.extend(_distribute(chain, tail))
            continue
        start = len(parts)
        for raw, states in _complete_short(chain, _with_heads(chain), tail):
            _close(parts, raw, states)
        if tail:
            for i in range(start, len(parts)):
                parts[i] = Part(text=f"{parts[i].text} {tail}".strip(), states=parts[i].states)
    # Words after a closing ";" or "." ("Not applicable.", a comment of the SuR) are
    # attributed to no state: they stay in the paragraph text, not in a part.
    return parts


_NAME_LIKE = re.compile(r"(?:the )?[A-Z][a-z'’\-.]+(?: (?:of|and|the|da|de|[A-Z(][\w'’\-.()]*))*")


def _looks_like_state_list(content: str) -> bool:
    """Every piece is a capitalised name ("Lalaland", "Republic of Foo"); not "ICRMW"."""
    pieces = [p.strip() for p in re.split(r"[,;/]", _strip_marker(content)) if p.strip()]
    return bool(pieces) and all(_NAME_LIKE.fullmatch(p) for p in pieces)


# The recommending formula again, in the third person, inside a wording or opening a later
# piece: "Encourages Tunisia to continue ... and calls upon it to share ...". The recommending
# State speaks again; an imperative ("and encourage it to work", said of an institution) is
# part of the wording.
_AGAIN = (
    r"and\s+(?:also\s+)?(?:calls\s+(?:up)?on|urges|invites|encourages|requests)\s+"
    r"(?:it|(?-i:the\s+(?:State|Government)|[A-Z][a-z]+))\s+to\s+(?=[a-z])"
)
_FORMULA = re.compile(rf"\s*(?:,\s*)?{_AGAIN}", re.I)


def _distribute(chain: list[tuple[str, list[str]]], tail: str) -> list[Part]:
    """Each state's own wording out of a phrase attributed piece by piece.

    "Sign (Germany, Spain) and ratify (Germany, Spain, Maldives) the CAT (Germany, Spain,
    Maldives) and its Optional Protocol (Germany, Maldives)" gives Germany "Sign and ratify
    the CAT and its Optional Protocol" and Maldives "ratify the CAT and its Optional Protocol".
    """
    order: dict[str, None] = {}
    for _raw, states in chain:
        order.update(dict.fromkeys(states))
    # A state's wordings, each a list of pieces: usually one, a second when the state's later
    # piece is another recommendation than its first.
    wordings: dict[str, list[list[str]]] = {st: [] for st in order}
    substitutes: set[int] = set()
    heads = _with_heads(chain, substitutes)
    completed = _complete_short(chain, heads, tail, own_later=False)
    first = {st: k for k in reversed(range(len(chain))) for st in chain[k][1]}

    def repeats(j: int, st: str) -> bool:
        # "Consider signing and ratifying (Brazil, Chile)/ratify (Denmark, Chile) the OP-CAT":
        # a bare alternative whose verbs the state's first wording has adds nothing to it.
        raw = chain[j][0]
        verbs = _verb_stems(raw)
        return (
            first[st] < j
            and raw.lstrip(" ,").startswith("/")
            and verbs is not None
            and verbs <= (_verb_stems(chain[first[st]][0], partial=True) or set())
        )

    def parallel(k: int) -> bool:
        item = _list_item(chain[k][0])
        verb = re.match(r"(?:and|or)\s+([a-z]+)\s", _squash(heads[k][0]).lstrip(_PART_TRIM))
        return (
            item is not None
            and verb is not None
            and verb.group(1) in _VERBS
            and _parallel_head(heads[k - 1][0], item, joined=_joined(chain[k][0])) is not None
        )

    def foreign(k: int) -> bool:
        # "to consider extending a standing invitation (Mexico), extend invitations to the
        # thematic procedures (Ukraine) particularly to those that requested a visit (Mexico)":
        # Mexico's modifier completes Ukraine's wording, which is not Mexico's first one.
        piece = _squash(chain[k][0])
        head = _squash(heads[k][0]).lstrip(_PART_TRIM)
        verb = re.match(r"(?:to\s+)?([a-z]+)\s", head.casefold())
        return (
            _NARROWS.match(piece) is not None
            and head != piece.lstrip(_PART_TRIM)
            and verb is not None
            and verb.group(1) in _VERBS
        )

    for k, (raw, states) in enumerate(chain):
        for st in dict.fromkeys(states):
            if repeats(k, st):
                continue
            later = any(st in chain[j][1] and not repeats(j, st) for j in range(k + 1, len(chain)))
            # A state's first piece carries the words it completes; later pieces are its own,
            # and a bare verb of a state named no more takes the object named after it.
            full = heads[k][0] if later else completed[k][0]
            if not wordings[st]:
                wordings[st].append([full])
            elif k in substitutes or (k > 0 and st not in chain[k - 1][1] and foreign(k)):
                # "... to detention and prison facilities (Czech Republic) to all detention
                # facilities (Czech Republic, Hungary)": a second wording of the state.
                wordings[st].append([heads[k][0]])
            elif m := _FORMULA.match(raw):
                # "... poverty (Chad, Madagascar) and calls upon it to share its experience
                # ... (Madagascar)": the recommending State speaks again, a new wording.
                wordings[st].append([raw[m.end() :]])
            elif k > 0 and st not in chain[k - 1][1] and parallel(k):
                # "To promote the work of defenders (Sweden, Switzerland) and take measures to
                # ensure their safety (France) and freedom of expression (Switzerland)": the
                # verb Switzerland's noun phrase shares was said for France, not for it.
                wordings[st][-1].append(f" {heads[k][0]}")
            else:
                wordings[st][-1].append(raw)
    grouped: dict[str, list[str]] = {}
    for st, segments in wordings.items():
        for n, pieces in enumerate(segments, start=1):
            end = f" {tail}" if tail and n == len(segments) else ""
            text = _squash("".join(pieces) + end)
            text = re.sub(r"^(?:and|or)\s+", "", text.strip(_PART_TRIM)).strip(_PART_TRIM)
            grouped.setdefault(text, []).append(st)
    return [Part(text=t, states=tuple(sts)) for t, sts in grouped.items()]


_OBJECT = re.compile(r"\b(?:the|a|an|its|all|this|these|that)\b")
# Last words that leave a wording waiting for its object.
_DANGLING = frozenset({"of", "to", "with", "the", "ratifying", "signing"})
# A piece that only says when or how ("as soon as possible (France) the Optional Protocol"):
# a bare verb before it takes its object from further on.
_ADVERBIAL = re.compile(
    r"(?:,\s*)?(?:(?:and|or)\s+)?(?:[a-z]+ly|as\s+soon\s+as\s+possible|without\s+(?:further\s+)?"
    r"delay|at\s+the\s+earliest(?:\s+opportunity)?|as\s+a\s+(?:matter\s+of\s+)?priority)\s*,?"
)


def _dangling(piece: str) -> bool:
    """Words left waiting for their object: "accelerate the ratification of"."""
    words = _squash(piece).strip(_PART_TRIM).split()
    return len(words) > 1 and words[-1] in _DANGLING


def _piece_words(piece: str) -> list[str]:
    """The words of a piece without its joining "," / "and" / "or"."""
    return re.sub(r"^(?:,\s*)?(?:(?:and|or)\s+)?", "", _squash(piece)).strip(_PART_TRIM).split()


def _short(piece: str) -> bool:
    """A verb phrase with no object: "Sign", "accede to", "Consider the possibility"."""
    words = _piece_words(piece)
    if _dangling(piece):
        return True  # "accelerate the ratification of (Romania)/ratify the Rome Statute"
    if len(words) > 2 and all(_verbal(w) or w in ("and", "or") for w in words):
        return True  # "sign and ratify (Azerbaijan)/ sign ICRMW": verbs and nothing else
    if len(words) == 3:
        return words[1] in ("the", "a") and words[2] in ("possibility", "feasibility")
    if len(words) == 2 and words[1].casefold() in ("it", "them", "this", "these", "those"):
        return False  # "reform it (Nigeria)": the pronoun is the object
    if _ADVERB.fullmatch(_squash(piece)):
        return False  # "promptly (Peru)" qualifies the wording before it, needs no object
    return 0 < len(words) <= 2 and not any(re.search(r"[A-Z]{2}", w) for w in words[1:])


# Second words of a two-word verb phrase that still waits for its object: "accede to",
# "become party", "sign up".
_PARTICLES = frozenset(
    {"to", "on", "in", "into", "up", "with", "for", "of", "at", "by", "from", "upon", "party"}
)


def _has_object(piece: str) -> bool:
    """A verb and a noun, no article: "Consolidate reconciliation", "Increase efforts"."""
    words = _piece_words(piece)
    return (
        len(words) == 2
        and words[1].isalpha()
        and not _verbal(words[1])
        and words[1].casefold() not in _PARTICLES
    )


def _verbal(word: str) -> bool:
    """An opening verb (lexicons/recommendation_verbs.csv), its gerund, or an "-ly" adverb."""
    w = word.casefold()
    return (len(w) > 4 and w.endswith("ly")) or any(f in _VERBS for f in _verb_forms(w))


def _verb_stems(piece: str, *, partial: bool = False) -> set[str] | None:
    """The opening verbs of a piece made of verbs only ("sign and ratify", "Consider signing").

    None when other words are there too, unless ``partial``: then the verbs among them.
    """
    stems: set[str] = set()
    for word in re.findall(r"[\w'’\-]+", piece.casefold()):
        if word in ("and", "or") or (word.endswith("ly") and word not in _VERBS):
            continue
        stem = next((s for s in _verb_forms(word) if s in _VERBS), None)
        if stem is None and not partial:
            return None
        if stem is not None:
            stems.add(stem)
    return stems if stems or partial else None


def _verb_forms(word: str) -> list[str]:
    """The word and, for a gerund, the verbs it may come from: "ratifying", "acceding"."""
    if not word.endswith("ing"):
        return [word]
    stem = word[:-3]
    return [word, stem, f"{stem}e", stem[:-1] if stem[-2:-1] == stem[-1:] else stem]


# A "when" phrase between the verbs of an alternative and its object.
_WHEN = re.compile(
    r"as\s+soon\s+as\s+possible|without\s+(?:further\s+)?delay|at\s+the\s+earliest"
    r"(?:\s+opportunity)?|as\s+a\s+(?:matter\s+of\s+)?priority"
)
# Where an object starts: its article or its first capitalised word ("ICRPD", "ILO ...").
_OBJECT_START = re.compile(r"\b(?:the|a|an|its|all|this|these|that)\b|(?<![\w\-])[A-Z]")


def _alternative_object(piece: str) -> str | None:
    """The object of an alternative wording after "/", without its own verbs.

    "Consider ratifying (Jordan)/ratify as soon as possible ICRPD (Chile)": Jordan's bare
    verb takes "ICRPD"; "/ sign and ratify the ICRMW" gives "the ICRMW".
    """
    rest = piece.lstrip(" ,")
    if not rest.startswith("/"):
        return None
    rest = rest[1:].strip()
    while rest:
        if m := _WHEN.match(rest):
            rest = rest[m.end() :].lstrip(" ,")
            continue
        word = re.match(r"[\w'’\-]+", rest)
        if word is None or not (_verbal(word.group(0)) or word.group(0) in ("and", "or")):
            break
        rest = rest[word.end() :].lstrip(" ,")
    # Only an object right after the verbs: "/Finalise and publish at an early date" has none.
    return rest if _OBJECT_START.match(rest) else None


def _run_on(piece: str) -> str:
    """The object alone, when the piece goes on to a recommendation of the states it names.

    "/ratify (Azerbaijan) the OP-CAT and establish an effective National Preventive
    Mechanism (Denmark)": Azerbaijan, not named after it, recommended "ratify the OP-CAT".
    """
    for m in re.finditer(r"\s+and\s+([a-z]+)\b", piece):
        if m.group(1) in _VERBS and m.start() > 0:
            return piece[: m.start()]
    return piece


def _complete_short(
    chain: list[tuple[str, list[str]]],
    heads: list[tuple[str, list[str]]],
    tail: str,
    *,
    own_later: bool = True,
) -> list[tuple[str, list[str]]]:
    """A state's verb phrase with no object gets the object that the text goes on to name.

    "Sign (Spain), accede to (Australia) and ratify the Second Optional Protocol (Slovenia)":
    Spain recommended signing the Second Optional Protocol, not a bare "Sign"; "Consider
    (Chile) extending a standing invitation (Austria)": Chile's wording is "Consider extending
    a standing invitation". Words after the last parenthesis ("Sign (A), ratify (B) the
    ICRMW") already complete every wording of the chain.
    """
    out = list(heads)
    if tail:
        continued: list[int] = []
        for k in range(len(chain) - 1):
            # "Enact legislation (Austria) to definitively abolish (France, Australia) the
            # death penalty": a bare verb phrase continued by an infinitive is completed by
            # it (and then by the words after the last parenthesis, as every wording is).
            nxt = _squash(chain[k + 1][0])
            if _short(chain[k][0]) and re.match(r"to\s+[a-z]", nxt):
                out[k] = (f"{_squash(heads[k][0]).rstrip(_PART_TRIM)} {nxt}", heads[k][1])
                continued.append(k + 1)
        for k in continued:
            # The "to" joined the words before; the state after it recommended the rest.
            out[k] = (re.sub(r"^\s*to\s+", "", out[k][0]), out[k][1])
        return out
    for k, (full, states) in enumerate(heads):
        later = {st for _raw, sts in chain[k + 1 :] for st in sts}
        # "Ratify (France) as soon as possible (Chile)/consider ... the CED": a bare verb's
        # adverbial is as bare as the verb.
        bare = _short(chain[k][0]) or (
            k > 0
            and _ADVERBIAL.fullmatch(_squash(chain[k][0]).lstrip(" ,")) is not None
            and _short(chain[k - 1][0])
        )
        if not bare or k + 1 >= len(chain) or (own_later and later & set(states)):
            continue  # no words follow, or the state's own later piece names the object
        dangling = _dangling(chain[k][0])
        for raw, _st in chain[k + 1 :]:
            piece = _squash(raw).lstrip(" ,")
            if _short(piece) or _ADVERBIAL.fullmatch(piece):
                continue  # another bare verb: "accede to (Australia)"
            if (item := _alternative_object(piece)) is not None:
                piece = item
            elif re.match(r"(?:and\s|or\s|/)", piece) or dangling:
                # "and ratify the Protocol", "/ Consider ratifying the Convention": the
                # object starts at its article.
                if re.match(r"(?:and|or)\s", piece) and _has_object(chain[k][0]):
                    # "Consolidate reconciliation (Azerbaijan, Cameroon) and peace through
                    # ... the United Nations (Cameroon)": a second object, not a shared one.
                    break
                m = _OBJECT.search(piece)
                if m is None:
                    break
                if dangling and len(piece[: m.start()].split()) > 2:
                    # "implementation of (Algeria)/Finalise and publish at an early date":
                    # the first article is no object of the words left waiting.
                    break
                piece = piece[m.start() :]
            piece = re.split(r",\s+(?:and|as\s+well\s+as)\s+|;", piece)[0].strip(_PART_TRIM)
            piece = _run_on(piece)
            out[k] = (f"{_squash(full).rstrip(_PART_TRIM)} {piece}", states)
            break
    return out


# First words of a piece that completes the wording before it instead of starting its own:
# "Establish a national human rights commission (South Africa) in compliance with the Paris
# Principles (Portugal, Australia) with a strong mandate (Portugal)".
_CONTINUES = re.compile(
    r"^(?:,\s*)?(?:(?:and|or)\s+)?(?:as\s+well\s+as|in|with|within|without|particularly|"
    r"in\s+particular|especially|including|notably|namely|inter\s+alia|such\s+as|on|of|"
    r"for|through|by|at|under|into|from|the|a|an|as\s+a\s+(?:way|means|step|matter)|"
    r"as\s+soon\s+as|as\s+early\s+as|as\s+appropriate|at\s+the\s+earliest|"
    r"without\s+(?:further\s+)?delay)\s",
)
# ... of which a list item ("the Optional Protocol to CAT") completes only the verb phrase:
# "Consider ratifying the OP-CEDAW (Brazil), the OP-CAT (Brazil, Djibouti)".
# "To ratify the OP-CAT (Mexico) and to do so as soon as possible (United Kingdom)": the
# words after "do so" qualify the wording before it.
_DO_SO = re.compile(r"^(?:,\s*)?(?:and\s+)?(?:to\s+)?do\s+so\s+(?=[a-z])")
_AS_WELL_AS = re.compile(r"(?:,\s*)?as\s+well\s+as\s+(?:to\s+)?([a-z]+)\b")
_PREPOSITION = re.compile(r"(?:,\s*)?(to|in|for|on|at|against|from|into)\s+(?=[a-z])")
_NARROWS = re.compile(
    r"(?:,\s*)?(?:and\s+)?(?:particularly|in\s+particular|especially|notably)\s"
)
_AND_OF = re.compile(r"(?:,\s*)?(?:and|or)\s+of\s")
# "promptly (Peru)": a bare adverb qualifies the wording before it.
_ADVERB = re.compile(r"(?:,\s*)?(?:(?:and|or)\s+)?[a-z]+ly\s*,?")
_LIST_ITEM = re.compile(r"^(?:,\s*)?(?:(?:and|or)\s+)?(?:the|a|an)\s")
_DETERMINER = re.compile(r"\s(?:the|a|an|all|its)\s")
# Words that point back to the wording before: "combat impunity in this regard", "ensure that
# it is implemented". Pronoun objects ("ratify it", "the Protocol thereto") are left alone:
# UPR Info keeps those wordings as separate rows with the referent spelled out.
_POINTS_BACK = re.compile(
    r"\b(?:in\s+th(?:is|at)\s+(?:regard|respect|context)|to\s+(?:that|this)\s+end|such|that\s+it)\b"
)


def _prepositional_parallel(base_text: str, piece: str) -> str | None:
    """The wording with a prepositional phrase put in place of the one it parallels.

    "access of the ICRC to detention and prison facilities (Czech Republic) to all detention
    facilities (Hungary)": Hungary's wording is "access of the ICRC to all detention
    facilities"; the two phrases open with the same preposition and share a noun.
    """
    m = _PREPOSITION.match(piece)
    if m is None:
        return None
    prep, rest = m.group(1), piece[m.end() :].rstrip(_PART_TRIM)
    if prep == "to" and _verbal(rest.split()[0]):
        return None  # "to ensure that ...": an infinitive, not a prepositional phrase
    hits = list(re.finditer(rf"\s{prep}\s", base_text))
    if not hits or hits[-1].start() == 0:
        return None
    # Only the last phrase with that preposition, and only a short one, is the parallel.
    after = base_text[hits[-1].end() :]
    nouns = set(re.findall(r"[a-z]{4,}", rest))
    if nouns & set(re.findall(r"[a-z]{4,}", after)) and len(after.split()) <= 2 * _MAX_NOUN_WORDS:
        return f"{base_text[: hits[-1].start()]} {prep} {rest}"
    return None


def _with_heads(
    chain: list[tuple[str, list[str]]], substitutes: set[int] | None = None
) -> list[tuple[str, list[str]]]:
    """Each piece with the words it completes: the text before it, or that text's verb phrase.

    The pieces whose wording replaces words of the one before instead of adding to it go in
    ``substitutes``.
    """
    out: list[tuple[str, list[str]]] = []
    # The last piece that is no modifier, and the wording that modifiers after it complete:
    # its text and the list items joined to it ("ratify the CRPD (Brazil) and the Optional
    # Protocol thereto (Iraq) as soon as possible (Greece)").
    base, base_text = 0, ""
    lead = _colon_lead(chain[0][0]) if chain else None
    for k, (raw, states) in enumerate(chain):
        piece = _squash(raw)
        wording = None
        if k > 0 and lead and (item := _list_item(piece)):
            wording = f"{lead} {item}"
        elif (
            k > 0
            and (item := _list_item(piece))
            and (head := _parallel_head(out[-1][0], item, joined=_joined(piece)))
        ):
            wording = f"{head}{item}"
        elif k > 0 and not _CONTINUES.match(piece) and _POINTS_BACK.search(piece):
            # "... concerning torture (Uzbekistan) and combat impunity in this regard
            # (France)": the words it points back to are part of the wording.
            wording = f"{_squash(out[-1][0]).rstrip(_PART_TRIM)} {piece}"
        if wording is not None:
            out.append((wording, states))
            base, base_text = k, wording.rstrip(_PART_TRIM)
            continue
        if k > 0 and (m := _AS_WELL_AS.match(piece)) and _verbal(m.group(1)):
            # "... by Roma people (Ireland) as well as to take further measures (Brazil)": a
            # verb after "as well as" opens the next wording, it does not qualify this one.
            out.append((re.sub(r"^(?:,\s*)?as\s+well\s+as\s+", "", piece), states))
            base, base_text = k, out[-1][0].rstrip(_PART_TRIM)
            continue
        if k > 0 and (wording := _prepositional_parallel(base_text, piece)):
            out.append((wording, states))
            base, base_text = k, wording
            if substitutes is not None:
                substitutes.add(k)
            continue
        if k > 0 and (m := _AND_OF.match(piece)) and (cut := base_text.rfind(" of ")) > 0:
            # "freedom of expression (Sweden) and of the media (Canada)": Canada's wording is
            # "freedom of the media", the "of" phrase standing where the first one stood.
            out.append((f"{base_text[:cut]} {piece[m.end(0) - 3 :]}", states))
            continue
        if k == 0 or not (
            _CONTINUES.match(piece) or _ADVERB.fullmatch(piece) or _DO_SO.match(piece)
        ):
            out.append((raw, states))
            item = _list_item(piece) if k > 0 and _joined(piece) else None
            if item and base_text and not _verbal(item.split()[0]):
                # "to prevent torture (Germany) and other cruel treatment (France), in
                # particular in places of detention (Sweden)": the noun phrase joins the
                # wording before, which Sweden's modifier then completes with it.
                base, base_text = k, f"{base_text} {piece.rstrip(_PART_TRIM)}"
            else:
                base, base_text = k, _squash(raw).rstrip(_PART_TRIM)
            continue
        # "a NHRI ... (Morocco) promptly (Peru) through expeditious efforts (Malaysia)": a
        # modifier of other states than the modifier before it completes the base wording,
        # not the other state's modifier.
        own = base == k - 1 or set(states) & set(chain[k - 1][1])
        head = base_text if base == k - 1 or not own else _squash(out[-1][0]).rstrip(_PART_TRIM)
        if _LIST_ITEM.match(piece):
            if re.match(r"(?:and|or)\s", piece):
                base, base_text = k, f"{base_text} {piece.rstrip(_PART_TRIM)}"
            sharing = [j for j in range(k) if set(states) & set(chain[j][1])]
            if own and sharing and not set(states) & set(chain[k - 1][1]):
                # "Consider ratifying OP-CAT (Mexico, Brazil) ..., and take measures to do so
                # (United Kingdom, and the Rome Statute (Mexico, Slovakia, Brazil)": the list
                # item goes on with the wording of the states it names again, not the one
                # before it.
                head = _squash(out[sharing[-1]][0]).rstrip(_PART_TRIM)
                verbs = [w for w in re.finditer(r"[\w'’\-]+", head) if _verbal(w.group(0))]
                if _DETERMINER.search(head) is None and verbs:
                    head = head[: verbs[-1].end()]
                    piece = re.sub(r"^(?:,\s*)?(?:and|or)\s+", "", piece)
                    out.append((f"{head} {piece}", states))
                    continue
            m = _DETERMINER.search(head)
            preps = list(re.finditer(r"\s(?:of|to|for|on|against)\s", head))
            nouns = set(re.findall(r"[a-z]{4,}", piece))
            if (
                m is None
                and preps
                and nouns & set(re.findall(r"[a-z]{4,}", head[preps[-1].end() :]))
            ):
                # "promotion of child rights (Greece) and the rights of minorities (Romania)":
                # with no article to cut at, the list item is the object of the last
                # preposition.
                head = head[: preps[-1].end() - 1]
            elif m is None:
                out.append((raw, states))
                continue
            else:
                head = head[: m.start()]
        piece = re.sub(r"^,\s*", "", piece)
        if _LIST_ITEM.match(piece) or not own:
            piece = re.sub(r"^(?:and|or)\s+", "", piece)
        out.append((f"{head} {_DO_SO.sub('', piece)}", states))
    return out


# Session 1-2 reports chain one state's wordings in one sentence: "That Algeria take ...;
# recommends the continuation of ..." or "... It also recommended that ...". The formula
# opening the next wording goes with the split, down to its subject ("It also recommended that
# the State pursue ...", "recommends that Algeria integrate ..."): the wording starts at its verb.
_RECOMMENDS = re.compile(
    r"(?:;|\.)\s+(?:(?:it|and)\s+)?(?:also\s+|further\s+)?(?:recommend(?:s|ed)\s+"
    r"(?:that\s+(?:(?-i:the\s+(?:State|Government)|[A-Z][a-z]+)\s+(?=[a-z]))?)?|"
    r"(?:encourage|urge|invite)(?:s|d)\s+(?-i:the\s+(?:State|Government)|[A-Z][a-z]+)\s+to\s+|"
    # "...without delay; expresses support for the recommendation of United Kingdom regarding
    # cooperation with special procedures": a second recommendation, by endorsement.
    r"expresse[sd]\s+(?:its\s+)?support\s+(?:for|to)\s+(?=the\s+recommendation))"
    rf"|\s+{_AGAIN}",
    re.I,
)


def _close(parts: list[Part], raw: str, states: list[str]) -> None:
    seen: dict[str, None] = {}
    for s in states:
        seen.setdefault(s, None)
    before = len(parts)
    for piece in (p for chunk in _RECOMMENDS.split(_squash(raw)) for p in _roman(chunk)):
        wording = piece.strip(_PART_TRIM)
        wording = re.sub(r"^(and|or)\s+", "", wording)
        if wording:
            parts.append(Part(text=wording, states=tuple(seen)))
    if len(parts) == before:  # states with no words of their own: "(Brazil)/(Chile) ..."
        parts.append(Part(text="", states=tuple(seen)))


_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x")


def _roman(wording: str) -> list[str]:
    """A wording numbered "(i) Work more ..., (ii) review ... and (iii) re-examine ..." is one
    recommendation per numeral; any other wording is itself."""
    wording = wording.strip(_PART_TRIM)
    if not re.match(r"\(i\)\s", wording):
        return [wording]
    cuts: list[tuple[int, int]] = []
    for k, numeral in enumerate(_ROMAN):
        m = re.compile(rf"(?:^|[\s,;:]+(?:and\s+|or\s+)?)\({numeral}\)\s+").search(
            wording, cuts[-1][1] if cuts else 0
        )
        if m is None or (k == 0 and m.start() != 0):
            break
        cuts.append((m.start(), m.end()))
    if len(cuts) < 2:
        return [wording]
    pieces = []
    for k, (_s, e) in enumerate(cuts):
        stop = cuts[k + 1][0] if k + 1 < len(cuts) else len(wording)
        piece = wording[e:stop].strip(_PART_TRIM)
        if piece:
            pieces.append(piece[:1].upper() + piece[1:])
    return pieces


# ---------------------------------------------------------------- positions

_NOTED = re.compile(
    r"did\s+not\s+(enjoy|receive|obtain|gain|get)|do(es)?\s+not\s+(enjoy|accept|support)|"
    r"not\s+(be\s+)?(accepted|supported)|could\s+not\s+(accept|support)|cannot\s+(accept|support)|"
    r"\bare\s+noted\b|\bwere\s+noted\b|\bhas\s+noted\b|\bhave\s+been\s+noted\b|\bnoted\s+by\b|"
    r"\bthus\s+noted\b|\brejected?\b|\bnot\s+accept|\btakes?\s+note\b|\btook\s+note\b",
    re.I,
)
_PENDING = re.compile(
    r"will\s+(be\s+)?examine|will\s+provide\s+(its\s+)?responses?|will\s+consider|"
    r"will\s+respond|in\s+due\s+(time|course)|will\s+be\s+considered|further\s+consideration|"
    r"will\s+be\s+(further\s+)?studied|will\s+study",
    re.I,
)
_IMPLEMENTED = re.compile(
    r"already\s+(been\s+|being\s+)?implemented|process\s+of\s+(being\s+)?implement|"
    r"being\s+implemented|already\s+(being\s+)?(in\s+place|underway|under\s+way)",
    re.I,
)
_SUPPORTED = re.compile(
    r"enjoys?\s+the\s+support|accepted|\baccepts?\b|\bsupports?\b|\bsupported\b", re.I
)


def _position_of(intro: str) -> tuple[str | None, str | None]:
    flat = _squash(intro)
    if _NOTED.search(flat):
        position = "noted"
    elif _PENDING.search(flat):
        position = "pending"
    elif _IMPLEMENTED.search(flat) or _SUPPORTED.search(flat):
        position = "supported"
    else:
        return None, None
    qualifier = None
    m = _IMPLEMENTED.search(flat)
    if m:
        qualifier = flat.rstrip(":; ")
    return position, qualifier


# ---------------------------------------------------------------- identity

_ORDINALS = {
    w: i
    for i, w in enumerate(
        [
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
            "eleventh",
            "twelfth",
            "thirteenth",
            "fourteenth",
            "fifteenth",
            "sixteenth",
            "seventeenth",
            "eighteenth",
            "nineteenth",
        ],
        start=1,
    )
}
_TENS = {"twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50}
_TENS_PREFIX = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}


def _ordinal(word: str) -> int | None:
    w = word.casefold().replace(" ", "").replace("\u2011", "-").replace("–", "-")
    m = re.fullmatch(r"(\d{1,2})(st|nd|rd|th)", w)
    if m:
        return int(m.group(1))
    if w in _ORDINALS:
        return _ORDINALS[w]
    if w in _TENS:
        return _TENS[w]
    if "-" in w:
        a, _, b = w.partition("-")
        if a in _TENS_PREFIX and b in _ORDINALS and _ORDINALS[b] < 10:
            return _TENS_PREFIX[a] + _ORDINALS[b]
    return None


def _identify(report: ParsedReport, head: str, names: _Names) -> None:
    flat = _squash(head)
    m = re.search(r"A\s*/\s*HRC\s*/\s*(\d{1,2})\s*/\s*(\d{1,3})(?!\d)", flat)
    if m:
        report.symbol = f"A/HRC/{m.group(1)}/{m.group(2)}"
    m = re.search(r"held\s+its\s+([A-Za-z0-9]+(?:\s*[-‑–]\s*[A-Za-z]+)?)\s+session", flat, re.I)
    if m:
        report.session = _ordinal(m.group(1))
        tail = flat[m.end() : m.end() + 200]
        y = re.search(r"\b(20\d\d)\b", tail)
        if y:
            report.year = int(y.group(1))
    if report.session is None:
        m = re.search(
            r"Working\s+Group\s+on\s+the\s+Universal\s+Periodic\s+Review\s+"
            r"([A-Za-z]+(?:-[a-z]+)?)\s+session",
            flat,
            re.I,
        )
        if m:
            report.session = _ordinal(m.group(1))
    if report.session:  # "0th" is no session: leave it unknown
        report.cycle = cycle_for_session(report.session)
    for pattern in (
        r"review\s+of\s+(?:the\s+)?(.{3,70}?)\s+was\s+held",
        r"Universal\s+Periodic\s+Review\W{0,4}\s*(.{3,70}?)\s+(?:\*|United\s+Nations|"
        r"Addendum|General\s+Assembly|A/HRC)",
    ):
        m = re.search(pattern, flat, re.I)
        if m:
            name = m.group(1).strip(" *")
            iso = names.lookup(name)
            if iso:
                report.sur, report.sur_name = iso, name
                return


# ---------------------------------------------------------------- the section

# A heading is a line of its own with a capital C ("II. Conclusions and/or recommendations**",
# "CONCLUSIONS AND/OR RECOMMENDATIONS"): a recommendation's text can wrap so that a line
# opens "conclusions and recommendations of the fact-finding commissions (Belgium);".
_HEADING = re.compile(
    r"^(?:[IVX]+\s*\.\s*)?(?-i:C)onclusions\s+and\s*(?:/\s*or\s+)?recommendations"
    r"[ \t]*[*∗]*\d{0,2}[ \t]*$",
    re.I | re.M,
)
# Only when no page has the heading on a line of its own: one run into the text after it.
_HEADING_IN_TEXT = re.compile(
    r"^(?:[IVX]+\s*\.\s*)?(?-i:C)onclusions\s+and\s*(?:/\s*or\s+)?recommendations\b"
    r"(?![^\n]*\.{4})",
    re.I | re.M,
)
_TOC = re.compile(
    r"conclusions\s+and\s*(?:/\s*or\s+)?recommendations\s*\.{4,}[\s.]*[\d\s–\-]*?\s(\d{1,3})\s*$",
    re.I | re.M,
)
_SECTION_END = re.compile(
    r"^\d{1,3}\.\s+All\s+conclusions\s+and\s*/?\s*or\s+recommendations|^Annex\b|"
    r"^(?:Composition\s+of\s+the\s+delegation)|"
    # The next chapter ("III. VOLUNTARY COMMITMENTS OF THE STATE UNDER REVIEW").
    # Not the conclusions heading itself: a dialogue line may open with "Conclusions and
    # recommendations" before it.
    r"^(?-i:(?:II|III|IV|V|VI)\s*\.\s+(?!(?i:conclusions))[A-Z][A-Za-z]+\s+[A-Za-z])",
    re.I,
)


def _find_section_page(pages: Sequence[str]) -> int | None:
    n = len(pages)
    # The table of contents gives the page; check it and its neighbours first (cheap).
    for i in range(min(3, n)):
        m = _TOC.search(pages[i])
        if m:
            p = int(m.group(1)) - 1
            for cand in (p, p - 1, p + 1, p - 2, p + 2):
                if 0 <= cand < n and _HEADING.search(_heading_text(pages[cand])):
                    return cand
            break
    for heading in (_HEADING, _HEADING_IN_TEXT):
        for i in range(n - 1, -1, -1):
            if heading.search(_heading_text(pages[i])):
                return i
    return None


def _heading_text(page: str) -> str:
    return "\n".join(ln.strip() for ln in page.split("\n"))


@dataclass
class _Block:
    number: str  # "114" or "114.3"
    top: int
    sub: int | None
    lines: list[str]
    page: int
    note: str | None = None  # a numbering misprint recognised at this item


_TOP = re.compile(r"^(\d{1,3})\s*\.\s+(.*)$")
# "186.30." and the misprinted "125-15." ("-" only where the number is the next one expected).
_SUB2 = re.compile(r"^(\d{1,3})\s*([.\-])\s*(\d{1,3})\s*\.?\s*(.*)$")
# "73 Take ..." and "3.  o remove ...": an item whose dot or first letter the PDF lost; taken
# only as the very next number after an item that closed with its states.
_TOP_DAMAGED = re.compile(r"^(\d{1,3})(?:\s*\.\s+|\s+)([A-Za-z“\"].*)$")
_CLOSED = re.compile(r"\)\s*\d{0,2}\s*[;.]?\s*$")
# A gap up to this many numbers, right after an item that closed with its states, is a
# misprint of the numbering; a larger one means lost text (a missing page).
_MAX_SKIP = 1


def _section_lines(pages: Sequence[str], first: int) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    started = False
    for i in range(first, len(pages)):
        lines = []
        for ln in _clean_page(pages[i]):
            # "(Spain);110.44. Take ...": an item that starts inside a line.
            lines.extend(
                re.sub(r"([;.])\s*(?=\d{1,3}\.\d{1,3}\.\s*[A-Z])", "\\1\n", ln).split("\n")
            )
        if not started:
            own_line = any(_HEADING.match(ln) for ln in lines)
            heading = _HEADING if own_line else _HEADING_IN_TEXT
        for ln in lines:
            if not started:
                m = heading.match(ln)
                if m:
                    started = True
                    rest = ln[m.end() :].strip(" *∗")
                    if rest:  # the heading ran into the section's first words
                        out.append((rest, i + 1))
                continue
            if _SECTION_END.match(ln):
                return out
            out.append((ln, i + 1))
        if not started:
            started = True  # heading not on a line of its own: take the page
    return out


def _closed(blocks: list[_Block]) -> bool:
    """The last item ends with its states ("... (Peru);"): the next line may start a new one."""
    return bool(blocks) and blocks[-1].sub is not None and _CLOSED.search(blocks[-1].lines[-1]) is not None


def _blocks(lines: list[tuple[str, int]], problems: list[str], notes: list[str]) -> list[_Block]:
    """Numbered paragraphs and items of the section.

    Misprints of the numbering that the text explains go to ``notes`` (one number skipped
    or printed twice in a run, a wrong paragraph number or a lost leading digit in front of
    the next item); what it does not explain (a larger gap) goes to ``problems``.
    """
    blocks: list[_Block] = []
    top: int | None = None
    sub = 0
    style: str | None = None  # "dotted" (186.3) or "plain" (1., 2. under 114.)

    def gap(n: int, page: int) -> str | None:
        """The note for items sub+1 .. n-1 not printed, or None when that is a problem."""
        assert top is not None
        missing = _span(top, sub + 1, n - 1)
        if n - sub - 1 <= _MAX_SKIP and _closed(blocks):
            note = (
                f"{missing} skipped by the numbering (page {page}): {top}.{sub} closes with "
                f"its states and the next item printed is {top}.{n}"
            )
            notes.append(note)
            return note
        problems.append(f"{missing} missing (page {page})")
        return None

    for ln, page in lines:
        m2 = _SUB2.match(ln)
        if m2 and top is not None and int(m2.group(1)) == top and style != "plain":
            n = int(m2.group(3))
            printed = m2.group(3)
            rest = m2.group(4)
            hyphen = m2.group(2) == "-"
            if (
                n != sub + 1
                and printed.startswith("0")
                and str(sub + 1).endswith(printed)
                and _starts_item(rest)
                and _closed(blocks)
            ):
                # "118.09" between 118.108 and 118.110: a digit lost in print.
                note = f"{top}.{sub + 1} printed as {top}.{printed} (page {page})"
                notes.append(note)
                sub, style = sub + 1, "dotted"
                blocks.append(_Block(f"{top}.{sub}", top, sub, [rest], page, note))
                continue
            if n == sub + 1 or (
                not hyphen and sub < n <= sub + 3 and _starts_item(rest)
            ) or (not hyphen and n > sub + 3 and _starts_item(rest) and _closed(blocks)):
                note = gap(n, page) if n != sub + 1 else None
                sub, style = n, "dotted"
                blocks.append(_Block(f"{top}.{n}", top, n, [rest], page, note))
                continue
            if (
                not hyphen
                and n == sub
                and _starts_item(rest)
                and blocks
                and blocks[-1].sub == n
            ):
                # The same number again: UN documents number an inserted paragraph "bis".
                note = f"{top}.{n} printed twice (page {page}); the second kept as {top}.{n}bis"
                notes.append(note)
                blocks.append(_Block(f"{top}.{n}bis", top, n, [rest], page, note))
                continue
        if (
            m2
            and m2.group(2) == "."
            and style == "dotted"
            and top is not None
            and int(m2.group(3)) == sub + 1
            and _starts_item(m2.group(4))
            and int(m2.group(1)) != top
        ):
            note = f"{top}.{sub + 1} printed as {m2.group(1)}.{m2.group(3)} (page {page})"
            notes.append(note)
            sub += 1
            blocks.append(_Block(f"{top}.{sub}", top, sub, [m2.group(4)], page, note))
            continue
        m = _TOP.match(ln)
        if m:
            n = int(m.group(1))
            rest = m.group(2)
            if style != "dotted" and top is not None and n == sub + 1 and _starts_item(rest):
                sub, style = n, "plain"
                blocks.append(_Block(f"{top}.{n}", top, n, [rest], page))
                continue
            if (top is None and _starts_item(rest)) or (top is not None and n == top + 1):
                top, sub, style = n, 0, None
                blocks.append(_Block(str(n), n, None, [rest], page))
                continue
            if (
                style == "plain"
                and top is not None
                and sub + 1 < n <= sub + 3
                and _starts_item(rest)
            ):
                note = gap(n, page)
                sub = n
                blocks.append(_Block(f"{top}.{n}", top, n, [rest], page, note))
                continue
        md = _TOP_DAMAGED.match(ln)
        if (
            md
            and style == "plain"
            and top is not None
            and int(md.group(1)) == sub + 1
            and _closed(blocks)
        ):
            sub = int(md.group(1))
            blocks.append(_Block(f"{top}.{sub}", top, sub, [md.group(2)], page))
            continue
        if blocks:
            blocks[-1].lines.append(ln)
    return blocks


# "30. (a) Pursue the ongoing inquiries ...": an item can open with its first letter.
def _span(top: int, a: int, b: int) -> str:
    return f"{top}.{a}" if a == b else f"{top}.{a} to {top}.{b}"


_ITEM_START = re.compile(r"(?:\([a-z]\)\s*)?[\"“‘'(]?[A-Z]")


def _starts_item(rest: str) -> bool:
    return bool(_ITEM_START.match(rest))


# ---------------------------------------------------------------- dialogue references

# "55 (a), (d) and (e)", "23 (last sentence)", "79 (d, f, g, h)"
_LETTERS = r"\( ?(?:[a-z]{1,2}(?: ?, ?(?:and )?[a-z]{1,2}\b)*|(?:last|first) sentence) ?\)"
_REF_ONE = rf"\d{{1,3}}\b(?: ?,? ?(?:and )?{_LETTERS})*"
_REF = re.compile(
    rf"paragraphs? ({_REF_ONE}(?:(?: ?, ?| and | ?; ?| )(?:(?:last|first) sentence ?,? ?)?"
    rf"(?:above ?,? ?)?(?:and )?{_REF_ONE})*)",
    re.I,
)


def _references(intro: str) -> list[tuple[int, list[str]]]:
    # "paragraphs 45, 55, 56, last sentence, and 63": the selector belongs to 56.
    flat = re.sub(r"\b(\d{1,3}) ?, ?((?:last|first) sentence)\b", r"\1 (\2)", _squash(intro))
    refs: list[tuple[int, list[str]]] = []
    for m in _REF.finditer(flat):
        for num, letters in re.findall(
            rf"(\d{{1,3}})((?:\s*,?\s*(?:and\s+)?{_LETTERS})*)", m.group(1)
        ):
            found: list[str] = []
            for group in re.findall(r"\(\s*([^()]*?)\s*\)", letters):
                if re.fullmatch(r"(?:last|first)\s+sentence", group):
                    found.append(group)
                else:
                    # "(a, b)" cites two items, as "(a), (b)" does.
                    found.extend(re.findall(r"\b[a-z]{1,2}\b", group))
            refs.append((int(num), found))
    return refs


_COMMENT = re.compile(
    r"(?:With\s+regards?\s+to|Regarding|Concerning|As\s+regards|In\s+relation\s+to|"
    r"With\s+respect\s+to|On)\s+(?:the\s+)?recommendations?\b"
)
_INCLUDED_IN = re.compile(
    r"\b(?:included|contained|reflected|listed|found|made)\s+in\s+(?=paragraphs?\s+\d)"
)


def _comment_references(text: str, top: int) -> str | None:
    """The dialogue references of an item that comments on a recommendation ("Regarding
    the recommendation to ... (France), included in paragraph 33 (a), Mauritius indicates
    ..."), or None when the item is no such comment."""
    if not _COMMENT.match(text):
        return None
    m = _INCLUDED_IN.search(text)
    if m is None:
        return None
    # The references end where the comment starts: at the next clause.
    seg = re.split(r";|,\s+(?=[A-Z])|\s(?:of|by)\s+[A-Z]", text[m.end() :], maxsplit=1)[0]
    return seg if _cites_dialogue(seg, top) else None


def _cites_dialogue(text: str, top: int) -> bool:
    """The text cites paragraphs of the dialogue (numbers below its own paragraph)."""
    text = re.sub(r"\bnumbers?\s+", "", text)
    # "paragraphs 67 and 71 of the national report" are not the report's own paragraphs.
    text = re.sub(
        r"paragraphs?\s[\d\s,()a-z-]*?\s(?:of|in)\s(?:its|the)\s+national\s+report", "", text
    )
    return any(n < top for n, _ in _references(text))


def _item_references(intro: str) -> list[str]:
    """Item numbers cited in a paragraph: "77.13, 77.43 ... and 77 .88", "95.1 to 95.5"."""
    flat = _squash(intro)
    out: list[str] = []
    m = re.search(
        r"\bNos?\s?\.?\s*(\d{1,3}(?:\s*(?:,|and|to|-|–)\s*\d{1,3}\b)*)[^\d]{0,40}?"
        r"paragraphs?\s+(\d{1,3})\b",
        flat,
    )
    if m:
        top = m.group(2)
        for a, b in re.findall(r"(\d{1,3})(?:\s*(?:to|-|–)\s*(\d{1,3}))?", m.group(1)):
            out.extend(f"{top}.{k}" for k in range(int(a), int(b or a) + 1))
        return out
    for m in re.finditer(
        r"(\d{1,3})\s?\.\s?(\d{1,3})(?:\s*(?:to|-|–)\s*(\d{1,3})\s?\.\s?(\d{1,3}))?", flat
    ):
        top, a = m.group(1), int(m.group(2))
        if m.group(3) and m.group(3) == top and int(m.group(4)) >= a:
            out.extend(f"{top}.{k}" for k in range(a, int(m.group(4)) + 1))
        else:
            out.append(f"{top}.{a}")
    return out


def _body_paragraphs(
    pages: Sequence[str], wanted: set[int], upto_page: int
) -> dict[int, tuple[str, int]]:
    """Text and page of the numbered paragraphs before the conclusions (only those wanted)."""
    found: dict[int, tuple[list[str], int]] = {}
    current: int | None = None
    expected = 1
    for i in range(0, upto_page + 1):
        for ln in _clean_page(pages[i]):
            m = _TOP.match(ln)
            if m and int(m.group(1)) == expected and _starts_item(m.group(2)):
                current = expected
                expected += 1
                if current in wanted:
                    found[current] = ([m.group(2)], i + 1)
                continue
            if re.match(r"^[IVX]+\s*\.\s+[A-Z]", ln) or re.match(r"^[A-H]\s*\.\s+[A-Z]", ln):
                current = None  # a heading ends the paragraph
                continue
            if current in found:
                found[current][0].append(ln)
    # Lines stay apart: the caller joins them, undoing end-of-line hyphenation ("non-\n
    # governmental") with the document's vocabulary.
    return {k: ("\n".join(v[0]), v[1]) for k, v in found.items()}


_LETTER = re.compile(r"(?:(?<=[\s:;,])|^)\(?([a-z])\)\s*(?=\w|“|\")")
_SENTENCE_END = re.compile(
    r"(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\be\.g)(?<!\bi\.e)(?<!\bNo)\.(?=\s+[A-Z“\"]|\s*$)"
)


def _speaker(text: str, names: _Names, sur: str | None) -> str | None:
    """The state that speaks in a dialogue paragraph: the first state named, not the SuR."""
    words = text.split()
    for i in range(len(words)):
        if not words[i][:1].isupper():
            continue
        for n in range(min(8, len(words) - i), 0, -1):
            cand = " ".join(words[i : i + n]).strip(",.;:")
            iso = names.lookup(cand, fuzzy=False)
            if iso and iso != sur:
                return iso
    return None


# A question the speaker goes on to ask in the same sentence is no part of the recommendation:
# "(b) to eliminate restrictions on NGOs, and wished to know whether restrictions continue".
_QUESTION = re.compile(
    r",?\s+and\s+(?:also\s+)?(?:(?:wished|wanted)\s+to\s+know|asked\s+(?:whether|if|about|what|"
    r"how|why|when|which)|enquired|inquired)\b"
)


def _trim_item(chunk: str) -> str:
    if m := _QUESTION.search(chunk):
        chunk = chunk[: m.start()]
    chunk = re.sub(r"[\s;,]*(\band\b|\bor\b)?(\s+also)?[\s;,]*$", "", chunk).strip(" .;,")
    return re.sub(r"^(and|or)\s+", "", chunk)


def _inline(text: str, at: int) -> bool:
    """A letter marker inside a phrase: after "the", "both", or an "and" with no comma."""
    before = text[max(0, at - 30) : at]
    return re.search(r"(?:\b(?:the|both|a|an|of|to)|[^,;:]\s(?:and|or))\s*$", before) is not None


def _noun_follows(text: str, at: int) -> bool:
    """A letter marker followed by a name or an article ("(b) Rome Statute", "(c) the OP-CAT"),
    not by a verb ("to (a) extend ... and (b) ratify ...", two recommendations)."""
    return re.match(r"\s*(?:[A-Z“\"]|(?:the|a|an|its)\s)", text[at:]) is not None


def _cut_dialogue(
    number: int, text: str, letters: list[str], names: _Names, sur: str | None
) -> tuple[str | None, list[tuple[str, str]], list[str], list[tuple[str, str]]]:
    """(speaker, [(id, text)], missing letters, [(letter, how it was taken by order)]) for
    one dialogue paragraph."""
    speaker = _speaker(text, names, sur)
    marks: list[tuple[str, int, int]] = []
    want = "a"
    for m in _LETTER.finditer(text):
        letter = m.group(1)
        if letter == want:
            marks.append((letter, m.start(), m.end()))
            want = chr(ord(want) + 1)
    items: list[tuple[str, str]] = []
    k = 0
    while k < len(marks):
        letter, _s, e = marks[k]
        # Letters inside one phrase ("to adhere to both the (b) Rome Statute of the ICC and
        # (c) the OP-CAT") make one item, "95(b)(c)", that starts where the phrase starts.
        group = [letter]
        j = k
        while (
            _inline(text, _s)
            and _noun_follows(text, e)
            and j + 1 < len(marks)
            and _inline(text, marks[j + 1][1])
            and _noun_follows(text, marks[j + 1][2])
        ):
            j += 1
            group.append(marks[j][0])
        stop = marks[j + 1][1] if j + 1 < len(marks) else len(text)
        end = _SENTENCE_END.search(text, marks[j][2], stop)
        start = e
        if len(group) > 1 and items:
            prev_letters, prev = items[-1]
            cut = max(prev.rfind(" and "), prev.rfind(";"), prev.rfind(","))
            if cut > 0:
                head = prev[cut:].lstrip(" ;,")
                head = re.sub(r"^and\s+", "", head)
                items[-1] = (prev_letters, _trim_item(prev[:cut]))
                start = max(text.rfind(head, 0, _s), 0) if head else _s
        chunk = _trim_item(text[start : end.start() if end else stop])
        items.append(("".join(f"({g})" for g in group)[1:-1], chunk))
        k = j + 1
    selectors = [x for x in letters if " " in x]  # "last sentence"
    letters = [x for x in letters if " " not in x]
    out: list[tuple[str, str]] = []
    missing: list[str] = []
    guessed: list[tuple[str, str]] = []
    if letters and not items:
        # The report cites "74 (a)" but paragraph 74 prints no letters: its recommendations
        # are taken in order, (a) the first. The caller records this as a numbering problem.
        plain = _unlettered(number, text, lettered=False)
        for letter in letters:
            k = ord(letter[0]) - ord("a") if len(letter) == 1 else -1
            if 0 <= k < len(plain):
                out.append((f"{number}({letter})", plain[k][1]))
                guessed.append(
                    (
                        letter,
                        f"prints no letters; ({letter}) taken as its recommendation number "
                        f"{k + 1} in reading order",
                    )
                )
            else:
                missing.append(letter)
        return speaker, out, missing, guessed
    if letters:
        owner = {g: key for key, _t in items for g in re.findall(r"[a-z]+", key)}
        have = dict(items)
        # Letters printed only up to a point ("Belgium recommended (a) that ... . Belgium
        # recommended that ..."): a later letter is the recommendation it would have marked,
        # counted in reading order after the last printed one.
        last = max(owner) if owner else "a"
        after = _unlettered(number, _after_letter(text, last), lettered=False)
        for letter in letters:
            key = owner.get(letter)
            k = ord(letter[0]) - ord(last) - 1 if len(letter) == 1 else -1
            if key is None and 0 <= k < len(after):
                out.append((f"{number}({letter})", after[k][1]))
                guessed.append(
                    (
                        letter,
                        f"prints letters only up to ({last}); ({letter}) taken as its "
                        f"recommendation number {k + 1} after ({last}) in reading order",
                    )
                )
            elif key is None:
                missing.append(letter)
            elif not any(o[0] == f"{number}({key})" for o in out):
                out.append((f"{number}({key})", have[key]))
        if not selectors:
            return speaker, out, missing, guessed
    plain = _unlettered(number, text, lettered=bool(items))
    if selectors:
        # "23 (last sentence)": the paragraph's last (or first) recommendation sentence.
        for sel in selectors:
            if plain:
                pick = plain[-1] if sel.startswith("last") else plain[0]
                if pick not in out:
                    out.append(pick)
            elif clause := _sentence(text, last=sel.startswith("last")):
                # "Slovenia asked the following questions ...: ...; what steps were taken
                # towards ...": no sentence says "recommend", so the one cited is taken as
                # printed (a list of clauses in one sentence counts clause by clause).
                out.append((str(number), clause))
                guessed.append((sel, f"says no \"recommend\"; its {sel} taken as printed"))
            else:
                missing.append(sel)
        return speaker, out, missing, guessed
    out = [(f"{number}({letter})", t) for letter, t in items]
    out.extend(plain)
    return speaker, out, missing, guessed


def _sentence(text: str, *, last: bool) -> str:
    """The last (or first) sentence of a paragraph, or clause when it is one ";" list."""
    sentences = [t for t in re.split(r"(?<=\.)\s+(?=[A-Z])", text.strip()) if t.strip()]
    if not sentences:
        return ""
    clauses = [c for c in sentences[-1 if last else 0].split(";") if c.strip()]
    return _trim_item(clauses[-1 if last else 0]) if clauses else ""


def _after_letter(text: str, letter: str) -> str:
    """The text after the sentence that holds the letter marker ``(letter)``."""
    at = text.rfind(f"({letter})")
    if at < 0:
        return ""
    end = _SENTENCE_END.search(text, at)
    return text[end.end() :] if end else ""


# A sentence where a treaty body or mandate holder is the one that recommends ("noted that the
# Committee against Torture recommended the clarification of ...") reports that body's
# recommendation, not the speaker's.
_BODY_RECOMMENDED = re.compile(
    r"\b(?:Committee|Rapporteur|treaty\s+bod(?:y|ies)|Working\s+Group|High\s+Commissioner|"
    r"OHCHR|UNICEF|ILO)\b(?:(?!\band\b)[^.;,]){0,60}?\s(?:has\s+|had\s+|have\s+)?"
    r"(?:recently\s+|also\s+)?recommended\b",
    re.I,
)
# A paragraph the report cites as recommendations that never says "recommend": the speaker
# "invited Indonesia to consider extending ...", "urged ... to ...".
_ASKS = re.compile(
    r"\b(?:invited|urged|encouraged|called\s+(?:up)?on|requested|appealed\s+to)\s+"
    r"(?:the\s+)?(?:(?:authorities|Government)\s+of\s+)?(?:[A-Z][\w’'-]*\s+){0,4}?"
    r"(?:that\s+|to\s+)(?=[a-z])"
)


# A dialogue sentence that opens by naming its subject, then says who recommended.
_FRAMED = re.compile(
    r"(?:In\s+relation\s+to|With\s+(?:regard|respect)\s+to|Regarding|Concerning|As\s+regards|"
    r"In\s+respect\s+of|On\s+the\s+(?:issue|question)\s+of)\s[^;]{3,200}?,\s+"
    r"(?:it|(?-i:[A-Z][\w’'-]*)(?:\s+(?-i:[A-Z][\w’'-]*)){0,3})\s+(?:also\s+)?$"
)


def _unlettered(number: int, text: str, *, lettered: bool) -> list[tuple[str, str]]:
    """Recommendations of a dialogue paragraph that carry no letter, with their ids."""
    out: list[tuple[str, str]] = []
    sentences = [
        s for s in re.split(r"(?<=\.)\s+(?=[A-Z])", text) if not _LETTER.search(s)
    ]
    chunks: list[str] = []
    for sent in sentences:
        if not re.search(r"recommend", sent, re.I):
            continue
        m = re.search(
            r"recommend(?:ed|s)?\s+(?:that\s+|to\s+)?(?:the\s+)?(?:[A-Z][\w’'-]*\s+){0,4}?"
            r"(?:that\s+|to\s+)?(?=[a-z])",
            sent,
        )
        if not m:
            continue
        body = _BODY_RECOMMENDED.search(sent)
        if body and body.end() >= m.start() and "recommend" not in sent[m.end() :]:
            continue
        if _FRAMED.match(sent[: m.start()]):
            # "In relation to Law No. 90-07 on freedom of expression, it recommended the
            # drafting of a follow-up report ...": the framing names what the request is about.
            chunks.append(sent.strip().rstrip("."))
            continue
        chunks.append(sent[m.end() :].strip().rstrip("."))
    if not chunks and not lettered:
        chunks = [
            sent[m.end() :].strip().rstrip(".")
            for sent in sentences
            if (m := _ASKS.search(sent)) is not None
        ]
    for chunk in chunks:
        if len(chunk) > 10:
            pid = f"{number}(unlettered)" if lettered else str(number)
            if any(o[0] == pid for o in out):
                k = sum(o[0].startswith(pid) for o in out) + 1
                pid = f"{number}(unlettered{k})" if lettered else f"{number}(s{k})"
            out.append((pid, chunk))
    return out


# ---------------------------------------------------------------- the parser


def parse_report_text(pages: Sequence[str], *, source: str) -> ParsedReport:
    """Parse the page texts of a Working Group report into its recommendations.

    Raises UnsupportedSource when the text is no Working Group report, BadRecord when the
    recommendation section cannot be found or a recommendation names no state, and
    UnknownState when a state parenthesis cannot be resolved.
    """
    names = _names()
    report = ParsedReport(source=source)
    if not pages:
        raise UnsupportedSource("the document is empty", path=source)
    # Only the pages needed are read (PDF text is slow): the cover, then up to the first
    # paragraph ("held its fourth session"), then the conclusions.
    head = pages[0]
    for i in range(1, min(4, len(pages))):
        if re.search(r"held\s+its\s+\S+\s+session", head) and looks_like_report(head):
            break
        head += "\n" + pages[i]
    if not looks_like_report(head):
        raise UnsupportedSource(
            'not a Working Group report of the Universal Periodic Review (no "Report of the '
            'Working Group on the Universal Periodic Review" on the first pages); give the '
            "official A/HRC/... report",
            path=source,
            page=1,
        )
    _identify(report, head, names)
    first = _find_section_page(pages)
    if first is None:
        raise BadRecord(
            'the section "Conclusions and/or recommendations" was not found; is the report '
            "complete? (a truncated download loses its last pages)",
            path=source,
        )
    report.section_page = first + 1
    lines = _section_lines(pages, first)
    vocab = _Vocabulary(["\n".join(ln for ln, _ in lines), head])
    blocks = _blocks(lines, report.problems, report.notes)
    if not blocks:
        raise BadRecord(
            "the conclusions section holds no numbered paragraphs", path=source, page=first + 1
        )
    symbol = report.symbol or source
    intro: dict[int, str] = {}
    intro_page: dict[int, int] = {}
    has_subs: set[int] = set()
    for b in blocks:
        if b.sub is None:
            intro[b.top] = _join_lines(b.lines, vocab)
            intro_page[b.top] = b.page
        else:
            has_subs.add(b.top)
    unattributed: list[BadRecord] = []
    # Paragraphs that reject dialogue paragraphs by number and then comment on them in
    # numbered items ("1. With regard to recommendations ... in paragraphs 23 (Germany), 27
    # (United Kingdom) ..., Burundi clarified ..."): the items are comments, the
    # recommendations are those of the dialogue paragraphs.
    cites: dict[int, list[bool]] = {}
    for b in blocks:
        if b.sub is not None:
            cites.setdefault(b.top, []).append(_cites_dialogue(" ".join(b.lines), b.top))
    commented = {
        top
        for top, flags in cites.items()
        if all(flags) and _cites_dialogue(intro.get(top, ""), top)
    }
    # (paragraph, text citing dialogue paragraphs, text stating the position, comment)
    citing: list[tuple[int, str, str, str | None]] = [
        (top, text, text, None)
        for top, text in intro.items()
        if top not in has_subs or top in commented
    ]
    for b in blocks:
        if b.sub is None:
            continue
        lead = intro.get(b.top, "")
        position, qualifier = _position_of(lead)
        if position is None and not re.search(r"recommend", lead, re.I):
            continue  # "the following conclusions were made": not recommendations
        text = vocab.join_broken(_join_lines(b.lines, vocab))
        text = _strip_trailing_marker(text)
        if b.top in commented:
            continue
        seg = _comment_references(text, b.top)
        if seg:
            # "Regarding the recommendation to ... (France), included in paragraph 33 (a),
            # Mauritius indicates ...": the SuR's comment on a dialogue recommendation, which
            # is cut out of the dialogue with this paragraph's position and the comment.
            citing.append((b.top, seg, lead, text))
            continue
        if (
            report.sur_name
            and re.match(
                rf"(The\s+)?(Government\s+of\s+)?{re.escape(report.sur_name)}\s+(explained|indicated|"
                r"stated|noted|considers|considered|informed|responded|replied|clarified|"
                r"reiterated|recalled|is\s+of\s+the\s+view|wishes|does\s+not|did\s+not|"
                r"[a-z]+(?:\s[a-z]+)?\s+that)\b",
                text,
            )
            and not re.search(r"\)[\s\d]*[;.]?\s*$", text)
        ):
            # The SuR's comment printed as a numbered item ("Costa Rica explained that ...").
            if report.items and report.items[-1].locator == f"para {b.top}":
                report.items[-1].qualifier = text
            continue
        try:
            parts = _item_parts(text, names=names, path=source, page=b.page, paragraph=b.number)
        except BadRecord as exc:
            # The earliest reports print no states at all; then no item has any.
            unattributed.append(exc)
            pieces = _lettered(text) or [text]
            parts = [Part(text=piece.rstrip(" .;"), states=()) for piece in pieces]
        report.items.append(
            ParsedItem(
                paragraph=b.number,
                text=text,
                parts=parts,
                page=b.page,
                position=position,
                qualifier=qualifier,
                position_source=f"{symbol} para {b.top}" if position else None,
                locator=f"para {b.top}",
                note=b.note,
            )
        )
    if unattributed and any(p.states for item in report.items for p in item.parts):
        raise unattributed[0]
    for top, text in intro.items():
        # "The following recommendation will be examined by X ...: Abolish the death penalty
        # (Albania)." The recommendations follow the colon without numbers of their own.
        if top in has_subs or _item_references(text) or _cites_dialogue(text, top):
            continue
        head, colon, rest = text.partition(":")
        position, qualifier = _position_of(head)
        rest = vocab.join_broken(_strip_trailing_marker(rest.strip()))
        if not colon or position is None or not re.search(r"recommend", head, re.I):
            continue
        if not re.search(r"\)[\s\d]*[;.]?\s*$", rest):
            continue
        try:
            parts = split_parts(
                rest, names=names, path=source, page=intro_page[top], paragraph=str(top)
            )
        except BadRecord:
            continue
        report.items.append(
            ParsedItem(
                paragraph=str(top),
                text=rest,
                parts=parts,
                page=intro_page[top],
                position=position,
                qualifier=qualifier,
                position_source=f"{symbol} para {top}",
                locator=f"para {top}",
            )
        )
    # Positions given later by reference to the numbered items: "the recommendations in
    # paragraphs 77.13, 77.43 ... have already been implemented".
    by_number = {item.paragraph: item for item in report.items}
    for top, text in intro.items():
        refs = _item_references(text)
        if top in has_subs or not refs:
            continue
        position, qualifier = _position_of(text)
        refs = _misnumbered_references(refs, top, has_subs, by_number, report, intro_page[top])
        for pid in refs:
            item = by_number.get(pid)
            if item is None:
                report.problems.append(
                    f"para {top} (page {intro_page[top]}) cites {pid}, which is not in the report"
                )
                continue
            if position == "noted" or item.position is None:
                item.position = position
                item.position_source = f"{symbol} para {top}"
            if qualifier:
                item.qualifier = qualifier
    # Cycle-1 positions given by reference to the dialogue paragraphs.
    cited: dict[str, ParsedItem] = {}
    for top, text, stated, comment in citing:
        refs = [(n, letters) for n, letters in _references(text) if n < top]
        if not refs or _item_references(text) or re.match(r"All\s+conclusions", text, re.I):
            continue
        position, qualifier = _position_of(stated)
        qualifier = comment or qualifier
        if position is None:
            continue  # "Reference is made to ... paragraph 6 above": no position stated
        body = _body_paragraphs(pages, {n for n, _ in refs}, first)
        dvocab = _Vocabulary([vocab_text for vocab_text, _ in body.values()])
        dvocab.counts.update(vocab.counts)
        for number, letters in refs:
            if number not in body:
                report.problems.append(
                    f"para {top} (page {intro_page[top]}) cites dialogue paragraph {number}, "
                    "which was not found"
                )
                continue
            ptext, page = body[number]
            ptext = dvocab.join_broken(_join_lines(ptext.split("\n"), dvocab))
            speaker, cut, missing, guessed = _cut_dialogue(
                number, ptext, letters, names, report.sur
            )
            for letter in missing:
                report.problems.append(
                    f"para {top} (page {intro_page[top]}) cites {number} ({letter}), but "
                    f"paragraph {number} (page {page}) has no item ({letter})"
                )
            guessed_notes = {}
            for letter, how in guessed:
                note = (
                    f"para {top} (page {intro_page[top]}) cites {number} ({letter}), but "
                    f"paragraph {number} (page {page}) {how}"
                )
                report.notes.append(note)
                guessed_notes[f"{number}({letter})"] = note
            if speaker is None:
                raise BadRecord(
                    f"dialogue paragraph {number}, cited by paragraph {top}, names no state "
                    "that made its recommendations",
                    path=source,
                    page=page,
                )
            for pid, chunk in cut:
                earlier = cited.get(pid)
                if earlier is not None:
                    # A later paragraph comments on items already cited ("Burkina Faso takes
                    # note of the recommendations reflected in paragraphs 35 (b), ...").
                    if earlier.position != position:
                        report.problems.append(
                            f"para {top} (page {intro_page[top]}) cites {pid} again with "
                            f"another position ({position}); {earlier.position_source} kept"
                        )
                    continue
                cited[pid] = ParsedItem(
                    paragraph=pid,
                    text=chunk,
                    parts=[Part(text=chunk, states=(speaker,))],
                    page=page,
                    position=position,
                    qualifier=qualifier,
                    position_source=f"{symbol} para {top}" if position else None,
                    locator=f"dialogue para {number}",
                    note=guessed_notes.get(pid),
                )
                report.items.append(cited[pid])
    _check_duplicates(report)
    report.problems = list(dict.fromkeys(report.problems))
    report.notes = list(dict.fromkeys(report.notes))
    if not report.items:
        raise BadRecord(
            "no recommendation found in the conclusions section", path=source, page=first + 1
        )
    return report


_LETTERED = re.compile(r"(?:^|(?<=[:;.]))\s*\(([a-z])\)\s+(?=[\w“\"])")


def _lettered(text: str) -> list[str]:
    """The lettered sub-items of an item ("Capacity-building: (a) ...; (b) ...; (c) ..."),
    without the heading and the letters; [] when the item has no such list."""
    marks = []
    want = "a"
    for m in _LETTERED.finditer(text):
        if m.group(1) == want:
            marks.append(m)
            want = chr(ord(want) + 1)
    if len(marks) < 2:
        return []
    pieces = []
    for k, m in enumerate(marks):
        stop = marks[k + 1].start() if k + 1 < len(marks) else len(text)
        piece = text[m.end() : stop].strip(" ;")
        if piece:
            pieces.append(piece)
    return pieces


def _item_parts(text: str, *, names: _Names, path: str, page: int, paragraph: str) -> list[Part]:
    """The parts of one numbered item; lettered sub-items that each name their states, or
    that name none, are parts of their own."""
    pieces = _lettered(text)
    if pieces:
        try:
            return [
                part
                for piece in pieces
                for part in split_parts(
                    piece, names=names, path=path, page=page, paragraph=paragraph
                )
            ]
        except (BadRecord, UnknownState):
            pass  # "Ratify: (a) the CAT; (b) the ICCPR (France)": the states close the list
    return split_parts(text, names=names, path=path, page=page, paragraph=paragraph)


def _misnumbered_references(
    refs: list[str],
    top: int,
    has_subs: set[int],
    by_number: dict[str, ParsedItem],
    report: ParsedReport,
    page: int,
) -> list[str]:
    """Item references whose paragraph number is a misprint, read as the list above.

    "Nos. 1, 4, 7 ... in paragraph 88 above" when paragraph 88 holds no list and the list
    just above (89) holds every number cited: the report means that list (a note records
    it). Anything else stays as printed, and numbers not found are problems.
    """
    cited_tops = {pid.split(".")[0] for pid in refs}
    if len(cited_tops) != 1 or any(pid in by_number for pid in refs):
        return refs
    printed = int(next(iter(cited_tops)))
    above = [t for t in has_subs if t < top]
    if printed in has_subs or not above:
        return refs
    target = max(above)
    moved = [f"{target}.{pid.split('.', 1)[1]}" for pid in refs]
    if not all(pid in by_number for pid in moved):
        return refs
    report.notes.append(
        f"para {top} (page {page}) cites items of paragraph {printed}, which holds no "
        f"list; read as the list just above it, paragraph {target}, which holds every "
        "number cited"
    )
    return moved


def _check_duplicates(report: ParsedReport) -> None:
    counts = Counter(item.paragraph for item in report.items)
    for pid, n in counts.items():
        if n > 1 and not any(f"{pid} printed twice" in p for p in report.problems):
            pages = sorted({item.page for item in report.items if item.paragraph == pid})
            where = ", ".join(str(p) for p in pages)
            report.problems.append(
                f"{pid} printed {n} times (page{'s' * (len(pages) > 1)} {where})"
            )


def _join_lines(lines: list[str], vocab: _Vocabulary) -> str:
    text = ""
    for ln in lines:
        text = vocab.line_join(text, ln)
    return _squash(text)


def _strip_trailing_marker(text: str) -> str:
    # A footnote marker left after the closing state parenthesis: "(Belgium)1."
    return re.sub(r"\)\s*\d{1,2}(?=\s*[;.,]?\s*$)", ")", text)


# ---------------------------------------------------------------- files


def read_report(
    path: Path,
    *,
    sur: str | None = None,
    cycle: int | None = None,
    session: int | None = None,
    allow_numbering_problems: bool = False,
) -> list[ImportBatch]:
    """The recommendations of one Working Group report file as one import batch.

    ``sur``/``cycle``/``session`` override what the document says (and are required when it
    says nothing). Numbering the text does not explain (``ParsedReport.problems``: a large
    gap, a cited item not found) raises BadRecord unless ``allow_numbering_problems`` is set,
    so an import is never silently partial; misprints it does explain
    (``ParsedReport.notes``) are imported and recorded in the batch title and in the
    provenance locator of the records they concern.
    """
    from uprlens.ingest.pdf import document_pages
    from uprlens.ingest.safety import file_sha256

    p = Path(path)
    pages = document_pages(p)
    report = parse_report_text(pages, source=str(p))
    return [
        to_batch(
            report,
            path=p,
            sha256=file_sha256(p),
            sur=sur,
            cycle=cycle,
            session=session,
            allow_numbering_problems=allow_numbering_problems,
        )
    ]


def to_batch(
    report: ParsedReport,
    *,
    path: Path,
    sha256: str = "",
    sur: str | None = None,
    cycle: int | None = None,
    session: int | None = None,
    allow_numbering_problems: bool = False,
) -> ImportBatch:
    """Turn a parsed report into an ImportBatch (kind ``wg_report``).

    Problems refuse the import (unless allowed); notes never do: the title carries them
    all ("...; numbering notes: 120.2 skipped by the numbering ...") and each record a
    note concerns carries it in its provenance locator ("para 120; note: ...").
    """
    reg = registry()
    if report.problems and not allow_numbering_problems:
        shown = report.problems[:10]
        more = len(report.problems) - len(shown)
        raise BadRecord(
            f"the numbering of the recommendations is not consistent, {len(report.problems)} "
            f"problem{'s' * (len(report.problems) > 1)}: "
            + "; ".join(shown)
            + (f"; and {more} more" if more else "")
            + ". The text does not explain these (a gap this large usually means lost pages); "
            "check those pages. To import the "
            "recommendations as printed anyway, run `uprlens ingest` or `uprlens parse` with "
            "--allow-numbering-problems (in Python: allow_numbering_problems=True); the "
            "batch title records how many there were",
            path=path,
            page=report.section_page,
        )
    iso = reg.resolve(sur, path=path) if sur else report.sur
    if iso is None:
        raise BadRecord(
            'the State under review is not named where expected ("The review of X was '
            'held..."); give it explicitly (sur=...)',
            path=path,
            page=1,
        )
    session = session if session is not None else report.session
    if cycle is None:
        cycle = report.cycle if session == report.session else None
        if cycle is None and session is not None:
            try:
                cycle = cycle_for_session(session)
            except ValueError as exc:
                raise BadRecord(f"{exc}; give the session as printed on the report", path=path) from None
    if cycle is None:
        raise BadRecord(
            'the Working Group session is not stated ("held its fourth session"); give the '
            "cycle or session explicitly",
            path=path,
            page=1,
        )
    review = Review(
        sur=iso, cycle=cycle, session=session, year=report.year, wg_report=report.symbol
    )
    recs = []
    for item in report.items:
        recs.append(
            Recommendation(
                id=format_id(iso, cycle, item.paragraph),
                review=review,
                paragraph=item.paragraph,
                text=item.text,
                parts=item.parts,
                provenance=Provenance(
                    source=str(path),
                    sha256=sha256,
                    page=item.page,
                    locator=f"{item.locator}; note: {item.note}" if item.note else item.locator,
                ),
                position=item.position,
                position_qualifier=item.qualifier,
                position_source=item.position_source,
            )
        )
    title = f"{report.symbol or path.name}: {reg.name(iso)}"
    if report.problems:
        title += f" ({len(report.problems)} numbering problems)"
    if report.notes:
        title += (
            f"; {len(report.notes)} numbering note{'s' * (len(report.notes) > 1)} "
            "(misprints read as explained): " + "; ".join(report.notes)
        )
    return ImportBatch(
        kind="wg_report",
        review=review,
        recommendations=recs,
        source=Provenance(source=str(path), sha256=sha256),
        title=title,
    )
