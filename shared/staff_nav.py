"""The one navigation of the staff pages of all three services: an edition's steps in the
order its life takes them (edition, nominations, finalists, votes and their review, the
jury, results, failed events), each a link to the service that owns it, and where the
edition stands now with what to do next.

Links to another service use its public address (`<SERVICE>_PUBLIC_URL`) and carry the
page's language, so a staff member keeps reading the same language there. Each service asks
for its own sign-in once, so every staff page and sign-in form says which service it is
and that the other two ask separately (`sign_ins`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import get_locale, lazy_gettext

from shared.backends import backends
from shared.campaign import PHASE_NAMES
from shared.config import SERVICES
from shared.models import utcnow

if TYPE_CHECKING:
    from shared.editions import EditionColumns

EDITION = "/staff/editions/{slug}"
SERVICE_NAMES = {
    "nominations": lazy_gettext("de hub (nominaties)"),
    "voting": lazy_gettext("de stemdienst"),
    "jury": lazy_gettext("de jurydienst"),
}
# (key, service, path with {slug}, label): the staff steps of an edition, in order.
STEPS = (
    ("edition", "nominations", EDITION, lazy_gettext("Editie")),
    ("nominations", "nominations", f"{EDITION}/nominations", lazy_gettext("Nominaties")),
    ("finalists", "nominations", f"{EDITION}/finalists", lazy_gettext("Finalisten")),
    ("votes", "voting", f"{EDITION}/votes", lazy_gettext("Stemmen")),
    ("review", "voting", f"{EDITION}/review", lazy_gettext("Nazicht stemmen")),
    ("jury", "jury", EDITION, lazy_gettext("Jury")),
    ("results", "nominations", f"{EDITION}/results", lazy_gettext("Resultaten")),
    ("events", "nominations", "/staff/events", lazy_gettext("Mislukte events")),
)
# What staff do next in each phase, and the step that does it.
NEXT = {
    "upcoming": ("edition", lazy_gettext("Kijk de planning na voor de nominaties openen.")),
    "nominations": (
        "nominations",
        lazy_gettext("Bekijk de binnengekomen nominaties al."),
    ),
    "screening": (
        "finalists",
        lazy_gettext("Beslis over elke nominatie en kies de finalisten voor de stemming opent."),
    ),
    "voting": ("review", lazy_gettext("Kijk de tegengehouden stemmen na.")),
    "jury": ("jury", lazy_gettext("Volg op welke juryleden nog moeten indienen.")),
    "closed": ("results", lazy_gettext("Lees de resultaten en publiceer de winnaars.")),
}


def _url(service: str, path: str) -> str:
    """A staff page of `service`: a path here, the public address on another service."""
    language = f"?lang={get_locale().language}"
    if service == backends().settings.service:
        return path + language
    return backends().settings.public_url(service) + path + language


def staff_nav(edition: EditionColumns | None, here: str | None = None) -> dict:
    """What the navigation shows: the links (`here` marked current), and for an edition its
    phase name now and the next step (with its link)."""
    slug = edition.slug if edition is not None else None
    links = [
        {"key": key, "label": label, "url": _url(service, path.format(slug=slug))}
        | {"current": key == here}
        for key, service, path, label in STEPS
        if slug or "{slug}" not in path
    ]
    nav = {"links": links, "start": _url(backends().settings.service, "/staff/"), "edition": None}
    if edition is not None:
        phase = edition.phase(utcnow())
        step, text = NEXT[phase]
        target = next(link for link in links if link["key"] == step)
        nav["edition"] = {"title": edition.title, "phase": PHASE_NAMES[phase], "next": text}
        nav["next_url"] = None if step == here else target["url"]
    return nav


def sign_ins() -> dict:
    """Where staff are signed in (this service, by name) and the other two services, which
    each ask for the staff token once on their own."""
    here = backends().settings.service
    others = [SERVICE_NAMES[service] for service in SERVICES if service != here]
    return {"here": SERVICE_NAMES[here], "others": others}
