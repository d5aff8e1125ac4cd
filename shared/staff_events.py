"""The staff page of a service's failed events: what its worker could not apply after its
retries (rq's failed registry), each with the error and a button that puts it back in the
queue once the cause is fixed, the same as the events API of shared/bus_admin.py. Each
service has its own; the page links to the other two."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from shared.backends import backends
from shared.bus_admin import failed_jobs, requeue
from shared.config import SERVICES
from shared.staff_pages import staff_page

bp = Blueprint("staff_events", __name__, url_prefix="/staff/events")
PAGE = 50


@bp.get("")
@staff_page("events")
def failed():
    """This service's failed events, newest first, a page at a time."""
    raw = request.args.get("from", "0")
    if not (raw.isascii() and raw.isdigit()):
        raise BadRequest(_("Deze pagina bestaat niet."))
    settings = backends().settings
    others = {s: f"{settings.public_url(s)}/staff/events" for s in SERVICES}
    del others[settings.service]
    return render_template(
        "staff_events.html",
        page=failed_jobs(int(raw), PAGE),
        service=settings.service,
        others=others,
        here="events",
    )


@bp.post("/<job_id>/retry")
@staff_page("events")
def retry(job_id: str):
    """Put one failed event job back in the queue."""
    requeue(job_id)
    flash(_("Het event staat weer in de wachtrij."))
    return redirect(url_for(".failed"), 303)
