"""rq jobs of the voting service: events from the hub, its own mails, its periodic duties."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from flask import render_template
from flask_babel import force_locale, gettext
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from services.voting import closing, erasure, expiry, privacy
from services.voting.confirmation import link_token
from services.voting.edition_keys import in_edition
from services.voting.models import Edition, Finalist, JurorPerson, Vote
from shared.backends import backends
from shared.db import UTCDateTime
from shared.editions import SCHEDULED, schedule_handler
from shared.events import Handler, apply_job, envelope, publish
from shared.finalists import finalists_handler
from shared.mail import build_message
from shared.mail_events import MailHandler
from shared.models import utcnow
from shared.outbox_pruning import prune_acked
from shared.schemas.contest import FINALISTS_SELECTED, JUROR_LISTED, JurorListedEventSchema
from shared.schemas.privacy import PRIVACY_REQUESTED
from shared.scrubbing import scrub_log

MAIL_EVENT = "mail.vote_confirmation"
MAILS_PER_TICK = 2000
JUROR_LISTED_EVENT = JurorListedEventSchema()


def queue_mails(session: Session) -> None:
    """Publish a mail event for each vote due a mail: one holding a clear address and no
    `mailed_at` (intake stores a new vote so, a repeat person's vote becomes so again). Vote
    intake leaves this to the relay's timer, so a mail goes within a second or two and the
    hot path writes no outbox row. The claim (setting `mailed_at`) is a conditional UPDATE in
    the transaction that writes the events, so two relays never both queue one mail and a
    claimed mail is always in the outbox."""
    due = select(Vote.id).where(Vote.email.is_not(None), Vote.mailed_at.is_(None))
    claimed = session.scalars(
        update(Vote)
        .where(Vote.id.in_(due.limit(MAILS_PER_TICK)), Vote.mailed_at.is_(None))
        .values(mailed_at=utcnow())
        .returning(Vote.id)
        .execution_options(synchronize_session=False)
    ).all()
    for vote_id in claimed:
        publish(session, envelope(MAIL_EVENT, "voting", {"vote_id": vote_id}), ["voting"])


class VoteMail(NamedTuple):
    """What a vote's mail needs, read before it is sent (no database while it is)."""

    to: str
    lang: str
    kind: str  # "confirm" (an unconfirmed vote's link) or "already"
    title: str
    finalist: str | None
    link: str
    claimed_at: dt.datetime | None  # the vote's `mailed_at` when read: queue_mails's claim


def read_vote_mails(session: Session, payloads: list[dict]) -> list[VoteMail | None]:
    """Each vote's mail, while the vote still holds a clear address; None when it is gone
    already (an earlier event of the same vote sent it, or the voters' data were erased)."""
    ids = [payload["vote_id"] for payload in payloads]
    rows = session.execute(
        select(
            Vote.id,
            Vote.email,
            Vote.lang,
            Vote.status,
            Vote.mailed_at,
            Edition.title,
            Finalist.name,
        )
        .join(Edition, Edition.id == Vote.edition_id)
        .outerjoin(
            Finalist, (Finalist.id == Vote.finalist_id) & (Finalist.edition_id == Vote.edition_id)
        )
        .where(Vote.id.in_(ids), Vote.email.is_not(None))
    ).all()
    by_id = {row.id: row for row in rows}
    return [_vote_mail(by_id[vote_id]) if vote_id in by_id else None for vote_id in ids]


def _vote_mail(row) -> VoteMail:
    kind = "confirm" if row.status == "unconfirmed" else "already"
    link = f"{backends().settings.public_url('voting')}/votes/confirm/{link_token(row.id)}"
    return VoteMail(row.email, row.lang, kind, row.title, row.name, link, row.mailed_at)


def send_vote_mail(mail: VoteMail) -> None:
    """Mail a voter: the confirmation link of an unconfirmed vote, else "you already voted"."""
    with force_locale(mail.lang):
        subject = gettext("Bevestig je stem") if mail.kind == "confirm" else gettext("Je stemde al")
        text = render_template(
            f"mail/vote_{mail.kind}.txt",
            edition={"title": mail.title},
            finalist={"name": mail.finalist} if mail.finalist is not None else None,
            link=mail.link,
        )
    backends().mailer.send(build_message(mail.to, subject, text))


def votes_mailed(session: Session, sent: list[tuple[dict, VoteMail]]) -> None:
    """Forget the clear addresses the mails went to (`mailed_at` now says when they went),
    but not on a vote that changed since it was read: a person who voted again is due a
    mail of their own (intake cleared `mailed_at`, queue_mails claimed it anew), an erased
    vote holds no address."""
    if not sent:
        return
    votes = Vote.__table__
    session.execute(
        update(votes)
        .where(
            votes.c.id == bindparam("vote_id"),
            votes.c.email.is_not(None),
            votes.c.mailed_at.is_not_distinct_from(bindparam("claimed_at", type_=UTCDateTime)),
        )
        .values(email=None, mailed_at=utcnow()),
        [{"vote_id": p["vote_id"], "claimed_at": mail.claimed_at} for p, mail in sent],
    )


def list_juror(session: Session, payload: dict) -> None:
    """Remember a juror of an edition (a keyed hash), so that their vote is held for staff."""
    data = JUROR_LISTED_EVENT.load(payload)
    edition = session.scalar(select(Edition).where(Edition.slug == data["edition"]))
    if edition is None:
        raise LookupError(f"juror for unknown edition {data['edition']!r}")
    person_hash = in_edition(edition.hash_key, data["person_hash"])
    if session.get(JurorPerson, (edition.id, person_hash)) is None:
        session.add(JurorPerson(edition_id=edition.id, person_hash=person_hash))


HANDLERS: dict[str, Handler] = {
    SCHEDULED: schedule_handler(Edition),
    FINALISTS_SELECTED: finalists_handler(Edition, Finalist),
    MAIL_EVENT: MailHandler(read_vote_mails, send_vote_mail, votes_mailed),
    JUROR_LISTED: list_juror,
    PRIVACY_REQUESTED: privacy.handle_request,
}
PERIODIC = (
    queue_mails,
    closing.close_due,
    erasure.erase_due,
    expiry.expire_due,
    prune_acked,
    scrub_log,
)


def apply_events(envelopes: list[dict]) -> dict:
    """rq job: apply a batch of events sent to voting, each exactly once."""
    return apply_job(backends().sessions, envelopes, HANDLERS)
