"""The jury's staff pages: progress per juror, the ranking now and the CSV export, behind
the staff sign-in of shared/staff_pages.py (the same figures as the staff JSON API)."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from sqlalchemy import select

from services.jury.conflicts import LABELS
from services.jury.editions import get_edition, is_closed
from services.jury.export import scores_csv
from services.jury.models import Edition, Finalist
from services.jury.progress import progress
from services.jury.ranking import ranking_of
from shared.backends import backends
from shared.finalists import finalists_of
from shared.staff_pages import staff_page

bp = Blueprint("jury_staff", __name__, url_prefix="/staff")


@bp.get("/")
@staff_page("jury")
def start():
    """The editions the jury knows, newest jury close first."""
    with backends().sessions() as db:
        editions = db.scalars(select(Edition).order_by(Edition.jury_close.desc())).all()
        return render_template("jury/staff_start.html", editions=editions, here="start")


@bp.get("/editions/<slug>")
@staff_page("jury")
def edition_page(slug: str):
    """Progress per juror and the ranking of one edition."""
    with backends().sessions() as db:
        edition = get_edition(db, slug)
        names = {f.id: f.name for f in finalists_of(db, Finalist, edition.id)}
        return render_template(
            "jury/staff_edition.html",
            edition=edition,
            closed=is_closed(edition),
            progress=progress(db, edition),
            ranking=ranking_of(db, edition),
            names=names,
            labels=LABELS,
            here="jury",
        )


@bp.get("/editions/<slug>/scores.csv")
@staff_page("jury")
def scores_download(slug: str):
    """The CSV export of every scorecard, as a download."""
    with backends().sessions() as db:
        text = scores_csv(db, get_edition(db, slug))
    return Response(
        text.encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="jury-{slug}.csv"',
            "Cache-Control": "no-store",
        },
    )
