"""UPR Info exports: the real 41k-row file, pledges, encodings, XLSX, bad columns and states."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import openpyxl
import pytest

from uprlens.errors import BadRecord, UnknownState, UnreadableDocument, WrongColumns
from uprlens.ingest import read_any, read_upr_info

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
UPRINFO = DATA / "uprinfo"

HEADER = [
    "row_id", "state_under_review", "recommendation", "recommending_state", "response",
    "action_category", "issues", "session",
]  # fmt: skip
ROWS = [
    ["7", "China", "Ratify the ICCPR.", "France", "Noted", "5", "International instruments", "4"],
    ["3", "China", "Ratify the  ICCPR", "Sweden", "Noted", "5", "International instruments,Justice", "4"],
    ["5", "China", "Continue efforts in Côte d’Ivoire style", "Côte d'Ivoire", "Accepted", "2", "General", "4"],
    ["9", "Chile", "Abolish X.", "&#40;Unknown&#41;", "Accepted", "5", "Other", "18"],
]  # fmt: skip


def write_csv(
    path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8"
) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def test_groups_identical_texts_into_parts(tmp_path: Path) -> None:
    batches = read_upr_info(write_csv(tmp_path / "u.csv", HEADER, ROWS))
    assert [(b.review.sur, b.review.cycle, b.review.session) for b in batches] == [
        ("CHL", 2, 18),
        ("CHN", 1, 4),
    ]
    chn = batches[1]
    assert [r.id for r in chn.recommendations] == ["CHN-c1-u3", "CHN-c1-u5"]
    iccpr = chn.recommendations[0]
    assert iccpr.paragraph is None
    assert [p.states for p in iccpr.parts] == [("SWE",), ("FRA",)]
    assert iccpr.position == "noted" and iccpr.position_qualifier == "Noted"
    assert iccpr.issues == ["International instruments", "Justice"]
    assert iccpr.human_labels["action_category"] == "5"
    assert iccpr.parts[1].human_labels["row_id"] == "7"
    assert iccpr.provenance.row == 2  # the row of row_id 3
    unknown = batches[0].recommendations[0]
    assert unknown.parts[0].states == ()
    assert unknown.parts[0].human_labels["attribution"] == "unknown"


def test_missing_and_renamed_columns(tmp_path: Path) -> None:
    header = [h if h != "response" else "Position of SuR" for h in HEADER if h != "issues"]
    rows = [[c for i, c in enumerate(r) if HEADER[i] != "issues"] for r in ROWS]
    p = write_csv(tmp_path / "renamed.csv", header, rows)
    with pytest.raises(WrongColumns) as exc:
        read_upr_info(p)
    msg = str(exc.value)
    assert "'response'" in msg and "'issues'" in msg  # what is missing
    assert "'Position of SuR'" in msg  # what was found
    assert "renamed.csv" in msg and "column_map" in msg
    with pytest.raises(WrongColumns, match="'issues'"):
        read_upr_info(p, column_map={"response": "Position of SuR"})
    full = write_csv(
        tmp_path / "full.csv",
        [h if h != "response" else "Position of SuR" for h in HEADER],
        ROWS,
    )
    batches = read_upr_info(full, column_map={"response": "Position of SuR"})
    assert sum(len(r.parts) for b in batches for r in b.recommendations) == 4


def test_unknown_state_names_file_and_row(tmp_path: Path) -> None:
    rows = [*ROWS[:2], ["8", "China", "Do more", "Narnia", "Noted", "4", "General", "4"]]
    p = write_csv(tmp_path / "u.csv", HEADER, rows)
    with pytest.raises(UnknownState, match="Narnia") as exc:
        read_upr_info(p)
    assert exc.value.row == 3
    assert "u.csv" in str(exc.value) and "row 3" in str(exc.value)


def test_bad_response_is_a_bad_record(tmp_path: Path) -> None:
    rows = [*ROWS[:1], ["8", "China", "Do more", "France", "Perhaps", "4", "General", "4"]]
    with pytest.raises(BadRecord, match="'Perhaps'"):
        read_upr_info(write_csv(tmp_path / "u.csv", HEADER, rows))


def test_macroman_export(tmp_path: Path) -> None:
    utf = read_upr_info(write_csv(tmp_path / "a.csv", HEADER, ROWS))
    mac = read_upr_info(write_csv(tmp_path / "b.csv", HEADER, ROWS, encoding="mac_roman"))
    assert "encoding mac_roman" in mac[1].title and "encoding utf-8" in utf[1].title
    assert [r.text for b in mac for r in b.recommendations] == [
        r.text for b in utf for r in b.recommendations
    ]


def test_xlsx_gives_the_same_records(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in ROWS:
        ws.append([int(c) if c.isdigit() else c for c in r])
    wb.save(tmp_path / "u.xlsx")
    from_xlsx = read_upr_info(tmp_path / "u.xlsx")
    from_csv = read_upr_info(write_csv(tmp_path / "u.csv", HEADER, ROWS))
    strip = lambda bs: [(r.id, r.text, r.parts, r.position) for b in bs for r in b.recommendations]  # noqa: E731
    assert strip(from_xlsx) == strip(from_csv)


def test_truncated_csv(tmp_path: Path) -> None:
    p = write_csv(tmp_path / "u.csv", HEADER, ROWS)
    data = p.read_bytes()
    p.write_bytes(data[: data.index(b"Continue efforts") + 5])  # cut inside a row
    with pytest.raises((BadRecord, UnreadableDocument), match="truncated"):
        read_upr_info(p)


@pytest.fixture(scope="module")
def real():
    f = UPRINFO / "recommendations_s1-20.csv"
    if not f.exists():
        pytest.skip("shared data not available")
    t0, c0 = time.perf_counter(), time.process_time()
    batches = read_upr_info(f)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"\nUPR Info 41,066 rows: {wall:.2f} s wall, {cpu:.2f} s CPU")
    return batches, cpu


def test_real_export_whole_and_fast(real) -> None:
    batches, cpu = real
    rows = sum(len(r.parts) for b in batches for r in b.recommendations)
    assert rows == 41066
    assert all(r.kind == "recommendation" for b in batches for r in b.recommendations)
    unknown = [p for b in batches for r in b.recommendations for p in r.parts if not p.states]
    assert len(unknown) == 9
    assert all(p.human_labels["attribution"] == "unknown" for p in unknown)
    assert cpu < 10  # "a few seconds"; generous for a shared 2-core machine


def test_real_china_2013_unit_of_counting(real) -> None:
    batches, _ = real
    [chn] = [b for b in batches if (b.review.sur, b.review.session) == ("CHN", 17)]
    assert sum(len(r.parts) for r in chn.recommendations) == 284  # CODEBOOK: 284 UPR Info rows


def test_real_pledges_told_apart_by_content() -> None:
    f = UPRINFO / "voluntary_pledges_s1-19.csv"
    if not f.exists():
        pytest.skip("shared data not available")
    batches = read_any(f)
    recs = [r for b in batches for r in b.recommendations]
    assert sum(len(r.parts) for r in recs) == 947
    assert {r.kind for r in recs} == {"pledge"}
    assert {r.position for r in recs} == {None}
