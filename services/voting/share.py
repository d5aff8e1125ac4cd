"""Sharing finalists: a short, readable address per finalist, the links a share block offers
(to copy, by mail, by WhatsApp: plain links, no script), and the `?via=` word such a link
carries, so that staff see how many confirmed votes came through each finalist's links.

The word comes from the link itself (the channel, or whatever a campaign writes there) and
is stored with the vote: nothing that names a person, no cookie, no third party.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, urlencode

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.voting.models import Edition, Finalist, Vote
from shared.finalists import finalists_of

VIA = re.compile(r"[a-z0-9][a-z0-9-]{0,19}")
CONFIRMED = ("counted", "quarantined")
# Words a page of an edition already answers at /stemmen/<slug>/<word>: no finalist's.
RESERVED = frozenset({"check-je-mail", "controle", "bulletin.json"})
NAME_LENGTH = 40


def via_word(text: str | None) -> str | None:
    """The `via` word of a link: lower case letters, digits and hyphens, at most 20; any
    other text is no word (None), so that a mangled link still votes."""
    word = (text or "").strip().lower()
    return word if VIA.fullmatch(word) else None


def readable(name: str) -> str:
    """A name as an address part: without accents, lower case, words joined by hyphens."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", plain.lower())
    return "-".join(words)[:NAME_LENGTH].strip("-") or "finalist"


def short_names(finalists: list[Finalist]) -> dict[str, str]:
    """Each finalist's short name in its edition ({id: name}), in the hub's order: its
    readable name, with -2, -3 ... for a name taken before (two "Anoniem"s) or reserved."""
    names: dict[str, str] = {}
    for finalist in finalists:
        base = readable(finalist.name)
        name, n = base, 1
        while name in RESERVED or name in names.values():
            n += 1
            name = f"{base}-{n}"
        names[finalist.id] = name
    return names


def find(finalists: list[Finalist], key: str) -> Finalist | None:
    """The finalist whose id or short name is `key`, else None."""
    names = short_names(finalists)
    return next((f for f in finalists if key in (f.id, names[f.id])), None)


def share_links(url: str, title: str, text: str) -> dict[str, str]:
    """The share block's links to `url`: the one to copy, a mail and a WhatsApp message
    (each carrying its own `via`), so that every channel is counted apart."""

    def via(word: str) -> str:
        return f"{url}{'&' if '?' in url else '?'}{urlencode({'via': word})}"

    mail = urlencode({"subject": title, "body": f"{text}\n\n{via('mail')}"}, quote_via=quote)
    whatsapp = urlencode({"text": f"{text} {via('whatsapp')}"}, quote_via=quote)
    return {
        "link": via("link"),
        "mail": f"mailto:?{mail}",
        "whatsapp": f"https://wa.me/?{whatsapp}",
    }


def votes_by_via(session: Session, edition: Edition) -> list[dict]:
    """The confirmed votes that came through shared links, per finalist (id and public name)
    and word: counted and quarantined apart, in the hub's order of finalists, then by word."""
    finalists = finalists_of(session, Finalist, edition.id)
    rows = session.execute(
        select(Vote.finalist_id, Vote.via, Vote.status, func.count())
        .where(Vote.edition_id == edition.id, Vote.via.is_not(None), Vote.status.in_(CONFIRMED))
        .group_by(Vote.finalist_id, Vote.via, Vote.status)
    )
    names = {f.id: f.name for f in finalists}
    lines: dict[tuple[str, str], dict] = {}
    for finalist_id, via, status, votes in rows:
        line = lines.setdefault(
            (finalist_id, via),
            {"finalist_id": finalist_id, "name": names.get(finalist_id, finalist_id), "via": via}
            | dict.fromkeys(CONFIRMED, 0),
        )
        line[status] = votes
    order = {f.id: f.position for f in finalists}
    return sorted(lines.values(), key=lambda line: (order.get(line["finalist_id"], 0), line["via"]))
