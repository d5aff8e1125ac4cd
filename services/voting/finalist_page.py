"""What a finalist's page shows beside the voting form: its picture with alt text in the
page's language, its story as the public may read it, the links to share it and the preview
tags (Open Graph, Twitter cards) that make a shared link show its picture and words.

A nominee who declined publicity stays "Anoniem": no story, no picture, no website.
"""

from __future__ import annotations

from flask import url_for
from flask_babel import get_locale, gettext

from services.voting import share
from services.voting.models import Edition, Finalist
from shared.backends import backends

STORY = ("problem", "solution", "impact")
CARD = {"file": "share-card.jpg", "size": {"width": 1200, "height": 630}}


def page_url(endpoint: str, **values) -> str:
    """The page's public address (as shared, and as the preview's og:url), in the page's
    language when that is not Dutch, so a shared English page previews in English."""
    if get_locale().language != "nl":
        values["lang"] = get_locale().language
    return backends().settings.public_url("voting") + url_for(endpoint, **values)


def campaign_card() -> dict:
    """The picture a shared voting page previews with: the campaign's own card (its name on
    its colour, in shared/static), not one finalist's picture, which would favour it."""
    url = url_for("web.static", filename=CARD["file"])
    return {"url": backends().settings.public_url("voting") + url} | CARD["size"]


def alt_text(finalist: Finalist) -> str:
    """The picture's alt text in the page's language, as staff gave it, else one made of
    the finalist's name."""
    given = (finalist.picture or {}).get(f"alt_{get_locale().language}", "")
    return given or gettext("Foto van %(name)s", name=finalist.name)


def story(finalist: Finalist) -> list[tuple[str, list[str]]]:
    """The nomination's problem, solution and impact, each as its paragraphs (none for a
    nominee who declined publicity, or a part left empty)."""
    if finalist.declined_publicity:
        return []
    parts = []
    for part in STORY:
        paragraphs = [line.strip() for line in getattr(finalist, part).splitlines() if line.strip()]
        if paragraphs:
            parts.append((part, paragraphs))
    return parts


def context(edition: Edition, finalist: Finalist, names: dict[str, str]) -> dict:
    """What finalist.html needs besides the form: story, alt text, share links, preview."""
    url = page_url("voting_web.finalist", slug=edition.slug, key=names[finalist.id])
    title = gettext("Stem op %(name)s", name=finalist.name)
    text = gettext(
        "Stem op %(name)s voor de publieksprijs van %(title)s.",
        name=finalist.name,
        title=edition.title,
    )
    description = text if finalist.declined_publicity else finalist.summary
    return {
        "finalist": finalist,
        "story": story(finalist),
        "alt": alt_text(finalist),
        "share": share.share_links(url, title, text),
        "preview": {
            "title": title,
            "description": description,
            "url": url,
            "image": (finalist.picture or {}).get("social"),
            "alt": alt_text(finalist),
        },
    }
