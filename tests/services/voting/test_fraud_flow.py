"""Each fraud signal end to end: votes cast through the page or the API, mailed by the relay
and a real worker, confirmed by their links; a vote with enough evidence is quarantined with
its reasons and not counted, one with a weak signal alone is counted with its score."""

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


def test_a_form_sent_within_a_second_alone_is_counted_with_its_score(voting):
    page_vote(voting, "snel@telenet.be", seconds=0.4)
    assert confirm_all(voting, ["snel@telenet.be"]) == [("counted", [])]
    [vote] = voting.votes()
    assert set(vote.evidence) == {"too_fast"} and vote.score == vote.evidence["too_fast"]
    assert 0.5 < vote.score < 0.6  # just about at once, yet one signal alone


def test_a_form_sent_within_a_second_with_a_generated_name_holds_the_vote(voting):
    page_vote(voting, "xkqzvbnm@telenet.be", seconds=0.4)
    statuses = confirm_all(voting, ["xkqzvbnm@telenet.be"])
    assert statuses == [("quarantined", ["too_fast", "machine_name"])]
    [vote] = voting.votes()
    assert vote.machine_name == 1.0 and vote.score > 1.0


def test_a_person_taking_their_time_on_the_form_is_counted(voting):
    page_vote(voting, "rustig@telenet.be", seconds=25)
    assert confirm_all(voting, ["rustig@telenet.be"]) == [("counted", [])]
    [vote] = voting.votes()
    assert vote.evidence == {} and vote.score == 0 and vote.machine_name == 0


def test_a_link_clicked_the_instant_its_mail_went_weighs_with_a_generated_name(make_voting):
    voting = make_voting(fraud_min_click_seconds=3.0)  # as a script reading its mailboxes
    addresses = ["an.peeters@telenet.be", "xkqzvbnm@telenet.be"]
    for n, address in enumerate(addresses):
        voting.vote(address, ip=f"10.5.{n}.1")
    statuses = confirm_all(voting, addresses)
    assert statuses == [("counted", []), ("quarantined", ["machine_name", "fast_click"])]
    assert 0.55 < voting.votes()[0].evidence["fast_click"] <= 0.65  # alone: counted


def test_a_class_of_30_behind_one_address_is_at_most_held(voting, staff):
    school_class(voting, 30)  # at the school's own domain, from its one address
    votes = voting.votes()
    assert [vote.status for vote in votes[:20]] == ["counted"] * 20
    assert {vote.status for vote in votes} <= {"counted", "quarantined"}  # never refused
    assert {tuple(vote.evidence) for vote in votes[20:]} == {("network_flood", "shared_domain")}
    assert votes[-1].evidence["network_flood"] == 0.95  # 29 before it: not twice past 20
    assert [vote.status for vote in votes if vote.evidence.keys() == {"network_flood"}] == []
    tally = voting.tally(staff)
    assert tally["finalists"][0]["votes"] + tally["quarantined"] == 30


def test_a_class_far_past_the_flood_limit_is_held_not_refused(make_voting, staff):
    voting = make_voting(fraud_flood_votes=2)
    school_class(voting, 6)
    statuses = [(vote.status, vote.reasons) for vote in voting.votes()]
    assert statuses == [("counted", [])] * 3 + [("quarantined", ["network_flood"])] * 3
    assert voting.tally(staff)["quarantined"] == 3


def test_votes_rotated_through_the_64s_of_one_48_are_one_flood(make_voting):
    voting = make_voting(fraud_flood_votes=2, fraud_hold_score=0.5)
    addresses = [f"{name}@telenet.be" for name in ("an", "bo", "cas", "dirk")]
    for n, address in enumerate(addresses):
        voting.vote(address, ip=f"2001:db8:5:{n:x}::1")
    statuses = confirm_all(voting, addresses)
    assert statuses == [("counted", [])] * 2 + [("quarantined", ["network_flood"])] * 2


def test_numbered_addresses_are_held(voting):
    addresses = [f"jan.peeters{n}@telenet.be" for n in range(1, 8)]
    for n, address in enumerate(addresses):
        voting.vote(address, ip=f"10.8.{n}.1")
    # a family of seven: each sees six others, twice past the threshold of three
    assert confirm_all(voting, addresses) == [("quarantined", ["similar_addresses"])] * 7


def test_two_people_with_a_similar_address_are_counted(voting):
    addresses = ["jan.peeters@telenet.be", "jan.peeters2@telenet.be"]
    for n, address in enumerate(addresses):
        voting.vote(address, ip=f"10.8.{n}.1")
    assert confirm_all(voting, addresses) == [("counted", [])] * 2


def burst_of(make_voting, addresses: list[str]) -> tuple:
    """Votes for the second finalist from their own networks, confirmed at once (past three
    a burst); the voting service and each vote's (status, reasons)."""
    voting = make_voting(fraud_burst_floor=3, fraud_burst_factor=2.0)
    for n, address in enumerate(addresses):
        voting.vote(address, finalist=1, ip=f"10.7.{n}.1")
    return voting, confirm_all(voting, addresses)


def test_an_honest_burst_for_one_finalist_alone_is_counted(make_voting, staff):
    addresses = [f"fan.{name}@telenet.be" for name in ("an", "bo", "cas", "dirk", "eva")]
    voting, results = burst_of(make_voting, addresses)
    assert results == [("counted", [])] * 5
    assert [set(vote.evidence) for vote in voting.votes()] == [set()] * 3 + [{"finalist_burst"}] * 2
    assert voting.tally(staff)["finalists"][1]["votes"] == 5


def test_the_same_burst_with_generated_names_is_held(make_voting, staff):
    addresses = [f"{name}@telenet.be" for name in ("qxvbrtk", "zkwpfmd", "jvbqtrx", "wxkzpgt")]
    addresses += ["a8f3e9c1d2@telenet.be"]
    voting, results = burst_of(make_voting, addresses)
    held = [("quarantined", ["finalist_burst", "machine_name"])]
    assert results == [("counted", [])] * 3 + held * 2  # a generated name alone is counted
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
    assert outcomes == ["counted"] * 2 + ["quarantined"] * 4  # other networks' links
    assert voting.votes()[-1].reasons == ["machine_rhythm"]
    assert voting.votes()[-1].evidence == {"machine_rhythm": 1.0}
