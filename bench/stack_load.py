"""Open-loop load on voting: new votes at a fixed rate, most for one finalist, and a share of
their mailed links confirmed, over a fixed set of keep-alive connections.

Open loop: each vote has its moment (the n-th at n / rate after the start) and is sent then,
whether or not the answers before it came back. Its latency counts from that moment, so a
server that falls behind shows its queue in the percentiles, where a closed loop would slow
down with it and hide the queue; a vote still waiting GIVE_UP seconds after its moment is
given up (not sent, not taken). Each vote comes from a network of its own
(X-Forwarded-For, bench/keepalive.py) with an address of its own. The mail folder is read
as the voters' inboxes: a share of the new mails (chosen by file name) have their link
opened (GET: the page with its button) and the button pressed (POST with the page's cookie
and CSRF field), from the voter's own address, as bench/peak_http.py's Client.press does
with connections of its own.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.keepalive import exchange, letters, request_bytes
from bench.peak_http import BUTTON_FIELD, LINK

POLL = 0.25  # seconds between two readings of the mail folder
TIMEOUT = 30.0
# A vote still unsent this long after its moment is given up, as a person gives up on a page
# that does not answer: a server far behind the rate ends the window in bounded time.
GIVE_UP = 5.0
LETTER_DIGITS = {letter: str(digit) for digit, letter in enumerate("abcdefghij")}


def voter_of(address: str) -> int:
    """The voter number behind an address the bench made (letters(n)@...)."""
    return int("".join(LETTER_DIGITS[c] for c in address.partition("@")[0].lower()))


def percentile(values: list[float], q: float) -> float:
    """The q-quantile of `values` in milliseconds (0 for none)."""
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * q), len(ordered) - 1)] * 1000 if ordered else 0.0


@dataclass
class Window:
    """What one load window saw: latencies, answers other than expected, mails, moments."""

    intake: list[float] = field(default_factory=list)
    confirmations: list[float] = field(default_factory=list)
    wrong: Counter = field(default_factory=Counter)  # (kind, status): answers not expected
    given_up: int = 0
    mails_before: int = 0
    mails_after: int = 0
    started: float = 0.0
    stopped: float = 0.0

    @property
    def seconds(self) -> float:
        """From the first vote's moment to the last vote's answer."""
        return self.stopped - self.started

    def taken(self) -> int:
        """Votes answered as taken (202)."""
        refused = sum(n for (kind, _), n in self.wrong.items() if kind == "vote")
        return len(self.intake) - refused


@dataclass
class Load:
    """Votes to `path` on `port` for `finalists` (the first gets most), mails read from
    `mail_folder` (None: no confirmations), over `connections` keep-alive connections."""

    port: int
    path: str
    finalists: list[str]
    mail_folder: Path | None = None
    connections: int = 24
    confirm_share: float = 0.5
    next_voter: int = 0
    seen: set[str] = field(default_factory=set)

    def vote(self, n: int) -> bytes:
        """The n-th voter's vote: four in five for the first finalist, the rest spread."""
        others = self.finalists[1:] or self.finalists
        finalist = self.finalists[0] if n % 5 else others[n // 5 % len(others)]
        body = {"finalist_id": finalist, "email": f"{letters(n)}@telenet.be"}
        return request_bytes("POST", self.path, n, body=body)

    async def run(self, rate: float, seconds: float, drained=None) -> Window:
        """Send rate * seconds votes at their moments and confirm the share of their mails;
        then wait for `drained` (a blocking callable, run in a thread) and the last
        confirmations. The window's figures."""
        window, queue = Window(), asyncio.Queue()
        workers = [
            asyncio.create_task(self._connection(queue, window)) for _ in range(self.connections)
        ]
        watcher = asyncio.create_task(self._watch(queue)) if self.mail_folder else None
        window.mails_before = self._poll(queue, confirm=False)
        window.started = time.perf_counter()
        await self._arrivals(queue, rate, seconds, window.started)
        await queue.join()
        window.stopped = time.perf_counter()
        window.mails_after = self._poll(queue)
        if drained is not None:
            await asyncio.to_thread(drained)
            self._poll(queue)
            await queue.join()
        for task in [*workers, *([watcher] if watcher else [])]:
            task.cancel()
        return window

    async def _arrivals(self, queue: asyncio.Queue, rate: float, seconds: float, start: float):
        for i in range(int(rate * seconds)):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            queue.put_nowait(("vote", start + i / rate, self.next_voter))
            self.next_voter += 1

    async def _connection(self, queue: asyncio.Queue, window: Window) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        try:
            while True:
                kind, due, item = await queue.get()
                try:
                    if kind == "vote" and time.perf_counter() - due > GIVE_UP:
                        window.given_up, alive = window.given_up + 1, True
                    elif kind == "vote":
                        alive = await self._send(
                            reader, writer, self.vote(item), 202, window, "vote"
                        )
                        window.intake.append(time.perf_counter() - due)
                    else:
                        alive = await self._press(reader, writer, *item, window)
                    if not alive:
                        writer.close()
                        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                finally:
                    queue.task_done()
        finally:
            writer.close()

    async def _send(self, reader, writer, request: bytes, expected: int, window, kind="confirm"):
        """One exchange: its answer, None when the connection failed; counted by (kind,
        status) when not `expected` (status 0: no answer)."""
        try:
            answer = await asyncio.wait_for(exchange(reader, writer, request), TIMEOUT)
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
            window.wrong[kind, 0] += 1
            return None
        if answer.status != expected:
            window.wrong[kind, answer.status] += 1
        return answer

    async def _press(self, reader, writer, link: str, n: int, window: Window) -> bool:
        """Open a mailed link and press its button; whether the connection is still good."""
        started = time.perf_counter()
        page = await self._send(reader, writer, request_bytes("GET", link, n), 200, window)
        token = BUTTON_FIELD.search(page.body) if page else None
        if token is None:
            return page is not None
        form = {"csrf_token": token.group(1).decode()}
        press = request_bytes("POST", link, n, form=form, cookie=page.cookie)
        answer = await self._send(reader, writer, press, 200, window)
        window.confirmations.append(time.perf_counter() - started)
        return answer is not None

    async def _watch(self, queue: asyncio.Queue) -> None:
        while True:
            self._poll(queue)
            await asyncio.sleep(POLL)

    def _poll(self, queue: asyncio.Queue, confirm: bool = True) -> int:
        """Take in the mails that arrived (whole ones only) and queue the share's links;
        how many mails arrived so far."""
        if self.mail_folder is None or not self.mail_folder.exists():
            return len(self.seen)
        for entry in os.scandir(self.mail_folder):
            name = entry.name
            if not name.endswith(".eml") or name in self.seen:
                continue
            self.seen.add(name)
            if confirm and zlib.crc32(name.encode()) % 1000 < self.confirm_share * 1000:
                found = _link_and_voter(Path(entry.path))
                if found:
                    queue.put_nowait(("confirm", time.perf_counter(), found))
        return len(self.seen)


def _link_and_voter(path: Path) -> tuple[str, int] | None:
    """A mail's confirmation link and the voter it went to (None: no link in it)."""
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    found = LINK.search(message.get_body(("plain",)).get_content())
    return (found.group(1), voter_of(str(message["To"]))) if found else None
