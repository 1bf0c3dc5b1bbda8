"""Load and validate the lexicons: the rules a researcher can read and extend.

Files (in ``uprlens/lexicons/``):

``lead_verbs.csv``
    ``verb,category,certain,note``: a lead verb (or phrase) and the action category it
    signals; ``certain=1`` lets the verb override the model (only where it is never wrong in
    the codebook's terms, e.g. "consider" is always 3).
``endorsing_by_sur.jsonl``
    endorsing frames that depend on the State under Review (key ``sur``: ISO3 codes), where UN
    experts found the policy itself violates rights for that state (each note cites them); used
    only when the caller says which SuR a recommendation is addressed to.
``endorsing.jsonl``, ``flags.jsonl``, ``specific.jsonl``, ``subjects.jsonl``, ``groups.jsonl``
    one rule per line: ``{"id", "label", "pattern", "requires"?, "unless"?, "value"?, "note"}``.
    ``pattern`` is a case-insensitive regular expression whose match is the evidence span;
    ``requires`` must also match somewhere in the text, ``unless`` vetoes the rule if it matches
    anywhere in the text; ``value`` is what the rule assigns (e.g. the UHRI group name).

Every problem of a file is collected and raised at once as a LexiconError naming file and line.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path

from uprlens.errors import LexiconError

__all__ = [
    "LeadVerb",
    "Lexicons",
    "Rule",
    "load_lead_verbs",
    "load_lexicons",
    "load_rules",
]

FLAGS = (
    "continue_framing",
    "unnamed_group",
    "cites_un_expert",
    "time_bound",
    "assistance_or_sharing",
    "praise",
)

# Which labels each rule file may assign; anything else is a typo the loader reports.
# A rule with this label is no rule of its own: its pattern is added to the ``unless`` of every
# other rule of the file. Endorsing frames must be *asked for*; the same words named critically
# ("the so-called vocational education and training centres", "release", "comply with
# international human rights law") are the opposite of endorsing.
CRITICAL_FRAME = "critical_frame"

ALLOWED_LABELS: dict[str, frozenset[str]] = {
    "endorsing.jsonl": frozenset({"endorsing", CRITICAL_FRAME}),
    "endorsing_by_sur.jsonl": frozenset({"endorsing"}),
    "flags.jsonl": frozenset(FLAGS),
    "specific.jsonl": frozenset({"specific_act"}),
    "subjects.jsonl": frozenset({"named_subject"}),
    "generic_subjects.jsonl": frozenset({"generic_subject"}),
    "groups.jsonl": frozenset({"affected_person", "unnamed_group"}),
}

_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")


@dataclass(frozen=True)
class Rule:
    id: str
    label: str
    pattern: re.Pattern[str]
    requires: re.Pattern[str] | None = None
    unless: re.Pattern[str] | None = None
    value: str = ""
    note: str = ""
    source: str = ""  # file:line, for messages
    # Only for these States under Review (ISO3); empty: any. See ``endorsing_by_sur.jsonl``.
    surs: frozenset[str] = frozenset()


@dataclass(frozen=True)
class LeadVerb:
    verb: str
    category: str
    certain: bool
    note: str = ""


@dataclass(frozen=True)
class Lexicons:
    lead_verbs: tuple[LeadVerb, ...]
    endorsing: tuple[Rule, ...]
    flags: tuple[Rule, ...]
    specific: tuple[Rule, ...]
    subjects: tuple[Rule, ...]
    groups: tuple[Rule, ...]
    endorsing_by_sur: tuple[Rule, ...] = ()
    # Words that make a wording vague ("human rights", "its efforts"): evidence, not a verdict.
    generic_subjects: tuple[Rule, ...] = ()


def _compile(expr: object, field: str, where: str, problems: list[str]) -> re.Pattern[str] | None:
    if not isinstance(expr, str) or not expr.strip():
        problems.append(f"{where}: {field!r} must be a non-empty string, got {expr!r}")
        return None
    try:
        return re.compile(expr, re.IGNORECASE)
    except re.error as exc:
        problems.append(f"{where}: {field!r} is not a valid regular expression ({exc}): {expr!r}")
        return None


def load_rules(
    path: Path, allowed: frozenset[str] | None = None, frames: tuple[Rule, ...] = ()
) -> tuple[Rule, ...]:
    """Read one ``*.jsonl`` rule file; raise LexiconError listing every bad line. ``frames``:
    critical frames from another file, added to this file's own."""
    return _apply_critical_frames([*frames, *_read_rules(path, allowed)])


def critical_frames(path: Path) -> tuple[Rule, ...]:
    """The ``critical_frame`` rules of a file (``endorsing.jsonl``), for ``load_rules``."""
    return tuple(r for r in _read_rules(path, None) if r.label == CRITICAL_FRAME)


def _read_rules(path: Path, allowed: frozenset[str] | None) -> list[Rule]:
    allowed = allowed if allowed is not None else ALLOWED_LABELS.get(path.name)
    problems: list[str] = []
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"{path}: cannot read lexicon ({exc})") from exc
    for n, line in enumerate(lines, start=1):
        where = f"{path}:{n}"
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: not valid JSON ({exc.msg}); one rule object per line")
            continue
        if not isinstance(obj, dict):
            problems.append(f"{where}: expected a JSON object, got {type(obj).__name__}")
            continue
        unknown = set(obj) - {
            "id", "label", "pattern", "requires", "unless", "value", "note", "sur"
        }
        if unknown:
            problems.append(f"{where}: unknown keys {sorted(unknown)}")
        rid = obj.get("id")
        if not isinstance(rid, str) or not _ID.match(rid):
            problems.append(f"{where}: 'id' must be dotted lower_snake like 'endorse.stability'")
            rid = None
        elif rid in seen:
            problems.append(f"{where}: duplicate id {rid!r} (first on line {seen[rid]})")
        else:
            seen[rid] = n
        label = obj.get("label")
        if allowed is not None and label not in allowed:
            problems.append(f"{where}: label {label!r} not one of {sorted(allowed)}")
        pattern = _compile(obj.get("pattern"), "pattern", where, problems)
        requires = unless = None
        if "requires" in obj:
            requires = _compile(obj["requires"], "requires", where, problems)
        if "unless" in obj:
            unless = _compile(obj["unless"], "unless", where, problems)
        surs = obj.get("sur", [])
        if not isinstance(surs, list) or not all(
            isinstance(x, str) and re.fullmatch(r"[A-Z]{3}", x) for x in surs
        ):
            problems.append(f"{where}: 'sur' must be a list of ISO3 codes like [\"CHN\"]")
            surs = []
        if pattern is not None and pattern.search("") is not None:
            problems.append(f"{where}: pattern matches the empty string: {obj['pattern']!r}")
        if rid and pattern is not None and isinstance(label, str):
            rules.append(
                Rule(
                    id=rid,
                    label=label,
                    pattern=pattern,
                    requires=requires,
                    unless=unless,
                    value=str(obj.get("value", "")),
                    note=str(obj.get("note", "")),
                    source=where,
                    surs=frozenset(surs),
                )
            )
    if problems:
        raise LexiconError(
            f"{path}: {len(problems)} problem(s) in lexicon:\n  - " + "\n  - ".join(problems)
        )
    return rules


def _apply_critical_frames(rules: list[Rule]) -> tuple[Rule, ...]:
    frames = [r.pattern.pattern for r in rules if r.label == CRITICAL_FRAME]
    if not frames:
        return tuple(rules)
    out = []
    for r in rules:
        if r.label == CRITICAL_FRAME:
            continue
        parts = frames + ([r.unless.pattern] if r.unless is not None else [])
        unless = re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE)
        out.append(replace(r, unless=unless))
    return tuple(out)


def load_lead_verbs(path: Path) -> tuple[LeadVerb, ...]:
    """Read ``lead_verbs.csv``; raise LexiconError listing every bad row."""
    problems: list[str] = []
    verbs: list[LeadVerb] = []
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = {"verb", "category", "certain"} - set(reader.fieldnames or ())
            if missing:
                raise LexiconError(
                    f"{path}:1: missing column(s) {sorted(missing)}; "
                    "expected header verb,category,certain,note"
                )
            seen: dict[str, int] = {}
            for n, row in enumerate(reader, start=2):
                where = f"{path}:{n}"
                verb = (row.get("verb") or "").strip().lower()
                cat = (row.get("category") or "").strip()
                certain = (row.get("certain") or "").strip()
                if not verb or not re.fullmatch(r"[a-z][a-z' -]*", verb):
                    problems.append(f"{where}: verb {verb!r} must be lower-case words")
                    continue
                if verb in seen:
                    problems.append(
                        f"{where}: duplicate verb {verb!r} (first on line {seen[verb]})"
                    )
                    continue
                seen[verb] = n
                if cat not in {"1", "2", "3", "4", "5"}:
                    problems.append(f"{where}: category {cat!r} must be 1-5")
                    continue
                if certain not in {"0", "1"}:
                    problems.append(f"{where}: certain {certain!r} must be 0 or 1")
                    continue
                verbs.append(LeadVerb(verb, cat, certain == "1", (row.get("note") or "").strip()))
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"{path}: cannot read lexicon ({exc})") from exc
    if problems:
        raise LexiconError(
            f"{path}: {len(problems)} problem(s) in lexicon:\n  - " + "\n  - ".join(problems)
        )
    return tuple(verbs)


def load_uhri_crosswalk(path: Path) -> dict[str, str]:
    """``uhri_crosswalk.csv``: a UHRI term as one matrix vintage spells it -> the one spelling
    the themes model learns and predicts. Raise LexiconError listing every bad row."""
    problems: list[str] = []
    out: dict[str, str] = {}
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            if reader.fieldnames is None or not {"label", "canonical"} <= set(reader.fieldnames):
                raise LexiconError(f"{path}: needs the columns label,canonical[,note]")
            for n, row in enumerate(reader, start=2):
                label = (row.get("label") or "").strip()
                canonical = (row.get("canonical") or "").strip()
                if not label or not canonical:
                    problems.append(f"line {n}: label and canonical must both be given")
                elif label in out:
                    problems.append(f"line {n}: {label!r} is mapped twice")
                else:
                    out[label] = canonical
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"{path}: cannot read lexicon ({exc})") from exc
    if chained := sorted(c for c in out.values() if c in out):
        problems.append(f"canonical terms that are themselves mapped: {chained}")
    if problems:
        raise LexiconError(
            f"{path}: {len(problems)} problem(s) in lexicon:\n  - " + "\n  - ".join(problems)
        )
    return out


def lexicon_dir() -> Path:
    return Path(str(resources.files("uprlens") / "lexicons"))


def load_lexicons(directory: Path | None = None) -> Lexicons:
    d = directory if directory is not None else lexicon_dir()
    return Lexicons(
        lead_verbs=load_lead_verbs(d / "lead_verbs.csv"),
        endorsing=load_rules(d / "endorsing.jsonl"),
        flags=load_rules(d / "flags.jsonl"),
        specific=load_rules(d / "specific.jsonl"),
        subjects=load_rules(d / "subjects.jsonl"),
        groups=load_rules(d / "groups.jsonl"),
        # Optional: a lexicon folder of one's own need not have SuR-specific frames. What
        # endorsing.jsonl names critically ("so-called", "release") vetoes these too.
        endorsing_by_sur=(
            load_rules(
                d / "endorsing_by_sur.jsonl", frames=critical_frames(d / "endorsing.jsonl")
            )
            if (d / "endorsing_by_sur.jsonl").is_file()
            else ()
        ),
        generic_subjects=(
            load_rules(d / "generic_subjects.jsonl")
            if (d / "generic_subjects.jsonl").is_file()
            else ()
        ),
    )


@cache
def default_lexicons() -> Lexicons:
    return load_lexicons()
