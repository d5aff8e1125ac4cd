"""The privacy page every service shows (/privacy, linked from every page's footer): what the
platform keeps of whom, why, for how long, and how to get it or have it erased. The periods
come from the settings, so the page says what the platform really does."""

from __future__ import annotations

from flask import Blueprint, render_template

from shared.backends import backends

bp = Blueprint("privacy_page", __name__)


@bp.get("/privacy")
def privacy():
    """The privacy statement, in the page's language.
    ---
    get:
      tags: [pages]
      responses:
        200:
          description: the page
          content:
            text/html: {}
    """
    settings = backends().settings
    return render_template("privacy.html", settings=settings)
