"""Voting's pages: the voting page, each finalist's page (services/voting/finalist_page.py),
"check your mail", and the confirmation link's page (whose GET shows the button that
confirms: shared/links.py).

The form posts to the same intake as the API (services/voting/votes.py). It carries a
hidden, signed moment at which the page was made, so intake knows how long the form took
(a missing or forged one counts as no time at all), a honeypot field people never see, and
the `via` word of the shared link that opened the page (services/voting/share.py).
"""

from __future__ import annotations

import time

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext, lazy_gettext
from marshmallow import ValidationError
from sqlalchemy import select
from werkzeug.exceptions import Conflict, NotFound

from services.voting import confirmation, finalist_page, limits, receipts, share, votes
from services.voting.confirmation import Outcome
from services.voting.models import Edition, Finalist
from shared.backends import backends
from shared.editions import edition_or_404
from shared.finalists import finalists_of
from shared.limits import per_client_and_network
from shared.links import ButtonPage, button_page
from shared.models import utcnow
from shared.schemas.votes import VoteInSchema
from shared.tokens import LinkExpired, LinkInvalid, make_token, read_token

bp = Blueprint("voting_web", __name__)
VOTE_IN = VoteInSchema()
FORM_PURPOSE = "vote-form"
FORM_MAX_AGE = 24 * 3600
HONEYPOT = "website"


@bp.get("/")
def home():
    """The voting page of the edition whose voting is open now (or a notice that none is)."""
    now = utcnow()
    with backends().reading() as session:
        edition = session.scalar(
            select(Edition)
            .where(Edition.voting_open <= now, Edition.voting_close > now)
            .order_by(Edition.voting_open.desc())
            .limit(1)
        )
        if edition is None:
            return render_template("no_voting.html")
        return _form(session, edition, {}, {})


def _form(session, edition: Edition, values: dict, errors: dict, status: int = 200):
    finalists = finalists_of(session, Finalist, edition.id)
    names = share.short_names(finalists)
    preview = {
        "title": gettext("Stem voor de publieksprijs"),
        "description": gettext(
            "Kies jouw favoriet onder de finalisten van %(title)s en stem voor de publieksprijs.",
            title=edition.title,
        ),
        "url": finalist_page.page_url(".home"),
        "image": finalist_page.campaign_card(),
        "alt": gettext("De naam Radicale Vernieuwers naast een aangevinkt vakje"),
    }
    return render_template(
        "vote.html", **_form_context(edition, finalists, names, values, errors), preview=preview
    ), status


def _form_context(edition, finalists, names: dict, values: dict, errors: dict) -> dict:
    """What the voting form needs: the finalists and their short names (for their pages),
    the values shown, the errors, the signed moment and the honeypot's name."""
    values = {"via": share.via_word(request.args.get("via"))} | values
    return {
        "edition": edition,
        "finalists": finalists,
        "names": names,
        "values": values,
        "errors": errors,
        "stamp": make_token(FORM_PURPOSE, repr(time.time())),
        "honeypot": HONEYPOT,
    }


@bp.get("/stemmen/<slug>/<key>")
def finalist(slug: str, key: str):
    """A finalist's own page (by id or short name): its picture and story, the voting form
    with it chosen, a share block and preview tags; 404 before voting opens."""
    now = utcnow()
    with backends().reading() as session:
        edition = edition_or_404(session, Edition, slug)
        finalists = finalists_of(session, Finalist, edition.id)
        chosen = share.find(finalists, key)
        if now < edition.voting_open or chosen is None:
            raise NotFound("No such finalist (or voting has not opened yet).")
        names = share.short_names(finalists)
        values = {"finalist_id": chosen.id}
        return render_template(
            "finalist.html",
            **_form_context(edition, finalists, names, values, {}),
            **finalist_page.context(edition, chosen, names),
            open=now < edition.voting_close,
        )


@bp.get("/stemmen/<slug>")
def vote_again(slug: str):
    """The form's own address asked for by GET (a language switch on the form shown again
    after a mistake, a reload): back to the voting page, in the language asked for."""
    return redirect(url_for(".home", lang=request.args.get("lang")), 303)


@bp.post("/stemmen/<slug>")
@limits.limited
def vote(slug: str):
    """Cast the page's vote; then "check your mail", or the form again with what to mend."""
    values = {name: request.form.get(name, "") for name in ("finalist_id", "email")}
    values["via"] = share.via_word(request.form.get("via"))
    try:
        data = VOTE_IN.load({name: values[name] for name in ("finalist_id", "email")})
        votes.take_vote(
            slug,
            data,
            lang=str(get_locale() or "nl"),
            form_seconds=_form_seconds(),
            honeypot=bool(request.form.get(HONEYPOT)),
            via=share.via_word(request.form.get("via")),
        )
    except ValidationError as exc:
        return _invalid(slug, values, exc.messages)
    except Conflict:
        return render_template("closed.html"), 409
    return redirect(url_for(".check_mail", slug=slug), 303)


def _form_seconds() -> float:
    """Seconds since the form was made; 0 when its stamp is missing, forged or stale."""
    try:
        made = float(read_token(FORM_PURPOSE, request.form.get("stamp", ""), FORM_MAX_AGE))
    except (LinkInvalid, ValueError):
        return 0.0
    return max(time.time() - made, 0.0)


def _invalid(slug: str, values: dict, messages: dict):
    errors = {name: _message(name) for name in messages}
    with backends().reading() as session:
        return _form(session, edition_or_404(session, Edition, slug), values, errors, 422)


def _message(field: str) -> str:
    if field == "email":
        return gettext("Vul een e-mailadres in waarop je mail ontvangt (geen wegwerpadres).")
    return gettext("Kies één finalist.")


@bp.get("/stemmen/<slug>/check-je-mail")
def check_mail(slug: str):
    """After a vote: the link to confirm it is in the voter's mailbox."""
    return render_template("check_mail.html")


PAGES = {
    Outcome.COUNTED: ("confirmed.html", 200),
    Outcome.QUARANTINED: ("confirmed.html", 200),  # the voter is not told: no hint to a bot
    Outcome.ALREADY: ("already.html", 200),
    Outcome.CLOSED: ("closed.html", 409),
    Outcome.UNKNOWN: ("link_invalid.html", 404),
}
REFUSED = PAGES | {Outcome.ALREADY: ("already.html", 410)}  # a used link, on its GET
CONFIRM_PAGE = ButtonPage(
    lazy_gettext("Bevestig je stem"),
    lazy_gettext("Druk op de knop om je stem te bevestigen. Pas dan telt ze mee."),
    lazy_gettext("Bevestig mijn stem"),
)


# The link's limits, the page and the button each: per client and per network.
_confirm_limits = per_client_and_network("confirm_limit_address", "confirm_limit_network")


@bp.get("/votes/confirm/<token>")
@_confirm_limits
def confirm_page(token: str):
    """The link in the mail: a page with the button that confirms (a mail scanner opening
    the link changes nothing); a link that cannot confirm answers its 4xx page here."""
    try:
        refused = confirmation.check(token)
    except LinkInvalid as exc:
        return _link_problem(exc)
    if refused:
        return _outcome_page(token, refused, REFUSED)
    return button_page(CONFIRM_PAGE)


@bp.post("/votes/confirm/<token>")
@_confirm_limits
def confirm(token: str):
    """The button: confirms the vote, which is in the tally once this answers."""
    try:
        outcome = confirmation.confirm(token)
    except LinkInvalid as exc:
        return _link_problem(exc)
    return _outcome_page(token, outcome, PAGES)


def _outcome_page(token: str, outcome: Outcome, pages: dict):
    """The page of what a link met; a confirmed vote's shows its receipt (again)."""
    template, status = pages[outcome]
    confirmed = outcome in (Outcome.COUNTED, Outcome.QUARANTINED, Outcome.ALREADY)
    receipt = receipts.receipt_of_link(token, confirmation.PURPOSE) if confirmed else None
    return render_template(template, receipt=receipt), status


def _link_problem(exc: LinkInvalid):
    if isinstance(exc, LinkExpired):
        return render_template("link_expired.html"), 410
    return render_template("link_invalid.html"), 404
