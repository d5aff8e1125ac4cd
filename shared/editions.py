"""An edition's schedule as every service keeps it, and the phase it gives at a moment.

Nominations owns editions; voting and jury keep a replica, updated by `edition.scheduled`
events. Each event carries the edition's revision, so a late redelivery of an older
schedule never overwrites a newer one.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, jsonify
from sqlalchemy import Boolean, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column
from werkzeug.exceptions import NotFound

from shared import campaign
from shared.backends import backends
from shared.db import UTCDateTime
from shared.models import utcnow
from shared.schemas.editions import WINDOWS, EditionSchema, ScheduleEventSchema

SCHEDULED = "edition.scheduled"
SCHEDULE = ScheduleEventSchema()


class EditionColumns:
    """The columns of an edition, the same in the hub and in every replica."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Brussels")
    nominations_open: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    nominations_close: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    voting_open: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    voting_close: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    jury_close: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    finalist_count: Mapped[int] = mapped_column(Integer, default=10)
    public_tally: Mapped[bool] = mapped_column(Boolean, default=False)
    tie_break: Mapped[str] = mapped_column(String(20), default="other_award")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # The revision of the finalists this service holds (shared/finalists.py); not scheduled.
    finalists_revision: Mapped[int] = mapped_column(Integer, default=0)

    def phase(self, now: dt.datetime | None = None) -> str:
        """Where the contest stands at `now`: each window's open is inclusive, close exclusive."""
        now = now or utcnow()
        if now < self.nominations_open:
            return "upcoming"
        for phase, ends in (
            ("nominations", self.nominations_close),
            ("screening", self.voting_open),
            ("voting", self.voting_close),
            ("jury", self.jury_close),
        ):
            if now < ends:
                return phase
        return "closed"

    def as_dict(self) -> dict:
        """The edition's fields as the schemas read them, with its phase now."""
        fields = ("slug", "title", "timezone", *WINDOWS, "finalist_count", "public_tally")
        data = {name: getattr(self, name) for name in fields}
        return data | {
            "tie_break": self.tie_break,
            "revision": self.revision,
            "phase": self.phase(),
        }


def edition_or_404(session: Session, model: type[EditionColumns], slug: str, where: str = ""):
    """The edition (hub's or replica, by `model`) with this slug, or a 404 saying so."""
    edition = session.scalar(select(model).where(model.slug == slug))
    if edition is None:
        raise NotFound(f"No edition with this slug{where}.")
    return edition


def schedule_payload(edition: EditionColumns) -> dict:
    """The payload of an `edition.scheduled` event for this edition."""
    return SCHEDULE.dump(edition.as_dict())


def schedule_handler(model: type[EditionColumns]):
    """The consumer's handler of `edition.scheduled` for the replica `model`."""

    def apply_schedule(session: Session, payload: dict) -> None:
        data = SCHEDULE.load(payload)
        # Locked: two workers applying two revisions at once must not both compare with the
        # old one, or the older could be written last.
        query = select(model).where(model.slug == data["slug"]).with_for_update()
        edition = session.scalar(query)
        if edition is None:
            edition = model(slug=data["slug"], revision=0)
            session.add(edition)
        if data["revision"] <= edition.revision:
            return  # an older schedule arriving late
        for name, value in data.items():
            setattr(edition, name, value)

    return apply_schedule


def editions_blueprint(model: type[EditionColumns]) -> Blueprint:
    """GET /api/v1/editions/<slug> (public): the hub's editions, or a service's replica."""
    bp = Blueprint("editions", __name__, url_prefix="/api/v1/editions")
    campaign.attach(bp, model)  # every page's header names the edition and its phase

    @bp.get("/<slug>")
    def get_edition(slug: str):
        """The edition as this service knows it, with its phase now.
        ---
        get:
          tags: [editions]
          responses:
            200:
              description: the edition
              content:
                application/json: {schema: EditionSchema}
        """
        with backends().sessions() as session:
            edition = edition_or_404(session, model, slug)
            return jsonify(EditionSchema().dump(edition.as_dict()))

    return bp
