"""Vote intake: where a vote is checked and stored, the same for the API and the page (its
limits: services/voting/limits.py).

A new person's vote is stored `unconfirmed` with its clear address, which stays only until
the confirmation mail has gone (services/voting/jobs.py). A person who votes again gets the
same answer, and their mail goes to the address they typed this time, kept on their vote
until it is sent: while their vote is unconfirmed, it takes a new choice under a new id,
so the links mailed before stop working and the person's own latest choice wins over one
typed in their name (the same choice again keeps its id and links); once confirmed,
nothing changes and the mail says "you already voted". At most `vote_limit_person` such
mails again: past it the answer stays the same, no mail goes and nothing changes, so
neither the answer nor a 429 tells anyone whether an address voted. An unconfirmed vote
expires with its link (services/voting/expiry.py).

The vote row is its own mail's outbox: a vote holding an address and no `mailed_at` is due a
mail, which the relay's periodic duty (`queue_mails` in services/voting/jobs.py) hands to the
event bus within about a second. So intake writes the vote and its counter, nothing else:
one INSERT ... SELECT checks the edition's window and the finalist and stores the vote, one
upsert counts it (in the counter shard its id picks: tally.py). A vote that stores nothing
(refused, or a repeat) is read and limited outside that transaction.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid

from marshmallow import ValidationError
from sqlalchemy import JSON, Boolean, Connection, Float, String, bindparam, select, update
from werkzeug.exceptions import Conflict, NotFound

from services.voting import limits, tally
from services.voting.edition_keys import key_of, person_in
from services.voting.machine_names import machine_made
from services.voting.models import Edition, Finalist, Vote
from shared.backends import backends
from shared.db import UTCDateTime, dialect_insert
from shared.limits import client_network
from shared.models import utcnow
from shared.people import identify

VOTES = Vote.__table__


def open_edition(connection: Connection, slug: str, finalist_id: str, now: dt.datetime) -> int:
    """The id of the edition, if it takes votes now for this finalist: 404 unknown edition,
    409 outside the voting window, 422 not one of its finalists."""
    row = connection.execute(
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
    slug: str,
    data: dict,
    lang: str,
    form_seconds: float | None = None,
    honeypot: bool = False,
    via: str | None = None,
) -> None:
    """Store a vote (VoteInSchema data) cast now from this request's network, with the word
    of the shared link it came through (`via`), or, for a person who voted before, mail them
    again; 404, 409 or 422 when it cannot be cast."""
    person = person_in(key_of(slug), identify(backends().settings, data["email"]))
    row = {
        "id": str(uuid.uuid4()),
        "slug": slug,
        "finalist_id": data["finalist_id"],
        "person_hash": person.hash,
        "shape_hash": person.shape_hash,
        "domain_hash": person.domain_hash,
        "machine_name": machine_made(data["email"]),
        "email": data["email"],
        "lang": lang,
        "network": client_network(),
        "form_seconds": form_seconds,
        "honeypot": honeypot,
        "via": via,
        "now": utcnow(),
    }
    with backends().engine.begin() as connection:
        stored = connection.execute(_insert_vote(connection.dialect.name), row).first()
        if stored is not None:
            shard = tally.shard_of(row["id"])
            tally.add(connection, stored.edition_id, row["finalist_id"], "unconfirmed", 1, shard)
            return
    # Nothing stored: the edition, its window or the finalist refuse it, or a repeat. Read and
    # count it outside the writer, which waits for no one's Redis round trip.
    with backends().reader.connect() as connection:
        edition_id = open_edition(connection, slug, row["finalist_id"], row["now"])
    if limits.mail_allowed_again(person.hash):
        with backends().engine.begin() as connection:
            _vote_again(connection, edition_id, row)


@functools.cache
def _insert_vote(dialect: str):
    """INSERT ... SELECT of a new person's vote, stored only while the edition takes votes
    for the finalist. Built once: a statement made anew per call costs more than the
    database's own work."""
    now = bindparam("now", type_=UTCDateTime())
    values = {
        "id": bindparam("id"),
        "edition_id": Edition.id,
        "finalist_id": Finalist.id,
        "person_hash": bindparam("person_hash"),
        "shape_hash": bindparam("shape_hash"),
        "domain_hash": bindparam("domain_hash"),
        "machine_name": bindparam("machine_name", type_=Float()),
        "email": bindparam("email"),
        "lang": bindparam("lang"),
        "status": bindparam("status", "unconfirmed"),
        "reasons": bindparam("reasons", [], type_=JSON()),
        "network": bindparam("network"),
        "form_seconds": bindparam("form_seconds", type_=Float()),
        "honeypot": bindparam("honeypot", type_=Boolean()),
        "via": bindparam("via", type_=String()),
        "created_at": now,
    }
    source = (
        select(*values.values())
        .join_from(Edition, Finalist, Finalist.edition_id == Edition.id)
        .where(
            Edition.slug == bindparam("slug"),
            Finalist.id == bindparam("finalist_id"),
            Edition.voting_open <= now,  # the voting phase (Edition.phase)
            Edition.voting_close > now,
        )
    )
    insert = dialect_insert(dialect)(VOTES).from_select(list(values), source)
    return insert.on_conflict_do_nothing(index_elements=["edition_id", "person_hash"]).returning(
        VOTES.c.edition_id
    )


# What a vote cast again replaces on an unconfirmed vote: the choice (under a new id when it
# is another finalist), the facts the fraud signals judge, and the shared link it came through.
CHOICE = (
    "id",
    "finalist_id",
    "shape_hash",
    "domain_hash",
    "machine_name",
    "network",
    "form_seconds",
    "honeypot",
    "via",
)


def _vote_again(connection: Connection, edition_id: int, row: dict) -> None:
    """A person votes again: their mail is due again, to the address typed now. An
    unconfirmed vote takes this vote's facts, and a new choice under a new id (the links
    mailed for the old choice stop working) with its counter moved; the same choice keeps
    its id, so a double submit or a retry leaves the first mail's link good."""
    earlier = connection.execute(
        select(VOTES.c.id, VOTES.c.finalist_id, VOTES.c.status)
        .where(VOTES.c.edition_id == edition_id, VOTES.c.person_hash == row["person_hash"])
        .with_for_update()
    ).first()
    if earlier is None:  # expired meanwhile (services/voting/expiry.py): nothing to mail
        return
    values = {"email": row["email"], "lang": row["lang"], "mailed_at": None}
    changed = earlier.status == "unconfirmed" and earlier.finalist_id != row["finalist_id"]
    if earlier.status == "unconfirmed":
        values |= {name: row[name] for name in CHOICE if changed or name != "id"}
        values["created_at"] = row["now"]
    moved = connection.execute(
        update(VOTES)
        .where(VOTES.c.id == earlier.id, VOTES.c.status == earlier.status)
        .values(**values)
    )
    if moved.rowcount and changed:
        old, new = tally.shard_of(earlier.id), tally.shard_of(row["id"])
        changes = [(earlier.finalist_id, old, -1), (row["finalist_id"], new, 1)]
        tally.add_each(connection, [(edition_id, f, "unconfirmed", s, n) for f, s, n in changes])
