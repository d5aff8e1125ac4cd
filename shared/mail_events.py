"""Events that send a mail: read in a short transaction, sent with none open, then recorded.

No transaction may hold the database while a mail is rendered or sent: on SQLite the
event's record takes the one writer lock that vote intake waits for, on PostgreSQL a row
lock held across a send queues whatever else writes that row. So a mail handler has three
steps, the first and last for a batch's events at once (a few statements, not a few per
mail): `read` gathers what each mail needs in one short transaction (None: no mail is
due), `send` renders and sends one with no transaction open, and `sent` runs after the
mails went, in a second short transaction with the events' applied records: a conditional
UPDATE that changes only what `read` saw (the clear address the mail went to, say), so a
newer state committed meanwhile is left alone.

The trade-off, against a lock held across the send: the event is recorded as applied only
once its mail went, so a mail is never lost, but a worker killed between the send and the
record sends it again when the event is redelivered. Two deliveries of one event at the
same moment (a batch sent again while its first delivery still runs) never both send: each
event's lease in Redis (shared/mail_leases.py) is taken before reading whether it was
applied, and the delivery that does not get it waits until it is dropped, then finds the
event applied.
A change committed between `read` and the send (an address erased, a vote cast again)
does not stop that one mail, as it would have waited for the mail under the lock before.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from shared import logs
from shared.applied import applied_ids, claim_all
from shared.db import read_only
from shared.mail_leases import MailLeases

log = logging.getLogger(__name__)


def _nothing(_session: Session, _sent: list[tuple[dict, Any]]) -> None:
    return None


@dataclass(frozen=True)
class MailHandler:
    """An event handler that sends a mail: `read(session, payloads)`, what each payload's
    mail needs (or None), in their order; `send(found)`, with no database; `sent(session,
    [(payload, found)])`, after those mails went."""

    read: Callable[[Session, list[dict]], list[Any]]
    send: Callable[[Any], None]
    sent: Callable[[Session, list[tuple[dict, Any]]], None] = _nothing


def deliver(
    factory: sessionmaker, events: list[tuple[str, dict]], handlers: dict, leases: MailLeases
) -> tuple[list[str], dict[str, str], list[str]]:
    """Send the mails of (event id, event) pairs whose handlers are MailHandlers, each event
    applied at most once: the ids applied, why the others failed (the relay tries them
    again), and the ids applied before. A read that fails fails the whole batch, whose
    events the relay then sends alone."""
    pending = dict(events)  # one each, in order
    done, failures, seen = [], {}, []
    while pending:
        leased = leases.take(list(pending))
        if not leased:  # another delivery sends these now: wait for it, as for a row lock
            leases.wait(list(pending))
            continue
        try:
            batch = [(event_id, pending.pop(event_id)) for event_id in leased]
            more = _deliver_leased(factory, batch, handlers)
        finally:
            leases.drop(leased)
        done, failures, seen = done + more[0], failures | more[1], seen + more[2]
    return done, failures, sorted(seen)


def _deliver_leased(factory: sessionmaker, events: list[tuple[str, dict]], handlers: dict):
    """`deliver` for events whose leases are ours: read, send, record."""
    # Reading only: on SQLite the transaction begins DEFERRED and takes no writer lock.
    with factory(bind=read_only(factory.kw["bind"])) as session, session.begin():
        seen = applied_ids(session, [event_id for event_id, _ in events])
        fresh = {event_id: ev for event_id, ev in events if event_id not in seen}
        found = _read(session, fresh, handlers)
    done, failures = _send_all(fresh, found, handlers)
    with factory.begin() as session:
        claimed = claim_all(session, done)
        sent = [(i, ev) for i, ev in done if i in claimed and found[i] is not None]
        for kind, group in _by_type(sent).items():
            handlers[kind].sent(session, [(ev["payload"], found[i]) for i, ev in group])
    return [event_id for event_id, _ in done], failures, sorted(seen)


def _send_all(fresh: dict[str, dict], found: dict[str, Any], handlers: dict):
    """Send each event's mail, no transaction open: the (id, event) pairs done, and why
    the others failed."""
    done, failures = [], {}
    for event_id, ev in fresh.items():
        context = {"event_id": event_id, "event_type": ev["type"], "source": ev["source"]}
        with logs.bound(**context, request_id=ev["request_id"]):
            failure = _send_logged(handlers[ev["type"]], found[event_id])
        if failure:
            failures[event_id] = failure
        else:
            done.append((event_id, ev))
    return done, failures


def _by_type(events) -> dict[str, list[tuple[str, dict]]]:
    groups: dict[str, list[tuple[str, dict]]] = {}
    for event_id, ev in events:
        groups.setdefault(ev["type"], []).append((event_id, ev))
    return groups


def _read(session: Session, fresh: dict[str, dict], handlers: dict) -> dict[str, Any]:
    """What each event's mail needs, read per event type in one call; by event id."""
    found = {}
    for kind, group in _by_type(fresh.items()).items():
        payloads = [ev["payload"] for _, ev in group]
        found |= dict(
            zip((i for i, _ in group), handlers[kind].read(session, payloads), strict=True)
        )
    return found


def _send_logged(handler: MailHandler, found: Any) -> str | None:
    """Send one mail (none when nothing was found); why it failed, or None."""
    if found is None:
        return None
    try:
        handler.send(found)
    except Exception as exc:  # this event only: it is retried alone (shared/relay.py)
        reason = logs.safe_error(exc)
        log.warning("mail not sent: %s", reason)
        return reason
    log.info("mail sent")
    return None
