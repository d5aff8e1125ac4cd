"""Who votes in the peak scenario: honest people after a radio call, a school class behind
one address, and an attacker with every trick the defences are meant to catch.

Honest people use the page as a browser does (GET /, a pause to choose, POST the form with
its CSRF token and stamp), then follow the link in their mail; they try again when the
platform does not answer, as people do. The attacker scripts the public API. Each vote
attempt is an `Attempt`; its outcome is read from the database at the end.
"""

from __future__ import annotations

import asyncio
import json
import random
from dataclasses import dataclass, field
from string import ascii_lowercase

from bench.names import distinct
from bench.peak_http import Client, Mailboxes, Timings, read_form

PROVIDERS = ("gmail.com", "telenet.be", "skynet.be", "proximus.be", "hotmail.com", "outlook.be")
ATTACK_DOMAINS = ("stemkracht.be", "kiesmee.be")  # domains the attacker owns: it reads the mail
DISPOSABLE = ("mailinator.com", "yopmail.com", "guerrillamail.com", "trashmail.com")
TRIES = 8
MAIL_WAIT = 180.0  # a person waits this long for the mail (faults delay it)
BOT_MAIL_WAIT = 60.0  # a script gives up sooner (a repeat past the limit gets no mail)


@dataclass
class Attempt:
    """One vote someone tried to cast, and what the platform answered."""

    role: str  # honest, class, flood, botnet, xff, disposable, variants
    email: str
    intake: int = 0  # the status of the last answer to the vote (0: none)
    link: str | None = None
    confirm: int = 0  # the status of the answer to the confirmation link (0: not clicked)
    posts: int = 0  # how many times the vote was sent


@dataclass
class Crowd:
    """What every voter shares: the voting port and slug, the mailboxes, the timings."""

    port: int
    slug: str
    mailboxes: Mailboxes
    timings: Timings
    gate: asyncio.Semaphore
    rng: random.Random
    shapes: set[str] = field(default_factory=set)  # of the people's addresses (bench/names.py)

    def client(self, source: str) -> Client:
        """A client at `source`."""
        return Client(source, self.timings, self.gate)


def honest_domain(n: int) -> str:
    """The n-th honest voter's mail domain: a public provider, or for one in ten a small
    employer's domain of its own (ten colleagues each)."""
    return f"bv-{n // 100}.be" if n % 10 == 9 else PROVIDERS[n % len(PROVIDERS)]


def honest_source(n: int) -> str:
    """A loopback address in a /24 of the n-th honest voter's own (n < 62,500)."""
    return f"127.{1 + n // 250}.{n % 250}.7"


async def person(crowd: Crowd, attempt: Attempt, source: str, pause: float) -> None:
    """An honest person: the page, a pause to choose, the form; then the link in the mail."""
    client = crowd.client(source)
    for _ in range(TRIES):
        page = await client.send("page", crowd.port, "GET", "/", {"Accept-Language": "nl"})
        if page is None or page.status != 200:
            await asyncio.sleep(crowd.rng.uniform(2, 4))
            continue
        action, hidden, finalists = read_form(page.body)
        await asyncio.sleep(pause)
        fields = hidden | {"finalist_id": crowd.rng.choice(finalists), "email": attempt.email}
        answer = await client.post_form("form vote", crowd.port, action, fields, page.cookie())
        attempt.posts += 1
        attempt.intake = answer.status if answer else 0
        if attempt.intake == 303:
            break
        await asyncio.sleep(crowd.rng.uniform(2, 4))
    if attempt.intake == 303:
        await click(crowd, client, attempt, crowd.rng.uniform(3, 15))


async def click(
    crowd: Crowd, client: Client, attempt: Attempt, reading: float, wait: float = MAIL_WAIT
) -> None:
    """Wait for the mail, read it, follow its link; again while the platform cannot answer."""
    attempt.link = await crowd.mailboxes.link_for(attempt.email, wait)
    if attempt.link is None:
        return
    await asyncio.sleep(reading)
    attempt.link = crowd.mailboxes.newest(attempt.email)  # as a person opens the newest mail
    for _ in range(TRIES):
        answer = await client.press("confirm", crowd.port, attempt.link)
        attempt.confirm = answer.status if answer else 0
        if attempt.confirm not in (0, 429) and attempt.confirm < 500:
            return
        await asyncio.sleep(_retry_after(answer, crowd.rng))


def _retry_after(answer, rng: random.Random) -> float:
    if answer is not None and answer.status == 429:
        return min(float(answer.headers.get("retry-after", "5")), 30.0)
    return rng.uniform(2, 4)


def honest_voters(crowd: Crowd, count: int, spread: float) -> tuple[list[Attempt], list]:
    """`count` people who heard the radio call: most come at once, fewer as time goes on."""
    attempts, tasks = [], []
    for n, address in enumerate(distinct(crowd.rng, count, honest_domain, crowd.shapes)):
        attempt = Attempt("honest", address)
        arrival = spread * crowd.rng.random() ** 2
        pause = crowd.rng.uniform(4, 15)
        attempts.append(attempt)
        tasks.append(_later(arrival, person(crowd, attempt, honest_source(n), pause)))
    return attempts, tasks


def school_class(crowd: Crowd, pupils: int = 30) -> tuple[list[Attempt], list]:
    """A class voting together from the school's one address, within a couple of minutes."""
    attempts, tasks = [], []
    for address in distinct(crowd.rng, pupils, lambda n: PROVIDERS[n % 3], crowd.shapes):
        attempt = Attempt("class", address)
        attempts.append(attempt)
        pupil = person(crowd, attempt, "127.100.0.20", crowd.rng.uniform(5, 30))
        tasks.append(_later(crowd.rng.uniform(20, 90), pupil))
    return attempts, tasks


async def _later(delay: float, coroutine) -> None:
    await asyncio.sleep(delay)
    await coroutine


def mailbox(rng: random.Random) -> str:
    """A generated mailbox at a domain of the attacker: random letters, no shared shape."""
    name = "".join(rng.choices(ascii_lowercase, k=rng.randint(6, 10)))
    return f"{name}@{rng.choice(ATTACK_DOMAINS)}"


async def scripted_vote(
    crowd: Crowd, attempt: Attempt, source: str, finalist: str, headers=None
) -> None:
    """The attacker's vote through the API; it confirms what reaches its own mailboxes."""
    client = crowd.client(source)
    body = json.dumps({"finalist_id": finalist, "email": attempt.email}).encode()
    path = f"/api/v1/editions/{crowd.slug}/votes"
    answer = await client.post_json("api vote", crowd.port, path, body, headers)
    attempt.intake = answer.status if answer else 0
    if attempt.intake == 202 and not attempt.email.endswith(DISPOSABLE):
        await click(crowd, client, attempt, crowd.rng.uniform(0.2, 2), BOT_MAIL_WAIT)
