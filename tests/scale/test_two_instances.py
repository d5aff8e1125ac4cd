"""Several instances side by side: every service is stateless beside its database and Redis.

Two gunicorn instances of each service, two rq workers per queue and two relays per service
run as real processes on one PostgreSQL (a database per service) and one Redis. Traffic goes
through both instances of each service at the same moment: staff change the schedule on both
hub instances at once and invite one juror on both jury instances at once; every person votes
with two spellings of their address at once, one on each voting instance, votes again, then
clicks two of their links at once, one on each instance; one address and one network vote
past their limits on both instances together; one batch of the hub's events reaches both of
its workers at once; and voting closes with two relays watching. The test then finds the hub's
last schedule in every replica, one counted vote per person, the limits held at their combined
count, each event's mail sent once, one final tally that agrees with the votes and the hub's
figures, and every event acknowledged by its producer and applied once by its consumer.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import partial
from string import ascii_lowercase

import pytest
from rq.job import Job
from rq.results import Result
from sqlalchemy import func, select

from services.nominations.models import Nominator
from services.nominations.nominations import MAIL_CONFIRM
from services.voting.edition_keys import in_edition
from services.voting.models import Edition, Vote
from shared.config import SERVICES
from shared.events import envelope
from shared.models import AppliedEvent, OutboxEvent
from shared.people import identify
from shared.queues import JOB_FUNCTION, queue
from shared.schemas.contest import TALLY_FINAL
from tests.factories import edition_body, iso
from tests.scale.client import at_once, call, in_parallel, pressing
from tests.scale.conftest import ADDRESS_LIMIT, NETWORK_LIMIT, Cluster
from tests.services.nominations.conftest import nomination_body
from tests.shared.bus_helpers import outbox_states, wait_for

pytestmark = pytest.mark.slow

BURST = 12  # votes sent at once to try a limit
VOTERS = 24
NOMINATIONS = 6  # the first three become the finalists, the others stay unconfirmed
REDELIVERED = 5  # mail events per unconfirmed nominator in the batch delivered twice
VOTE_LINK = re.compile(r"/votes/confirm/(\S+)")
NOMINATION_LINK = re.compile(r"/nominations/confirm/\S+")


# The hub: an edition from nominations to open voting, through both instances.


def open_voting(c: Cluster) -> tuple[str, list[str]]:
    """An edition nominated, screened and given its finalists through both hub instances,
    then opened for voting; its slug and finalists once both voting instances show them."""
    body = edition_body(finalist_count=3)
    slug = body["slug"]
    assert call(f"{c.url('nominations', 0)}/api/v1/editions", "POST", body, c.staff)[0] == 201
    chosen = nominate(c, slug)[:3]
    in_parallel(partial(confirm_nomination, c), range(3))
    for n, nomination_id in enumerate(chosen):
        decision = {"status": "accepted", "note": "ok"}
        url = f"{c.url('nominations', n)}/api/v1/nominations/{nomination_id}"
        assert call(url, "PATCH", decision, c.staff)[0] == 200
    reschedule(c, slug, nominations_close=iso(-2))
    url = f"{c.url('nominations', 1)}/api/v1/editions/{slug}/finalists"
    status, text = call(url, "PUT", {"nomination_ids": chosen}, c.staff)
    assert status == 200, text
    finalists = [f["id"] for f in json.loads(text)["finalists"]]
    reschedule(c, slug, voting_open=iso(-1))
    wait_for(lambda: all(shows_finalists(u, finalists) for u in c.urls["voting"]), 20, 0.2)
    return slug, finalists


def nominate(c: Cluster, slug: str) -> list[str]:
    """NOMINATIONS nominations sent together, alternately to each hub instance; their ids."""

    def send(n: int) -> str:
        url = f"{c.url('nominations', n)}/api/v1/editions/{slug}/nominations"
        status, text = call(url, "POST", nomination_body(n))
        assert status == 202, text
        return json.loads(text)["id"]

    return in_parallel(send, range(NOMINATIONS))


def confirm_nomination(c: Cluster, n: int) -> None:
    """Follow the link of nomination n's mail, on hub instance n % 2."""
    mails, _ = wait_for(lambda: c.mails(nomination_body(n)["nominator_email"]), 20, 0.2)
    path = NOMINATION_LINK.search(mails[-1].get_body(("plain",)).get_content()).group(0)
    assert pressing(f"{c.url('nominations', n)}{path}")()[0] == 200


def patch_edition(c: Cluster, n: int, slug: str, **changes) -> tuple[int, str]:
    """Change the edition's schedule as staff on hub instance n % 2."""
    return call(f"{c.url('nominations', n)}/api/v1/editions/{slug}", "PATCH", changes, c.staff)


def reschedule(c: Cluster, slug: str, **changes) -> None:
    """Change the schedule on the first hub instance, which must accept it."""
    status, text = patch_edition(c, 0, slug, **changes)
    assert status == 200, text


def shows_finalists(voting_url: str, finalists: list[str]) -> bool:
    """The voting page of this instance offers every finalist."""
    status, page = call(f"{voting_url}/")
    return status == 200 and all(finalist in page for finalist in finalists)


def schedule_of(url: str, slug: str) -> tuple[int, str]:
    """An instance's revision and voting_close of the edition."""
    edition = json.loads(call(f"{url}/api/v1/editions/{slug}")[1])
    return edition["revision"], edition["voting_close"]


def change_schedule_at_once(c: Cluster, slug: str) -> None:
    """Six changes of voting_close at the same moment, three on each hub instance: the hub
    counts a revision for each, and every replica ends at the hub's last schedule."""
    before, _ = schedule_of(c.url("nominations", 0), slug)
    changes = [
        partial(patch_edition, c, n, slug, voting_close=iso(7200 + 60 * n)) for n in range(6)
    ]
    assert [status for status, _ in at_once(*changes)] == [200] * 6
    hub = schedule_of(c.url("nominations", 0), slug)
    assert hub[0] == before + 6
    replicas = [*c.urls["voting"], *c.urls["jury"]]
    wait_for(lambda: all(schedule_of(u, slug) == hub for u in replicas), 15, 0.2)


def invite_juror(c: Cluster, n: int, slug: str, email: str) -> int:
    """Invite An Jurylid as staff on jury instance n % 2; the answer's status."""
    url = f"{c.url('jury', n)}/api/v1/editions/{slug}/jurors"
    return call(url, "POST", {"name": "An Jurylid", "email": email}, c.staff)[0]


def invite_one_juror_twice_at_once(c: Cluster, slug: str) -> None:
    """The same juror (two spellings) invited on both jury instances at once: one invitation."""
    spellings = ("An.Jurylid@Telenet.be", "an.jurylid@telenet.be")
    invitations = (partial(invite_juror, c, n, slug, email) for n, email in enumerate(spellings))
    assert sorted(at_once(*invitations)) == [201, 409]


# Voting: people, their votes and links, on both instances.


@dataclass(frozen=True)
class Voter:
    """A person with three spellings of one address, voting from a network of their own."""

    n: int

    @property
    def spellings(self) -> tuple[str, str, str]:
        # Letters, not digits: addresses alike but for digits are a fraud signal.
        name = ascii_lowercase[self.n // 26] + ascii_lowercase[self.n % 26]
        if self.n % 2:
            return (
                f"Kiezer.{name}@Telenet.be",
                f"kiezer.{name}@telenet.be",
                f"KIEZER.{name}@TELENET.BE",
            )
        return (
            f"jan.peeters.{name}@gmail.com",
            f"JanPeeters{name}+stem@googlemail.com",
            f"Jan.Peeters.{name}@GMAIL.com",
        )

    @property
    def headers(self) -> dict:
        """Where the voter's requests come from, as the (trusted) proxy in front says."""
        return {"X-Forwarded-For": f"10.0.{self.n}.1"}


def vote(c: Cluster, slug: str, finalist: str, email: str, headers: dict, n: int) -> int:
    """Cast a vote on voting instance n % 2; the answer's status."""
    url = f"{c.url('voting', n)}/api/v1/editions/{slug}/votes"
    return call(url, "POST", {"finalist_id": finalist, "email": email}, headers)[0]


def vote_twice_at_once(c: Cluster, slug: str, finalists: list[str], voter: Voter) -> list[int]:
    """The voter's first two spellings at the same moment, one on each voting instance."""
    finalist = finalists[voter.n % len(finalists)]
    return at_once(
        *(partial(vote, c, slug, finalist, voter.spellings[n], voter.headers, n) for n in (0, 1))
    )


def vote_again(c: Cluster, slug: str, finalists: list[str], voter: Voter) -> int:
    """The voter's third spelling, on one instance or the other."""
    finalist = finalists[voter.n % len(finalists)]
    return vote(c, slug, finalist, voter.spellings[2], voter.headers, voter.n)


def mails_sent(c: Cluster) -> bool:
    """No vote holds a clear address: every mail due has gone."""
    with c.session("voting") as session:
        due = session.scalar(select(func.count()).where(Vote.email.is_not(None)))
    return due == 0


def links_by_address(c: Cluster) -> dict[str, list[str]]:
    """The confirmation tokens mailed to each address as typed."""
    tokens = defaultdict(list)
    for mail in c.mails():
        link = VOTE_LINK.search(mail.get_body(("plain",)).get_content())
        if link:
            tokens[mail["To"]].append(link.group(1))
    return tokens


def confirm_two_links_at_once(c: Cluster, tokens: dict, voter: Voter) -> list[int]:
    """Two different links of the voter opened, then their buttons pressed at the same
    moment, one on each instance."""
    links = sorted({t for spelling in voter.spellings for t in tokens[spelling]})
    assert len(links) >= 2, links
    presses = [
        pressing(f"{c.url('voting', n)}/votes/confirm/{token}", headers=voter.headers)
        for n, token in enumerate(links[:2])
    ]
    return [status for status, _ in at_once(*presses)]


def vote_and_confirm_on_both_instances(
    c: Cluster, slug: str, finalists: list[str], voters: list[Voter]
) -> None:
    """Every voter votes with two spellings at once, one on each instance; once the mails
    have gone, a second later, with a third spelling; then clicks two of their links at
    once, one on each instance. Every answer is the ordinary one."""
    twice = in_parallel(partial(vote_twice_at_once, c, slug, finalists), voters)
    assert twice == [[202, 202]] * len(voters)
    wait_for(lambda: mails_sent(c), 20, 0.2)
    time.sleep(1.1)  # a link made a second later is another link (its signature is timed)
    assert in_parallel(partial(vote_again, c, slug, finalists), voters) == [202] * len(voters)
    wait_for(lambda: mails_sent(c), 20, 0.2)
    clicks = in_parallel(partial(confirm_two_links_at_once, c, links_by_address(c)), voters)
    assert clicks == [[200, 200]] * len(voters)  # one counts it, the other finds it counted


def statuses_of(c: Cluster, voters: list[Voter]) -> list[str]:
    """The status of every stored vote of these voters' persons (each edition keeps a person
    under its own key: services/voting/edition_keys.py)."""
    settings = c.apps["voting"].extensions["rv"].settings
    platform = [identify(settings, v.spellings[0]).hash for v in voters]
    with c.session("voting") as session:
        rows = session.execute(
            select(Vote.person_hash, Vote.status, Edition.hash_key).join(
                Edition, Edition.id == Vote.edition_id
            )
        ).all()
    return [
        status for person, status, key in rows if person in {in_edition(key, p) for p in platform}
    ]


def assert_tally_agrees_with_votes(c: Cluster, slug: str, public: dict[str, int]) -> None:
    """The counted votes stored are one a voter, and they are both instances' tallies and the
    hub's public figures; the unconfirmed ones are the tallies' too."""
    with c.session("voting") as session:
        by_status = Counter(
            dict(session.execute(select(Vote.status, func.count()).group_by(Vote.status)).all())
        )
        counted = dict(
            session.execute(
                select(Vote.finalist_id, func.count())
                .where(Vote.status == "counted")
                .group_by(Vote.finalist_id)
            ).all()
        )
    assert sum(counted.values()) == by_status["counted"] == VOTERS
    assert public == counted
    for url in c.urls["voting"]:
        status, text = call(f"{url}/api/v1/editions/{slug}/tally", headers=c.staff)
        assert status == 200, text
        tally = json.loads(text)
        assert {f["finalist_id"]: f["votes"] for f in tally["finalists"]} == counted
        assert tally["unconfirmed"] == by_status["unconfirmed"]


def assert_limits_count_both_instances(c: Cluster, slug: str, finalist: str) -> None:
    """BURST votes from one address, then from one network, each half on either instance at
    the same moment: each limit lets through its number in all, not its number an instance."""
    one_address = ["192.0.2.7"] * BURST
    one_network = [f"198.51.100.{n}" for n in range(1, BURST + 1)]
    assert votes_from(c, slug, finalist, one_address) == {
        202: ADDRESS_LIMIT,
        429: BURST - ADDRESS_LIMIT,
    }
    assert votes_from(c, slug, finalist, one_network) == {
        202: NETWORK_LIMIT,
        429: BURST - NETWORK_LIMIT,
    }


def votes_from(c: Cluster, slug: str, finalist: str, addresses: list[str]) -> Counter:
    """New people's votes from these client addresses, all at the same moment, alternately
    on each voting instance: how many got each status."""

    def new_person(n: int, address: str):
        email = f"grens.{uuid.uuid4().hex}@telenet.be"
        return partial(vote, c, slug, finalist, email, {"X-Forwarded-For": address}, n)

    return Counter(at_once(*(new_person(n, a) for n, a in enumerate(addresses))))


# The bus: one batch delivered to both workers of the hub, and every event applied once.


def deliver_twice_at_once(c: Cluster) -> tuple[list[dict], list[Job]]:
    """A batch of mail events for the unconfirmed nominators, enqueued as two jobs at once (as
    when the relay sends a batch again while its first delivery still runs): the hub's two
    workers take one each."""
    b = c.apps["nominations"].extensions["rv"]
    with c.session("nominations") as session:
        nominators = session.scalars(
            select(Nominator.id).where(Nominator.confirmed_at.is_(None))
        ).all()
    assert len(nominators) == NOMINATIONS - 3
    events = [
        envelope(MAIL_CONFIRM, "nominations", {"nominator_id": nominator})
        for nominator in nominators
        for _ in range(REDELIVERED)
    ]
    q = queue(b.redis, b.settings.queue_name())
    batch = f"{b.settings.queue_name()}-batch-{uuid.uuid4().hex}"
    jobs = [
        q.prepare_data(
            JOB_FUNCTION.format(service="nominations"), args=(events,), job_id=f"{batch}-{n}"
        )
        for n in range(2)
    ]
    return events, q.enqueue_many(jobs)


def results_of(jobs: list[Job]) -> list[Result] | None:
    """The jobs' latest results, once every job has one."""
    results = [job.latest_result() for job in jobs]
    return results if all(results) else None


def assert_applied_once(c: Cluster, events: list[dict], jobs: list[Job]) -> None:
    """Both jobs finished; each event is applied once, and its mail went once."""
    results, _ = wait_for(lambda: results_of(jobs), 30, 0.1)
    assert [r.type for r in results] == [Result.Type.SUCCESSFUL] * 2, [
        r.exc_string for r in results
    ]
    ids = [e["id"] for e in events]
    with c.session("nominations") as session:
        applied = session.scalar(select(func.count()).where(AppliedEvent.event_id.in_(ids)))
        addresses = session.scalars(
            select(Nominator.email).where(Nominator.confirmed_at.is_(None))
        ).all()
    assert applied == len(events)
    assert {a: len(c.mails(a)) for a in addresses} == dict.fromkeys(addresses, 1 + REDELIVERED)


def close_voting(c: Cluster, slug: str) -> dict[str, int]:
    """Voting closes a second from now; both voting relays see the close, one of them sends
    the final tally: the hub's public figures, once they are in."""
    reschedule(c, slug, voting_close=iso(1))
    path = f"/api/v1/editions/{slug}/results"
    public, _ = wait_for(
        lambda: json.loads(call(c.url("nominations", 1) + path, headers=c.staff)[1])["public"],
        15,
        0.2,
    )
    with c.session("voting") as session:
        query = select(OutboxEvent.envelope).where(OutboxEvent.destination == "nominations")
        sent = [e["type"] for e in session.scalars(query)]
    assert sent.count(TALLY_FINAL) == 1
    return {item["finalist_id"]: item["votes"] for item in public}


def assert_every_event_acked_and_applied(c: Cluster) -> None:
    """Every outbox row of every producer is acknowledged, and its consumer applied it."""
    wait_for(lambda: all(set(outbox_states(app)) == {"acked"} for app in c.apps.values()), 20, 0.2)
    for consumer in SERVICES:
        sent = set()
        for producer in SERVICES:
            with c.session(producer) as session:
                query = select(OutboxEvent.event_id).where(OutboxEvent.destination == consumer)
                sent |= set(session.scalars(query))
        with c.session(consumer) as session:
            applied = set(session.scalars(select(AppliedEvent.event_id)))
        assert sent <= applied, f"{consumer} did not apply {sorted(sent - applied)}"


def test_two_instances_of_everything_count_one_vote_a_person_share_limits_apply_events_once(
    cluster,
):
    slug, finalists = open_voting(cluster)
    change_schedule_at_once(cluster, slug)
    invite_one_juror_twice_at_once(cluster, slug)
    voters = [Voter(n) for n in range(VOTERS)]
    vote_and_confirm_on_both_instances(cluster, slug, finalists, voters)
    assert statuses_of(cluster, voters) == ["counted"] * VOTERS
    assert_limits_count_both_instances(cluster, slug, finalists[0])
    assert_applied_once(cluster, *deliver_twice_at_once(cluster))
    public = close_voting(cluster, slug)
    assert_every_event_acked_and_applied(cluster)
    assert_tally_agrees_with_votes(cluster, slug, public)
