"""The juror's pages: logging in from the mail (the link's page has the log-in button,
shared/links.py), the list of finalists, the scoring form.

A juror sees only their own scorecards. Nothing typed is lost: a refused or late post (the
session or its CSRF token expired meanwhile) answers the form again with the values as
posted, and the browser keeps a copy too (static/drafts.js) until the juror is back.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import format_decimal, gettext, lazy_gettext
from flask_wtf.csrf import CSRFError
from marshmallow import ValidationError
from sqlalchemy.orm import Session
from werkzeug.exceptions import BadRequest, Conflict, NotFound

from services.jury import login
from services.jury.conflicts import EXPLANATIONS, hints_of
from services.jury.criteria import criteria_of
from services.jury.editions import is_closed
from services.jury.jurors import resend_links
from services.jury.models import SUBMITTED, Edition, Finalist, Juror
from services.jury.scoring import (
    EntryRefused,
    card_for,
    entry_from_card,
    entry_from_form,
    save,
    score_so_far,
)
from shared.backends import backends
from shared.finalists import finalists_of
from shared.limits import from_settings, limiter, per_client_and_network
from shared.links import ButtonPage, button_page
from shared.people import normalise
from shared.schemas.fields import Email
from shared.tokens import LinkExpired, LinkInvalid

bp = Blueprint("jury_web", __name__)
PROBLEMS = {
    "missing": lazy_gettext("Geef een score van 1 tot 10."),
    "not_a_number": lazy_gettext("Vul een geheel getal in, van 1 tot 10."),
    "off_scale": lazy_gettext("De score moet tussen 1 en 10 liggen."),
    "too_long": lazy_gettext("Je commentaar is te lang (hoogstens 5000 tekens)."),
}
ACTIONS = ("draft", "submit")
NOT_YOURS = lazy_gettext("Deze finalist bestaat niet (meer) in jouw jury.")
LOGIN_PAGE = ButtonPage(
    lazy_gettext("Aanmelden als jurylid"),
    lazy_gettext("Druk op de knop om je aan te melden. Deze link werkt één keer."),
    lazy_gettext("Aanmelden"),
)


def logged_in(db: Session) -> Juror | None:
    """The juror of this request's session, if they are logged in."""
    juror_id = login.current_juror_id()
    return db.get(Juror, juror_id) if juror_id else None


def finalist_for(db: Session, juror: Juror | None, finalist_id: str) -> Finalist:
    """A finalist of the juror's own edition (of any, without a juror), or 404."""
    finalist = db.get(Finalist, finalist_id)
    if finalist is None or (juror and finalist.edition_id != juror.edition_id):
        raise NotFound(str(NOT_YOURS))
    return finalist


@bp.get("/")
def home():
    """The juror's finalists with where they stand, or how to log in."""
    with backends().sessions() as db:
        juror = logged_in(db)
        if juror is None:
            return render_template("jury/login_needed.html")
        edition = db.get(Edition, juror.edition_id)
        finalists = finalists_of(db, Finalist, edition.id)
        cards = {f.id: card_for(db, juror.id, f.id) for f in finalists}
        criteria = criteria_of(db, edition.id)
        context = {
            "juror": juror,
            "edition": edition,
            "closed": is_closed(edition),
            "scores": {fid: _shown(score_so_far(card, criteria)) for fid, card in cards.items()},
            "criteria_count": len(criteria),
            "hints": hints_of(db, juror.id),
        }
        return render_template("jury/home.html", finalists=finalists, cards=cards, **context)


def _shown(score: tuple[float | None, int]) -> tuple[str | None, int]:
    value, filled = score
    return (None if value is None else format_decimal(value, "0.0#"), filled)


@bp.get("/login/<token>")
def login_page(token: str):
    """The link in the juror's mail: a page with the log-in button (a mail scanner opening
    the link uses nothing up); a link that cannot log in answers its 4xx page here."""
    with backends().sessions() as db:
        try:
            login.link_to_use(db, token, _link_max_age())
        except LinkInvalid as exc:
            return _login_refused(exc)
    return button_page(LOGIN_PAGE)


@bp.post("/login/<token>")
def login_link(token: str):
    """The log-in button: uses the link (once), then on to the juror's finalists."""
    with backends().sessions.begin() as db:
        try:
            juror = login.use_link(db, token, _link_max_age())
        except LinkInvalid as exc:
            return _login_refused(exc)
        resume = login.start_session(juror)
        known = resume and db.get(Finalist, resume)
        if known and known.edition_id == juror.edition_id:
            return redirect(url_for(".score", finalist_id=resume), 303)
    return redirect(url_for(".home"), 303)


def _link_max_age() -> int:
    return backends().settings.jury_login_link_max_age


def _login_refused(exc: LinkInvalid):
    """A link that cannot log in: on to the list for the juror already logged in with it,
    else the page offering a new link."""
    if isinstance(exc, login.LinkUsed):
        if login.current_juror_id() == exc.juror_id:
            return redirect(url_for(".home"), 303)
        return link_problem("used", 410)
    if isinstance(exc, login.LinkReplaced):
        return link_problem("replaced", 410)
    if isinstance(exc, LinkExpired):
        return link_problem("expired", 410)
    return link_problem("invalid", 400)


def link_problem(kind: str, status: int):
    """The page for a login link that cannot log in, offering a new link."""
    return render_template("jury/link_problem.html", kind=kind), status


def _mailbox() -> str:
    """The new-link limit's key: the address's one spelling, so that its variants (case,
    dots, tags, look-alike characters) share one allowance."""
    return "email:" + normalise(request.form.get("email", ""))


@bp.route("/nieuwe-link", methods=["GET", "POST"])
@per_client_and_network("jury_new_link_per_address", "jury_new_link_per_network", methods=["POST"])
@limiter.limit(from_settings("jury_new_link_per_email"), key_func=_mailbox, methods=["POST"])
def new_link():
    """Ask for a new login link: the same answer whether or not the address is a juror's."""
    if request.method == "GET":
        return render_template("jury/new_link.html", email="", problem=None)
    email = request.form.get("email", "").strip()
    try:
        Email().deserialize(email)
    except ValidationError:
        problem = gettext("Vul een geldig e-mailadres in, zoals naam@voorbeeld.be.")
        return render_template("jury/new_link.html", email=email, problem=problem), 422
    with backends().sessions.begin() as db:
        resend_links(db, email)
    return render_template("jury/link_sent.html")


@bp.post("/afmelden")
def logout():
    """Log out; the juror's work stays saved on the server."""
    login.end_session()
    flash(gettext("Je bent afgemeld."))
    return redirect(url_for(".home"), 303)


@bp.route("/beoordelen/<finalist_id>", methods=["GET", "POST"])
def score(finalist_id: str):
    """The scoring form of one finalist: GET shows the saved draft, POST saves or submits."""
    with backends().sessions() as db:
        juror = logged_in(db)
        if juror is None:
            return keep_unsent(db, finalist_for(db, None, finalist_id))
        finalist = finalist_for(db, juror, finalist_id)
        if request.method == "GET":
            entry = entry_from_card(card_for(db, juror.id, finalist.id))
            return render_form(db, juror, finalist, entry)
        return post_score(db, juror, finalist)


def post_score(db: Session, juror: Juror, finalist: Finalist):
    """Save a draft or submit; a refused post shows the form again with the values posted."""
    action = request.form.get("action", "draft")
    if action not in ACTIONS:
        raise BadRequest(gettext("Onbekende actie."))
    criteria = criteria_of(db, juror.edition_id)
    entry = entry_from_form(request.form, criteria)
    try:
        save(db, juror, finalist, criteria, entry, submit=action == "submit")
        db.commit()
    except EntryRefused as refused:
        db.rollback()
        problems = {k: PROBLEMS[v] for k, v in refused.problems.items()}
        return render_form(db, juror, finalist, entry, problems=problems, status=422)
    except Conflict:  # submitted already, or the jury closed: the page says which
        db.rollback()
        message = gettext("Niet bewaard: deze beoordeling kan niet meer gewijzigd worden.")
        return render_form(db, juror, finalist, entry, message=message, status=409)
    if action == "draft":
        flash(gettext("Je ontwerp is bewaard."))
        return redirect(url_for(".score", finalist_id=finalist.id), 303)
    flash(gettext("Je beoordeling van %(name)s is ingediend.", name=finalist.name))
    return redirect(url_for(".home"), 303)


def render_form(db: Session, juror: Juror, finalist: Finalist, entry, status: int = 200, **kw):
    """The scoring form for a juror, filled with `entry`."""
    card = card_for(db, juror.id, finalist.id)
    edition = db.get(Edition, juror.edition_id)
    context = {
        "edition": edition,
        "finalist": finalist,
        "criteria": criteria_of(db, edition.id),
        "entry": entry,
        "locked": card is not None and card.status == SUBMITTED,
        "closed": is_closed(edition),
        "draft_key": f"{juror.id}:{finalist.id}",
        "draft_version": card.revision if card else 0,
        "juror": juror,
        "hint": hints_of(db, juror.id).get(finalist.id),
        "hint_texts": EXPLANATIONS,
    }
    return render_template("jury/score.html", **context, **kw), status


def keep_unsent(db: Session, finalist: Finalist):
    """For someone whose session ran out: the form as posted (nothing saved, nothing lost),
    and a way to log in again; the new login brings them back to this finalist."""
    session[login.RESUME_KEY] = finalist.id
    if request.method == "GET":
        return render_template("jury/login_needed.html"), 401
    criteria = criteria_of(db, finalist.edition_id)
    context = {
        "edition": db.get(Edition, finalist.edition_id),
        "finalist": finalist,
        "criteria": criteria,
        "entry": entry_from_form(request.form, criteria),
        "expired": True,
        "locked": False,
        "closed": False,
        "draft_key": request.form.get("draft_key", "")[:140],
        "draft_version": request.form.get("draft_version", "0")[:12],
    }
    return render_template("jury/score.html", **context), 401


@bp.errorhandler(CSRFError)
def csrf_failed(error: CSRFError):
    """A form posted without a valid CSRF token, mostly because the session ran out: the
    scoring form comes back with what was posted. (Runs as an error handler: it answers
    every case itself rather than raise.)"""
    if request.endpoint != "jury_web.score":
        return render_template("jury/login_needed.html", stale=True), 400
    with backends().sessions() as db:
        juror = logged_in(db)
        finalist = db.get(Finalist, request.view_args["finalist_id"])
        if finalist is None or (juror and finalist.edition_id != juror.edition_id):
            return render_template("error.html", status=404, message=NOT_YOURS), 404
        if juror is None:
            return keep_unsent(db, finalist)
        entry = entry_from_form(request.form, criteria_of(db, juror.edition_id))
        message = gettext("Het formulier was verlopen. Controleer je invoer en verstuur opnieuw.")
        return render_form(db, juror, finalist, entry, message=message, status=400)
