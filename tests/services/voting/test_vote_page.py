"""The voting page: finalists as one radio group with one submit button, the form posting to
the same intake as the API, its honeypot and render time, and the pages after it."""

from __future__ import annotations

import re

import pytest

from shared.models import utcnow
from tests.services.voting.conftest import HOUR, apply, schedule


@pytest.fixture
def browser_like(voting):
    """A test client that asks for pages, with the page's CSRF cookie."""
    return voting.app.test_client()


def postpone(voting) -> None:
    """Reschedule the edition: voting opens in two hours."""
    later = utcnow() + 2 * HOUR
    apply(
        voting.app,
        "edition.scheduled",
        schedule(voting.slug, 2, voting_open=later, voting_close=later + HOUR),
    )


def form_fields(html: str) -> dict:
    return dict(re.findall(r'name="([^"]+)" value="([^"]*)"', html))


def load(client) -> tuple[str, dict]:
    html = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    return html, form_fields(html)


def post(client, voting, fields: dict, **extra):
    data = {k: fields[k] for k in ("csrf_token", "stamp") if k in fields} | extra
    return client.post(f"/stemmen/{voting.slug}", data=data, headers={"Accept": "text/html"})


def test_the_page_shows_the_finalists_as_one_radio_group(voting, browser_like):
    html, _ = load(browser_like)
    assert html.count('type="radio" name="finalist_id"') == 3
    assert html.count("<fieldset") == 1 and "<legend>" in html
    assert len(re.findall(r'<button type="submit"', html)) == 1
    assert "<script" not in html
    assert 'lang="nl"' in html


def test_the_page_speaks_english_when_asked(voting, browser_like):
    html = browser_like.get("/?lang=en").get_data(as_text=True)
    assert 'lang="en"' in html


def test_without_open_voting_the_page_says_so(voting, browser_like):
    postpone(voting)
    response = browser_like.get("/")
    assert response.status_code == 200
    assert "niet gestemd" in response.get_data(as_text=True)


def test_a_vote_from_the_page_leads_to_check_your_mail(voting, browser_like):
    _, fields = load(browser_like)
    response = post(
        browser_like, voting, fields, finalist_id=voting.finalist_ids[1], email="an@telenet.be"
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/stemmen/{voting.slug}/check-je-mail")
    assert "mailbox" in browser_like.get(response.headers["Location"]).get_data(as_text=True)
    [vote] = voting.votes()
    assert vote.finalist_id == voting.finalist_ids[1]
    assert vote.form_seconds is not None and 0 <= vote.form_seconds < 5
    assert vote.honeypot is False


def test_the_honeypot_is_recorded(voting, browser_like):
    _, fields = load(browser_like)
    post(
        browser_like,
        voting,
        fields,
        finalist_id=voting.finalist_ids[0],
        email="bot@telenet.be",
        website="http://spam",
    )
    assert voting.votes()[0].honeypot is True


def test_a_form_without_its_stamp_counts_as_no_time_at_all(voting, browser_like):
    _, fields = load(browser_like)
    fields["stamp"] = "forged"
    post(browser_like, voting, fields, finalist_id=voting.finalist_ids[0], email="x@telenet.be")
    assert voting.votes()[0].form_seconds == 0.0


def test_a_form_with_mistakes_comes_back_with_them_named(voting, browser_like):
    _, fields = load(browser_like)
    response = post(browser_like, voting, fields, email="wegwerp@mailinator.com")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html
    assert 'href="#email"' in html and f'href="#finalist-{voting.finalist_ids[0]}"' in html
    assert 'value="wegwerp@mailinator.com"' in html
    assert voting.votes() == []


def test_a_form_without_csrf_token_is_refused(voting, browser_like):
    load(browser_like)
    response = post(browser_like, voting, {}, finalist_id=voting.finalist_ids[0], email="a@b.be")
    assert response.status_code == 400
    assert voting.votes() == []


def test_a_form_sent_after_close_gets_a_page_saying_so(voting, browser_like):
    _, fields = load(browser_like)
    postpone(voting)
    response = post(
        browser_like, voting, fields, finalist_id=voting.finalist_ids[0], email="a@telenet.be"
    )
    assert response.status_code == 409
    assert "niet open" in response.get_data(as_text=True)


def test_the_english_page_is_translated(voting, browser_like):
    html = browser_like.get("/?lang=en").get_data(as_text=True)
    assert "Who do you vote for?" in html and ">Vote</button>" in html


def test_the_forms_address_asked_for_by_get_leads_back_to_the_page(voting, browser_like):
    response = browser_like.get(f"/stemmen/{voting.slug}?lang=en")
    assert response.status_code == 303
    assert response.headers["Location"] == "/?lang=en"
