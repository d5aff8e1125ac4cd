"""Links in mails: their GET changes nothing; the button on the page it answers does.

Mail gateways and link previews open (GET) every link in a mail before the person does. So
each mailed link answers its GET with a page holding one form that posts back to the same
URL, with one button and its CSRF field, in the visitor's language; the POST acts. The GET
reads the link first, so a tampered, expired or used link answers its 4xx page there
already. The CSRF token is kept in the session cookie: a client that is not a browser does
as a browser does, GET the page, then POST its form with the cookies it was given.
"""

from __future__ import annotations

from typing import NamedTuple

from flask import render_template, request


class ButtonPage(NamedTuple):
    """The texts of a link's page: its title, what pressing the button does, the button."""

    title: str
    lead: str
    button: str


def button_page(page: ButtonPage, template: str = "link_button.html", **context) -> str:
    """The page a mailed link answers on GET: `page`'s texts and one button posting back to
    the link's own URL (a service's template may extend link_button.html to say more)."""
    return render_template(template, page=page, action=request.path, **context)
