"""UHRI exports. No real export exists offline: these fixtures are built from the structure
documented in shared/data/README.md ("What is not here: UHRI exports"): the column names
(including the misspelt "Reccomending Body"), "- " list values, &nbsp; in Text, the paragraph
number inside the text, "UPR Session" values like "- 31 - ...".
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest

from uprlens.errors import UnknownState, WrongColumns
from uprlens.ingest import read_any, read_uhri, read_uhri_experts

COLUMNS = [
    "Text", "Countries Concerned", "Reccomending Body", "Document Symbol",
    "Document Publication Date", "UPR Session", "Type", "UPR Position", "Themes",
    "Affected Persons", "SDGs", "Annotation",
]  # fmt: skip
ROWS = [
    ["28.5&nbsp;Ratify the ICCPR (France) (Germany);", "- China", "- UPR", "A/HRC/40/6",
     "2018-12-26", "- 31 - Universal Periodic Review, 31st session", "Recommendation",
     "Supported", "- Acceptance of international norms\n- Civil & political rights",
     "- general", "- 16 - Peace", "x"],
    ["28.1 Consider ratifying (Chile);", "- China", "- UPR", "A/HRC/40/6", "2018-12-26",
     "- 31 - ...", "Recommendation", "Noted", "", "", "", ""],
    ["12. The Committee recommends that the State party release all detainees.", "- China",
     "- CERD", "CERD/C/CHN/CO/14-17", "2018-09-19", "", "Concluding observations", "", "", "",
     "", ""],
]  # fmt: skip


def write_csv(path: Path, columns=COLUMNS, rows=ROWS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(columns)
        w.writerows(rows)
    return path


def check(batches) -> None:
    [b] = batches
    assert b.kind == "uhri"
    assert (b.review.sur, b.review.cycle, b.review.session, b.review.year) == ("CHN", 3, 31, 2018)
    assert b.review.wg_report == "A/HRC/40/6"
    first, second = b.recommendations
    assert first.id == "CHN-c3-28.1"
    assert second.text == "Ratify the ICCPR (France) (Germany);"
    assert second.states == ["FRA", "DEU"]
    assert second.position == "supported"
    assert second.themes == ["Acceptance of international norms", "Civil & political rights"]
    assert second.sdgs == ["16 - Peace"] and second.affected_persons == ["general"]
    assert "Annotation" in b.title  # unrecognised column reported
    assert "1 expert" in b.title


def test_csv(tmp_path: Path) -> None:
    p = write_csv(tmp_path / "export.csv")
    check(read_uhri(p))
    check(read_any(p))


def test_xlsx(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(COLUMNS)
    for r in ROWS:
        wb.active.append(r)
    wb.save(tmp_path / "export-full-en.xlsx")
    check(read_any(tmp_path / "export-full-en.xlsx"))


def test_json(tmp_path: Path) -> None:
    recs = [dict(zip(COLUMNS, r, strict=True)) for r in ROWS]
    recs[0]["Themes"] = ["Acceptance of international norms", "Civil & political rights"]
    p = tmp_path / "export.json"
    p.write_text(json.dumps(recs))
    check(read_any(p))


def test_experts(tmp_path: Path) -> None:
    [e] = read_uhri_experts(write_csv(tmp_path / "export.csv"))
    assert (e.body, e.symbol, e.year, e.paragraph, e.sur) == (
        "CERD", "CERD/C/CHN/CO/14-17", 2018, "12", "CHN",
    )  # fmt: skip
    assert e.text.startswith("The Committee recommends") and e.verbatim


def test_column_map_and_missing_columns(tmp_path: Path) -> None:
    columns = ["Recommendation body text" if c == "Text" else c for c in COLUMNS]
    p = write_csv(tmp_path / "e.csv", columns)
    with pytest.raises(WrongColumns, match="'text'") as exc:
        read_uhri(p)
    assert "Recommendation body text" in str(exc.value)
    check(read_uhri(p, column_map={"text": "Recommendation body text"}))


def test_unknown_country(tmp_path: Path) -> None:
    rows = [list(ROWS[0]), list(ROWS[1])]
    rows[1][1] = "- Utopia"
    with pytest.raises(UnknownState, match="Utopia") as exc:
        read_uhri(write_csv(tmp_path / "e.csv", rows=rows))
    assert exc.value.row == 2
