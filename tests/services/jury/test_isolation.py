"""A juror sees only their own work, and a juror's session opens no staff call."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from services.jury.models import Scorecard
from tests.services.jury.conftest import (
    csrf,
    logged_in_client,
    schedule,
    score_form,
    select_finalists,
)

HTML = {"Accept": "text/html"}


def scorecards(jury) -> list[tuple[str, str]]:
    """(finalist id, comment) of every scorecard in the jury's database."""
    with jury.extensions["rv"].sessions() as session:
        return [(c.finalist_id, c.comment) for c in session.scalars(select(Scorecard))]


def staff_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every staff call, path parameters filled with dummies."""
    found = []
    for rule in app.url_map.iter_rules():
        if hasattr(app.view_functions[rule.endpoint], "staff_scope"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", "x", rule.rule)
            found += [(m, path) for m in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


def test_every_staff_call_refuses_a_jurors_session(jury, staff, contest):
    juror = logged_in_client(jury, staff, contest.slug, "an@example.be")
    routes = staff_routes(jury)
    assert len(routes) >= 9
    for method, path in routes:
        path = path.replace("/x/", f"/{contest.slug}/", 1) if "editions" in path else path
        assert juror.open(path, method=method, json={}).status_code == 401, (method, path)


def test_a_juror_never_sees_another_jurors_draft(jury, staff, contest):
    fid = contest.finalists[0]
    an = logged_in_client(jury, staff, contest.slug, "an@example.be")
    bo = logged_in_client(jury, staff, contest.slug, "bo@example.be")
    assert (
        score_form(an, fid, {"maatschappelijke-impact": 9}, comment="Geheim van An").status_code
        == 303
    )
    own = an.get(f"/beoordelen/{fid}", headers=HTML).get_data(as_text=True)
    assert "Geheim van An" in own and 'value="9"' in own  # saved, and shown to An
    page = bo.get(f"/beoordelen/{fid}", headers=HTML).get_data(as_text=True)
    assert "Geheim van An" not in page
    assert 'value="9"' not in page


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_finalist_of_another_edition_is_404(jury, staff, contest, method):
    other = schedule(jury)
    (foreign,) = select_finalists(jury, other, count=1)
    juror = logged_in_client(jury, staff, contest.slug, "an@example.be")
    own = contest.finalists[0]
    # A POST carries the session's CSRF token, so that it reaches the edition check.
    form = {"csrf_token": csrf(juror, f"/beoordelen/{own}"), "action": "draft"}
    form |= {"score-maatschappelijke-impact": "9", "comment": "Voor elders"}
    data = form if method == "POST" else None
    shown_or_saved = 200 if method == "GET" else 303  # the form; the draft saved
    own_response = juror.open(f"/beoordelen/{own}", method=method, data=data, headers=HTML)
    assert own_response.status_code == shown_or_saved
    response = juror.open(f"/beoordelen/{foreign}", method=method, data=data, headers=HTML)
    assert response.status_code == 404
    assert all(fid != foreign for fid, _ in scorecards(jury))
    if method == "POST":
        assert scorecards(jury) == [(own, "Voor elders")]


def test_a_juror_lists_only_their_editions_finalists(jury, staff, contest):
    other = schedule(jury)
    (foreign,) = select_finalists(jury, other, count=1)
    page = (
        logged_in_client(jury, staff, contest.slug, "an@example.be").get("/").get_data(as_text=True)
    )
    assert foreign not in page
    assert all(fid in page for fid in contest.finalists)
