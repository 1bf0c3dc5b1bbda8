"""Combine rules and models into the CODEBOOK's labels, each with its evidence.

Order of decision for one recommendation (or, for a clustered paragraph, for each part):

1. action category: a ``certain`` lead verb (lexicons/lead_verbs.csv) decides; otherwise the
   category model, which reads the lead verb *and* its object (4 vs 5).
2. verdict: ``endorsing`` if an endorsing frame matches (``endorsing_wins``); ``specific`` if a
   specific act on a named object matches and the category is 5; ``vague`` if the text names no
   subject or only asks to share experience; else ``general``.
3. flags: independent rules (lexicons/flags.jsonl).
4. issues, themes: models; affected persons: groups lexicon.

A clustered paragraph takes its strongest part's verdict and category, and a flag is set if any
part has it (CODEBOOK, unit of counting; labels/README.md).
"""

from __future__ import annotations

import gc
import json
import multiprocessing as mp
import os
import queue
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from uprlens.classify.checks import check_text
from uprlens.classify.lexicon import FLAGS, Lexicons, default_lexicons
from uprlens.classify.model import MODEL_DIR, CategoryModel, MultiLabelModel, load
from uprlens.classify.objects import new_evidence, new_label
from uprlens.classify.rules import Hit, LeadVerbFinder, RuleScan, RuleSet
from uprlens.errors import ClassifyError
from uprlens.lexicons import recommendation_verbs
from uprlens.lexicons.states import registry
from uprlens.types import Evidence, Label

__all__ = [
    "CLASSIFIER_VERSION",
    "Classification",
    "Classifier",
    "ROW_COLUMNS",
    "VERDICTS",
    "classify",
    "default_jobs",
    "endorsing_wins",
    "split_parts",
    "strongest_part",
]

# 0.3.1: vague verdicts cite their generic words; 0.3.2: UHRI crosswalk; 0.3.3: verdict
# vocabulary beyond China (subjects, plans, criminal law), softened acts by clause.
CLASSIFIER_VERSION = "0.3.3"
VERDICTS = ("specific", "general", "vague", "endorsing")
# A clause opening: the text's start or a ";", ":" or "." before it, optionally a verb that
# grants what follows ("Grant unfettered access ...").
_CLAUSE_OPENING = re.compile(
    r"(?:^|[;:.])\W*(?:(?:grant|allow|facilitate|provide|give|permit)\w*\W+(?:\w+\W+){0,2})?$"
)


def _opens_clause(low: str, start: int) -> bool:
    return bool(_CLAUSE_OPENING.search(low[max(0, start - 40) : start]))


# Words that put an act at one remove within its clause: "take steps towards the ratification
# of", "step up efforts to ratify", "consider the possibility of", "the process of adopting",
# "prepare for the ratification"; and "promote" right before the act ("promote the
# introduction of labour legislation", not "promote gender equality and adopt legislation").
_SOFTENER = re.compile(
    r"\b(towards?|efforts?|steps?|consider\w*|possibilit\w*|view (to|of)|aim\w*|"
    # "the process of ratification", but "complete the process of" asks for the act
    r"(?<!complete the )(?<!finalize the )(?<!finalise the )(?<!conclude the )"
    r"process(?= (of|for|towards|leading))|"
    r"endeavou?r\w*|explor\w*|stud(y|ies|ying)|strive|seek(s|ing)?|improv\w*|prepar\w*|"
    r"review\w*|examin\w*|envisag\w*|reflect\w*|evaluat\w*|assess\w*)\b"
)
# ... and what keeps it at one remove in a continuing recommendation.
_CONTINUING = re.compile(r"\b(continu\w*|maintain\w*|pursu\w*|keep\w*|persever\w*|further)\b")


# Where the words that could soften an act start: a clause, or the means a general request
# names ("Take further steps ... by ratifying the OP-CEDAW", "Make efforts to achieve gender
# equality, including through adoption of the Property Rights of Spouses Bill").
_MEANS = re.compile(r"[;:.]|\b(?:by|through|including)\b")


_PROMOTED = re.compile(r"\bpromot(e|es|ing)\s+(the\s+)?$")


@cache
def _act_clause() -> re.Pattern[str]:
    verbs = "|".join(sorted((re.escape(v) for v in recommendation_verbs()), key=len, reverse=True))
    return re.compile(rf"[;:.]|\b(?:and|including(?: by)?|as well as)\s+(?=(?:{verbs})\b)")


def _softened(low: str, start: int, *, continuing: bool = False) -> bool:
    """A softener stands between the act at ``start`` and the start of its clause or of the
    means the request names; a clause of the act's own opens it afresh ("Work toward the
    abolition of the death penalty and publish execution data"). ``continuing``: continuing
    and considering recommendations, where an act counts only in a clause of its own and
    "continue", "further" ... keep it at one remove too ("Continue to combat racism and adopt
    effective national legislation", not "Continue efforts towards the ratification")."""
    if _PROMOTED.search(low, max(0, start - 20), start):
        return True
    opened = 0 if continuing else max((m.end() for m in _MEANS.finditer(low, 0, start)), default=0)
    soft = [m.start() for m in _SOFTENER.finditer(low, opened, start)]
    if continuing:
        soft = sorted(soft + [m.start() for m in _CONTINUING.finditer(low, 0, start)])
    if not soft:
        return False
    # Only now the costlier search for a clause of the act's own after the last softener
    # (the whole rest of the text is searched: the look-ahead for the verb must see past
    # ``start``).
    return not any(
        soft[-1] < m.end() <= start for m in _act_clause().finditer(low, soft[-1])
    )


# Strength order for choosing a clustered paragraph's strongest part.
_RANK = {"endorsing": 3, "specific": 2, "general": 1, "vague": 0}
ROW_COLUMNS = (
    "action_category",
    "verdict",
    *FLAGS,
    "themes",
    "affected_persons",
    "issues",
    "evidence",
)


@dataclass
class Classification:
    """All labels of one recommendation."""

    text: str
    labels: dict[str, Label]
    themes: list[Label] = field(default_factory=list)
    affected_persons: list[Label] = field(default_factory=list)
    issues: list[Label] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    version: str = CLASSIFIER_VERSION

    def _all_labels(self) -> list[Label]:
        return [*self.labels.values(), *self.themes, *self.affected_persons, *self.issues]

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Pickled as plain tuples (worker processes send results back this way): a tenth of
        # the bytes and a fifth of the unpickling time of the dataclasses' default form.
        return (
            _rebuild,
            (
                self.text,
                self.version,
                self.warnings,
                tuple((k, _pack(lb)) for k, lb in self.labels.items()),
                tuple(_pack(lb) for lb in self.themes),
                tuple(_pack(lb) for lb in self.affected_persons),
                tuple(_pack(lb) for lb in self.issues),
            ),
        )

    def as_row(self) -> dict[str, str]:
        row = {name: self.labels[name].value for name in ("action_category", "verdict", *FLAGS)}
        row["themes"] = "; ".join(lb.value for lb in self.themes)
        row["affected_persons"] = "; ".join(lb.value for lb in self.affected_persons)
        row["issues"] = "; ".join(lb.value for lb in self.issues)
        ev: dict[str, list[list[Any]]] = {}
        for lb in self._all_labels():
            if lb.evidence and not (lb.name in FLAGS and lb.value == "0"):
                key = lb.name if lb.name in self.labels else f"{lb.name}:{lb.value}"
                ev[key] = [[e.start, e.end, e.rule_id] for e in lb.evidence]
        row["evidence"] = json.dumps(ev, separators=(",", ":"), ensure_ascii=False)
        return row

    def to_dict(self) -> dict[str, Any]:
        def lab(lb: Label) -> dict[str, Any]:
            return {
                "name": lb.name,
                "value": lb.value,
                "decided_by": lb.decided_by,
                "score": round(float(lb.score), 4),
                "evidence": [
                    {
                        "start": e.start,
                        "end": e.end,
                        "text": e.text,
                        "rule_id": e.rule_id,
                        "source": e.source,
                    }
                    for e in lb.evidence
                ],
            }

        return {
            "text": self.text,
            "version": self.version,
            "labels": {k: lab(v) for k, v in self.labels.items()},
            "themes": [lab(lb) for lb in self.themes],
            "affected_persons": [lab(lb) for lb in self.affected_persons],
            "issues": [lab(lb) for lb in self.issues],
            "warnings": list(self.warnings),
        }


_Packed = tuple[str, str, str, float, tuple[tuple[int, int, str, str, str], ...]]


def _pack(lb: Label) -> _Packed:
    ev = tuple((e.start, e.end, e.text, e.rule_id, e.source) for e in lb.evidence)
    return (lb.name, lb.value, lb.decided_by, lb.score, ev)


def _unpack(p: _Packed) -> Label:
    name, value, by, score, ev = p
    return new_label(name, value, tuple(new_evidence(*e) for e in ev), by, score)


def _rebuild(
    text: str,
    version: str,
    warnings: list[str],
    labels: tuple[tuple[str, _Packed], ...],
    themes: tuple[_Packed, ...],
    persons: tuple[_Packed, ...],
    issues: tuple[_Packed, ...],
) -> Classification:
    return Classification(
        text=text,
        labels={k: _unpack(p) for k, p in labels},
        themes=[_unpack(p) for p in themes],
        affected_persons=[_unpack(p) for p in persons],
        issues=[_unpack(p) for p in issues],
        warnings=warnings,
        version=version,
    )


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a bulk call. Labelling makes some twenty objects
    per text and keeps them all, so the collector's passes (over the loaded models too) find
    nothing to free: pausing them saves a quarter of the time, and in the parent, which
    unpickles the workers' results, two thirds of that. The objects made form no cycles."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


# ---------------------------------------------------------------- clustered paragraphs

_STATE_TAIL = re.compile(r"\(((?:[^()]|\([^()]*\))+)\)\s*[;.]?")


def split_parts(text: str) -> list[tuple[int, int]]:
    """Spans of the wordings of a clustered paragraph ("... (Albania); ... (Japan);").

    Splits only after a parenthesis that names a state, so "(ICCPR)" never splits.
    """
    if "(" not in text:
        return [(0, len(text))]
    reg = registry()
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _STATE_TAIL.finditer(text):
        names = [n.strip() for n in re.split(r",| and ", m.group(1)) if n.strip()]
        if not names or not all(reg.lookup(n) or reg.is_unattributed(n) for n in names):
            continue
        if text[start : m.start()].strip():
            spans.append((start, m.end()))
        start = m.end()
    if text[start:].strip() and (not spans or len(text[start:].strip()) > 3):
        spans.append((start, len(text)))
    return spans or [(0, len(text))]


_ATTRIBUTION = re.compile(r"\(([^()]*)\)\W*$")


def wording(text: str) -> tuple[int, int]:
    """Span of a recommendation's (or part's) own words: without surrounding spaces, final
    punctuation and a closing attribution to states ("... (Albania);")."""
    a = len(text) - len(text.lstrip())
    b = len(text.rstrip())
    m = _ATTRIBUTION.search(text, a, b)
    if m is not None:
        reg = registry()
        names = [n.strip() for n in re.split(r",| and ", m.group(1)) if n.strip()]
        if names and all(reg.lookup(n) or reg.is_unattributed(n) for n in names):
            b = m.start()
    while b > a and not text[b - 1].isalnum() and text[b - 1] not in ")]\"'”":
        b -= 1
    return (a, b) if b > a else (a, len(text.rstrip()))


# ---------------------------------------------------------------- conflict settlement


def dedupe(evidence: Iterable[Evidence]) -> list[Evidence]:
    """Drop spans that overlap an earlier-listed one (rule evidence is listed first)."""
    kept: list[Evidence] = []
    for e in evidence:
        if not any(k.start < e.end and e.start < k.end for k in kept):
            kept.append(e)
    return sorted(kept, key=lambda e: e.start)


def endorsing_wins(verdict: str, endorsing_hits: Sequence[Hit]) -> bool:
    """CODEBOOK: "Endorsing wins over every other verdict"."""
    return bool(endorsing_hits) or verdict == "endorsing"


def strongest_part(verdicts: Sequence[str], categories: Sequence[str]) -> int:
    """Index of the part a clustered paragraph takes its verdict and category from."""
    return max(range(len(verdicts)), key=lambda i: (_RANK[verdicts[i]], categories[i], -i))


# ---------------------------------------------------------------- the classifier


@dataclass
class _Part:
    offset: int
    text: str
    category: str = ""
    cat_score: float = 1.0
    cat_evidence: tuple[Evidence, ...] = ()
    cat_by: str = ""
    verdict: str = ""
    verdict_evidence: tuple[Evidence, ...] = ()
    verdict_by: str = ""
    verdict_score: float = 1.0
    flags: dict[str, list[Evidence]] = field(default_factory=dict)
    persons: list[Hit] = field(default_factory=list)


def _copy(c: Classification, warnings: list[str]) -> Classification:
    """A repeat of an already labelled text: Labels are immutable, so they are shared."""
    return Classification(
        text=c.text,
        labels=dict(c.labels),
        themes=list(c.themes),
        affected_persons=list(c.affected_persons),
        issues=list(c.issues),
        warnings=list(warnings),
        version=c.version,
    )


def _shift(ev: Iterable[Evidence], offset: int) -> tuple[Evidence, ...]:
    if offset == 0:
        return tuple(ev)
    return tuple(
        new_evidence(e.start + offset, e.end + offset, e.text, e.rule_id, e.source) for e in ev
    )


class Classifier:
    """Lexicons + shipped models; ``classify`` one text or ``classify_many`` in bulk."""

    def __init__(
        self,
        lexicons: Lexicons,
        category: CategoryModel,
        issues: MultiLabelModel | None = None,
        themes: MultiLabelModel | None = None,
    ) -> None:
        self.lexicons = lexicons
        self.category = category
        self.issues_model = issues
        self.themes_model = themes
        for m in (issues, themes):
            if m is not None and m.features is None:
                m.set_feature_names(category._names())
        self.lead = LeadVerbFinder(lexicons.lead_verbs)
        self.endorsing = RuleSet(lexicons.endorsing)
        self.sur_rules = {
            sur: RuleSet(r for r in lexicons.endorsing_by_sur if sur in r.surs)
            for sur in {s for r in lexicons.endorsing_by_sur for s in r.surs}
        }
        self.flags = RuleSet(lexicons.flags)
        self.specific = RuleSet(lexicons.specific)
        self.subjects = RuleSet(lexicons.subjects)
        self.groups = RuleSet(lexicons.groups)
        self.generic = RuleSet(lexicons.generic_subjects)
        self.scan = RuleScan([self.flags, self.groups, self.endorsing, self.specific, self.subjects])
        self._unset = {name: new_label(name, "0", (), f"{name}.none", 1.0) for name in FLAGS}

    @classmethod
    def load(
        cls, model_dir: str | Path | None = None, lexicons: Lexicons | None = None
    ) -> Classifier:
        """Load the lexicons and the three shipped models (ClassifyError if one is missing)."""
        d = MODEL_DIR if model_dir is None else Path(model_dir)
        return cls(
            lexicons or default_lexicons(),
            load(d / "category.joblib"),
            load(d / "issues.joblib"),
            load(d / "themes.joblib"),
        )

    # -- public

    def classify(self, text: str, *, sur: str | None = None) -> Classification:
        out = self.classify_many([text], on_error="raise", surs=[sur] if sur else None)
        return out[0]  # type: ignore[return-value]

    def classify_many(
        self,
        texts: Sequence[object],
        *,
        on_error: str = "raise",
        progress: Callable[[int], None] | None = None,
        n_jobs: int = 1,
        surs: Sequence[str | None] | None = None,
    ) -> list[Classification | ClassifyError]:
        """Classify many texts at once (vectorised models).

        ``on_error="raise"`` raises the first ClassifyError (naming its position);
        ``on_error="return"`` puts the error in that position and labels the rest.
        ``n_jobs > 1`` splits a batch of ``_PARALLEL_MIN`` texts or more over this process and
        ``n_jobs - 1`` forked workers (POSIX only; the workers share the loaded models
        copy-on-write and send their results back as plain tuples). The results are the
        same, label for label, span for span, score for score (``tests/classify/test_bulk.py``).
        ``surs``: the State under Review (ISO3) of each text, where known: the frames of
        ``endorsing_by_sur.jsonl`` apply to the texts addressed to the states they name.
        """
        if surs is not None and len(surs) != len(texts):
            raise ClassifyError(f"{len(texts)} texts but {len(surs)} States under Review")
        with _gc_paused():
            out = self._classify_many(texts, on_error, progress, n_jobs)
        if surs is not None and self.sur_rules:
            out = [
                self._with_sur(r, sur) if sur and isinstance(r, Classification) else r
                for r, sur in zip(out, surs, strict=True)
            ]
        return out

    def _with_sur(self, c: Classification, sur: str) -> Classification:
        """Endorsing wins over every other verdict (CODEBOOK), so a frame that is endorsing
        only for this SuR can be applied after the SuR-blind labelling."""
        rules = self.sur_rules.get(sur.upper())
        if rules is None or c.labels["verdict"].value == "endorsing":
            return c
        hits = rules.match(c.text)
        if not endorsing_wins("", hits):
            return c
        ev = tuple(h.evidence() for h in hits)
        labels = dict(c.labels)
        labels["verdict"] = new_label("verdict", "endorsing", ev, hits[0].rule.id, 1.0)
        return replace(c, labels=labels)  # ``c`` itself is dropped: its lists can be shared

    def _classify_many(
        self,
        texts: Sequence[object],
        on_error: str,
        progress: Callable[[int], None] | None,
        n_jobs: int,
    ) -> list[Classification | ClassifyError]:
        if n_jobs > 1 and len(texts) >= _PARALLEL_MIN and "fork" in mp.get_all_start_methods():
            # Repeats are dropped before the work is split, so no worker labels a text twice.
            pos: dict[object, int] = {}
            uniq: list[object] = []
            where: list[int] = []
            for t in texts:
                key = t if isinstance(t, str) else id(t)
                if key not in pos:
                    pos[key] = len(uniq)
                    uniq.append(t)
                where.append(pos[key])
            done = self._classify_parallel(uniq, "return", progress, n_jobs)
            seen = [False] * len(uniq)
            out: list[Classification | ClassifyError] = []
            for j in where:
                r = done[j]
                if seen[j] and isinstance(r, Classification):
                    r = _copy(r, r.warnings)
                seen[j] = True
                if on_error == "raise" and isinstance(r, ClassifyError):
                    raise ClassifyError(f"text {len(out) + 1}: {r}") from r
                out.append(r)
            return out
        cleaned: list[str] = []
        warns: list[list[str]] = []
        results: list[Classification | ClassifyError | None] = [None] * len(texts)
        ok_idx: list[int] = []
        for i, t in enumerate(texts):
            try:
                c, w = check_text(t)
            except ClassifyError as exc:
                if on_error == "raise":
                    if len(texts) > 1:
                        raise ClassifyError(f"text {i + 1}: {exc}") from exc
                    raise
                results[i] = exc
                continue
            cleaned.append(c)
            warns.append(w)
            ok_idx.append(i)
        if cleaned:
            # UPR recommendations repeat verbatim across reviews (7% of UPR Info's rows):
            # label each distinct text once and give repeats their own copy.
            first: dict[str, int] = {}
            uniq: list[str] = []
            uniq_warns: list[list[str]] = []
            for c, w in zip(cleaned, warns, strict=True):
                if c not in first:
                    first[c] = len(uniq)
                    uniq.append(c)
                    uniq_warns.append(w)
            labelled = self._label(uniq, uniq_warns, progress)
            used = [False] * len(uniq)
            for i, c, w in zip(ok_idx, cleaned, warns, strict=True):
                j = first[c]
                if not used[j]:
                    used[j] = True
                    results[i] = labelled[j]
                else:
                    results[i] = _copy(labelled[j], w)
            if progress is not None and len(uniq) < len(cleaned):
                progress(len(cleaned))
        return results  # type: ignore[return-value]

    def _classify_parallel(
        self,
        texts: Sequence[object],
        on_error: str,
        progress: Callable[[int], None] | None,
        n_jobs: int,
    ) -> list[Classification | ClassifyError]:
        """Label ``texts`` in chunks taken in turn by this process and ``n_jobs - 1`` forked
        workers: whoever is free takes the next chunk, so a process slowed by a neighbour on a
        shared machine, or by unpickling the workers' results (done here), takes fewer."""
        global _WORKER
        size = min(_CHUNK_MAX, max(_CHUNK_MIN, -(-len(texts) // (n_jobs * 8))))
        chunks = [list(texts[i : i + size]) for i in range(0, len(texts), size)]
        results: list[list[Classification | ClassifyError] | None] = [None] * len(chunks)
        ctx = mp.get_context("fork")
        state = _Shared(ctx.Value("i", 0), ctx.Queue(), chunks)
        _WORKER = self
        procs = [ctx.Process(target=_work, args=(state,), daemon=True) for _ in range(n_jobs - 1)]
        done = 0
        try:
            for proc in procs:
                proc.start()
            finished = 0

            def collect(block: bool) -> None:
                nonlocal done, finished
                while finished < len(procs):
                    try:
                        msg = state.queue.get(timeout=1.0) if block else state.queue.get_nowait()
                    except queue.Empty:
                        if not block:
                            return
                        if any(not p.is_alive() and p.exitcode != 0 for p in procs):
                            raise ClassifyError(
                                "a classifier worker process died (out of memory?); "
                                "rerun with n_jobs=1"
                            ) from None
                        continue
                    if msg is None:
                        finished += 1
                    elif isinstance(msg[0], str):
                        raise ClassifyError(f"a classifier worker process failed: {msg[1]}")
                    else:
                        results[msg[0]] = msg[1]
                        done += len(msg[1])
                        if progress is not None:
                            progress(done)

            while (i := state.take()) < len(chunks):
                results[i] = self.classify_many(chunks[i], on_error="return")
                done += len(chunks[i])
                if progress is not None:
                    progress(done)
                collect(block=False)
            collect(block=True)
        finally:
            _WORKER = None
            for proc in procs:
                if proc.is_alive():
                    proc.terminate()
                proc.join()
        out = [r for part in results for r in (part or ())]
        if len(out) != len(texts):
            raise ClassifyError("classifier workers returned fewer results than texts sent")
        if on_error == "raise":
            for i, r in enumerate(out):
                if isinstance(r, ClassifyError):
                    raise ClassifyError(f"text {i + 1}: {r}")
        return out

    # -- internals

    def _label(
        self,
        texts: list[str],
        warns: list[list[str]],
        progress: Callable[[int], None] | None,
    ) -> list[Classification]:
        parts_of: list[list[_Part]] = []
        flat: list[_Part] = []
        for t in texts:
            ps = [_Part(a, t[a:b]) for a, b in split_parts(t)]
            parts_of.append(ps)
            flat.extend(ps)
        X_text = self.category.transform(texts)
        single = len(flat) == len(texts) and all(
            p.text == t for p, t in zip(flat, texts, strict=True)
        )
        X_parts = X_text if single else self.category.transform([p.text for p in flat])
        part_lows = [p.text.lower() for p in flat]
        self._categorise(flat, X_parts, part_lows)
        for p, low in zip(flat, part_lows, strict=True):
            self._verdict_and_flags(p, low)
        lows = part_lows if single else [t.lower() for t in texts]
        issues = self._multilabel(self.issues_model, texts, X_text, lows)
        themes = self._multilabel(self.themes_model, texts, X_text, lows)
        out: list[Classification] = []
        for n, (t, ps) in enumerate(zip(texts, parts_of, strict=True)):
            out.append(self._assemble(t, ps, warns[n], issues[n], themes[n]))
            if progress is not None and (n + 1) % 1000 == 0:
                progress(n + 1)
        if progress is not None:
            progress(len(texts))
        return out

    def _categorise(self, parts: list[_Part], X: Any, lows: list[str]) -> None:
        labels, scores, _ = self.category.predict(X)
        model_ev = self.category.batch_evidence(
            [p.text for p in parts], X, [str(lb) for lb in labels], lows=lows
        )
        for i, p in enumerate(parts):
            found = self.lead.find(p.text)
            if found is not None and found[0].certain:
                verb, a, b = found
                p.category = verb.category
                p.cat_by = f"verb.{verb.verb.replace(' ', '_')}"
                p.cat_score = 1.0
                p.cat_evidence = (new_evidence(a, b, p.text[a:b], p.cat_by, "rule"),)
                continue
            p.category = str(labels[i])
            p.cat_score = float(scores[i])
            p.cat_by = self.category.rule_id
            ev = list(model_ev[i])
            if found is not None and found[0].category == p.category:
                verb, a, b = found
                rid = f"verb.{verb.verb.replace(' ', '_')}"
                ev = dedupe([new_evidence(a, b, p.text[a:b], rid, "rule"), *ev])
            p.cat_evidence = tuple(ev)

    def _verdict_and_flags(self, p: _Part, low: str) -> None:
        text = p.text
        c_flags, c_groups, c_endorsing, c_specific, c_subjects = self.scan.candidates(low)
        flag_hits = self.flags.match(text, low, candidates=c_flags)
        for name in FLAGS:
            p.flags[name] = [h.evidence() for h in flag_hits if h.rule.label == name]
        groups = self.groups.match(text, low, candidates=c_groups)
        p.persons = [h for h in groups if h.rule.label == "affected_person"]
        for h in groups:
            if h.rule.label == "unnamed_group":
                p.flags["unnamed_group"].append(h.evidence())

        endorse = self.endorsing.match(text, low, candidates=c_endorsing)
        if endorsing_wins("", endorse):
            p.verdict, p.verdict_by = "endorsing", endorse[0].rule.id
            p.verdict_evidence = tuple(h.evidence() for h in endorse)
            return
        # Category 1 (seek assistance, share) asks for no act of its own.
        asks = p.category != "1"
        specific = self.specific.match(text, low, candidates=c_specific) if asks else []
        if p.category in ("2", "3"):
            specific = [h for h in specific if not _softened(low, h.start, continuing=True)]
        else:
            # A specific act nested under a softener ("take steps towards the ratification of
            # ...", "expedite efforts to ratify", "and consider ratifying") is not asked for;
            # one that opens its clause ("Close all re-education centres ...", "Facilitate full
            # access to Xinjiang for special procedures") is.
            specific = [
                h for h in specific if _opens_clause(low, h.start) or not _softened(low, h.start)
            ]
        if specific:
            p.verdict, p.verdict_by = "specific", specific[0].rule.id
            p.verdict_evidence = tuple(h.evidence() for h in specific)
            p.verdict_score = p.cat_score
            return
        subjects = [
            # One hit per rule is enough to call a subject named (and the scan stops early).
            h
            for h in self.subjects.match(text, low, max_hits=1, candidates=c_subjects)
            if h.rule.label == "named_subject"
        ]
        named = subjects + [
            h
            for h in groups
            if h.rule.label == "affected_person" and h.rule.id != "group.vulnerable"
        ]
        sharing_only = p.category == "1" and bool(p.flags["assistance_or_sharing"])
        if named and not sharing_only:
            p.verdict, p.verdict_by = "general", named[0].rule.id
            p.verdict_evidence = tuple(dedupe([h.evidence() for h in named])[:3])
            return
        p.verdict = "vague"
        if sharing_only:
            p.verdict_by = "vague.sharing_only"
            p.verdict_evidence = tuple(p.flags["assistance_or_sharing"][:2])
        else:
            # Decided by absence of a named subject: the evidence is what the wording asks about
            # instead ("human rights", "vulnerable groups", "its efforts"), else the wording.
            p.verdict_by = "vague.no_named_subject"
            generic = dedupe(h.evidence() for h in self.generic.match(text, low))
            if generic:
                p.verdict_evidence = tuple(generic[:3])
            else:
                a, b = wording(text)
                p.verdict_evidence = (new_evidence(a, b, text[a:b], p.verdict_by, "rule"),)

    def _multilabel(
        self,
        model: MultiLabelModel | None,
        texts: list[str],
        X_shared: Any,
        lows: list[str],
    ) -> list[list[tuple[str, float, tuple[Evidence, ...]]]]:
        if model is None:
            return [[] for _ in texts]
        X = X_shared if model.features is None else model.transform(texts)
        chosen, scores = model.predict(X)
        names = model.labels()
        evidence = model.batch_evidence(texts, X, chosen, k=1, lows=lows)
        out = []
        for i, idx in enumerate(chosen):
            out.append(
                [
                    (names[li], float(scores[i, li]), ev)
                    for li, ev in zip(idx, evidence[i], strict=True)
                ]
            )
        return out

    def _assemble(
        self,
        text: str,
        parts: list[_Part],
        warnings: list[str],
        issues: list[tuple[str, float, tuple[Evidence, ...]]],
        themes: list[tuple[str, float, tuple[Evidence, ...]]],
    ) -> Classification:
        if len(parts) == 1:
            best = parts[0]
        else:
            best = parts[strongest_part([p.verdict for p in parts], [p.category for p in parts])]
        labels: dict[str, Label] = {
            "action_category": new_label(
                "action_category",
                best.category,
                _shift(best.cat_evidence, best.offset),
                best.cat_by,
                best.cat_score,
            ),
            "verdict": new_label(
                "verdict",
                best.verdict,
                _shift(best.verdict_evidence, best.offset),
                best.verdict_by,
                best.verdict_score,
            ),
        }
        for name in FLAGS:
            ev: list[Evidence] = []
            for p in parts:
                ev.extend(_shift(p.flags[name], p.offset))
            if ev:
                labels[name] = new_label(name, "1", tuple(ev), ev[0].rule_id, 1.0)
            else:
                labels[name] = self._unset[name]  # immutable, so one instance serves all
        persons: dict[str, list[Evidence]] = {}
        for p in parts:
            for h in p.persons:
                persons.setdefault(h.rule.value, []).extend(_shift([h.evidence()], p.offset))
        affected = [
            new_label("affected_persons", v, tuple(ev), ev[0].rule_id, 1.0)
            for v, ev in persons.items()
        ]
        if not affected:
            # UHRI's own term for a recommendation that names no group of persons; decided by
            # absence, so the evidence is the wording that names none.
            a, b = wording(text)
            ev = (new_evidence(a, b, text[a:b], "persons.none_named", "rule"),)
            affected = [new_label("affected_persons", "general", ev, "persons.none_named", 1.0)]
        rule_model = self.issues_model.rule_id if self.issues_model else ""
        theme_model = self.themes_model.rule_id if self.themes_model else ""
        return Classification(
            text=text,
            labels=labels,
            themes=[new_label("themes", v, ev, theme_model, s) for v, s, ev in themes],
            affected_persons=affected,
            issues=[new_label("issues", v, ev, rule_model, s) for v, s, ev in issues],
            warnings=list(warnings),
        )


_DEFAULT: Classifier | None = None
_WORKER: Classifier | None = None  # set in the parent just before forking workers
_PARALLEL_MIN = 4000  # below this, starting processes costs more than it saves
# Chunks small enough that the processes finish together, large enough to stay vectorised.
_CHUNK_MIN, _CHUNK_MAX = 500, 2000


@dataclass
class _Shared:
    """What the parent and its forked workers share: the next chunk to take, the results."""

    next_chunk: Any  # multiprocessing.Value("i")
    queue: Any  # multiprocessing.Queue of (chunk index, results), (kind, message) or None
    chunks: list[list[object]]

    def take(self) -> int:
        with self.next_chunk.get_lock():
            i = int(self.next_chunk.value)
            self.next_chunk.value = i + 1
        return i


def _work(state: _Shared) -> None:
    """A worker: label chunks until none is left, send each back, then None."""
    assert _WORKER is not None
    try:
        while (i := state.take()) < len(state.chunks):
            state.queue.put((i, _WORKER.classify_many(state.chunks[i], on_error="return")))
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises it
        state.queue.put(("error", f"{type(exc).__name__}: {exc}"))
    state.queue.put(None)


def default_jobs() -> int:
    """Processes a bulk run uses: every core, at most 4 (beyond that the parent, which
    unpickles the workers' results, becomes the bottleneck)."""
    return max(1, min(4, os.cpu_count() or 1))


def default_classifier() -> Classifier:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Classifier.load()
    return _DEFAULT


def classify(text: str) -> Classification:
    """Classify one recommendation with the shipped lexicons and models (loaded once)."""
    return default_classifier().classify(text)
