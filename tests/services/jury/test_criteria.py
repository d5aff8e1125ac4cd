"""Criteria: a default set seeded per edition, replaced as a whole by staff until scoring
starts (then only their labels change); every replacement is in their audit log."""

from __future__ import annotations

import pytest

from services.jury.criteria import DEFAULT_CRITERIA
from tests.services.jury.conftest import logged_in_client, put_criteria, score_form

GOOD = {"impact": 2, "novelty": 1}


def test_an_edition_arrives_with_the_default_criteria(jury, staff, contest):
    rows = jury.test_client().get(f"/api/v1/editions/{contest.slug}/criteria", headers=staff)
    assert [c["key"] for c in rows.get_json()] == [k for k, _ in DEFAULT_CRITERIA]
    assert {c["weight"] for c in rows.get_json()} == {1.0}


def test_put_replaces_the_criteria(jury, staff, contest):
    response = put_criteria(jury, staff, contest.slug, GOOD)
    assert response.status_code == 200
    assert [(c["key"], c["weight"]) for c in response.get_json()] == [("impact", 2), ("novelty", 1)]


def test_the_form_labels_each_criterion(jury, staff, contest):
    put_criteria(jury, staff, contest.slug, GOOD)
    juror = logged_in_client(jury, staff, contest.slug, "an@example.be")
    page = juror.get(f"/beoordelen/{contest.finalists[0]}").get_data(as_text=True)
    assert '<label for="score-impact">Impact' in page
    assert 'type="number" id="score-impact" name="score-impact" min="1" max="10"' in page


def test_put_takes_a_list_only(jury, staff, contest):
    path = f"/api/v1/editions/{contest.slug}/criteria"
    response = jury.test_client().put(path, json={"key": "x"}, headers=staff)
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            [{"key": "a", "label": "A", "weight": 1}, {"key": "a", "label": "B", "weight": 1}],
            "criteria",
        ),
        ([{"key": "a", "label": "A", "weight": 0}], "criteria.0.weight"),
        ([{"key": "A b", "label": "A", "weight": 1}], "criteria.0.key"),
    ],
    ids=["duplicate key", "weight 0", "bad key"],
)
def test_put_refuses_bad_criteria(jury, staff, contest, body, field):
    path = f"/api/v1/editions/{contest.slug}/criteria"
    response = jury.test_client().put(path, json=body, headers=staff)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {field}


def test_put_refuses_an_empty_set(jury, staff, contest):
    response = put_criteria(jury, staff, contest.slug, {})
    assert response.status_code == 422


def test_put_is_404_before_the_edition_arrives(jury, staff):
    assert put_criteria(jury, staff, "nog-niet", GOOD).status_code == 404


def test_put_after_a_submitted_score_is_409(jury, staff, contest):
    put_criteria(jury, staff, contest.slug, GOOD)
    juror = logged_in_client(jury, staff, contest.slug, "an@example.be")
    score_form(juror, contest.finalists[0], {"impact": 5, "novelty": 5}, action="submit")
    assert put_criteria(jury, staff, contest.slug, {"impact": 1}).status_code == 409


def test_put_once_a_draft_was_saved_is_409(jury, staff, contest):
    put_criteria(jury, staff, contest.slug, GOOD)
    juror = logged_in_client(jury, staff, contest.slug, "an@example.be")
    score_form(juror, contest.finalists[0], {"impact": 5})
    assert put_criteria(jury, staff, contest.slug, {"impact": 9, "novelty": 1}).status_code == 409


def test_put_after_a_submission_was_reopened_is_still_409(jury, staff, contest):
    put_criteria(jury, staff, contest.slug, GOOD)
    juror = logged_in_client(jury, staff, contest.slug, "an@example.be")
    score_form(juror, contest.finalists[0], {"impact": 5, "novelty": 5}, action="submit")
    [juror_id] = [p["juror_id"] for p in progress(jury, staff, contest.slug)]
    jury.test_client().post(
        f"/api/v1/editions/{contest.slug}/jurors/{juror_id}/reopen", json={}, headers=staff
    )
    assert put_criteria(jury, staff, contest.slug, {"impact": 1, "novelty": 1}).status_code == 409


def test_once_scoring_started_the_labels_may_still_change(jury, staff, contest):
    put_criteria(jury, staff, contest.slug, GOOD)
    juror = logged_in_client(jury, staff, contest.slug, "an@example.be")
    score_form(juror, contest.finalists[0], {"impact": 5})
    body = [{"key": "impact", "label": "Impact!", "weight": 2}, *criteria(jury, staff, contest)[1:]]
    response = jury.test_client().put(
        f"/api/v1/editions/{contest.slug}/criteria", json=body, headers=staff
    )
    assert response.status_code == 200


def test_every_replacement_is_in_the_audit_log(jury, staff, contest):
    put_criteria(jury, staff, contest.slug, GOOD)
    response = jury.test_client().get(
        f"/api/v1/editions/{contest.slug}/criteria/changes", headers=staff
    )
    [change] = response.get_json()["items"]
    assert [c["key"] for c in change["old"]] == [k for k, _ in DEFAULT_CRITERIA]
    assert [(c["key"], c["weight"]) for c in change["new"]] == [("impact", 2.0), ("novelty", 1.0)]
    assert change["staff"] == "tester"


def criteria(jury, staff, contest) -> list[dict]:
    return (
        jury.test_client()
        .get(f"/api/v1/editions/{contest.slug}/criteria", headers=staff)
        .get_json()
    )


def progress(jury, staff, slug: str) -> list[dict]:
    return jury.test_client().get(f"/api/v1/editions/{slug}/progress", headers=staff).get_json()
