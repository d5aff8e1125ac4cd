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

from bench.names import LAST, person_address
from shared.people import normalise

HOUR, DAY = 3600.0, 86400.0
MAIL_DELAY = 2.0  # seconds from a vote to its mail going out
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
    return person_address(rng, domain or rng.choice(PUBLIC))


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
    """A finalist mobilises its people: 80 to 160 within minutes, 10 to 25 of them at each
    of two universities."""
    own, span = rng.randrange(3), rng.uniform(300, 900)
    universities = [f"{rng.choice(('ugent', 'kuleuven', 'vub', 'uantwerpen'))}.be", "uhasselt.be"]
    casts = people(rng, rng.randint(60, 110), span, lambda _: own)
    for domain in universities:
        casts += people(
            rng, rng.randint(10, 25), span, lambda _: own, lambda r, d=domain: human(r, d)
        )
    return casts


def colleagues(rng: random.Random) -> list[Cast]:
    """15 to 40 staff of one organisation at its own domain, most from the office network."""
    own, domain = rng.randrange(3), f"vzw-{rng.choice(LAST).replace('.', '')}.be"
    office, staff = home(rng), rng.randint(15, 40)
    casts = people(rng, staff, rng.uniform(1, 8) * HOUR, lambda _: own, lambda r: human(r, domain))
    for cast in casts[: staff * 3 // 5]:
        cast.source = cast.click_from = office
    return casts


def school_class(rng: random.Random) -> list[Cast]:
    """20 to 30 pupils voting from the school's one address within a lesson; clicks from home."""
    own, school = rng.randrange(3), home(rng)
    casts = people(rng, rng.randint(20, 30), 900, lambda _: own)
    for cast in casts:
        cast.source = school
    return casts


def radio_call(rng: random.Random) -> list[Cast]:
    """A radio call: 400 to 800 listeners within twenty minutes, for every finalist."""
    return people(rng, rng.randint(400, 800), 1200, lambda r: r.randrange(3), start=2 * HOUR)


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
    """400 to 800 votes from 30 to 100 bots, generated names at two to five domains the
    attacker owns."""
    target = rng.randrange(3)
    domains = [f"{''.join(rng.choices(ascii_lowercase, k=7))}.be" for _ in range(rng.randint(2, 5))]
    bots = [home(rng) for _ in range(rng.randint(30, 100))]
    count, span = rng.randint(400, 800), rng.uniform(900, 3600)
    casts = people(rng, count, span, lambda _: target, lambda r: generated(r, r.choice(domains)))
    for cast in casts:
        cast.source = rng.choice(bots)
    return scripted(casts, rng, None)


def public_generated(rng: random.Random) -> list[Cast]:
    """200 to 400 generated names at public providers, each from a residential proxy of its
    own, over twenty minutes to two hours."""
    target, count = rng.randrange(3), rng.randint(200, 400)
    span, start = rng.uniform(1200, 2 * HOUR), rng.uniform(3, 20) * HOUR
    casts = people(rng, count, span, lambda _: target, lambda r: generated(r), start=start)
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
    server at a steady pace (one to five seconds, drawn)."""
    target, server, pace = rng.randrange(3), home(rng), rng.uniform(1, 5)
    casts = people(rng, 200, 1200, lambda _: target, start=5 * HOUR)
    casts.sort(key=lambda cast: cast.at)
    first = casts[-1].at + 30
    for n, cast in enumerate(casts):
        cast.click_from, cast.click_at = server, first + pace * n
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
# Families whose attacker reads a few real mailboxes: each mailbox's own one vote is a vote
# like any person's (one person, one vote); the target is that no spelling adds another.
OWN_MAILBOXES = {"look-alikes"}


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
