"""Vote intake: where a vote is limited, checked and stored, the same for the API and the page.

A new person's vote is stored `unconfirmed` with its clear address, which stays only until
the confirmation mail has gone (services/voting/jobs.py). A person who votes again gets the
same answer; nothing about their vote changes, but their mail (a new link, or "you already
voted") goes to the address they typed this time, kept on their vote until it is sent. At
most `vote_limit_person` mails a person: past it the answer stays the same and no mail goes,
so neither the answer nor a 429 tells anyone whether an address voted.
"""

from __future__ import annotations

import datetime as dt
import functools

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


def open_edition(session: Session, slug: str, now: dt.datetime) -> Edition:
    """The edition, if votes are taken now: 404 unknown, 409 outside the voting window."""
    edition = session.scalar(select(Edition).where(Edition.slug == slug))
    if edition is None:
        raise NotFound("No edition with this slug.")
    if edition.phase(now) != "voting":
        raise Conflict("Voting is not open for this edition now.")
    return edition


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
    mail_allowed = _mail_allowed(person)
    with b.sessions.begin() as session:
        edition = open_edition(session, slug, now)
        _check_finalist(session, edition, data["finalist_id"])
        row = {
            "edition_id": edition.id,
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
            tally.add(session, edition.id, data["finalist_id"], "unconfirmed", 1)
        elif mail_allowed:
            vote_id = _readdress(session, edition.id, person, data["email"], lang)
        if vote_id is not None:
            publish(session, envelope(MAIL_EVENT, "voting", {"vote_id": vote_id}), ["voting"])


def _check_finalist(session: Session, edition: Edition, finalist_id: str) -> None:
    known = session.scalar(
        select(Finalist.id).where(Finalist.id == finalist_id, Finalist.edition_id == edition.id)
    )
    if known is None:
        raise ValidationError({"finalist_id": ["Not a finalist of this edition."]})


def _insert_new(session: Session, row: dict) -> str | None:
    """Insert the vote unless this person already voted in the edition; its id, or None."""
    insert = INSERTS[session.get_bind().dialect.name](Vote)
    result = session.execute(
        insert.values(**row)
        .on_conflict_do_nothing(index_elements=["edition_id", "person_hash"])
        .returning(Vote.id)
    )
    return result.scalar()


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
    """Count a mail for this person; False past `vote_limit_person` (a new person's first
    mail always goes). Redis failing between the view's own limit checks and this one lets
    the mail go rather than fail the vote."""
    s = settings()
    try:
        return limiter.limiter.hit(
            _parsed(s.vote_limit_person), "vote-person", s.queue_prefix, person
        )
    except RedisError:
        return True
