"""The hub's staff pages: a new edition typed in its own time zone, the screening list and a
nomination's page with its decision form (the decision in the audit log under the token's
name), the finalists picker, and publishing the winners under an embargo. Each form goes
through the API's rules and answers its errors beside the fields."""

from __future__ import annotations

import datetime as dt
import html
import re
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from services.nominations.models import Finalist
from shared.schemas.contest import RANKING_FINAL, TALLY_FINAL
from tests.factories import iso, issue_token
from tests.services.nominations.staff_helpers import HTML, post_form, signed_in
from tests.services.nominations.test_results import arrive, ranking, tally

BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture
def client(hub):
    """The hub's staff pages, signed in as "Secretariaat" (an admin token)."""
    return signed_in(hub.app, issue_token({"nominations": hub.app}, "admin", name="Secretariaat"))


def page(client, path: str) -> str:
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_a_staff_page_asks_to_sign_in_first(hub):
    response = hub.app.test_client().get(f"/staff/editions/{hub.slug}", headers=HTML)
    assert (response.status_code, response.location) == (
        303,
        f"/staff/login?next=/staff/editions/{hub.slug}",
    )


def test_a_new_edition_takes_its_moments_in_its_own_time_zone(hub, client):
    form = {"slug": "rv-2027", "title": "RV 2027", "timezone": "Europe/Brussels"}
    form |= {"nominations_open": "2027-03-01T09:00", "nominations_close": "2027-03-29T12:00"}
    form |= {"voting_open": "2027-04-05T09:00", "voting_close": "2027-04-20T18:00"}
    form |= {"jury_close": "2027-05-01T18:00"}
    form |= {"finalist_count": "5", "tie_break": "shared", "public_tally": "yes"}
    response = post_form(client, "/staff/editions/new", form)
    assert (response.status_code, response.location) == (303, "/staff/editions/rv-2027")
    edition = hub.client.get("/api/v1/editions/rv-2027").get_json()
    # 29 March 2027 is after the change to summer time: 12:00 there is 10:00 UTC.
    assert dt.datetime.fromisoformat(edition["nominations_close"]) == dt.datetime(
        2027, 3, 29, 12, tzinfo=BRUSSELS
    )
    assert (edition["finalist_count"], edition["tie_break"], edition["public_tally"]) == (
        5,
        "shared",
        True,
    )


def test_a_schedule_changed_on_the_page_is_in_the_audit_log_under_the_token_name(hub, client):
    later = dt.datetime.now(BRUSSELS).replace(second=0, microsecond=0) + dt.timedelta(days=400)
    form = {"jury_close": later.strftime("%Y-%m-%dT%H:%M")}
    assert post_form(client, f"/staff/editions/{hub.slug}", form).status_code == 303
    [change] = hub.get(f"/api/v1/editions/{hub.slug}/changes").get_json()["items"]
    assert (change["field"], change["staff"]) == ("jury_close", "Secretariaat")
    assert dt.datetime.fromisoformat(change["new"]) == later


def test_a_new_edition_with_mistakes_comes_back_with_each_beside_its_field(hub, client):
    form = {"slug": hub.slug, "title": "Dubbel", "nominations_open": "morgen"}
    response = post_form(client, "/staff/editions/new", form)
    shown = response.get_data(as_text=True)
    assert response.status_code == 422
    for field in ("nominations_open", "nominations_close", "jury_close"):
        assert f'id="{field}-error"' in shown
    assert 'value="Dubbel"' in shown


def test_a_schedule_out_of_order_is_refused_beside_the_field(hub, client):
    path = f"/staff/editions/{hub.slug}"
    response = post_form(client, path, {"voting_open": "2001-01-01T10:00"})
    assert response.status_code == 422
    assert 'id="voting_open-error"' in response.get_data(as_text=True)


def test_the_list_links_each_nomination_and_filters_as_the_api(hub, client):
    first, second = hub.confirmed(0), hub.confirmed(1, region="Limburg")
    listed = page(client, f"/staff/editions/{hub.slug}/nominations?region=Limburg")
    assert second in listed and first not in listed


def test_the_list_pages_with_a_next_link(hub, client, monkeypatch):
    monkeypatch.setattr("services.nominations.staff_screening.PAGE", 1)
    ids = [hub.confirmed(0), hub.confirmed(1)]
    first = page(client, f"/staff/editions/{hub.slug}/nominations")
    assert ids[0] in first and ids[1] not in first
    following = html.unescape(re.search(r'rel="next" href="([^"]+)"', first).group(1))
    assert ids[1] in page(client, following)


def test_a_bad_filter_is_shown_beside_its_field(hub, client):
    response = client.get(f"/staff/editions/{hub.slug}/nominations?status=x", headers=HTML)
    assert response.status_code == 422
    assert 'id="status-error"' in response.get_data(as_text=True)


def test_a_nomination_page_shows_all_it_holds_and_its_other_nominators(hub, client):
    nomination_id = hub.confirmed(0)
    hub.confirmed(5, nominee_name="Energiebib 0", organisation="Vzw Proef 0")
    shown = page(client, f"/staff/editions/{hub.slug}/nominations/{nomination_id}")
    for text in ("Gezinnen met een laag inkomen", "info0@vzwproef.be", "https://vzwproef.be/0"):
        assert text in shown
    assert "proef.persoon0@telenet.be" in shown and "proef.persoon5@telenet.be" in shown


def test_a_nomination_page_shows_what_a_later_nominator_wrote_otherwise(hub, client):
    nomination_id = hub.confirmed(0)
    again = {"nominee_email": "info0@vzwproef.be", "problem": "Energie is te duur voor velen."}
    hub.confirmed(5, nominee_name="De Energiebib", organisation="Vzw Proef 0", **again)
    shown = html.unescape(page(client, f"/staff/editions/{hub.slug}/nominations/{nomination_id}"))
    later = shown[shown.index("proef.persoon5@telenet.be") :]
    assert "Energie is te duur voor velen." in later and "De Energiebib" in later
    assert "Zuinige toestellen" not in later  # the same words as the first are not repeated


def test_a_decision_on_the_page_is_in_the_audit_log_under_the_token_name(hub, client):
    nomination_id = hub.confirmed(0)
    path = f"/staff/editions/{hub.slug}/nominations/{nomination_id}"
    response = post_form(client, path, {"status": "rejected", "note": "Nog een idee."})
    assert (response.status_code, response.location) == (303, path)
    [decision] = hub.get(f"/api/v1/nominations/{nomination_id}").get_json()["decisions"]
    assert (decision["status"], decision["staff"], decision["note"]) == (
        "rejected",
        "Secretariaat",
        "Nog een idee.",
    )


def test_a_decision_without_a_choice_is_refused_beside_it(hub, client):
    path = f"/staff/editions/{hub.slug}/nominations/{hub.confirmed(0)}"
    response = post_form(client, path, {"note": "?"})
    assert response.status_code == 422 and 'id="status-error"' in response.get_data(as_text=True)


def test_a_form_without_its_csrf_token_is_refused(hub, client):
    path = f"/staff/editions/{hub.slug}/nominations/{hub.confirmed(0)}"
    assert client.post(path, data={"status": "accepted"}, headers=HTML).status_code == 400


def test_the_finalists_picked_on_the_page_reach_the_api(hub, client):
    ids = hub.accepted(3)
    hub.close_nominations()
    path = f"/staff/editions/{hub.slug}/finalists"
    assert post_form(client, path, {"nomination_ids": ids[:2]}).status_code == 303
    finalists = hub.get("/api/v1/editions/{slug}/finalists").get_json()["finalists"]
    assert [f["id"] for f in finalists] == ids[:2]


def test_the_finalists_picked_on_the_page_are_chosen_under_the_token_name(hub, client):
    ids = hub.accepted(2)
    hub.close_nominations()
    path = f"/staff/editions/{hub.slug}/finalists"
    assert post_form(client, path, {"nomination_ids": ids}).status_code == 303
    with hub.app.extensions["rv"].sessions() as session:
        assert set(session.scalars(select(Finalist.chosen_by))) == {"Secretariaat"}


def test_finalists_outside_the_screening_phase_are_refused_on_the_page(hub, client):
    ids = hub.accepted(1)
    response = post_form(client, f"/staff/editions/{hub.slug}/finalists", {"nomination_ids": ids})
    assert response.status_code == 422
    assert 'id="nomination_ids-error"' in response.get_data(as_text=True)


@pytest.fixture
def closed(hub) -> list[str]:
    """Two finalists of an edition whose rounds have all closed."""
    ids = hub.accepted(2)
    hub.close_nominations()
    assert hub.choose(ids).status_code == 200
    hub.patch_edition(
        nominations_close=iso(-40), voting_open=iso(-30), voting_close=iso(-20), jury_close=iso(-1)
    )
    return ids


def test_winners_published_on_the_page_wait_for_the_embargo(hub, client, closed):
    later = dt.datetime.now(BRUSSELS).replace(second=0, microsecond=0) + dt.timedelta(hours=2)
    form = {"jury": closed[0], "public": closed[1], "publish_at": later.strftime("%Y-%m-%dT%H:%M")}
    response = post_form(client, f"/staff/editions/{hub.slug}/results", form)
    assert response.status_code == 303
    assert hub.client.get(f"/api/v1/editions/{hub.slug}/winners").status_code == 404
    shown = page(client, f"/staff/editions/{hub.slug}/results")
    assert "Gepubliceerd door Secretariaat" in shown


def test_the_results_page_checks_the_winners_the_rule_gives_and_says_why(hub, client, closed):
    path = f"/staff/editions/{hub.slug}/results"
    assert "checked" not in page(client, path)  # no figures yet: the rule names nobody
    arrive(hub, TALLY_FINAL, tally(hub.slug, {closed[0]: 4, closed[1]: 4}))
    arrive(hub, RANKING_FINAL, ranking(hub.slug, {closed[0]: 6.0, closed[1]: 8.5}), "jury")
    shown = page(client, path)
    for award in ("jury", "public"):  # level on votes: the jury's score decides
        assert f'id="{award}-{closed[1]}" name="{award}" value="{closed[1]}" checked' in shown
    assert "de score van de jury besliste" in shown


def test_the_pages_speak_english_when_asked(hub, client):
    assert "Nominations" in page(client, f"/staff/editions/{hub.slug}/nominations?lang=en")


def test_an_unknown_edition_or_nomination_answers_a_404_page_in_the_page_language(hub, client):
    for path in ("/staff/editions/nope/results", f"/staff/editions/{hub.slug}/nominations/nope"):
        response = client.get(path, headers=HTML)
        assert response.status_code == 404 and "No " not in response.text
