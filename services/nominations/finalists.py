"""Finalists: staff pick them from the accepted nominations during screening; voting and
jury get the whole set, with the next revision, in the transaction that changes it.

What the public sees of a finalist is its name, organisation, a short summary built from
the solution and its picture (services/nominations/pictures.py). A nominee who declined
publicity is shown as "Anoniem" (name and organisation) without a picture; the summary, which
describes the innovation and not the person, stays.
Voting gets that public view with the nominator's whole description (`public_dossier`);
jury, which judges the finalist and must see its conflicts of interest, gets who it is
(`dossier`). Neither gets an address.
"""

from __future__ import annotations

import datetime as dt
import textwrap

from marshmallow import ValidationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload
from werkzeug.exceptions import Conflict

from services.nominations.models import Edition, Finalist, Nomination, Picture
from shared.backends import backends
from shared.events import envelope, publish
from shared.models import utcnow
from shared.people import identify
from shared.schemas.contest import FINALISTS_SELECTED, DossierSchema, FinalistsEventSchema

ANONYMOUS = "Anoniem"
SUMMARY_LENGTH = 280
DOSSIER_TEXTS = ("region", "theme", "website", "problem", "solution", "impact")
PUBLIC_KEYS = frozenset(DossierSchema().fields) - {"nominee_domain_hash"}
FINALISTS_EVENT = FinalistsEventSchema()


def summary(nomination: Nomination) -> str:
    """The solution in at most SUMMARY_LENGTH characters, cut at a word."""
    return textwrap.shorten(nomination.solution, SUMMARY_LENGTH, placeholder=" …")


def public_view(nomination: Nomination) -> dict:
    """A finalist as the public and the other services see it."""
    shown = nomination.public
    return {
        "id": nomination.id,
        "name": nomination.nominee_name if shown else ANONYMOUS,
        "organisation": nomination.organisation if shown else ANONYMOUS,
        "summary": summary(nomination),
        "picture": picture_view(nomination.picture) if shown else None,
    }


def picture_view(picture: Picture | None) -> dict | None:
    """A picture's sizes at the hub's public address, with its alt text (None without one)."""
    if picture is None:
        return None
    base = backends().settings.public_url("nominations")
    view = {"alt_nl": picture.alt_nl, "alt_en": picture.alt_en}
    for file in picture.files:
        url = f"{base}/pictures/{picture.nomination_id}/{file.name}"
        view[file.kind] = {"url": url, "width": file.width, "height": file.height}
    return view


def dossier(nomination: Nomination) -> dict:
    """A finalist as jury sees it: who it is even when the nominee declined publicity, the
    nominator's whole description, its support, and the keyed hash of the nominee's own mail
    domain (for conflict-of-interest hints; never the address itself)."""
    return {
        "id": nomination.id,
        "name": nomination.nominee_name,
        "organisation": nomination.organisation,
        "summary": summary(nomination),
        **{name: getattr(nomination, name) for name in DOSSIER_TEXTS},
        "nomination_count": nomination.nomination_count,
        "declined_publicity": not nomination.public,
        "nominee_domain_hash": _domain_hash(nomination.nominee_email),
    }


def public_dossier(nomination: Nomination) -> dict:
    """A finalist as voting (public) keeps it: the dossier without the domain hash, with the
    public name and organisation, and no website when the nominee declined publicity."""
    shown = {key: value for key, value in dossier(nomination).items() if key in PUBLIC_KEYS}
    hidden = {} if nomination.public else {"website": ""}
    return shown | public_view(nomination) | hidden


def _domain_hash(email: str) -> str | None:
    if "@" not in email:  # erased
        return None
    return identify(backends().settings, email).domain_hash


def finalists_of(session: Session, edition: Edition) -> list[Finalist]:
    """The edition's finalists in the staff's order."""
    query = select(Finalist).where(Finalist.edition_id == edition.id)
    pictures = joinedload(Finalist.nomination).selectinload(Nomination.picture)
    return list(session.scalars(query.options(pictures).order_by(Finalist.position)))


def is_finalist(session: Session, nomination_id: str) -> bool:
    """Whether the nomination is among its edition's finalists."""
    return session.get(Finalist, nomination_id) is not None


def choose_finalists(
    session: Session, edition: Edition, ids: list[str], staff: str, now: dt.datetime | None = None
) -> list[Finalist]:
    """Replace the edition's finalists, in the screening phase only (409 otherwise)."""
    if edition.phase(now or utcnow()) != "screening":
        raise Conflict("Finalists are chosen between the close of nominations and voting.")
    return set_finalists(session, edition, ids, staff)


def set_finalists(session: Session, edition: Edition, ids: list[str], staff: str) -> list[Finalist]:
    """Make these accepted nominations the edition's finalists, in this order, and send the
    set to voting and jury. 422 naming the ids that are not accepted nominations of the
    edition, or when there are more than the edition's finalist_count."""
    if len(ids) > edition.finalist_count:
        raise ValidationError(f"at most {edition.finalist_count} finalists", "nomination_ids")
    accepted = set(
        session.scalars(
            select(Nomination.id).where(
                Nomination.edition_id == edition.id,
                Nomination.status == "accepted",
                Nomination.id.in_(ids),
            )
        )
    )
    bad = [i for i in ids if i not in accepted]
    if bad:
        raise ValidationError(
            f"not accepted nominations of this edition: {', '.join(bad)}", "nomination_ids"
        )
    session.execute(delete(Finalist).where(Finalist.edition_id == edition.id))
    for position, nomination_id in enumerate(ids):
        session.add(
            Finalist(
                nomination_id=nomination_id,
                edition_id=edition.id,
                position=position,
                chosen_by=staff,
            )
        )
    session.flush()
    return republish_finalists(session, edition)


def republish_finalists(session: Session, edition: Edition) -> list[Finalist]:
    """Send the edition's current finalists to voting and jury as the next revision."""
    session.refresh(edition, with_for_update=True)  # two changes at once: one revision each
    finalists = finalists_of(session, edition)
    edition.finalists_revision += 1
    for follower, view in VIEWS.items():
        payload = FINALISTS_EVENT.dump(
            {
                "edition": edition.slug,
                "revision": edition.finalists_revision,
                "finalists": [view(f.nomination) for f in finalists],
            }
        )
        publish(session, envelope(FINALISTS_SELECTED, "nominations", payload), [follower])
    return finalists


VIEWS = {"voting": public_dossier, "jury": dossier}
