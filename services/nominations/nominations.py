"""Taking in nominations: only inside the edition's window; an innovation nominated again is
found and the new nominator added to it; every nominator gets a confirmation mail.

The same innovation is the same organisation and name (compared without case, accents,
punctuation or the legal form: "vzw De Spaak" is "De Spaak VZW") or the same nominee
address. The description shown is the first one; later nominators add their support, and
staff see each nominator's own texts. One person counts once per innovation.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.exceptions import Conflict

from services.nominations.models import Edition, Nomination, Nominator
from shared.events import envelope, publish
from shared.models import utcnow
from shared.names import fold
from shared.people import normalise

MAIL_CONFIRM = "mail.nomination_confirm"
PERSON_FIELDS = ("nominator_name", "nominator_email")


def check_open(edition: Edition, now: dt.datetime) -> None:
    """409 unless `now` is inside the edition's nominations window."""
    if edition.phase(now) != "nominations":
        raise Conflict("Nominations for this edition are not open now.")


def same_address(a: str, b: str) -> bool:
    """Whether two typed addresses are one mailbox (shared/people.py: case, provider aliases)."""
    return normalise(a) == normalise(b)


def nominate(
    session: Session, edition: Edition, data: dict, lang: str, now: dt.datetime | None = None
) -> Nominator:
    """Record one person's nomination (validated by NominationSchema), with the texts they
    sent, and queue their confirmation mail. A nomination of an innovation already put
    forward is added to that one: it is counted once confirmed, not screened twice. A
    person nominates an innovation once: a repeat (however the address is spelled) adds
    nothing, and only mails the link again while it is unconfirmed."""
    check_open(edition, now or utcnow())
    nomination = _same_innovation(session, edition, data) or _new_innovation(session, edition, data)
    nominator = _same_person(session, nomination, data) or _new_nominator(
        session, nomination, data, lang
    )
    if nominator.confirmed_at is None:
        payload = {"nominator_id": nominator.id}
        publish(session, envelope(MAIL_CONFIRM, "nominations", payload), ["nominations"])
    return nominator


def _same_person(session: Session, nomination: Nomination, data: dict) -> Nominator | None:
    key = normalise(data["nominator_email"])
    query = select(Nominator).where(
        Nominator.nomination_id == nomination.id, Nominator.email_key == key
    )
    return session.scalar(query)


def _new_nominator(session: Session, nomination: Nomination, data: dict, lang: str) -> Nominator:
    texts = {k: v for k, v in data.items() if k not in (*PERSON_FIELDS, "consent")}
    nominator = Nominator(
        nomination_id=nomination.id,
        name=data["nominator_name"],
        email=data["nominator_email"],
        email_key=normalise(data["nominator_email"]),
        texts=texts,
        lang=lang,
    )
    try:
        with session.begin_nested():  # the same person twice at once: the unique key decides
            session.add(nominator)
    except IntegrityError:
        return _same_person(session, nomination, data)
    return nominator


def innovation_keys(data: dict) -> dict:
    """The keys that find this innovation again: organisation and name, nominee address."""
    return {
        "name_key": f"{fold(data['organisation'])}|{fold(data['nominee_name'])}",
        "email_key": normalise(data["nominee_email"]),
    }


def _same_innovation(session: Session, edition: Edition, data: dict) -> Nomination | None:
    keys = innovation_keys(data)
    query = select(Nomination).where(
        Nomination.edition_id == edition.id,
        or_(Nomination.name_key == keys["name_key"], Nomination.email_key == keys["email_key"]),
    )
    return session.scalar(query.order_by(Nomination.seq).limit(1))


def _new_innovation(session: Session, edition: Edition, data: dict) -> Nomination:
    fields = {k: v for k, v in data.items() if k not in (*PERSON_FIELDS, "consent")}
    nomination = Nomination(**fields, **innovation_keys(data), edition_id=edition.id)
    try:
        with session.begin_nested():  # two nominations of it at once: the unique keys decide
            session.add(nomination)
    except IntegrityError:
        found = _same_innovation(session, edition, data)
        if found is None:
            raise
        return found
    return nomination
