"""Apply lexicon rules to a text: every hit is a span that names its rule.

Bulk speed matters (41,066 texts in seconds), so each rule is gated by the literal words any of
its matches must start with (read from the compiled pattern): one scan of the text by a single
regular expression of every rule's starting words finds where rules may match, and the great
majority of rules are never tried on a given text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

try:  # Python >= 3.11 keeps the parser here
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

from uprlens.classify.lexicon import LeadVerb, Rule
from uprlens.classify.objects import new_evidence
from uprlens.types import Evidence

__all__ = ["Hit", "LeadVerbFinder", "RuleScan", "RuleSet", "literal_prefixes", "words_of"]

_AT = sre_parse.AT
_LITERAL = sre_parse.LITERAL
_SUBPATTERN = sre_parse.SUBPATTERN
_BRANCH = sre_parse.BRANCH
_BOUNDARY = {sre_parse.AT_BOUNDARY, sre_parse.AT_BEGINNING, sre_parse.AT_BEGINNING_STRING}
_WORDS = re.compile(r"[a-z0-9]+")
_LEAD_ALNUM = re.compile(r"[a-z0-9]+")

Prefix = tuple[str, bool]  # (literal start of a match, preceded by a word boundary)


def _prefixes(items: list[tuple[object, object]], bounded: bool = False) -> set[Prefix] | None:
    """Literal strings one of which every match starts with; None when unknown."""
    i = 0
    while i < len(items) and items[i][0] is _AT:  # \b, ^ consume nothing
        bounded = bounded or items[i][1] in _BOUNDARY
        i += 1
    if i >= len(items):
        return None
    op, arg = items[i]
    if op is _LITERAL:
        chars = []
        while i < len(items) and items[i][0] is _LITERAL:
            chars.append(chr(items[i][1]))  # type: ignore[call-overload]
            i += 1
        return {("".join(chars).lower(), bounded)}
    if op is _SUBPATTERN:
        return _prefixes(list(arg[-1]), bounded)  # type: ignore[index]
    if op is _BRANCH:
        out: set[Prefix] = set()
        for branch in arg[1]:  # type: ignore[index]
            sub = _prefixes(list(branch), bounded)
            if not sub:
                return None
            out |= sub
        return out
    return None


def literal_prefixes(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """The literal starts of every possible match (lower-cased), or None if unknown."""
    pre = _gate(pattern)
    return None if pre is None else frozenset(p for p, _ in pre)


def _gate(pattern: re.Pattern[str]) -> set[Prefix] | None:
    try:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - an unparseable pattern just loses the speed-up
        return None
    pre = _prefixes(list(parsed))
    if not pre or any(not p.strip() for p, _ in pre):
        return None
    return pre


class Hit(NamedTuple):
    # A tuple, not a dataclass: tens of thousands are made per bulk run.
    rule: Rule
    start: int
    end: int
    text: str

    def evidence(self) -> Evidence:
        return new_evidence(self.start, self.end, self.text, self.rule.id, "rule")


Words = tuple[list[str], list[int]]  # lower-cased alphanumeric runs and their offsets


def words_of(low: str) -> Words:
    words: list[str] = []
    starts: list[int] = []
    for m in _WORDS.finditer(low):
        words.append(m.group(0))
        starts.append(m.start())
    return words, starts


def _trie_regex(keys: Iterable[str]) -> str:
    """One alternation of literal keys, factored as a trie ("ab|ac" -> "a(?:b|c)") so the
    regular-expression engine tries a handful of letters per position, not every key."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:  # type: ignore[type-arg]
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if "" in node:
            # A key ends here: the shorter key alone suffices (only its presence is asked).
            return ""
        if len(alts) == 1:
            return alts[0]
        return "(?:" + "|".join(alts) + ")"

    return emit(trie)


def _word_scan(keys: frozenset[str]) -> re.Pattern[str] | None:
    """A word (maximal [a-z0-9] run, as in words_of) that starts with one of the keys."""
    if not keys:
        return None
    return re.compile(rf"(?<![a-z0-9])(?={_trie_regex(keys)})[a-z0-9]+")


class RuleSet:
    """A list of rules, matched in file order.

    Speed: a rule whose every match starts, at a word boundary, with one of a few literal
    words is only tried where a word of the text has that start, anchored there; the words
    are found by one regular expression of every such start (``_scan``), and each word's rules
    are looked up once (memoised). Other literal starts are tested as substrings; rules with
    no literal start are searched in the whole text. ``test_gates_never_change_what_matches``
    holds this to the plain regular-expression result.
    """

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = tuple(rules)
        self._always: list[int] = []
        self._substr: list[tuple[str, int]] = []
        self._by_head: dict[str, list[tuple[str, int]]] = {}
        self._by_head1: dict[str, list[tuple[str, int]]] = {}
        self._anchored: set[int] = set()
        self._memo: dict[str, tuple[int, ...]] = {}
        for i, rule in enumerate(self.rules):
            gate = _gate(rule.pattern)
            if gate is None:
                self._always.append(i)
                continue
            anchored = True
            for pre, bounded in gate:
                m = _LEAD_ALNUM.match(pre)
                if bounded and m:
                    # sre_parse factors common starts out of alternations, so a key can be a
                    # single letter ("internally displaced|idps?" -> "i"): bucket by length.
                    key = m.group(0)
                    table = self._by_head if len(key) >= 2 else self._by_head1
                    table.setdefault(key[:2], []).append((key, i))
                else:
                    anchored = False
                    self._substr.append((pre.strip(), i))
            if anchored:
                self._anchored.add(i)
        self._keys = frozenset(
            k for table in (self._by_head, self._by_head1) for v in table.values() for k, _ in v
        )
        self._scan = _word_scan(self._keys)

    def __len__(self) -> int:
        return len(self.rules)

    def _rules_for_word(self, w: str) -> tuple[int, ...]:
        """Rules a match of which may start at this word (memoised: words repeat a lot)."""
        out = [i for key, i in self._by_head.get(w[:2], ()) if w.startswith(key)]
        out += [i for _, i in self._by_head1.get(w[:1], ())]
        # A rule listed once per word, so its offsets come out unique and ascending.
        rules = tuple(dict.fromkeys(out))
        if len(self._memo) < 500_000:
            self._memo[w] = rules
        return rules

    def candidates(self, low: str) -> dict[int, list[int]]:
        """Rules worth trying, each with the offsets it may match at (empty: anywhere)."""
        found: dict[int, list[int]] = {}
        memo = self._memo
        if self._scan is not None:
            for m in self._scan.finditer(low):
                w = m.group()
                rules = memo.get(w)
                if rules is None:
                    rules = self._rules_for_word(w)
                for i in rules:
                    found.setdefault(i, []).append(m.start())
        return self._finish(found, low)

    def _finish(self, found: dict[int, list[int]], low: str) -> dict[int, list[int]]:
        """Add the rules gated by no word (ungated, or by a substring) to word candidates."""
        for i in self._always:
            found[i] = []
        for pre, i in self._substr:
            if pre in low:
                found[i] = []  # not anchored: search the whole text
        return dict(sorted(found.items()))

    def match(
        self,
        text: str,
        low: str | None = None,
        max_hits: int = 3,
        candidates: dict[int, list[int]] | None = None,
    ) -> list[Hit]:
        """Hits of the rules in file order, at most ``max_hits`` per rule. ``candidates``:
        this set's part of ``RuleScan.candidates`` for the text, if already at hand."""
        low = text.lower() if low is None else low
        if candidates is None:
            candidates = self.candidates(low)
        # Offsets in the lower-cased text are offsets in the text unless lower-casing changed
        # a length (a few non-ASCII letters do); then search whole texts.
        same = len(low) == len(text)
        hits: list[Hit] = []
        for i, starts in candidates.items():
            rule = self.rules[i]
            if rule.requires is not None and rule.requires.search(text) is None:
                continue
            # ``unless`` (with the file's critical frame, a long pattern) is tested only once
            # the rule has matched: most candidates fail their own pattern first.
            found: list[Hit] = []
            if same and starts and i in self._anchored:
                end = -1
                for pos in starts:  # unique and ascending (see _rules_for_word)
                    if pos < end:
                        continue
                    m = rule.pattern.match(text, pos)
                    if m is None or m.end() == m.start():
                        continue
                    found.append(Hit(rule, m.start(), m.end(), m.group(0)))
                    end = m.end()
                    if len(found) >= max_hits:
                        break
            else:
                for n, m in enumerate(rule.pattern.finditer(text)):
                    if n >= max_hits:
                        break
                    if m.end() > m.start():
                        found.append(Hit(rule, m.start(), m.end(), m.group(0)))
            if found and (rule.unless is None or rule.unless.search(text) is None):
                hits.extend(found)
        return hits


class RuleScan:
    """The candidates of several rule sets from one scan of a text (the classifier tries five
    sets on every text; their starting words are found in one pass instead of five)."""

    def __init__(self, sets: Iterable[RuleSet]) -> None:
        self.sets = tuple(sets)
        self._scan = _word_scan(frozenset().union(*(s._keys for s in self.sets)))
        self._memo: dict[str, tuple[tuple[int, tuple[int, ...]], ...]] = {}

    def _for_word(self, w: str) -> tuple[tuple[int, tuple[int, ...]], ...]:
        out = []
        for k, s in enumerate(self.sets):
            rules = s._memo.get(w)
            if rules is None:
                rules = s._rules_for_word(w)
            if rules:
                out.append((k, rules))
        per = tuple(out)
        if len(self._memo) < 500_000:
            self._memo[w] = per
        return per

    def candidates(self, low: str) -> list[dict[int, list[int]]]:
        """Per set, what ``RuleSet.candidates(low)`` returns."""
        found: list[dict[int, list[int]]] = [{} for _ in self.sets]
        if self._scan is not None:
            memo = self._memo
            for m in self._scan.finditer(low):
                w = m.group()
                per = memo.get(w)
                if per is None:
                    per = self._for_word(w)
                start = m.start()
                for k, rules in per:
                    f = found[k]
                    for i in rules:
                        f.setdefault(i, []).append(start)
        return [s._finish(f, low) for s, f in zip(self.sets, found, strict=True)]


# What may precede the lead verb without being it: "That the Government ...", "In order to
# combat X, adopt ...", "Further to ...", adverbs ("urgently", "effectively").
_PREAMBLE = re.compile(
    r"^\W*(?:(?:that\s+)?(?:the\s+)?(?:government|authorities|state)\s+(?:(?:should|shall|must)\s+)?|"
    r"(?:to|should|shall|must|please)\s+|"
    r"(?:in\s+(?:order|view|light|the\s+context)[^,;]{0,150},\s*)|"
    r"(?:with\s+a\s+view\s+to[^,;]{0,150},\s*)|"
    r"(?:as\s+(?:a|part)[^,;]{0,100},\s*)|"
    r"(?:(?:also|urgently|effectively|immediately|swiftly|promptly|fully|duly|actively|"
    r"firmly|progressively|gradually|resolutely|vigorously|seriously|positively|"
    r"expeditiously|timely|quickly|further|please)\s+))+",
    re.IGNORECASE,
)


class LeadVerbFinder:
    """Find the lead verb: the first lexicon verb after any preamble."""

    def __init__(self, verbs: Iterable[LeadVerb]) -> None:
        self.verbs = tuple(sorted(verbs, key=lambda v: -len(v.verb)))
        alts = "|".join(re.escape(v.verb).replace(r"\ ", r"\s+") for v in self.verbs)
        self._re = re.compile(rf"(?:{alts})(?:s|es|d|ed|ing)?\b", re.IGNORECASE)
        self._by_verb = {v.verb: v for v in self.verbs}

    def find(self, text: str) -> tuple[LeadVerb, int, int] | None:
        m = _PREAMBLE.match(text)
        pos = m.end() if m else 0
        # The lead verb also counts when the preamble rule missed a short opening word.
        m2 = self._re.match(text, pos)
        if m2 is None:
            lead = re.match(r"\W*", text[pos:])
            pos += lead.end() if lead else 0
            m2 = self._re.match(text, pos)
        if m2 is None:
            return None
        word = re.sub(r"\s+", " ", m2.group(0).lower())
        for v in self.verbs:
            if word == v.verb or (
                word.startswith(v.verb) and word[len(v.verb) :] in {"s", "es", "d", "ed", "ing"}
            ):
                return v, m2.start(), m2.end()
        return None
