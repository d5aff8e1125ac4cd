"""The campaign line at the top of every page: the current edition's title and the phase it
is in, so that a visitor always knows which contest a page belongs to and where it stands.

Every service keeps its own copy of the editions (the hub's table or a replica), so the line
reads the service's own table; the editions blueprint hands it the model.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from flask import Blueprint, g
from flask_babel import lazy_gettext
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from shared.backends import backends
from shared.models import utcnow
from shared.web import wants_json

if TYPE_CHECKING:
    from shared.editions import EditionColumns

PHASE_NAMES = {
    "upcoming": lazy_gettext("Binnenkort"),
    "nominations": lazy_gettext("Nomineren kan nu"),
    "screening": lazy_gettext("De finalisten worden gekozen"),
    "voting": lazy_gettext("Stemmen kan nu"),
    "jury": lazy_gettext("De jury beslist"),
    "closed": lazy_gettext("Afgelopen"),
}


def current_edition(session: Session, model: type[EditionColumns], now: dt.datetime):
    """The edition running now (the latest to open, if several), else the next one to
    open, else the last one that ran; None when there is none."""
    running = select(model).where(model.nominations_open <= now, model.jury_close > now)
    for query in (
        running.order_by(model.nominations_open.desc()),
        select(model).where(model.nominations_open > now).order_by(model.nominations_open),
        select(model).order_by(model.jury_close.desc()),
    ):
        edition = session.scalar(query.limit(1))
        if edition is not None:
            return edition
    return None


def campaign_line(model: type[EditionColumns]) -> dict | None:
    """The current edition's title, phase and phase name for the page header, or None."""
    now = utcnow()
    try:
        with backends().sessions() as session:
            edition = current_edition(session, model, now)
            if edition is None:
                return None
            phase = edition.phase(now)
            return {"title": edition.title, "phase": phase, "phase_name": PHASE_NAMES[phase]}
    except SQLAlchemyError:
        # The header is decoration: a page about a database that does not answer (an error
        # page among them) must still render, without it.
        return None


def attach(bp: Blueprint, model: type[EditionColumns]) -> None:
    """Give every page of the app the campaign line of `model`'s current edition.

    It is read before the view runs, and only for pages: on SQLite every transaction takes
    the write lock, so a read made while the view's own session is open would wait for it.
    """

    @bp.before_app_request
    def read_campaign_line() -> None:
        if not wants_json():
            g.campaign = campaign_line(model)

    @bp.app_context_processor
    def campaign_context() -> dict:
        return {"campaign": g.get("campaign")}
