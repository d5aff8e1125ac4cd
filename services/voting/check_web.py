"""The check page: once voting has closed, a voter types their receipt and reads what
became of their vote (counted, and for whom; held for review; rejected; not found), and
anyone downloads the bulletin and reads how to check its hash. Plain HTML, no script.

The receipt is posted (with the form's CSRF token), not put in the address, so that it
stays out of access logs, where it would sit beside the voter's network address. Before the
close the page only says when it opens: a bot learns nothing from it while votes count.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from services.voting import bulletin, receipts
from services.voting.bulletin_api import NOT_YET
from services.voting.models import Edition, Finalist
from shared.backends import backends
from shared.editions import edition_or_404
from shared.limits import client_address, from_settings, limiter

bp = Blueprint("check_web", __name__)
# Why a bulletin was replaced: the reason its successor was made for.
REPLACED_BECAUSE = {
    "review": _l("na een beslissing over gecontroleerde stemmen"),
    "close": _l("toen de heropende stemming opnieuw sloot"),
}

# What a receipt's vote became, as the page says it (counted names the finalist).
VERDICTS = {
    "counted": _l("Je stem telt mee, voor %(finalist)s."),
    "quarantined": _l(
        "Je stem wordt nog gecontroleerd: ze telt (nog) niet mee. Kijk later nog eens."
    ),
    "rejected": _l("Je stem werd na controle uitgesloten en telt niet mee."),
    "unknown": _l(
        "Deze code staat niet in de stemming. Kijk na of je ze juist overtikte; een stem "
        "die niet bevestigd werd, heeft geen code."
    ),
}


@bp.get("/stemmen/<slug>/controle")
def check(slug: str):
    """The check page: the receipt form and the bulletin, or when it opens."""
    return _page(slug)


@bp.post("/stemmen/<slug>/controle")
@limiter.limit(from_settings("check_limit_address"), key_func=client_address)
def check_receipt(slug: str):
    """What became of the vote with the typed receipt, on the check page."""
    return _page(slug, request.form.get("receipt", ""))


def _page(slug: str, typed: str | None = None):
    with backends().sessions() as session:
        edition = edition_or_404(session, Edition, slug)
        shown = bulletin.public(session, edition)
        context = {"edition": edition, "bulletin": shown, "typed": typed}
        context["because"] = REPLACED_BECAUSE
        if shown is not None:
            context["replaced"] = bulletin.replaced(session, edition)
            context |= _verdict(session, edition, typed)
        return render_template("check.html", **context)


def _verdict(session, edition: Edition, typed: str | None) -> dict:
    """The page's answer to a typed receipt: a verdict, or why the code cannot be one."""
    if typed is None:
        return {}
    code = receipts.normalise(typed)
    if code is None:
        return {"invalid": True}
    vote = receipts.vote_by_receipt(session, edition, code)
    if vote is None:
        return {"code": code, "verdict": VERDICTS["unknown"]}
    name = session.scalar(
        select(Finalist.name).where(
            Finalist.edition_id == edition.id, Finalist.id == vote.finalist_id
        )
    )
    text = VERDICTS[vote.status] % {"finalist": name or vote.finalist_id}
    return {"code": code, "verdict": text}


@bp.get("/stemmen/<slug>/bulletin.json")
def bulletin_file(slug: str):
    """The bulletin's document exactly as hashed (without the `sha256` key), to download:
    `sha256sum` of this file prints the bulletin's hash."""
    with backends().sessions() as session:
        shown = bulletin.public(session, edition_or_404(session, Edition, slug))
    if shown is None:
        raise NotFound(NOT_YET)
    response = Response(bulletin.canonical_bytes(shown), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="bulletin-{slug}.json"'
    return response
