"""Vote intake: where a vote is limited, checked and stored, the same for the API and the page.

A new person's vote is stored `unconfirmed` with its clear address, which stays only until
the confirmation mail has gone (services/voting/jobs.py). A person who votes again gets the
same answer; nothing about their vote changes, but their mail (a new link, or "you already
voted") goes to the address they typed this time, kept on their vote until it is sent. At
most `vote_limit_person` such mails again: past it the answer stays the same and no mail
goes, so neither the answer nor a 429 tells anyone whether an address voted.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import functools
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app
from limits import parse
from marshmallow import ValidationError
from redis.exceptions import RedisError
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from werkzeug.exceptions import Conflict, NotFound

from services.voting import people, tally
from services.voting.config import VotingSettings
from services.voting.models import Edition, Finalist, Vote
from shared.backends import backends
from shared.events import envelope, publish
from shared.limits import client_address, client_network, in_fallback, limiter
from shared.models import utcnow

MAIL_EVENT = "mail.vote_confirmation"
INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
_SQLITE_WRITER = threading.Lock()
_LOCK_FILES: dict[str, int] = {}


def settings() -> VotingSettings:
    """The voting settings of the current app."""
    return current_app.extensions["rv"].settings


def limited(view):
    """Apply vote intake's limits to a view; the API and the page share their counters."""
    shared = (
        (lambda: settings().vote_limit_address, "vote-address", client_address, None),
        (lambda: settings().vote_limit_network, "vote-network", client_network, None),
        (lambda: settings().vote_limit_overall, "vote-all", lambda: "all", None),
        (lambda: settings().vote_limit_fallback, "vote-process", lambda: "process", _alive),
    )
    for limit, scope, key, exempt_when in shared:
        view = limiter.shared_limit(limit, scope=scope, key_func=key, exempt_when=exempt_when)(view)
    return view


def _alive() -> bool:
    return not in_fallback()


@contextmanager
def write_transaction() -> Iterator[Session]:
    """A transaction that writes. On SQLite one writer holds the file at a time and the
    others poll for it with growing sleeps (1, 2, 5, 10 ... 100 ms), so a campaign peak
    would spend its time asleep: here intake and confirmation queue instead on a lock file
    beside the database (and, within a process, on a lock of their own), and the kernel
    hands the file on at once. PostgreSQL needs no such thing."""
    b = backends()
    if b.engine.dialect.name != "sqlite":
        with b.sessions.begin() as session:
            yield session
        return
    with _SQLITE_WRITER, _file_lock(b.engine.url.database), b.sessions.begin() as session:
        yield session


@contextmanager
def _file_lock(database: str) -> Iterator[None]:
    """Hold the lock file of a SQLite database, opened once per process."""
    fd = _LOCK_FILES.get(database)
    if fd is None:
        fd = _LOCK_FILES[database] = os.open(f"{database}.writer", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


def open_edition(session: Session, slug: str, finalist_id: str, now: dt.datetime) -> int:
    """The id of the edition, if it takes votes now for this finalist: 404 unknown edition,
    409 outside the voting window, 422 not one of its finalists. One query, no ORM objects:
    this is the hot path of a campaign peak."""
    row = session.execute(
        select(Edition.id, Edition.voting_open, Edition.voting_close, Finalist.id)
        .outerjoin(Finalist, (Finalist.edition_id == Edition.id) & (Finalist.id == finalist_id))
        .where(Edition.slug == slug)
    ).first()
    if row is None:
        raise NotFound("No edition with this slug.")
    edition_id, opens, closes, finalist = row
    if not opens <= now < closes:  # the voting phase (Edition.phase), from the same windows
        raise Conflict("Voting is not open for this edition now.")
    if finalist is None:
        raise ValidationError({"finalist_id": ["Not a finalist of this edition."]})
    return edition_id


def take_vote(
    slug: str, data: dict, lang: str, form_seconds: float | None = None, honeypot: bool = False
) -> None:
    """Store a vote (VoteInSchema data) cast now from this request's network, or, for a
    person who voted before, send their mail again; 404, 409 or 422 when it cannot be cast."""
    b = backends()
    now = utcnow()
    normalised = people.normalise(data["email"])
    key = people.hash_key(b.settings.voter_hash_key, b.settings.secret_key)
    person = people.keyed_hash(key, normalised)
    with write_transaction() as session:
        edition_id = open_edition(session, slug, data["finalist_id"], now)
        row = {
            "edition_id": edition_id,
            "finalist_id": data["finalist_id"],
            "person_hash": person,
            "shape_hash": people.keyed_hash(key, people.shape(normalised)),
            "email": data["email"],
            "lang": lang,
            "network": client_network(),
            "form_seconds": form_seconds,
            "honeypot": honeypot,
            "created_at": now,
        }
        vote_id = _insert_new(session, row)
        if vote_id is not None:
            tally.add(session, edition_id, data["finalist_id"], "unconfirmed", 1)
        elif _mail_allowed(person):
            vote_id = _readdress(session, edition_id, person, data["email"], lang)
        if vote_id is not None:
            publish(session, envelope(MAIL_EVENT, "voting", {"vote_id": vote_id}), ["voting"])


@functools.cache
def _insert_vote(dialect: str):
    # Built once: a statement made anew per call costs more than the database's own work.
    insert = INSERTS[dialect](Vote)
    return insert.on_conflict_do_nothing(index_elements=["edition_id", "person_hash"]).returning(
        Vote.id
    )


def _insert_new(session: Session, row: dict) -> str | None:
    """Insert the vote unless this person already voted in the edition; its id, or None."""
    return session.execute(_insert_vote(session.get_bind().dialect.name), row).scalar()


def _readdress(session: Session, edition_id: int, person: str, email: str, lang: str) -> str:
    """Keep the address a person typed again on their vote until their mail has gone."""
    result = session.execute(
        update(Vote)
        .where(Vote.edition_id == edition_id, Vote.person_hash == person)
        .values(email=email, lang=lang)
        .returning(Vote.id)
    )
    return result.scalar_one()


@functools.cache
def _parsed(limit: str):
    return parse(limit)


def _mail_allowed(person: str) -> bool:
    """Count a mail sent again to a person; False past `vote_limit_person` (a new person's
    first mail always goes, uncounted: the hot path of a peak makes no call for it). Redis
    failing between the view's own limit checks and this one lets the mail go."""
    s = settings()
    try:
        return limiter.limiter.hit(
            _parsed(s.vote_limit_person), "vote-person", s.queue_prefix, person
        )
    except RedisError:
        return True
