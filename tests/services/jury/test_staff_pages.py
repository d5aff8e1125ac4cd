"""The jury's staff pages: behind the staff sign-in, progress and ranking by name."""

from __future__ import annotations

import re

from tests.factories import issue_token
from tests.services.jury.conftest import logged_in_client, score_form

HTML = {"Accept": "text/html"}


def signed_in(app, *scopes: str):
    client = app.test_client()
    page = client.get("/staff/login", headers=HTML).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    staff_token = issue_token({"jury": app}, *scopes, name="Secretariaat")
    client.post("/staff/login", data={"csrf_token": token, "token": staff_token})
    return client


def test_a_juror_is_sent_to_the_staff_sign_in(jury, staff, contest):
    juror = logged_in_client(jury, staff, contest.slug, "an@example.be")
    response = juror.get(f"/staff/editions/{contest.slug}", headers=HTML)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/staff/login")


def test_staff_see_progress_and_ranking(jury, staff, contest):
    juror = logged_in_client(jury, staff, contest.slug, "an@example.be")
    score_form(juror, contest.finalists[2], {}, action="submit", recused="1")
    page = signed_in(jury, "jury").get(f"/staff/editions/{contest.slug}", headers=HTML)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Jurylid" in text and "Innovatie 2" in text
    assert "Scores tellen zoals gegeven" in text


def test_staff_without_the_jury_right_are_refused(jury, contest):
    client = signed_in(jury, "votes")
    assert client.get(f"/staff/editions/{contest.slug}", headers=HTML).status_code == 403


def test_staff_download_the_csv(jury, contest):
    response = signed_in(jury, "jury").get(f"/staff/editions/{contest.slug}/scores.csv")
    assert response.mimetype == "text/csv"


def test_staff_invite_a_juror_from_the_page_as_through_the_api(jury, contest):
    client = signed_in(jury, "jury")
    path = f"/staff/editions/{contest.slug}"
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path, headers=HTML).text)
    form = {"csrf_token": token.group(1), "name": "Els De Vos", "email": "els@kuleuven.be"}
    response = client.post(f"{path}/jurors", data=form | {"lang": "en"}, headers=HTML)
    assert (response.status_code, response.location) == (303, path)
    assert "Els De Vos" in client.get(path, headers=HTML).text
    again = client.post(f"{path}/jurors", data=form | {"lang": "nl"}, headers=HTML)
    assert again.status_code == 422 and 'id="email-error"' in again.text
