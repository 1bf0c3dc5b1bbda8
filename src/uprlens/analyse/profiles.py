"""Who recommended what: a profile per recommending state, rankings and bloc comparisons.

Unit: the pair (recommendation, recommending state); a paragraph clustering five states
counts once for each of them.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from uprlens.analyse.acceptance import ACCEPTED, VERDICTS
from uprlens.errors import BadRecord, SourceNotFound, WrongColumns
from uprlens.lexicons.states import registry

__all__ = ["bloc_analysis", "ranking", "read_groups", "state_profiles"]


def state_profiles(pairs: pd.DataFrame) -> pd.DataFrame:
    """One row per recommending state: n, accepted share, verdict mix, endorsing count,
    specific-and-noted count, regional group and organisations; most recommendations first."""
    cols = ["state", "state_name", "regional_group", "organisations", "n", "supported",
            "noted", "accepted_share", *VERDICTS, "unlabelled", "specific_noted"]
    if pairs.empty:
        return pd.DataFrame(columns=cols)
    p = pairs.copy()
    p["accepted"] = p["position"].isin(ACCEPTED)
    p["is_noted"] = p["position"] == "noted"
    p["specific_noted"] = p["is_noted"] & (p["verdict"] == "specific")
    p["unlabelled"] = p["verdict"].isna()
    for v in VERDICTS:
        p[v] = p["verdict"] == v
    g = p.groupby(["state", "state_name", "regional_group", "organisations"], dropna=False)
    out = g.agg(
        n=("pk", "size"),
        supported=("accepted", "sum"),
        noted=("is_noted", "sum"),
        **{v: (v, "sum") for v in VERDICTS},
        unlabelled=("unlabelled", "sum"),
        specific_noted=("specific_noted", "sum"),
    ).reset_index()
    out["accepted_share"] = out["supported"] / out["n"]
    out = out.sort_values(["n", "state_name"], ascending=[False, True])
    return out[cols].reset_index(drop=True)


def ranking(pairs: pd.DataFrame, *, verdict: str, position: str | None = None) -> pd.DataFrame:
    """States ranked by how many of their recommendations have ``verdict`` (and ``position``
    when given), with the ids behind each count. E.g. who made the endorsing ones
    (verdict="endorsing"), who made the specific ones that were noted (verdict="specific",
    position="noted")."""
    cols = ["state", "state_name", "regional_group", "n", "ids"]
    if pairs.empty:
        return pd.DataFrame(columns=cols)
    sub = pairs[pairs["verdict"] == verdict]
    if position is not None:
        sub = sub[sub["position"] == position]
    if sub.empty:
        return pd.DataFrame(columns=cols)
    out = (
        sub.groupby(["state", "state_name", "regional_group"])
        .agg(n=("id", "size"), ids=("id", lambda s: sorted(set(s))))
        .reset_index()
        .sort_values(["n", "state_name"], ascending=[False, True])
    )
    return out[cols].reset_index(drop=True)


def bloc_analysis(
    pairs: pd.DataFrame,
    *,
    sur_group: str | None,
    groups: dict[str, set[str]] | None = None,
) -> pd.DataFrame:
    """Compare blocs of recommending states: the SuR's own regional group against all others,
    each regional group, and any user-given group (e.g. co-signers of a joint statement).

    One row per bloc: n pairs, states, accepted share, verdict shares, endorsing n, and the
    ids behind them (ids, ids_accepted, ids_<verdict>).
    """
    cols = ["bloc", "kind", "states", "n", "accepted_share", *[f"{v}_share" for v in VERDICTS],
            "endorsing", "ids", "ids_accepted", *[f"ids_{v}" for v in VERDICTS]]
    if pairs.empty:
        return pd.DataFrame(columns=cols)
    blocs: list[tuple[str, str, pd.Series]] = []
    if sur_group:
        same = pairs["regional_group"] == sur_group
        blocs.append((f"same regional group ({sur_group})", "sur_group", same))
        blocs.append(("all other states", "sur_group", ~same))
    for grp in sorted(pairs["regional_group"].dropna().unique()):
        blocs.append((str(grp), "regional_group", pairs["regional_group"] == grp))
    for name, members in sorted((groups or {}).items()):
        inside = pairs["state"].isin(members)
        blocs.append((name, "user_group", inside))
        blocs.append((f"not in {name}", "user_group", ~inside))
    rows = []
    for name, kind, mask in blocs:
        sub = pairs[mask]
        labelled = sub[sub["verdict"].notna()]
        row = {
            "bloc": name,
            "kind": kind,
            "states": sub["state"].nunique(),
            "n": len(sub),
            "accepted_share": float(sub["position"].isin(ACCEPTED).mean()) if len(sub) else None,
            "endorsing": int((sub["verdict"] == "endorsing").sum()),
            "ids": sorted(set(sub["id"])),
            "ids_accepted": sorted(set(sub[sub["position"].isin(ACCEPTED)]["id"])),
        }
        for v in VERDICTS:
            row[f"{v}_share"] = (
                float((labelled["verdict"] == v).mean()) if len(labelled) else None
            )
            row[f"ids_{v}"] = sorted(set(labelled[labelled["verdict"] == v]["id"]))
        rows.append(row)
    return pd.DataFrame(rows, columns=cols)


def read_groups(path: str | Path) -> dict[str, set[str]]:
    """User-given groups of states from a CSV with columns ``group`` and ``state`` (names or
    ISO3, as spelled in UN documents), one row per member. A file with a single column
    ``state`` is one group named after the file."""
    p = Path(path)
    if not p.is_file():
        raise SourceNotFound("no such groups file; give a CSV with columns group,state", path=p)
    try:
        text = p.read_text("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadRecord(f"not UTF-8 text ({exc.reason}); save the CSV as UTF-8", path=p) from None
    reader = csv.DictReader(text.splitlines())
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "state" not in fields:
        raise WrongColumns(
            f"missing column 'state' (found: {', '.join(reader.fieldnames or []) or 'nothing'}); "
            "the groups file needs columns group,state",
            path=p,
        )
    reg = registry()
    out: dict[str, set[str]] = {}
    problems: list[str] = []
    for i, raw in enumerate(reader, start=1):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        name = row.get("group") or p.stem
        state = row.get("state", "")
        if not state:
            problems.append(f"row {i}: empty state")
            continue
        iso = reg.lookup(state)
        if iso is None and state.upper() in reg:
            iso = state.upper()
        if iso is None:
            problems.append(f"row {i}: unknown state {state!r}")
            continue
        out.setdefault(name, set()).add(iso)
    if problems:
        raise BadRecord(
            "; ".join(problems)
            + ". Spell states as in UN documents or use ISO3 codes (add aliases in "
            "uprlens/lexicons/states.csv)",
            path=p,
        )
    if not out:
        raise BadRecord("no states in the groups file", path=p)
    return out

