"""The hub's public pages: the home page of the current edition, the winners, and the pages
behind the links mailed about a nomination (confirm; the nominee's decline).

Pages work without JavaScript. A mailed link's GET only shows a button that posts back to
it (shared/links.py); a link that is tampered with answers 404, an expired one (or a
used decline link) 410, each with a page saying what to do.
"""

from __future__ import annotations

from flask import Blueprint, make_response, render_template
from flask_babel import lazy_gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.nominations import confirmation
from services.nominations.finalists import finalists_of, public_view
from services.nominations.models import Edition, Publication
from services.nominations.schedule import PHASES, TIE_RULES, current_edition, deadlines
from services.nominations.winners import cache_control, public_winners, winners_view
from shared.backends import backends
from shared.links import ButtonPage, button_page
from shared.models import utcnow
from shared.tokens import LinkExpired, LinkInvalid, LinkUsed

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    """The current edition: its phase, its deadlines, and where to go next."""
    now = utcnow()
    with backends().sessions() as session:
        edition = current_edition(session, now)
        context = _home_context(session, edition, now) if edition else {}
    response = make_response(render_template("home.html", edition=edition, **context))
    response.headers["Cache-Control"] = "no-store"  # it says whether the winners are out
    return response


def _home_context(session: Session, edition: Edition, now) -> dict:
    phase = edition.phase(now)
    shown = phase in ("voting", "jury", "closed")
    return {
        "phase": phase,
        "phase_text": PHASES[phase],
        "tie_rule": TIE_RULES[edition.tie_break],
        "deadlines": deadlines(edition),
        "finalists": [public_view(f.nomination) for f in finalists_of(session, edition)]
        if shown
        else [],
        "voting_url": backends().settings.public_url("voting") + "/",
        "winners_out": public_winners(session, edition, now) is not None,
    }


@bp.get("/winnaars")
def winners():
    """The winners of the latest edition whose winners are public; nothing before that."""
    now = utcnow()
    with backends().sessions() as session:
        query = (
            select(Publication, Edition)
            .join(Edition, Edition.id == Publication.edition_id)
            .where(Publication.publish_at <= now)
            .order_by(Edition.jury_close.desc())
        )
        found = session.execute(query.limit(1)).first()
        shown = winners_view(session, found.Edition, found.Publication) if found else None
        edition = found.Edition if found else None
        voting = backends().settings.public_url("voting")
        page = render_template("winners.html", winners=shown, edition=edition, voting_url=voting)
    response = make_response(page)
    seconds = backends().settings.winners_cache_seconds
    response.headers["Cache-Control"] = cache_control(shown is not None, seconds)
    return response


@bp.errorhandler(LinkInvalid)
def link_problem(exc: LinkInvalid):
    """The page for a link that cannot be used: 410 when it expired or was used, 404 when
    it is wrong."""
    kind = "invalid"
    if isinstance(exc, (LinkUsed, LinkExpired)):
        kind = "used" if isinstance(exc, LinkUsed) else "expired"
    page = render_template("link_problem.html", kind=kind)
    return page, 404 if kind == "invalid" else 410


CONFIRM_PAGE = ButtonPage(
    lazy_gettext("Bevestig je nominatie"),
    lazy_gettext("Druk op de knop om je nominatie te bevestigen. Dan pas telt ze."),
    lazy_gettext("Bevestig mijn nominatie"),
)
DECLINE_PAGE = ButtonPage(
    lazy_gettext("Je naam niet publiek tonen"),
    lazy_gettext(
        "Word je finalist, dan tonen we standaard je naam, je organisatie en een korte"
        " beschrijving. Wil je dat niet, dan tonen we „Anoniem“ in plaats van je naam en"
        " organisatie."
    ),
    lazy_gettext("Toon mijn naam en organisatie niet"),
)


@bp.get("/nominations/confirm/<token>")
def confirm_page(token: str):
    """The page of the link in the nominator's mail: a button that confirms (a mail
    scanner opening the link changes nothing). Once confirmed, the page says so: confirming
    again would change nothing, and the mail of a second nomination of the same innovation
    may arrive after the person opened the first link again."""
    with backends().sessions() as session:
        nominator = confirmation.nominator_for(session, token)
        if nominator.confirmed_at is not None:
            done = confirmation.Outcome(False, nominator.nomination)
            return render_template("confirmed.html", outcome=done)
        return button_page(CONFIRM_PAGE, "confirm.html", nomination=nominator.nomination)


@bp.post("/nominations/confirm/<token>")
def confirm(token: str):
    """Confirm a nomination: the button on the link's page."""
    with backends().sessions.begin() as session:
        outcome = confirmation.confirm(session, token)
        return render_template("confirmed.html", outcome=outcome)


@bp.get("/nominations/decline/<token>")
def decline(token: str):
    """The nominee's page: ask not to be shown in public (a button, so that a mail scanner
    opening the link changes nothing)."""
    with backends().sessions() as session:
        nomination = confirmation.nomination_to_decline(session, token)
        return button_page(DECLINE_PAGE, "decline.html", nomination=nomination)


@bp.post("/nominations/decline/<token>")
def decline_post(token: str):
    """Hide the nominee's name and organisation from public pages."""
    with backends().sessions.begin() as session:
        outcome = confirmation.decline(session, token)
        return render_template("declined.html", honoured=not outcome.nomination.public)
