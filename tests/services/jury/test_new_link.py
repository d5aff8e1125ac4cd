"""Asking for a new login link: the same answer for anyone, a mail for jurors, limited per
client address and per e-mail address (however spelled); the new link ends the earlier."""

from __future__ import annotations

from tests.links import button_form, follow
from tests.services.jury.conftest import csrf, invite, login_path, mails_to, run_worker

HTML = {"Accept": "text/html"}


def ask(client, address: str, ip: str = "127.0.0.1"):
    token = csrf(client, "/nieuwe-link")
    data = {"csrf_token": token, "email": address}
    return client.post("/nieuwe-link", data=data, headers=HTML, environ_base={"REMOTE_ADDR": ip})


def test_a_juror_gets_a_new_link(jury, staff, contest):
    invite(jury, staff, contest.slug, "An@Example.be")
    assert ask(jury.test_client(), "an@example.be ").status_code == 200
    run_worker(jury)
    assert len(mails_to(jury, "An@Example.be")) == 2


def test_the_answer_is_the_same_for_a_stranger(jury, staff, contest):
    invite(jury, staff, contest.slug, "an@example.be")
    client = jury.test_client()
    known = ask(client, "an@example.be").get_data(as_text=True)
    unknown = ask(client, "niemand@example.be").get_data(as_text=True)
    strip = lambda page: page.split('name="csrf_token"')[0]  # noqa: E731
    assert strip(known) == strip(unknown)
    run_worker(jury)
    assert mails_to(jury, "niemand@example.be") == []


def test_a_malformed_address_is_shown_back_with_the_problem(jury):
    response = ask(jury.test_client(), "geen-adres")
    assert response.status_code == 422
    assert 'value="geen-adres"' in response.get_data(as_text=True)


def test_new_links_are_limited_per_email_address(make_jury):
    jury = make_jury(jury_new_link_per_email="2 per hour")
    client = jury.test_client()
    statuses = [ask(client, "an@example.be").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert ask(client, "bo@example.be").status_code == 200


def test_new_links_are_limited_per_client_address(make_jury):
    jury = make_jury(jury_new_link_per_address="2 per hour")
    client = jury.test_client()
    statuses = [ask(client, f"p{i}@example.be").status_code for i in range(3)]
    assert statuses == [200, 200, 429]


def test_new_links_are_limited_per_network(make_jury):
    jury = make_jury(jury_new_link_per_network="2 per hour")
    client = jury.test_client()
    rotated = [f"2001:db8:4:{n:x}::1" for n in range(3)]  # three /64s of one /48
    statuses = [ask(client, f"p{n}@example.be", ip).status_code for n, ip in enumerate(rotated)]
    assert statuses == [200, 200, 429]
    assert ask(client, "p9@example.be", "2001:db8:5::1").status_code == 200  # another site


def test_a_limited_visitor_reads_why_in_the_pages_language(make_jury):
    jury = make_jury(jury_new_link_per_address="1 per hour")
    client = jury.test_client()
    ask(client, "p0@example.be")
    page = ask(client, "p1@example.be").get_data(as_text=True)
    assert "te veel vragen van jouw adres" in page
    assert "per 1 hour" not in page


def test_a_new_link_ends_the_earlier_ones(jury, staff, contest):
    invite(jury, staff, contest.slug, "an@example.be")
    first = login_path(jury, "an@example.be")
    ask(jury.test_client(), "an@example.be")
    run_worker(jury)
    newest = login_path(jury, "an@example.be")
    refused = jury.test_client().get(first, headers=HTML)
    assert refused.status_code == 410
    assert "nieuwere" in refused.get_data(as_text=True)
    client = jury.test_client()
    token = button_form(client.get(newest).get_data(as_text=True))[1]
    assert client.post(first, data={"csrf_token": token}, headers=HTML).status_code == 410
    assert follow(client, newest).status_code == 303


def test_the_limit_counts_every_spelling_of_an_address_as_one(make_jury):
    jury = make_jury(jury_new_link_per_email="2 per hour")
    client = jury.test_client()
    spellings = ("an.peeters@gmail.com", "AnPeeters@gmail.com", "an.peeters+jury@googlemail.com")
    assert [ask(client, address).status_code for address in spellings] == [200, 200, 429]
