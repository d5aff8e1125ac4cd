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


def post_criteria(client, slug: str, rows: list[tuple[str, str, str]]):
    """Post the criteria form with `rows` of (label, key, weight), as a browser would."""
    path = f"/staff/editions/{slug}/criteria"
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path, headers=HTML).text)
    form = {"csrf_token": token.group(1)}
    for i, row in enumerate(rows):
        form |= {
            f"{name}-{i}": value
            for name, value in zip(("label", "key", "weight"), row, strict=True)
        }
    return client.post(path, data=form, headers=HTML)


def test_staff_replace_the_criteria_on_the_page_as_through_the_api(jury, staff, contest):
    client = signed_in(jury, "jury")
    rows = [("Impact", "impact", "2"), ("", "", ""), ("Nieuw", "nieuw", "1.5")]
    response = post_criteria(client, contest.slug, rows)
    assert (response.status_code, response.location) == (
        303,
        f"/staff/editions/{contest.slug}/criteria",
    )
    api = jury.test_client()
    shown = api.get(f"/api/v1/editions/{contest.slug}/criteria", headers=staff).get_json()
    assert [(c["key"], c["weight"]) for c in shown] == [("impact", 2.0), ("nieuw", 1.5)]
    log = api.get(f"/api/v1/editions/{contest.slug}/criteria/changes", headers=staff).get_json()
    assert log["items"][-1]["staff"] == "Secretariaat"


def test_a_bad_weight_on_the_criteria_page_is_refused_beside_it(jury, contest):
    response = post_criteria(signed_in(jury, "jury"), contest.slug, [("Impact", "impact", "0")])
    assert response.status_code == 422 and 'id="weight-0-error"' in response.text


def test_once_scoring_started_the_page_refuses_new_weights_beside_the_criteria(
    jury, staff, contest
):
    client = signed_in(jury, "jury")
    assert post_criteria(client, contest.slug, [("Impact", "impact", "1")]).status_code == 303
    juror = logged_in_client(jury, staff, contest.slug, "an@example.be")
    score_form(juror, contest.finalists[0], {"impact": 5})
    response = post_criteria(client, contest.slug, [("Impact", "impact", "3")])
    assert response.status_code == 422 and 'id="criteria-error"' in response.text
