"""Staff pages: staff sign in once by pasting their staff token into a small form (CSRF
protected); the session keeps only the token's hash, checked against the live tokens on
every page, so revoking a token ends its page sessions too.

Each sign-in also gets a session id that lives in Redis (renewed on every page, for
`staff_session_lifetime`): signing out deletes it, so a copy of the cookie taken before
stops working too. Sign-in attempts are limited per client network and per token prefix
(`STAFF_SIGN_IN_LIMIT_NETWORK`, `STAFF_SIGN_IN_LIMIT_PREFIX`).

Each service registers `bp` (/staff/login, /staff/logout) and decorates its staff pages
with `staff_page(scope)`; `/staff/` is the service's own staff start page. Staff pages
extend `staff_base.html`, which shows the navigation shared by the three services.
"""

from __future__ import annotations

import functools
import re
import secrets
from urllib.parse import urlsplit

from flask import Blueprint, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import Forbidden

from shared.auth import hash_token, live_token
from shared.backends import backends
from shared.limits import client_network, from_settings, limiter
from shared.models import StaffToken
from shared.staff_nav import SERVICE_NAMES, sign_ins, staff_nav

bp = Blueprint("staff_login", __name__, url_prefix="/staff")
SESSION_KEY = "staff_token_hash"
SESSION_ID = "staff_session"
TOKEN_PREFIX = 12  # "rvs_" and 8 characters: one token tried from many networks
START = "/staff/"
UNSAFE_IN_TARGET = re.compile(r"[\x00-\x20\x7f\\]")


@bp.app_context_processor
def navigation() -> dict:
    """Give staff templates the shared navigation and the services' sign-ins
    (shared/staff_nav.py)."""
    return {"staff_nav": staff_nav, "staff_sign_ins": sign_ins, "service_names": SERVICE_NAMES}


def signed_in(token_hash: str | None) -> StaffToken | None:
    """The live staff token a page session holds (by its hash), if any."""
    with backends().sessions() as db:
        return live_token(db, token_hash)


def safe_target(target: str | None) -> str:
    """Where to go after signing in: a path on this site only. Browsers drop tabs and line
    breaks from a URL and read a backslash as a slash, so `/<tab>/evil.example` would lead
    to `//evil.example`: any control character or backslash, a second leading slash or a
    scheme sends the person to the staff start page instead (a line break would also make
    the Location header invalid)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return START
    if UNSAFE_IN_TARGET.search(target) or urlsplit(target).netloc:
        return START
    return target


def _typed_token_prefix() -> str:
    return request.form.get("token", "").strip()[:TOKEN_PREFIX]


def _server_key(session_id: str) -> str:
    settings = backends().settings
    return f"rv:{settings.queue_prefix}staff-sessions:{settings.service}:{session_id}"


def _start_server_session() -> str:
    """A new session id, alive in Redis for the session lifetime."""
    session_id = secrets.token_urlsafe(24)
    lifetime = backends().settings.staff_session_lifetime
    backends().redis.set(_server_key(session_id), 1, ex=lifetime)
    return session_id


def _server_session_alive(session_id: str | None) -> bool:
    """Whether the page session was not signed out (nor idle too long); renews it."""
    lifetime = backends().settings.staff_session_lifetime
    return bool(session_id) and bool(backends().redis.expire(_server_key(session_id), lifetime))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    from_settings("staff_sign_in_limit_network"), key_func=client_network, methods=["POST"]
)
@limiter.limit(
    from_settings("staff_sign_in_limit_prefix"), key_func=_typed_token_prefix, methods=["POST"]
)
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
    session.update({SESSION_KEY: row.token_hash, SESSION_ID: _start_server_session()})
    session.update({"lang": lang} if lang else {})
    return redirect(target, 303)


@bp.post("/logout")
def logout():
    """Sign out: end the session on the server (a copied cookie stops working) and forget
    the token in this one."""
    if session.get(SESSION_ID):
        backends().redis.delete(_server_key(session[SESSION_ID]))
    session.pop(SESSION_KEY, None)
    session.pop(SESSION_ID, None)
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
            alive = _server_session_alive(session.get(SESSION_ID))
            row = signed_in(session.get(SESSION_KEY)) if alive else None
            if row is None:
                return redirect(_sign_in_first(), 303)
            if not row.grants(scope):
                raise Forbidden(_("Deze staff-token geeft geen toegang tot deze pagina."))
            g.staff = row.name
            return view(*args, **kwargs)

        return wrapped

    return decorate
