"""What must hold after the peak and its faults, read from the databases, the published
tally and the mailboxes; and what became of each vote attempt.

Read with plain SQL on each service's PostgreSQL database, beside the services (which are
still running): nothing here goes through the code under test but the tally's HTTP answer.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections import Counter

import psycopg
from itsdangerous import URLSafeTimedSerializer

from bench.peak_crowd import Attempt
from bench.peak_http import Mailboxes
from bench.peak_stack import Stack
from shared.config import SERVICES

SETTLE_WITHIN = 180.0
# Unsigned reading of a link's vote id: the bench only needs to know which vote it names.
UNSIGNED = URLSafeTimedSerializer("unused")


def vote_id_of(link: str) -> str:
    """The vote id a confirmation link carries."""
    return UNSIGNED.loads_unsafe(link.rsplit("/", 1)[1])[1]


def query(stack: Stack, service: str, sql: str, params=()) -> list[tuple]:
    """Rows of a query on a service's database."""
    with psycopg.connect(stack.database_url(service)) as db:
        return db.execute(sql, params).fetchall()


def unsettled(stack: Stack) -> int:
    """Events not yet acknowledged in every outbox, plus votes whose mail has not gone."""
    events = sum(
        query(stack, s, "SELECT count(*) FROM outbox WHERE state <> 'acked'")[0][0]
        for s in SERVICES
    )
    return (
        events + query(stack, "voting", "SELECT count(*) FROM votes WHERE email IS NOT NULL")[0][0]
    )


def settle(stack: Stack) -> float:
    """Wait until the bus is quiet (every event acked, every mail gone); seconds it took."""
    started = time.monotonic()
    while unsettled(stack) and time.monotonic() - started < SETTLE_WITHIN:
        stack.supervise()
        time.sleep(1)
    return time.monotonic() - started


def statuses(stack: Stack) -> dict[str, tuple[str, list[str]]]:
    """Every vote's status and the reasons it was held for, by its id."""
    rows = query(stack, "voting", "SELECT id, status, reasons FROM votes")
    return {vote: (status, reasons) for vote, status, reasons in rows}  # json: a list


def outcomes(attempts: list[Attempt], status_of: dict) -> tuple[Counter, Counter]:
    """How each attempt ended: counted, held, or refused (never its own vote: refused at
    intake, a repeat of a person's vote, or never confirmed), and why the held were held;
    a vote tried several times (spellings of one address) is one outcome."""
    seen: set[str] = set()
    result, reasons = Counter(), Counter()
    for attempt in attempts:
        vote = vote_id_of(attempt.link) if attempt.link else None
        status, why = status_of.get(vote, (None, [])) if vote not in seen else (None, [])
        seen.add(vote)
        result[{"counted": "counted", "quarantined": "held"}.get(status, "refused")] += 1
        reasons.update(why if status == "quarantined" else [])
    return result, reasons


def checks(
    stack: Stack, honest: list[Attempt], mailboxes: Mailboxes
) -> list[tuple[str, bool, str]]:
    """Each consistency check: its name, whether it holds, and the figures behind it."""
    return [
        _one_vote_per_person(stack),
        _confirmed_once(stack, honest),
        _counters_match(stack),
        _published_tally(stack),
        _events_acked(stack),
        _events_applied_once(stack),
        _mailed_once(stack, honest, mailboxes),
    ]


def _one_vote_per_person(stack: Stack):
    sql = (
        "SELECT count(*) FROM (SELECT 1 FROM votes"
        " GROUP BY edition_id, person_hash HAVING count(*) > 1) AS doubles"
    )
    doubles = query(stack, "voting", sql)[0][0]
    return "one vote row per person", doubles == 0, f"{doubles} persons with more"


def _confirmed_once(stack: Stack, honest: list[Attempt]):
    """Every confirmed vote is counted or held (and only confirmed ones), and every honest
    voter whose click was answered has their vote so."""
    sql = (
        "SELECT count(*) FROM votes WHERE (confirmed_at IS NULL) ="
        " (status IN ('counted', 'quarantined'))"
    )
    wrong = query(stack, "voting", sql)[0][0]
    status_of = statuses(stack)
    clicked = [vote_id_of(a.link) for a in honest if a.confirm == 200]
    lost = sum(status_of.get(v, ("",))[0] not in ("counted", "quarantined") for v in clicked)
    detail = f"{wrong} votes whose status and confirmation disagree, {lost} clicks lost"
    return "every confirmed vote counted or held once", wrong == 0 and lost == 0, detail


def _counters_match(stack: Stack):
    counters = query(
        stack,
        "voting",
        "SELECT finalist_id, status, sum(votes) FROM vote_counts GROUP BY 1, 2"
        " HAVING sum(votes) <> 0",
    )
    votes = query(stack, "voting", "SELECT finalist_id, status, count(*) FROM votes GROUP BY 1, 2")
    same = sorted(counters) == sorted(votes)
    total = sum(n for _, _, n in votes)
    return "tally counters equal the votes in the database", same, f"{total} votes"


def _published_tally(stack: Stack):
    url = f"{stack.url('voting')}/api/v1/editions/demo/tally"
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
        published = {f["finalist_id"]: f["votes"] for f in json.load(response)["finalists"]}
    counted = query(
        stack,
        "voting",
        "SELECT finalist_id, count(*) FROM votes WHERE status = 'counted' GROUP BY 1",
    )
    in_db = {finalist: n for finalist, n in counted}
    same = {f: n for f, n in published.items() if n} == in_db
    return "published tally equals the counted votes", same, f"{sum(in_db.values())} counted"


def _events_acked(stack: Stack):
    states = Counter()
    for service in SERVICES:
        states.update(dict(query(stack, service, "SELECT state, count(*) FROM outbox GROUP BY 1")))
    return "every outbox event acknowledged", set(states) <= {"acked"}, dict(states)


def _events_applied_once(stack: Stack):
    """Each consumer recorded every event sent to it, once (its applied ids = the sent ids)."""
    wrong = 0
    for consumer in SERVICES:
        sent = Counter()
        for producer in SERVICES:
            sql = "SELECT event_id FROM outbox WHERE destination = %s"
            sent.update(row[0] for row in query(stack, producer, sql, (consumer,)))
        applied = Counter(
            row[0] for row in query(stack, consumer, "SELECT event_id FROM applied_events")
        )
        wrong += sum((sent - applied).values()) + sum((applied - sent).values())
        wrong += sum(n - 1 for n in sent.values() if n > 1)
    return "every event applied exactly once", wrong == 0, f"{wrong} missing or extra"


def _mailed_once(stack: Stack, honest: list[Attempt], mailboxes: Mailboxes):
    """Every vote's mail went, and was queued once for each time its person voted: honest
    voters who sent the form once have one mail event. (A mail can still be delivered twice:
    a batch of mail events interrupted by a fault is applied again, and mail has no undo.)"""
    unsent = query(stack, "voting", "SELECT count(*) FROM votes WHERE email IS NOT NULL")[0][0]
    sql = (
        "SELECT envelope -> 'payload' ->> 'vote_id', count(*) FROM outbox"
        " WHERE envelope ->> 'type' = 'mail.vote_confirmation' GROUP BY 1"
    )
    events = dict(query(stack, "voting", sql))
    once = [vote_id_of(a.link) for a in honest if a.link and a.posts == 1]
    wrong = sum(events.get(vote, 0) != 1 for vote in once)
    delivered = sum(len(mailboxes.links[a.email.lower()]) > 1 for a in honest if a.posts == 1)
    detail = (
        f"{unsent} votes still due a mail, {wrong} of {len(once)} queued other than once;"
        f" delivered twice: {delivered}"
    )
    return "every vote's mail queued once", unsent == 0 and wrong == 0, detail
