"""Each fraud signal end to end: votes cast through the page or the API, mailed by the relay
and a real worker, confirmed by their links; a held vote is quarantined with its reason and
not counted."""

from __future__ import annotations

import datetime as dt
import re
import time

from services.voting.confirmation import confirm_vote
from shared.models import utcnow
from shared.tokens import make_token
from tests.services.voting.review_helpers import school_class

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def page_vote(voting, address: str, seconds: float, website: str = "") -> None:
    """Vote through the page as a visitor who spent `seconds` on the form."""
    client = voting.app.test_client()
    csrf = CSRF.search(client.get("/").get_data(as_text=True)).group(1)
    with voting.app.app_context():
        stamp = make_token("vote-form", repr(time.time() - seconds))
    form = {
        "finalist_id": voting.finalist_ids[0],
        "email": address,
        "csrf_token": csrf,
        "stamp": stamp,
        "website": website,
    }
    assert client.post(f"/stemmen/{voting.slug}", data=form).status_code == 303


def confirm_all(voting, addresses: list[str]) -> list[tuple[str, list]]:
    """Deliver the mails, click each link from its own network; (status, reasons) each."""
    voting.deliver()
    for n, address in enumerate(addresses):
        assert voting.confirm(voting.token(address), ip=f"10.9.{n}.1").status_code == 200
    return [(vote.status, vote.reasons) for vote in voting.votes()]


def test_a_filled_honeypot_holds_the_vote(voting, staff):
    page_vote(voting, "bot@telenet.be", seconds=20, website="https://spam.example")
    assert confirm_all(voting, ["bot@telenet.be"]) == [("quarantined", ["honeypot"])]
    assert voting.tally(staff)["finalists"][0]["votes"] == 0


def test_a_form_sent_within_a_second_holds_the_vote(voting):
    page_vote(voting, "snel@telenet.be", seconds=0.4)
    assert confirm_all(voting, ["snel@telenet.be"]) == [("quarantined", ["too_fast"])]


def test_a_person_taking_their_time_on_the_form_is_counted(voting):
    page_vote(voting, "rustig@telenet.be", seconds=25)
    assert confirm_all(voting, ["rustig@telenet.be"]) == [("counted", [])]


def test_a_class_past_the_flood_limit_is_held_not_refused(make_voting, staff):
    voting = make_voting(fraud_flood_votes=2)
    school_class(voting, 5)
    statuses = [(vote.status, vote.reasons) for vote in voting.votes()]
    assert statuses == [("counted", [])] * 2 + [("quarantined", ["network_flood"])] * 3
    assert voting.tally(staff)["quarantined"] == 3


def test_votes_rotated_through_the_64s_of_one_48_are_one_flood(make_voting):
    voting = make_voting(fraud_flood_votes=2)
    addresses = [f"{name}@telenet.be" for name in ("an", "bo", "cas", "dirk")]
    for n, address in enumerate(addresses):
        voting.vote(address, ip=f"2001:db8:5:{n:x}::1")
    statuses = confirm_all(voting, addresses)
    assert statuses == [("counted", [])] * 2 + [("quarantined", ["network_flood"])] * 2


def test_numbered_addresses_are_held(voting):
    addresses = [f"jan.peeters{n}@telenet.be" for n in (1, 2, 3)]
    for n, address in enumerate(addresses):
        voting.vote(address, ip=f"10.8.{n}.1")
    assert confirm_all(voting, addresses) == [("quarantined", ["similar_addresses"])] * 3


def test_two_people_with_a_similar_address_are_counted(voting):
    addresses = ["jan.peeters@telenet.be", "jan.peeters2@telenet.be"]
    for n, address in enumerate(addresses):
        voting.vote(address, ip=f"10.8.{n}.1")
    assert confirm_all(voting, addresses) == [("counted", [])] * 2


def test_a_burst_for_one_finalist_is_held(make_voting, staff):
    voting = make_voting(fraud_burst_floor=3, fraud_burst_factor=2.0)
    addresses = [f"fan.{name}@telenet.be" for name in ("an", "bo", "cas", "dirk", "eva")]
    for n, address in enumerate(addresses):
        voting.vote(address, finalist=1, ip=f"10.7.{n}.1")
    results = confirm_all(voting, addresses)
    assert results == [("counted", [])] * 3 + [("quarantined", ["finalist_burst"])] * 2
    assert voting.tally(staff)["finalists"][1]["votes"] == 3


def test_clicks_in_a_machine_rhythm_are_held(voting):
    addresses = [f"klik.{name}@telenet.be" for name in ("an", "bo", "cas", "dirk", "eva", "fien")]
    for n, address in enumerate(addresses):
        voting.vote(address, ip=f"10.6.{n}.1")
    voting.deliver()
    start, outcomes = utcnow(), []
    environ = {"REMOTE_ADDR": "5.6.7.8"}  # one script clicking every 2 seconds
    for n, vote in enumerate(voting.votes()):
        with (
            voting.app.test_request_context(environ_base=environ),
            voting.app.extensions["rv"].sessions.begin() as session,
        ):
            moment = start + dt.timedelta(seconds=2 * n)
            outcomes.append(confirm_vote(session.connection(), vote.id, moment).value)
    assert outcomes == ["counted"] * 5 + ["quarantined"]
    assert voting.votes()[-1].reasons == ["machine_rhythm"]
