"""The attacker of the peak scenario: every vote for one finalist, by every trick at hand.

A flood from one address; a botnet of a few hundred addresses (each its own network) with
generated mailboxes on domains it owns (it reads those mails and confirms them); throwaway
domains; spellings of one Gmail address; forged X-Forwarded-For headers; and, once votes are
confirmed, their links again (replayed) and links with a forged vote id (tampered).
"""

from __future__ import annotations

import asyncio
import base64

from bench.peak_crowd import DISPOSABLE, Attempt, Crowd, _later, mailbox, scripted_vote

FLOOD_SOURCE, XFF_SOURCE = "127.200.0.1", "127.202.0.1"


def bot_source(n: int) -> str:
    """The n-th bot's address, in a /24 of its own."""
    return f"127.{210 + n // 250}.{n % 250}.9"


async def _serially(crowd: Crowd, attempts: list[Attempt], source: str, finalist: str, **kw):
    """Votes from one address, as fast as it is answered, `4` at a time."""
    queue = iter(attempts)

    async def lane() -> None:
        for attempt in queue:
            await scripted_vote(crowd, attempt, source, finalist, **kw)

    await asyncio.gather(*(lane() for _ in range(4)))


def flood(crowd: Crowd, finalist: str, count: int, start: float) -> tuple[list[Attempt], list]:
    """`count` votes as fast as one address can send them."""
    attempts = [Attempt("flood", mailbox(crowd.rng)) for _ in range(count)]
    return attempts, [_later(start, _serially(crowd, attempts, FLOOD_SOURCE, finalist))]


def forged_xff(crowd: Crowd, finalist: str, count: int, start: float) -> tuple[list, list]:
    """Votes from one address, each claiming another client in X-Forwarded-For."""
    attempts = [Attempt("xff", mailbox(crowd.rng)) for _ in range(count)]
    tasks = []
    for n, attempt in enumerate(attempts):
        headers = {"X-Forwarded-For": f"198.51.{n % 250}.{n % 7 + 1}"}
        vote = scripted_vote(crowd, attempt, XFF_SOURCE, finalist, headers=headers)
        tasks.append(_later(start + n * 0.1, vote))
    return attempts, tasks


def botnet(
    crowd: Crowd, finalist: str, bots: int, per_bot: int, spread: float
) -> tuple[list, list]:
    """`bots` addresses, each casting `per_bot` votes with generated mailboxes, spread out."""
    attempts, tasks = [], []
    for n in range(bots * per_bot):
        attempt = Attempt("botnet", mailbox(crowd.rng))
        attempts.append(attempt)
        vote = scripted_vote(crowd, attempt, bot_source(n % bots), finalist)
        tasks.append(_later(crowd.rng.uniform(0, spread), vote))
    return attempts, tasks


def throwaway(crowd: Crowd, finalist: str, count: int, spread: float) -> tuple[list, list]:
    """Votes with addresses at throwaway-mail domains."""
    attempts = [Attempt("disposable", f"x{n}q@{DISPOSABLE[n % 4]}") for n in range(count)]
    tasks = [
        _later(crowd.rng.uniform(0, spread), scripted_vote(crowd, a, bot_source(n), finalist))
        for n, a in enumerate(attempts)
    ]
    return attempts, tasks


def spellings(count: int) -> list[str]:
    """Spellings of one Gmail address: dots, +tags, case, googlemail.com."""
    forms = []
    for n in range(count):
        local = "jan.peeters.fan" if n % 2 else "janpeetersfan"
        local = local.upper() if n % 3 == 0 else local
        domain = "googlemail.com" if n % 4 == 0 else "gmail.com"
        forms.append(f"{local}+{n}@{domain}" if n else f"{local}@{domain}")
    return forms


def variants(crowd: Crowd, finalist: str, count: int, spread: float) -> tuple[list, list]:
    """One Gmail address spelled `count` ways, from bots."""
    attempts = [Attempt("variants", address) for address in spellings(count)]
    tasks = [
        _later(crowd.rng.uniform(0, spread), scripted_vote(crowd, a, bot_source(n + 7), finalist))
        for n, a in enumerate(attempts)
    ]
    return attempts, tasks


def tamper(link: str, vote_id: str) -> str:
    """A link whose signed vote id is swapped for another: the signature no longer fits."""
    token = link.rsplit("/", 1)[1]
    _, rest = token.split(".", 1)
    forged = base64.urlsafe_b64encode(f'"{vote_id}"'.encode()).decode().rstrip("=")
    return f"/votes/confirm/{forged}.{rest}"


async def replay_and_tamper(crowd: Crowd, confirmed: list[Attempt], other_ids: list[str]):
    """Click confirmed links again from other bots, and forged ones; the answers' statuses."""
    answers: dict[str, dict[int, int]] = {"replayed": {}, "tampered": {}}
    for n, attempt in enumerate(confirmed):
        client = crowd.client(bot_source(n + 100))
        links = {"replayed": attempt.link, "tampered": tamper(attempt.link, other_ids[n])}
        for kind, link in links.items():
            answer = await client.press(kind, crowd.port, link)
            status = answer.status if answer else 0
            answers[kind][status] = answers[kind].get(status, 0) + 1
    return answers
