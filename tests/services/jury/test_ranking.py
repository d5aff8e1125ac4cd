"""The ranking: weighted means per juror, means per finalist over the jurors who scored it
(recusals out), z-scores per juror when the edition asks, equal scores share a rank."""

from __future__ import annotations

import pytest

from services.jury.ranking import compute, zscores
from tests.services.jury.conftest import logged_in_client, put_criteria, score_form

WEIGHTS = {"impact": 2.0, "novelty": 1.0, "participation": 1.0}


def card(juror, finalist, a, b, c):
    return (juror, finalist, {"impact": a, "novelty": b, "participation": c})


def test_weights_decide_the_order():
    cards = [card("j", "A", 3, 10, 10), card("j", "B", 5, 5, 5), card("j", "C", 7, 7, 7)]
    rows = compute(cards, WEIGHTS, ["A", "B", "C"], zscore=False)
    assert [(r["finalist_id"], r["score"], r["rank"]) for r in rows] == [
        ("C", 7.0, 1),
        ("A", 6.5, 2),
        ("B", 5.0, 3),
    ]


def test_a_finalist_scores_the_mean_over_its_jurors():
    cards = [card("j1", "A", 8, 8, 8), card("j2", "A", 6, 6, 6), card("j2", "B", 9, 9, 9)]
    rows = compute(cards, WEIGHTS, ["A", "B"], zscore=False)
    assert {r["finalist_id"]: r["score"] for r in rows} == {"A": 7.0, "B": 9.0}


def test_equal_scores_share_a_rank_and_the_next_rank_skips():
    cards = [card("j", f, s, s, s) for f, s in (("A", 5), ("B", 8), ("C", 8), ("D", 2))]
    rows = compute(cards, WEIGHTS, ["A", "B", "C", "D"], zscore=False)
    assert [(r["finalist_id"], r["rank"]) for r in rows] == [("B", 1), ("C", 1), ("A", 3), ("D", 4)]


def test_unscored_finalists_come_last_without_a_score():
    rows = compute([card("j", "B", 5, 5, 5)], WEIGHTS, ["A", "B", "C"], zscore=False)
    assert [(r["finalist_id"], r["score"], r["rank"]) for r in rows] == [
        ("B", 5.0, 1),
        ("A", None, 2),
        ("C", None, 2),
    ]


def test_zscores_make_a_strict_and_a_lenient_juror_weigh_the_same():
    # strict prefers A a little, lenient prefers B a lot in absolute points; equal spread
    cards = [
        card("strict", "A", 3, 3, 3),
        card("strict", "B", 1, 1, 1),
        card("lenient", "A", 8, 8, 8),
        card("lenient", "B", 10, 10, 10),
    ]
    raw = compute(cards, WEIGHTS, ["A", "B"], zscore=False)
    normalised = compute(cards, WEIGHTS, ["A", "B"], zscore=True)
    assert [r["rank"] for r in raw] == [1, 1]  # 5.5 each
    assert [(r["score"], r["rank"]) for r in normalised] == [(0.0, 1), (0.0, 1)]


def test_zscores_of_a_juror_who_gave_everyone_the_same_are_zero():
    assert zscores({"A": 6.0, "B": 6.0}) == {"A": 0.0, "B": 0.0}


def test_zscores_are_distances_from_the_jurors_mean():
    assert zscores({"A": 4.0, "B": 8.0}) == {"A": -1.0, "B": 1.0}


@pytest.fixture
def scored(jury, staff, contest):
    """Two jurors' submitted scores; the second recused from the first finalist."""
    put_criteria(jury, staff, contest.slug, WEIGHTS)
    a, b, c = contest.finalists
    an = logged_in_client(jury, staff, contest.slug, "an@example.be")
    bo = logged_in_client(jury, staff, contest.slug, "bo@example.be")
    for fid, s in ((a, (3, 10, 10)), (b, (5, 5, 5)), (c, (7, 7, 7))):
        score_form(an, fid, dict(zip(WEIGHTS, s, strict=True)), action="submit")
    score_form(bo, a, {"impact": 1, "novelty": 1, "participation": 1}, "submit", recused="1")
    for fid, s in ((b, (9, 9, 9)), (c, (1, 1, 1))):
        score_form(bo, fid, dict(zip(WEIGHTS, s, strict=True)), action="submit")
    return contest


def ranking(jury, staff, slug):
    rows = jury.test_client().get(f"/api/v1/editions/{slug}/ranking", headers=staff).get_json()
    return [(r["finalist_id"], r["score"], r["rank"]) for r in rows]


def test_the_ranking_leaves_recusals_out(jury, staff, scored):
    a, b, c = scored.finalists
    assert ranking(jury, staff, scored.slug) == [(b, 7.0, 1), (a, 6.5, 2), (c, 4.0, 3)]


def test_drafts_do_not_count(jury, staff, contest):
    put_criteria(jury, staff, contest.slug, WEIGHTS)
    drafted, submitted, _ = contest.finalists
    an = logged_in_client(jury, staff, contest.slug, "an@example.be")
    nine, five = ({key: n for key in WEIGHTS} for n in (9, 5))
    assert score_form(an, drafted, nine).status_code == 303  # the draft is saved...
    assert 'value="9"' in an.get(f"/beoordelen/{drafted}").get_data(as_text=True)
    assert score_form(an, submitted, five, action="submit").status_code == 303
    scores = {fid: score for fid, score, _ in ranking(jury, staff, contest.slug)}
    assert scores[submitted] == 5.0  # ...a submitted card counts...
    assert scores[drafted] is None  # ...and the draft does not


def test_staff_switch_the_edition_to_zscores(jury, staff, scored):
    path = f"/api/v1/editions/{scored.slug}/jury-settings"
    response = jury.test_client().patch(path, json={"normalisation": "zscore"}, headers=staff)
    assert response.get_json() == {"normalisation": "zscore"}
    a, b, c = scored.finalists
    rows = ranking(jury, staff, scored.slug)
    # an: 6.5, 5, 7 -> z 0.39, -1.37, 0.98; bo: 9, 1 -> z 1, -1; so a 0.39, c -0.01, b -0.18
    assert [fid for fid, _, _ in rows] == [a, c, b]


def test_an_unknown_normalisation_is_422(jury, staff, contest):
    path = f"/api/v1/editions/{contest.slug}/jury-settings"
    response = jury.test_client().patch(path, json={"normalisation": "rank"}, headers=staff)
    assert response.status_code == 422


def test_tied_finalists_share_their_rank_in_the_api(jury, staff, contest):
    put_criteria(jury, staff, contest.slug, WEIGHTS)
    an = logged_in_client(jury, staff, contest.slug, "an@example.be")
    for fid, s in zip(contest.finalists, (6, 8, 6), strict=True):
        score_form(an, fid, dict.fromkeys(WEIGHTS, s), action="submit")
    a, b, c = contest.finalists
    assert ranking(jury, staff, contest.slug) == [(b, 8.0, 1), (a, 6.0, 2), (c, 6.0, 2)]
