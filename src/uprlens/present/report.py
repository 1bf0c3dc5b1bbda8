"""The publishable audit report: one self-contained HTML file (charts inline as SVG, no
network, printable to PDF), plus text, JSON and XLSX renderings of the same audit.

Every count in the HTML links to the list of recommendations behind it (``#set-...``), and
every listed recommendation to its full record in the appendix (``#rec-<id>``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from uprlens.analyse.acceptance import CATEGORIES, VERDICTS
from uprlens.analyse.cycles import LINK_KINDS
from uprlens.errors import UprlensError
from uprlens.present import charts

__all__ = ["FORMATS", "render_html", "render_json", "render_text", "write_report", "write_xlsx"]

FORMATS = ("text", "json", "html", "xlsx")
CODEBOOK = "uprlens codebook (CODEBOOK.md): action category 1-5, verdict specific | general | " \
    "vague | endorsing, flags continue_framing, unnamed_group, cites_un_expert, time_bound, " \
    "assistance_or_sharing, praise"


def _pct(x: Any) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    x = 100 * float(x)
    return f"{x:.1f}%" if 0 < x < 10 else f"{x:.0f}%"


class _Sets:
    """Named sets of recommendation ids; each number in the report links to one."""

    def __init__(self) -> None:
        self.sets: dict[str, tuple[str, list[str]]] = {}

    def key(self, label: str) -> str:
        base = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:60] or "set"
        key, i = base, 2
        while key in self.sets:
            key, i = f"{base}-{i}", i + 1
        return key

    def num(self, label: str, ids: Iterable[str], text: str | None = None, *,
            unit: str = "recommendation") -> Markup:
        """A link showing ``text`` (default: how many ids) to the list of ``ids``. With
        unit="pair" the number counts (recommendation, state) pairs, not the ids listed."""
        ids = list(dict.fromkeys(ids))
        shown = str(len(ids)) if text is None else text
        cls = "num pairs" if unit == "pair" else "num"
        if not ids:
            return Markup('<span class="{} zero">{}</span>').format(cls, shown)
        key = self.key(label)
        if unit == "pair":
            label = f"{label}: {shown}, made in these {len(ids)} recommendations"
        self.sets[key] = (label, ids)
        return Markup('<a class="{}" href="#set-{}">{}</a>').format(cls, key, shown)


def _rec_link(rec_id: str) -> Markup:
    e = escape(rec_id)  # one escape, not Markup.format: thousands of these per report
    return Markup(f'<a href="#rec-{e}">{e}</a>')


def _ids(frame: pd.DataFrame, mask: Any = None) -> list[str]:
    if frame.empty:
        return []
    sub = frame if mask is None else frame[mask]
    return sub["id"].tolist()


def _crosstab_rows(
    frame: pd.DataFrame, label: str, order: Sequence[str], sets: _Sets, what: str
) -> tuple[list[str], list[list[Any]]]:
    positions = [p for p in ("supported", "supported_in_part", "noted", "pending")
                 if not frame.empty and (frame["position"] == p).any()]
    headers = [what, *[p.replace("_", " ") for p in positions], "all", "accepted"]
    rows = []
    if frame.empty:
        return headers, rows
    for value in order:
        sub = frame[frame[label] == value]
        cells: list[Any] = [value]
        for p in positions:
            cells.append(sets.num(f"{what} {value}, {p}", _ids(sub, sub["position"] == p)))
        cells.append(sets.num(f"{what} {value}", _ids(sub)))
        sup = _ids(sub, sub["position"] == "supported")
        cells.append(sets.num(f"{what} {value}, supported (share)", sup,
                              _pct(len(sup) / len(sub)) if len(sub) else "–"))
        rows.append(cells)
    return headers, rows


def _acceptance_rows(a: Any, label: str, order: Sequence[str], sets: _Sets, what: str
                     ) -> tuple[list[str], list[list[Any]]]:
    frames = {c: g for c, g in a.all_cycles.groupby("cycle")} if len(a.all_cycles) else {}
    headers = [what, f"cycle {a.headline.cycle}: n", "accepted"]
    for c in a.earlier_cycles:
        headers += [f"cycle {c}: n", "accepted"]
    glob = label == "action_category" and "global_share" in a.by_category
    if glob:
        headers += ["global (UPR Info)"]
    rows = []
    for value in order:
        cells: list[Any] = [value]
        for c in [a.headline.cycle, *a.earlier_cycles]:
            f = frames.get(c)
            if f is None:
                cells += ["–", "–"]
                continue
            sub = f[f[label] == value]
            sup = _ids(sub, sub["position"] == "supported")
            cells.append(sets.num(f"cycle {c} {what} {value}", _ids(sub)))
            cells.append(sets.num(f"cycle {c} {what} {value}, supported", sup,
                                  _pct(len(sup) / len(sub)) if len(sub) else "–"))
        if glob:
            g = a.by_category[a.by_category["action_category"] == value]["global_share"]
            cells.append(Markup('<span class="ext" title="{}">{}</span>').format(
                a.global_source, _pct(g.iloc[0] if len(g) else None)))
        rows.append(cells)
    return headers, rows


def _context(a: Any) -> dict[str, Any]:
    sets = _Sets()
    h = a.headline
    f = a.recommendations
    fig = a.summary.get("figures", {})

    def fnum(key: str, text: str | None = None) -> Markup:
        item = fig.get(key, {"label": key, "ids": []})
        return sets.num(item["label"], item["ids"], text)

    n = h.paragraphs
    rates = a.summary.get("rates", {})
    labelled = bool(len(f)) and bool(f["labelled"].any())
    # The pair count links to the recommendations behind the pairs.
    pair_ids = a.pairs["id"].tolist() if len(a.pairs) else []
    positions = []
    for pos in ("supported", "supported_in_part", "noted", "pending", "unknown"):
        key = f"position.{pos}"
        if key in fig and (fig[key]["n"] or pos in ("supported", "noted")):
            pp = a.pairs[a.pairs["position"] == pos]["id"].tolist() if len(a.pairs) else []
            positions.append((pos.replace("_", " "), fnum(key),
                              sets.num(f"pairs {pos}", pp, str(len(pp)), unit="pair"),
                              fnum(key, _pct(fig[key]["n"] / n if n else None))))
    hides = []
    if labelled:
        sup_n = fig["position.supported"]["n"]
        sup_lab = sum(fig[f"supported.{v}"]["n"] for v in VERDICTS)
        for v in VERDICTS:
            item = fig[f"supported.{v}"]
            hides.append((v, fnum(f"supported.{v}"),
                          fnum(f"supported.{v}", _pct(item["n"] / sup_lab if sup_lab else None))))
        hides_meta = {
            "supported": fnum("position.supported", str(sup_n)),
            "supported_labelled": sets.num(
                "supported and labelled",
                [i for v in VERDICTS for i in fig[f"supported.{v}"]["ids"]], str(sup_lab)),
        }
    else:
        hides_meta = {}
    cat_h, cat_rows = _crosstab_rows(f, "action_category", CATEGORIES, sets, "category")
    ver_h, ver_rows = _crosstab_rows(f, "verdict", VERDICTS, sets, "verdict")
    acc_cat_h, acc_cat_rows = _acceptance_rows(a, "action_category", CATEGORIES, sets,
                                               "category")
    acc_ver_h, acc_ver_rows = _acceptance_rows(a, "verdict", VERDICTS, sets, "verdict")

    # Plain dicts: a pandas filter per state and per cell costs seconds on 150 states.
    by_state: dict[str, list[dict[str, Any]]] = {}
    for r in a.pairs.to_dict("records"):
        by_state.setdefault(r["state"], []).append(r)
    prof_rows = []
    for p in a.profiles.itertuples():
        mine = by_state.get(p.state, [])
        row = [p.state_name, p.regional_group, p.organisations,
               sets.num(f"{p.state_name}: all", [r["id"] for r in mine]),
               sets.num(f"{p.state_name}: supported",
                        [r["id"] for r in mine if r["position"] == "supported"],
                        _pct(p.accepted_share))]
        for v in VERDICTS:
            row.append(sets.num(f"{p.state_name}: {v}",
                                [r["id"] for r in mine if r["verdict"] == v]))
        row.append(sets.num(f"{p.state_name}: specific, noted",
                            [r["id"] for r in mine
                             if r["verdict"] == "specific" and r["position"] == "noted"]))
        prof_rows.append(row)
    prof_h = ["state", "group", "organisations", "recs", "accepted", *VERDICTS,
              "specific & noted"]

    def rank_rows(t: pd.DataFrame, what: str) -> list[list[Any]]:
        return [[r.state_name, r.regional_group, sets.num(f"{r.state_name}: {what}", r.ids)]
                for r in t.itertuples()]

    endorsing_rank = (["state", "group", "endorsing"],
                      rank_rows(a.endorsing_states, "endorsing"))
    noted_specific_rank = (["state", "group", "specific & noted"],
                           rank_rows(a.noted_specific_states, "specific and noted"))
    bloc_rows = []
    for b in a.blocs.to_dict("records"):
        name = b["bloc"]
        bloc_rows.append([
            name, b["states"],
            sets.num(f"bloc {name}", b["ids"], str(b["n"]), unit="pair"),
            sets.num(f"bloc {name}: accepted", b["ids_accepted"], _pct(b["accepted_share"])),
            *[sets.num(f"bloc {name}: {v}", b[f"ids_{v}"], _pct(b[f"{v}_share"]))
              for v in VERDICTS],
            sets.num(f"bloc {name}: endorsing (pairs)", b["ids_endorsing"],
                     str(b["endorsing"]), unit="pair"),
        ])
    bloc_h = ["bloc", "states", "recs x state", "accepted", *[f"{v}" for v in VERDICTS],
              "endorsing"]

    links = a.links
    best = links[links["best"]] if len(links) else links
    link_rows = []
    for c in a.earlier_cycles:
        sub = best[best["earlier_cycle"] == c]
        row: list[Any] = [f"cycle {c}"]
        row.append(sets.num(f"linked to cycle {c}", sub["id"].tolist()))
        for k in LINK_KINDS:
            row.append(sets.num(f"linked to cycle {c}: {k}", sub[sub["link"] == k]["id"].tolist()))
        link_rows.append(row)
    link_h = ["earlier cycle", "linked", *[k.replace("_", " ") for k in LINK_KINDS]]
    link_detail = [
        [_rec_link(r.id), _rec_link(r.earlier_id), f"{r.score:.2f}", r.link.replace("_", " "),
         f"{r.earlier_action_category or '–'} → {r.action_category or '–'}",
         f"{r.earlier_verdict or '–'} → {r.verdict or '–'}",
         f"{r.earlier_position or '–'} → {r.position or '–'}"]
        for r in best.itertuples()
    ]
    fate = a.fate_of_noted
    fate_rows = []
    for kind in ("dropped", *LINK_KINDS):
        sub = fate[fate["fate"] == kind] if len(fate) else fate
        if len(sub):
            later_sup = sub[sub["later_position"] == "supported"]
            fate_rows.append([kind.replace("_", " "), sets.num(f"noted earlier, {kind}",
                                                                _ids(sub)),
                              sets.num(f"noted earlier, {kind}, supported later",
                                       _ids(later_sup))])
    drop = a.dropped
    led = a.ledger
    ledger_counts = []
    if len(led):
        for topic in sorted({t for ts in led["topics"] for t in ts.split("; ") if t}):
            mask = led["topics"].str.contains(topic, regex=False)
            ledger_counts.append([topic.replace("_", " "),
                                  sets.num(f"ledger: {topic}", _ids(led, mask))])
    ledger_rows = [
        [_rec_link(r.id), r.year or "", r.text, r.states, r.position.replace("_", " "),
         r.reply, r.topics.replace("_", " "), r.evidence or r.themes]
        for r in led.itertuples()
    ]

    summary_numbers = {
        "paragraphs": sets.num("all recommendations", _ids(f)),
        "pairs": sets.num("recommendation x state pairs", pair_ids, str(len(pair_ids)),
                          unit="pair"),
        "states": sets.num("recommending states", pair_ids, str(h.recommending_states),
                           unit="pair"),
        "headline_rate": fnum("position.supported", _pct(rates.get("headline_rate"))),
        "substantive": fnum("supported.substantive"),
        "substantive_rate": fnum("supported.substantive", _pct(rates.get("substantive_rate"))),
        "continue": fnum("continue_framing"),
        "continue_supported": fnum("continue_framing.supported"),
        "cites": fnum("cites_un_expert"),
        "cites_noted": fnum("cites_un_expert.noted"),
        "endorsing": fnum("endorsing"),
        "labelled": fnum("labelled"),
        "dropped": sets.num(f"cycle {max(a.earlier_cycles)} recommendations with no link"
                            if a.earlier_cycles else "dropped", _ids(drop)),
        "ledger": sets.num("evidence ledger", _ids(led)),
    }
    chart_svgs = {k: (Markup(v) if v else None) for k, v in charts.all_charts(a).items()}
    # Everything below only reads the sets: every number must be registered by now.

    # Every recommendation that a set or a table points to gets its record in the appendix.
    wanted = {i for _, ids in sets.sets.values() for i in ids}
    wanted |= set(best["earlier_id"]) if len(best) else set()
    appendix = []
    if len(a.all_cycles):
        for r in a.all_cycles.to_dict("records"):
            if r["id"] not in wanted and r["cycle"] != h.cycle:
                continue
            appendix.append(r)
    sets_list = [
        (key, label, [_rec_link(i) for i in ids]) for key, (label, ids) in sets.sets.items()
    ]
    return {
        "a": a,
        "h": h,
        "numbers": summary_numbers,
        "positions": positions,
        "hides": hides,
        "hides_meta": hides_meta,
        "labelled": labelled,
        "cat": (cat_h, cat_rows),
        "ver": (ver_h, ver_rows),
        "acc_cat": (acc_cat_h, acc_cat_rows),
        "acc_ver": (acc_ver_h, acc_ver_rows),
        "profiles": (prof_h, prof_rows),
        "endorsing_rank": endorsing_rank,
        "noted_specific_rank": noted_specific_rank,
        "blocs": (bloc_h, bloc_rows),
        "link_counts": (link_h, link_rows),
        "link_detail": (["recommendation", "earlier", "similarity", "link", "category",
                         "verdict", "position"], link_detail),
        "fate": (["fate in later cycles", "noted earlier", "of which supported later"],
                 fate_rows),
        "ledger_counts": (["topic", "recommendations"], ledger_counts),
        "ledger": (["id", "year", "recommendation", "states", "position", "reply", "topics",
                    "evidence"], ledger_rows),
        "charts": chart_svgs,
        "sets": sets_list,
        "appendix": appendix,
        "codebook": CODEBOOK,
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "pct": _pct,
    }


def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("uprlens.present", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = _pct
    return env


def render_html(a: Any) -> str:
    """The whole report as one HTML document (no external resource of any kind)."""
    return _env().get_template("report.html").render(**_context(a))


def render_json(a: Any) -> str:
    return json.dumps(a.to_dict(), ensure_ascii=False, indent=1, default=str)


def render_text(a: Any) -> str:
    """A terminal summary: the headline and what it hides, then pointers to the rest."""
    h = a.headline
    fig = a.summary.get("figures", {})
    rates = a.summary.get("rates", {})
    out = []
    title = f"{h.sur_name}, cycle {h.cycle}"
    if h.year:
        title += f" ({h.year}" + (f", session {h.session})" if h.session else ")")
    out.append(title + (f"  {h.wg_report}" if h.wg_report else ""))
    out.append(f"source: {h.source}")
    pos = " / ".join(
        f"{fig[k]['n']} {k.split('.', 1)[1].replace('_', ' ')}"
        for k in ("position.supported", "position.supported_in_part", "position.noted",
                  "position.pending", "position.unknown") if k in fig and fig[k]["n"]
    )
    out.append(f"recommendations: {h.paragraphs} ({pos}); {h.pairs} recommendation x state "
               f"pairs; {h.recommending_states} recommending states")
    out.append(f"headline acceptance: {_pct(rates.get('headline_rate'))}")
    if fig.get("labelled", {}).get("n"):
        sup_lab = sum(fig[f"supported.{v}"]["n"] for v in VERDICTS)
        mix = ", ".join(f"{fig[f'supported.{v}']['n']} {v}" for v in VERDICTS)
        out.append(f"of the supported ({sup_lab} labelled): {mix}")
        out.append(
            f"substantive acceptance (supported and specific, not endorsing): "
            f"{fig['supported.substantive']['n']} = {_pct(rates.get('substantive_rate'))} "
            f"of all, beside the headline {_pct(rates.get('headline_rate'))}"
        )
        out.append(f'"continue"-framed: {fig["continue_framing"]["n"]} '
                   f'({fig["continue_framing.supported"]["n"]} supported); citing UN experts: '
                   f'{fig["cites_un_expert"]["n"]} ({fig["cites_un_expert.noted"]["n"]} noted)')
        if len(a.endorsing_states):
            who = ", ".join(f"{r.state_name} {r.n}" for r in a.endorsing_states.head(15)
                            .itertuples())
            out.append(f"endorsing ones made by: {who}")
        if len(a.noted_specific_states):
            who = ", ".join(f"{r.state_name} {r.n}" for r in a.noted_specific_states.head(10)
                            .itertuples())
            out.append(f"specific ones noted, made by: {who}")
    for c in a.earlier_cycles:
        best = a.links[(a.links["best"]) & (a.links["earlier_cycle"] == c)]
        kinds = best["link"].value_counts()
        detail = ", ".join(f"{kinds.get(k, 0)} {k.replace('_', ' ')}" for k in LINK_KINDS
                           if kinds.get(k, 0))
        out.append(f"linked to cycle {c}: {best['id'].nunique()} recommendations"
                   + (f" ({detail})" if detail else "")
                   + f"; similarity threshold {a.threshold:.2f}")
    if len(a.fate_of_noted):
        fate = a.fate_of_noted["fate"].value_counts()
        out.append("earlier noted ones: " + ", ".join(
            f"{v} {k.replace('_', ' ')}" for k, v in fate.items()))
    out.append(f"evidence ledger: {len(a.ledger)} noted recommendations on cooperation with "
               "UN mechanisms, all cycles")
    out.append(f"labels: {a.labels.source}"
               + (f", classifier {a.labels.classifier_version}"
                  if a.labels.classifier_version else ""))
    for note in a.notes:
        out.append(f"note: {note}")
    return "\n".join(out) + "\n"


def write_xlsx(a: Any, path: str | Path) -> None:
    """One sheet per table of the audit (lists joined with '; ')."""
    from uprlens.present.export import _xlsx_cell

    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        for name, frame in a.tables().items():
            safe = frame.copy()
            for col in safe.columns:
                if safe[col].dtype == object:
                    safe[col] = safe[col].map(
                        lambda v: "; ".join(map(str, v)) if isinstance(v, list | set | tuple)
                        else v
                    ).map(_xlsx_cell)
            safe.to_excel(xl, sheet_name=name[:31], index=False)


def write_report(a: Any, fmt: str, out: str | Path | None) -> str | None:
    """Render ``a`` as ``fmt``; write it to ``out`` or return it (text formats only)."""
    if fmt not in FORMATS:
        raise UprlensError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "xlsx" and out is None:
        raise UprlensError("--format xlsx is binary: give --out FILE")
    text = None if fmt == "xlsx" else {
        "text": render_text, "json": render_json, "html": render_html}[fmt](a)
    if out is None:
        return text
    path = Path(out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if text is None:
            write_xlsx(a, path)
        else:
            path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UprlensError(
            f"cannot write the report to {path}: {exc.strerror or exc}; choose another --out"
        ) from None
    return None

