from __future__ import annotations

import csv

import pytest

from uprlens.classify import classify_csv
from uprlens.classify.codebook import ROW_COLUMNS
from uprlens.errors import SourceNotFound, WrongColumns


def _write(path, rows, header=("id", "text")):
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def test_batch_reports_failed_rows_and_writes_the_rest(tmp_path, clf):
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    _write(
        src,
        [
            ("a", "Ratify the ICCPR"),
            ("b", ""),
            ("c", "Ratifier le Pacte international relatif aux droits civils et politiques"),
            ("d", "Abolish the death penalty"),
        ],
    )
    s = classify_csv(src, dst, "text", id_column="id", classifier=clf)
    assert (s.rows, s.labelled) == (4, 2)
    assert [e.row for e in s.errors] == [2, 3]
    assert "row 2 (id b)" in s.errors[0].message and "empty" in s.errors[0].message
    assert "non-English" in s.errors[1].message
    assert not s.ok and "2 row(s) failed" in s.describe()
    out = list(csv.DictReader(dst.open(encoding="utf-8")))
    assert [r["id"] for r in out] == ["a", "b", "c", "d"]
    assert set(ROW_COLUMNS) <= set(out[0])
    assert out[0]["verdict"] == "specific" and out[1]["verdict"] == "" and out[1]["error"]


def test_missing_column_names_what_exists(tmp_path, clf):
    src = tmp_path / "in.csv"
    _write(src, [("a", "Ratify the ICCPR")])
    with pytest.raises(WrongColumns) as err:
        classify_csv(src, tmp_path / "out.csv", "recommendation", classifier=clf)
    assert 'missing column "recommendation"' in str(err.value)
    assert "found: id, text" in str(err.value)
    assert not (tmp_path / "out.csv").exists()


def test_missing_file(tmp_path, clf):
    with pytest.raises(SourceNotFound):
        classify_csv(tmp_path / "nope.csv", tmp_path / "out.csv", "text", classifier=clf)


def test_classify_records_names_the_failed_record(clf):
    from uprlens.classify import classify_records
    from uprlens.errors import ClassifyError
    from uprlens.types import Provenance, Recommendation, Review

    review = Review("CHN", 2)
    recs = [
        Recommendation(
            "CHN-c2-186.1",
            review,
            "186.1",
            "Ratify the ICCPR",
            [],
            Provenance("report.pdf", page=3),
        ),
        Recommendation("CHN-c2-186.2", review, "186.2", "  ", [], Provenance("report.pdf", page=3)),
    ]
    out = dict(classify_records(recs, classifier=clf))
    assert out["CHN-c2-186.1"].labels["verdict"].value == "specific"
    err = out["CHN-c2-186.2"]
    assert isinstance(err, ClassifyError) and "CHN-c2-186.2" in str(err) and "page 3" in str(err)


def test_existing_output_column_is_kept_and_ours_goes_beside_it(tmp_path, clf):
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    _write(src, [("a", "Ratify the ICCPR", "general")], header=("id", "text", "verdict"))
    classify_csv(src, dst, "text", classifier=clf)
    (row,) = list(csv.DictReader(dst.open(encoding="utf-8")))
    assert row["verdict"] == "general"  # the human coding survives
    assert row["verdict_uprlens"] == "specific"
    assert row["action_category"] == "5"


def test_both_output_names_taken_is_a_clear_error(tmp_path, clf):
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    _write(src, [("a", "Ratify", "x", "y")], header=("id", "text", "verdict", "verdict_uprlens"))
    with pytest.raises(WrongColumns) as err:
        classify_csv(src, dst, "text", classifier=clf)
    assert "verdict_uprlens" in str(err.value) and "rename" in str(err.value)
    assert not dst.exists()
