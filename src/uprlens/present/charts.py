"""The report's charts, drawn offline with matplotlib as inline SVG (no network, no files).

Each function takes an :class:`~uprlens.analyse.audit.Audit` and returns the SVG markup, or
None when the audit lacks what the chart needs (the report then says why).
"""

from __future__ import annotations

import io
import re
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: the report is drawn headless

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

__all__ = ["acceptance_by_category", "all_charts", "cycle_change", "positions_by_verdict",
           "state_profiles"]

# Okabe-Ito: distinguishable with the common colour-vision deficiencies and in greyscale print.
COLOURS = {
    "supported": "#009E73",
    "noted": "#D55E00",
    "supported_in_part": "#E69F00",
    "specific": "#0072B2",
    "general": "#56B4E9",
    "vague": "#999999",
    "endorsing": "#CC79A7",
    "global": "#999999",
    "repeated": "#56B4E9",
    "strengthened": "#009E73",
    "watered_down": "#D55E00",
    "mixed": "#E69F00",
    "unlabelled": "#BBBBBB",
}
_STYLE = {
    "svg.fonttype": "none",  # text stays text: selectable, searchable, sharp in print
    "svg.hashsalt": "uprlens",  # stable ids: the same audit gives the same file
    "font.size": 10,
    "font.family": "DejaVu Sans",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.constrained_layout.use": True,  # fits labels without a second draw
}
_XML_HEAD = re.compile(r"^.*?(<svg\b)", re.S)
_SIZE = re.compile(r'(<svg\b[^>]*?)\s(width|height)="[^"]*"')


def _svg(fig: Any, title: str) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    text = _XML_HEAD.sub(r"\1", buf.getvalue(), count=1)
    for _ in range(2):  # width and height: the viewBox keeps the aspect, CSS sets the size
        text = _SIZE.sub(r"\1", text, count=1)
    safe = title.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return text.replace("<svg", f'<svg role="img" aria-label="{safe}" class="chart"', 1)


def positions_by_verdict(a: Any) -> str | None:
    """Stacked bars: for each verdict, how many were supported and noted."""
    t = a.position_by_verdict
    if t.empty or int(t["n"].sum()) == 0:
        return None
    with plt.rc_context(_STYLE):
        fig, ax = plt.subplots(figsize=(7, 2.8))
        left = pd.Series(0, index=t.index)
        for pos in ("supported", "supported_in_part", "noted"):
            if pos not in t or int(t[pos].sum()) == 0:
                continue
            ax.barh(t["verdict"], t[pos], left=left, color=COLOURS[pos],
                    label=pos.replace("_", " "))
            for y, (x0, w) in enumerate(zip(left, t[pos], strict=True)):
                if w >= 0.04 * t["n"].max():  # a label wider than its bar would spill over
                    ax.text(x0 + w / 2, y, str(int(w)), ha="center", va="center", fontsize=9)
            left = left + t[pos]
        ax.invert_yaxis()
        ax.set_xlabel("recommendations (paragraphs)")
        ax.legend(frameon=False, loc="lower right")
        ax.set_title("Positions by verdict", loc="left")
        return _svg(fig, "Positions by verdict")


def acceptance_by_category(a: Any) -> str | None:
    """Grouped bars: accepted share by action category here, globally and in earlier cycles."""
    t = a.by_category
    if t.empty:
        return None
    series: list[tuple[str, pd.Series, str]] = []
    if t["n"].sum() > 0:
        series.append((f"this review (cycle {a.headline.cycle})", t["accepted_share"],
                       COLOURS["specific"]))
    for c in a.earlier_cycles:
        col = f"accepted_share_c{c}"
        if col in t and t[col].notna().any():
            series.append((f"cycle {c}", t[col], COLOURS["general"] if c == max(
                a.earlier_cycles) else "#A6D8F5"))
    if "global_share" in t and t["global_share"].notna().any():
        series.append(("global (UPR Info)", t["global_share"], COLOURS["global"]))
    if not series or all(s.isna().all() for _, s, _ in series):
        return None
    with plt.rc_context(_STYLE):
        fig, ax = plt.subplots(figsize=(7, 3))
        width = 0.8 / len(series)
        xs = range(len(t))
        for k, (name, values, colour) in enumerate(series):
            pos = [x - 0.4 + width * (k + 0.5) for x in xs]
            ax.bar(pos, values.fillna(0) * 100, width=width, color=colour, label=name)
        ax.set_xticks(list(xs), [f"cat. {c}" for c in t["action_category"]])
        ax.set_ylabel("accepted (%)")
        ax.set_ylim(0, 105)
        ax.legend(frameon=False, fontsize=8, ncols=min(len(series), 4), loc="lower left",
                  bbox_to_anchor=(0, 1.0))
        ax.set_title("Acceptance by action category", loc="left", pad=24)
        return _svg(fig, "Acceptance by action category against the global UPR Info rates")


def state_profiles(a: Any, top: int = 20) -> str | None:
    """The ``top`` states with most recommendations, stacked by verdict (or position)."""
    p = a.profiles
    if p.empty:
        return None
    p = p.head(top).iloc[::-1]
    labelled = (p["n"] - p["unlabelled"]).sum() > 0
    parts = ("specific", "general", "vague", "endorsing") if labelled else ("supported", "noted")
    with plt.rc_context(_STYLE):
        fig, ax = plt.subplots(figsize=(7, 0.28 * len(p) + 1.2))
        left = pd.Series(0, index=p.index)
        for part in parts:
            ax.barh(p["state_name"], p[part], left=left, color=COLOURS[part], label=part)
            left = left + p[part]
        ax.set_xlabel("recommendations made (recommendation x state)")
        ax.legend(frameon=False, fontsize=8, loc="lower right")
        title = f"Top {len(p)} recommending states by " + ("verdict" if labelled else "position")
        ax.set_title(title, loc="left")
        ax.tick_params(axis="y", labelsize=8)
        return _svg(fig, title)


def cycle_change(a: Any) -> str | None:
    """Per cycle: headline vs substantive rate; and how this cycle's links to earlier ones
    changed (repeated, strengthened, watered down...)."""
    r = a.cycle_rates
    if r.empty or len(r) < 2:
        return None
    with plt.rc_context(_STYLE):
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 3))
        labels = [f"c{int(c)}" + (f"\n{int(y)}" if pd.notna(y) else "")
                  for c, y in zip(r["cycle"], r["year"], strict=True)]
        ax1.plot(labels, r["headline_rate"] * 100, marker="o", color=COLOURS["supported"],
                 label="supported")
        if r["substantive_rate"].notna().any():
            ax1.plot(labels, r["substantive_rate"].astype(float) * 100, marker="s",
                     color=COLOURS["specific"], label="substantive")
        ax1.set_ylim(0, 100)
        ax1.set_ylabel("% of recommendations")
        ax1.legend(frameon=False, fontsize=8)
        ax1.set_title("Acceptance by cycle", loc="left")
        lc = a.link_counts
        if len(lc):
            kinds = [k for k in COLOURS if k in lc.columns and lc[k].sum() > 0]
            left = pd.Series(0, index=lc.index)
            names = [f"to c{int(c)}" for c in lc["earlier_cycle"]]
            for k in kinds:
                ax2.barh(names, lc[k], left=left, color=COLOURS[k], label=k.replace("_", " "))
                left = left + lc[k]
            ax2.legend(frameon=False, fontsize=8, loc="upper center", ncols=3,
                       bbox_to_anchor=(0.5, -0.3))
            ax2.set_xlabel(f"links from cycle {a.headline.cycle}")
        else:
            ax2.text(0.5, 0.5, "no links above the threshold", ha="center", va="center",
                     transform=ax2.transAxes)
            ax2.set_axis_off()
        ax2.set_title("Link to earlier cycles", loc="left")
        return _svg(fig, "Cycle-over-cycle change")


def all_charts(a: Any) -> dict[str, str | None]:
    return {
        "positions_by_verdict": positions_by_verdict(a),
        "acceptance_by_category": acceptance_by_category(a),
        "state_profiles": state_profiles(a),
        "cycle_change": cycle_change(a),
    }
