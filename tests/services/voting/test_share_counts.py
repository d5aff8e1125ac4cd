"""Tracking without tracking: a shared link's `?via=` word rides in the voting form and is
stored with the vote, so staff see, in the votes-per-hour page and the integrity report,
how many confirmed votes came through each finalist's links; no cookie, no person."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.services.voting.review_helpers import close

HTML = {"Accept": "text/html"}
FIELD = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def vote_through(voting, path: str, address: str, ip: str) -> None:
    """Open `path` as a browser, then vote on its form for the finalist it has chosen."""
    client = voting.app.test_client()
    html = client.get(path, headers=HTML).get_data(as_text=True)
    fields = {name: unescape(value) for name, value in FIELD.findall(html)}
    (chosen,) = re.findall(r'value="([^"]+)"\s+checked', html)
    form = fields | {"finalist_id": chosen, "email": address}
    response = client.post(
        f"/stemmen/{voting.slug}", data=form, headers=HTML, environ_base={"REMOTE_ADDR": ip}
    )
    assert response.status_code == 303, response.get_data(as_text=True)


@pytest.fixture
def shared(make_voting):
    """Votes through links of the first finalist: two by WhatsApp and one by mail confirmed,
    one by WhatsApp never confirmed; one for the second finalist without a link."""
    voting = make_voting(fraud_min_form_seconds=0)
    first = f"/stemmen/{voting.slug}/{voting.finalist_ids[0]}"
    cast = [
        (f"{first}?via=whatsapp", "an@telenet.be"),
        (f"{first}?via=WhatsApp", "bo@skynet.be"),
        (f"{first}?via=mail", "cis@proximus.be"),
        (f"{first}?via=whatsapp", "dirk@telenet.be"),
        (f"/stemmen/{voting.slug}/{voting.finalist_ids[1]}", "els@telenet.be"),
    ]
    for n, (path, address) in enumerate(cast):
        vote_through(voting, path, address, ip=f"10.{n}.0.1")
    voting.deliver()
    for n, address in enumerate(("an@telenet.be", "bo@skynet.be", "cis@proximus.be")):
        assert voting.confirm(voting.token(address), ip=f"10.{n}.9.1").status_code == 200
    assert voting.confirm(voting.token("els@telenet.be")).status_code == 200
    return voting


def test_the_via_word_is_stored_with_the_vote(shared):
    stored = sorted((vote.via or "") for vote in shared.votes())
    assert stored == ["", "mail", "whatsapp", "whatsapp", "whatsapp"]


def test_the_report_counts_confirmed_votes_per_finalist_and_word(shared, staff):
    close(shared)
    response = shared.app.test_client().get(
        f"/api/v1/editions/{shared.slug}/integrity", headers=staff
    )
    lines = [(line["name"], line["via"], line["counted"]) for line in response.get_json()["by_via"]]
    assert lines == [("Innovatie 0", "mail", 1), ("Innovatie 0", "whatsapp", 2)]


def test_the_report_text_says_it_too(shared, staff):
    close(shared)
    text = (
        shared.app.test_client()
        .get(f"/api/v1/editions/{shared.slug}/integrity?format=text", headers=staff)
        .get_data(as_text=True)
    )
    assert "- Innovatie 0, via whatsapp: 2 geteld, 0 in quarantaine" in text


def test_the_votes_per_hour_page_shows_them(shared, token_for):
    client = shared.app.test_client()
    form = {"token": token_for("votes"), "next": "/staff/"}
    login = client.get("/staff/login", headers=HTML).get_data(as_text=True)
    form["csrf_token"] = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    client.post("/staff/login", data=form, headers=HTML)
    page = client.get(f"/staff/editions/{shared.slug}/votes", headers=HTML).get_data(as_text=True)
    cells = re.sub(r"<td[^>]*>", "<td>", re.sub(r">\s+<", "><", page))
    assert '<th scope="row">Innovatie 0</th><td>whatsapp</td><td>2</td><td>0</td>' in cells


def test_the_link_leaves_nothing_in_the_session(voting):
    client = voting.app.test_client()
    client.get(f"/stemmen/{voting.slug}/{voting.finalist_ids[0]}?via=whatsapp", headers=HTML)
    with client.session_transaction() as session:
        assert "whatsapp" not in repr(dict(session))
