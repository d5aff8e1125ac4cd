"""Staff pages: staff sign in once by pasting their staff token into a small form (CSRF
protected); the session keeps only the token's hash, checked against the live tokens on
every page, so revoking a token ends its page sessions too.

Each service registers `bp` (/staff/login, /staff/logout) and decorates its staff pages
with `staff_page(scope)`; `/staff/` is the service's own staff start page. Staff pages
extend `staff_base.html`, which shows the navigation shared by the three services.
"""

from __future__ import annotations

import functools

from flask import Blueprint, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import Forbidden

from shared.auth import hash_token, live_token
from shared.backends import backends
from shared.models import StaffToken
from shared.staff_nav import staff_nav

bp = Blueprint("staff_login", __name__, url_prefix="/staff")
SESSION_KEY = "staff_token_hash"
START = "/staff/"


@bp.app_context_processor
def navigation() -> dict:
    """Give staff templates the shared navigation (shared/staff_nav.py)."""
    return {"staff_nav": staff_nav}


def signed_in(token_hash: str | None) -> StaffToken | None:
    """The live staff token a page session holds (by its hash), if any."""
    with backends().sessions() as db:
        return live_token(db, token_hash)


def safe_target(target: str | None) -> str:
    """Where to go after signing in: a path on this site only (never another host)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return START
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in form; a valid token is remembered in the session (as its hash)."""
    target = safe_target(request.values.get("next"))
    if request.method == "GET":
        return render_template("staff_login.html", target=target, error=None)
    row = signed_in(hash_token(request.form.get("token", "").strip()))
    if row is None:
        error = _("Deze staff-token is niet geldig of werd ingetrokken.")
        return render_template("staff_login.html", target=target, error=error), 401
    lang = session.get("lang")
    session.clear()  # a fresh session for the signed-in person
    session.update({SESSION_KEY: row.token_hash, **({"lang": lang} if lang else {})})
    return redirect(target, 303)


@bp.post("/logout")
def logout():
    """Sign out: forget the token in this session."""
    session.pop(SESSION_KEY, None)
    return redirect(url_for("staff_login.login"), 303)


def _sign_in_first() -> str:
    """The sign-in form, in the language asked for, coming back here afterwards."""
    here = request.full_path.rstrip("?")
    return url_for("staff_login.login", next=here, lang=request.args.get("lang"))


def staff_page(scope: str):
    """Decorate a staff page: without a signed-in live token, go to the sign-in form (and
    come back after); a token without `scope` gets 403. Sets g.staff to the name."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            row = signed_in(session.get(SESSION_KEY))
            if row is None:
                return redirect(_sign_in_first(), 303)
            if not row.grants(scope):
                raise Forbidden(_("Deze staff-token geeft geen toegang tot deze pagina."))
            g.staff = row.name
            return view(*args, **kwargs)

        return wrapped

    return decorate
