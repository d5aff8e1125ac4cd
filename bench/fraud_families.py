"""The labelled families of bench-fraud: honest traffic and attacks, each drawn at random.

A family is a list of `Cast`s: who votes (the typed address), for which finalist, from which
client address (and with which X-Forwarded-For), when (seconds after the scenario starts),
and where and when the confirmation link is clicked. Honest people have names as people do
(first.last, initials, a birth year), click when they read their mail, from their own
network; the attacker generates names, owns domains and scripts its clicks.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from string import ascii_lowercase, digits

from shared.people import normalise

HOUR, DAY = 3600.0, 86400.0
MAIL_DELAY = 2.0  # seconds from a vote to its mail going out
FIRST = (
    "jan",
    "an",
    "bram",
    "sofie",
    "lotte",
    "wout",
    "emma",
    "noah",
    "lucas",
    "marie",
    "thomas",
    "elise",
    "pieter",
    "fien",
    "arne",
    "yusuf",
    "fatima",
    "mehmet",
    "nora",
    "louis",
    "camille",
    "hugo",
    "julie",
    "kobe",
    "lien",
    "stijn",
    "ines",
    "sander",
    "jana",
    "ruben",
    "hanne",
    "tom",
    "eva",
    "michiel",
    "leen",
    "bart",
    "nathalie",
    "koen",
    "sarah",
)
LAST = (
    "peeters",
    "janssens",
    "maes",
    "jacobs",
    "mertens",
    "willems",
    "claes",
    "goossens",
    "wouters",
    "de.smet",
    "dubois",
    "lambert",
    "martin",
    "vermeulen",
    "pauwels",
    "hermans",
    "aerts",
    "de.backer",
    "van.damme",
    "verstraete",
    "desmet",
    "yilmaz",
    "el.amrani",
    "nowak",
    "dhondt",
    "vandenberghe",
    "de.clercq",
    "michiels",
    "smets",
    "cools",
)
PUBLIC = ("gmail.com", "telenet.be", "skynet.be", "proximus.be", "hotmail.com", "outlook.be")
DISPOSABLE = ("mailinator.com", "yopmail.com", "guerrillamail.com", "trashmail.com")
LOOKALIKE = ("gmai1.com", "hotmial.com", "te1enet.be", "outlok.be")


@dataclass
class Cast:
    """One vote cast and (if it reaches a mailbox) confirmed."""

    email: str
    finalist: int
    source: str  # the client address of the vote
    at: float  # seconds after the start
    click_from: str  # the client address of the click
    click_at: float  # seconds after the start
    forwarded: str | None = None  # an X-Forwarded-For the client sends


def human(rng: random.Random, domain: str | None = None) -> str:
    """A person's address: their name in one of the ways people write it."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    local = rng.choice(
        (
            f"{first}.{last}",
            f"{first[0]}.{last}",
            f"{first}{last.replace('.', '')}",
            f"{first}_{last}",
            f"{first}.{last}{rng.randint(1960, 2008)}",
            f"{first}{rng.randint(1, 99)}",
        )
    )
    numbered = any(char.isdigit() for char in local)
    number = rng.randint(1, 99) if rng.random() < 0.3 and not numbered else ""
    return f"{local}{number}@{domain or rng.choice(PUBLIC)}"


def generated(rng: random.Random, domain: str | None = None) -> str:
    """A script's address: random letters, letters and digits, or a word and a number."""
    kind = rng.random()
    if kind < 0.6:
        local = "".join(rng.choices(ascii_lowercase, k=rng.randint(6, 10)))
    elif kind < 0.8:
        local = "".join(rng.choices(ascii_lowercase + digits, k=rng.randint(8, 12)))
    else:
        local = f"{rng.choice(('user', 'vote', 'mail'))}{rng.randint(10_000, 9_999_999)}"
    return f"{local}@{domain or rng.choice(PUBLIC)}"


def home(rng: random.Random) -> str:
    """A home's address, on a /24 of its own (almost surely)."""
    return ".".join(str(rng.randint(*span)) for span in ((11, 99), (0, 255), (0, 255), (2, 250)))


def reading(rng: random.Random, at: float) -> float:
    """When a person clicks the link: when they read their mail, seconds to hours later."""
    return at + rng.choice((rng.uniform(20, 300), rng.uniform(300, 4 * HOUR)))


def people(rng, count, span, finalist, address=lambda rng: human(rng), start=0.0) -> list[Cast]:
    """`count` people voting over `span` seconds, each from their own home."""
    casts = []
    for _ in range(count):
        at = start + rng.uniform(0, span)
        source = home(rng)
        click_from = source if rng.random() < 0.7 else home(rng)  # or on the phone
        casts.append(Cast(address(rng), finalist(rng), source, at, click_from, reading(rng, at)))
    return casts


def campaign(rng: random.Random) -> list[Cast]:
    """A finalist mobilises its people: 120 within minutes, 30 of them at two universities."""
    own = rng.randrange(3)
    universities = [f"{rng.choice(('ugent', 'kuleuven', 'vub', 'uantwerpen'))}.be", "uhasselt.be"]
    casts = people(rng, 90, 600, lambda _: own)
    for domain in universities:
        casts += people(rng, 15, 600, lambda _: own, lambda r, d=domain: human(r, d))
    return casts


def colleagues(rng: random.Random) -> list[Cast]:
    """25 staff of one organisation at its own domain, most from the office network."""
    own, domain = rng.randrange(3), f"vzw-{rng.choice(LAST).replace('.', '')}.be"
    office = home(rng)
    casts = people(rng, 25, 6 * HOUR, lambda _: own, lambda r: human(r, domain))
    for cast in casts[:15]:
        cast.source = cast.click_from = office
    return casts


def school_class(rng: random.Random) -> list[Cast]:
    """30 pupils voting from the school's one address within a lesson; clicks from home."""
    own, school = rng.randrange(3), home(rng)
    casts = people(rng, 30, 900, lambda _: own)
    for cast in casts:
        cast.source = school
    return casts


def radio_call(rng: random.Random) -> list[Cast]:
    """A radio call: 600 listeners within twenty minutes, for every finalist."""
    return people(rng, 600, 1200, lambda r: r.randrange(3), start=2 * HOUR)


def trickle(rng: random.Random) -> list[Cast]:
    """200 people over two days, for every finalist."""
    return people(rng, 200, 2 * DAY, lambda r: r.randrange(3))


def scripted(casts: list[Cast], rng: random.Random, click_from: str | None = None) -> list[Cast]:
    """The attacker clicks what reaches its mailboxes within seconds of the mail."""
    for cast in casts:
        cast.click_at = cast.at + MAIL_DELAY + rng.uniform(0.2, 3)
        cast.click_from = click_from or cast.source
    return casts


def flood(rng: random.Random) -> list[Cast]:
    """400 votes from one address within ten minutes, generated names at public providers."""
    target, source = rng.randrange(3), home(rng)
    casts = people(rng, 400, 600, lambda _: target, lambda r: generated(r), start=HOUR)
    for cast in casts:
        cast.source = source
    return scripted(casts, rng)


def botnet(rng: random.Random) -> list[Cast]:
    """600 votes from 60 bots, generated names at three domains the attacker owns."""
    target = rng.randrange(3)
    domains = [f"{''.join(rng.choices(ascii_lowercase, k=7))}.be" for _ in range(3)]
    bots = [home(rng) for _ in range(60)]
    casts = people(rng, 600, 1800, lambda _: target, lambda r: generated(r, r.choice(domains)))
    for cast in casts:
        cast.source = rng.choice(bots)
    return scripted(casts, rng, None)


def public_generated(rng: random.Random) -> list[Cast]:
    """300 generated names at public providers, each from a residential proxy of its own."""
    target = rng.randrange(3)
    casts = people(rng, 300, 1200, lambda _: target, lambda r: generated(r), start=3 * HOUR)
    return scripted(casts, rng)


def throwaway(rng: random.Random) -> list[Cast]:
    """100 votes with addresses at throwaway domains."""
    target = rng.randrange(3)
    return scripted(
        people(rng, 100, 600, lambda _: target, lambda r: human(r, r.choice(DISPOSABLE))), rng
    )


def lookalikes(rng: random.Random) -> list[Cast]:
    """60 votes: spellings of a few Gmail addresses (dots, +tags, case) and look-alike
    domains of public providers."""
    target, base = rng.randrange(3), [human(rng, "gmail.com").split("@")[0] for _ in range(3)]

    def spelling(r: random.Random) -> str:
        local = r.choice(base)
        if r.random() < 0.5:
            return f"{local}@{r.choice(LOOKALIKE)}"
        dotted = ".".join(local.replace(".", "")) if r.random() < 0.5 else local.upper()
        return f"{dotted}+{r.randint(1, 999)}@{r.choice(('gmail.com', 'googlemail.com'))}"

    return scripted(people(rng, 60, 600, lambda _: target, spelling), rng)


def forged_xff(rng: random.Random) -> list[Cast]:
    """300 votes from one address, each claiming another X-Forwarded-For."""
    casts = flood(rng)[:300]
    for cast in casts:
        cast.forwarded = home(rng)
    return casts


def slow_drip(rng: random.Random) -> list[Cast]:
    """150 votes from one network over ten hours, one every few minutes, generated names."""
    target, network = rng.randrange(3), ".".join(home(rng).split(".")[:3])
    casts = people(rng, 150, 10 * HOUR, lambda _: target, lambda r: generated(r))
    for cast in casts:
        cast.source = f"{network}.{rng.randint(2, 250)}"
    return scripted(casts, rng)


def residential_rhythm(rng: random.Random) -> list[Cast]:
    """200 human-looking names from 200 residential networks, every link clicked by one
    server at a steady pace."""
    target, server = rng.randrange(3), home(rng)
    casts = people(rng, 200, 1200, lambda _: target, start=5 * HOUR)
    casts.sort(key=lambda cast: cast.at)
    first = casts[-1].at + 30
    for n, cast in enumerate(casts):
        cast.click_from, cast.click_at = server, first + 2.0 * n
    return casts


HONEST: dict[str, Callable[[random.Random], list[Cast]]] = {
    "campaign wave": campaign,
    "colleagues": colleagues,
    "school class": school_class,
    "radio call": radio_call,
    "slow trickle": trickle,
}
ATTACKS: dict[str, Callable[[random.Random], list[Cast]]] = {
    "flood": flood,
    "botnet": botnet,
    "generated@public": public_generated,
    "throwaway": throwaway,
    "look-alikes": lookalikes,
    "forged xff": forged_xff,
    "slow drip": slow_drip,
    "residential rhythm": residential_rhythm,
}
MAY_BE_HELD = {"school class"}


def families(rng: random.Random) -> dict[str, list[Cast]]:
    """Every family drawn from `rng`; no honest person shares an address with another
    person or with the attacker."""
    drawn = {name: make(random.Random(rng.random())) for name, make in (HONEST | ATTACKS).items()}
    seen = {normalise(cast.email) for name in ATTACKS for cast in drawn[name]}
    for name in HONEST:
        for cast in drawn[name]:
            while normalise(cast.email) in seen:
                cast.email = human(rng, cast.email.partition("@")[2])
            seen.add(normalise(cast.email))
    return drawn
