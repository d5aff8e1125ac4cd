"""The CSV export of all scores and comments."""

from __future__ import annotations

import csv
import io

from services.jury.export import safe_cell
from tests.services.jury.conftest import logged_in_client, put_criteria, score_form


def test_formula_like_cells_are_defused():
    assert [safe_cell(v) for v in ("=1+1", "+32", "-2", "@SUM(A1)", "gewoon", 7)] == [
        "'=1+1",
        "'+32",
        "'-2",
        "'@SUM(A1)",
        "gewoon",
        7,
    ]


def test_the_export_has_a_row_per_juror_and_finalist_with_comments(jury, staff, contest):
    put_criteria(jury, staff, contest.slug, {"impact": 2, "novelty": 1})
    juror = logged_in_client(jury, staff, contest.slug, "an@example.be")
    score_form(
        juror,
        contest.finalists[0],
        {"impact": 9, "novelty": 6},
        "submit",
        comment='=HYPERLINK("x")',
    )
    score_form(juror, contest.finalists[1], {"impact": 4}, comment="Nog twijfel, één vraag")
    response = jury.test_client().get(f"/api/v1/editions/{contest.slug}/scores.csv", headers=staff)
    body = response.get_data()
    assert response.mimetype == "text/csv"
    assert body.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert [(r["status"], r["impact"], r["novelty"], r["weighted_score"]) for r in rows] == [
        ("submitted", "9", "6", "8.0"),
        ("draft", "4", "", ""),
    ]
    assert rows[0]["comment"] == '\'=HYPERLINK("x")'
    assert rows[1]["comment"] == "Nog twijfel, één vraag"
