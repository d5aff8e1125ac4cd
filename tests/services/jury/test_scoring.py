"""The scoring form: drafts kept on the server, submit locks, staff reopen, recusal, and
nothing lost when the session ran out or the input was refused."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.links import follow
from tests.services.jury.conftest import (
    close_jury,
    invite,
    logged_in_client,
    login_path,
    put_criteria,
    run_worker,
    score_form,
)

HTML = {"Accept": "text/html"}
WEIGHTS = {"impact": 2, "novelty": 1, "participation": 1}


@pytest.fixture
def juror(jury, staff, contest):
    """A logged-in juror's client, criteria impact (2), novelty (1), participation (1)."""
    assert put_criteria(jury, staff, contest.slug, WEIGHTS).status_code == 200
    return logged_in_client(jury, staff, contest.slug, "an@example.be")


def field(page: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*?value="([^"]*)"', page, re.S).group(1)


def form_page(client, finalist_id: str) -> str:
    return client.get(f"/beoordelen/{finalist_id}", headers=HTML).get_data(as_text=True)


def test_a_draft_comes_back_prefilled(juror, contest):
    fid = contest.finalists[0]
    response = score_form(juror, fid, {"impact": 7}, comment="Sterk verhaal")
    assert response.status_code == 303
    page = form_page(juror, fid)
    assert field(page, "score-impact") == "7"
    assert "Sterk verhaal</textarea>" in page


def test_a_draft_may_be_incomplete_but_not_off_the_scale(juror, contest):
    response = score_form(juror, contest.finalists[0], {"impact": 11, "novelty": 4})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field(page, "score-impact") == "11"  # shown back as typed, with the problem
    assert field(page, "score-novelty") == "4"
    assert 'href="#score-impact"' in page


def test_submit_needs_every_score(juror, contest):
    response = score_form(juror, contest.finalists[0], {"impact": 5}, action="submit")
    assert response.status_code == 422
    assert 'href="#score-novelty"' in response.get_data(as_text=True)


def test_submit_locks_the_scorecard(juror, contest):
    fid = contest.finalists[0]
    scores = {"impact": 5, "novelty": 5, "participation": 5}
    assert score_form(juror, fid, scores, action="submit").status_code == 303
    response = score_form(juror, fid, {**scores, "impact": 9}, action="draft")
    assert response.status_code == 409
    assert field(form_page(juror, fid), "score-impact") == "5"


def test_staff_reopen_unlocks_with_the_values_kept(jury, staff, juror, contest):
    fid = contest.finalists[0]
    scores = {"impact": 5, "novelty": 5, "participation": 5}
    score_form(juror, fid, scores, action="submit")
    juror_id = _juror_id(jury, staff, contest.slug)
    response = jury.test_client().post(
        f"/api/v1/editions/{contest.slug}/jurors/{juror_id}/reopen",
        json={"finalist_id": fid},
        headers=staff,
    )
    assert response.get_json() == {"reopened": 1}
    assert score_form(juror, fid, {**scores, "impact": 9}, action="submit").status_code == 303


def test_reopen_without_a_body_unlocks_all(jury, staff, juror, contest):
    for fid in contest.finalists[:2]:
        score_form(juror, fid, {"impact": 5, "novelty": 5, "participation": 5}, action="submit")
    juror_id = _juror_id(jury, staff, contest.slug)
    path = f"/api/v1/editions/{contest.slug}/jurors/{juror_id}/reopen"
    assert jury.test_client().post(path, headers=staff).get_json() == {"reopened": 2}


def test_a_recusal_needs_no_scores(juror, contest):
    response = score_form(juror, contest.finalists[0], {}, action="submit", recused="1")
    assert response.status_code == 303


def test_progress_counts_scored_drafts_and_recusals(jury, staff, juror, contest):
    a, b, c = contest.finalists
    score_form(juror, a, {"impact": 5, "novelty": 5, "participation": 5}, action="submit")
    score_form(juror, b, {"impact": 5})
    score_form(juror, c, {}, action="submit", recused="1")
    (row,) = (
        jury.test_client()
        .get(f"/api/v1/editions/{contest.slug}/progress", headers=staff)
        .get_json()
    )
    assert (row["scored"], row["drafts"], row["recused"], row["total"]) == (1, 1, 1, 3)


def progress_row(jury, staff, slug: str) -> dict:
    """The progress API's one row (the edition has one juror)."""
    response = jury.test_client().get(f"/api/v1/editions/{slug}/progress", headers=staff)
    (row,) = response.get_json()
    return row


def test_progress_shows_the_last_login_then_the_last_save(jury, staff, contest):
    invite(jury, staff, contest.slug, "an@example.be")
    assert progress_row(jury, staff, contest.slug)["last_activity"] is None
    client = jury.test_client()
    assert follow(client, login_path(jury, "an@example.be")).status_code == 303
    logged_in = dt.datetime.fromisoformat(progress_row(jury, staff, contest.slug)["last_activity"])
    score_form(client, contest.finalists[0], {"impact": 5})
    saved = dt.datetime.fromisoformat(progress_row(jury, staff, contest.slug)["last_activity"])
    assert saved > logged_in


def test_a_post_after_the_session_ended_shows_the_values_back(jury, juror, contest):
    fid = contest.finalists[0]
    stranger = jury.test_client()  # no session: as after it expired
    form = {"csrf_token": "verlopen", "action": "submit", "score-impact": "8", "comment": "Top"}
    response = stranger.post(f"/beoordelen/{fid}", data=form, headers=HTML)
    page = response.get_data(as_text=True)
    assert response.status_code == 401
    assert field(page, "score-impact") == "8"
    assert "Top</textarea>" in page
    assert 'action="/nieuwe-link"' in page


def test_logging_in_again_leads_back_to_the_form_left(jury, staff, juror, contest):
    fid = contest.finalists[1]
    client = jury.test_client()
    client.post(f"/beoordelen/{fid}", data={"action": "draft", "score-impact": "8"})
    client.post("/nieuwe-link", data={"csrf_token": _token(client), "email": "an@example.be"})
    run_worker(jury)
    response = follow(client, login_path(jury, "an@example.be"))
    assert response.headers["Location"] == f"/beoordelen/{fid}"


def test_a_bad_csrf_token_in_a_live_session_shows_the_values_back(juror, contest):
    form = {"csrf_token": "vervalst", "action": "draft", "score-impact": "6"}
    response = juror.post(f"/beoordelen/{contest.finalists[0]}", data=form, headers=HTML)
    assert response.status_code == 400
    assert field(response.get_data(as_text=True), "score-impact") == "6"


def test_after_the_close_the_form_refuses_changes_and_keeps_the_draft(jury, staff, juror, contest):
    fid = contest.finalists[0]
    score_form(juror, fid, {"impact": 4})
    close_jury(jury, contest.slug)
    response = score_form(juror, fid, {"impact": 9})
    assert response.status_code == 409
    page = form_page(juror, fid)
    assert field(page, "score-impact") == "4"
    assert "<fieldset disabled>" in page


def _token(client) -> str:
    page = client.get("/nieuwe-link", headers=HTML).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _juror_id(app, staff, slug) -> str:
    rows = app.test_client().get(f"/api/v1/editions/{slug}/progress", headers=staff).get_json()
    return rows[0]["juror_id"]
