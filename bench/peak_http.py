"""The peak scenario's clients: HTTP/1.1 from a chosen loopback address, and the mailboxes.

Every request opens its own connection bound to the client's source address (Linux routes
all of 127/8 to the loopback interface), so the services see many networks, as on the
internet. The mail folder is read as every voter's inbox: a confirmation link per address.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

TIMEOUT = 30.0
LINK = re.compile(r"https?://[^/\s]+(/votes/confirm/[A-Za-z0-9_.\-]+)")


@dataclass
class Answer:
    """An HTTP answer: its status, headers (lower-case names) and body."""

    status: int
    headers: dict[str, str]
    body: bytes

    def cookie(self) -> str:
        """The name=value of the cookie the answer sets, if any."""
        return self.headers.get("set-cookie", "").split(";", 1)[0]


@dataclass
class Timings:
    """Latencies and statuses of requests, per (phase, kind), for the report."""

    started: float = field(default_factory=time.monotonic)
    latencies: dict[tuple[str, str], list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[tuple[str, str], dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    phase: str = "peak"

    def record(self, kind: str, seconds: float, status: int) -> None:
        """One request of `kind` in the current phase (status 0: no answer at all)."""
        self.latencies[self.phase, kind].append(seconds)
        self.statuses[self.phase, kind][status] += 1


class Client:
    """Requests to one host's ports from one source address, timed into `timings`."""

    def __init__(self, source: str, timings: Timings, gate: asyncio.Semaphore):
        self.source = source
        self.timings = timings
        self.gate = gate  # how many requests the whole crowd has in flight at once

    async def send(self, kind: str, port: int, method: str, path: str, headers=None, body=b""):
        """One exchange on a connection of its own; None when the server did not answer."""
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
        if body:
            head += f"Content-Length: {len(body)}\r\n"
        async with self.gate:
            started = time.monotonic()
            try:
                answer = await asyncio.wait_for(self._exchange(port, head.encode(), body), TIMEOUT)
            except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
                answer = None
            self.timings.record(kind, time.monotonic() - started, answer.status if answer else 0)
        return answer

    async def _exchange(self, port: int, head: bytes, body: bytes) -> Answer:
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", port, local_addr=(self.source, 0)
        )
        try:
            writer.write(head + b"\r\n" + body)
            raw = await reader.read()
        finally:
            writer.close()
        head_part, _, content = raw.partition(b"\r\n\r\n")
        lines = head_part.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        return Answer(int(lines[0].split()[1]), headers, content)

    async def post_form(self, kind: str, port: int, path: str, fields: dict, cookie: str):
        """POST a form as a browser does, with its session cookie."""
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        return await self.send(kind, port, "POST", path, headers, urlencode(fields).encode())

    async def press(self, kind: str, port: int, path: str):
        """Open a link from a mail and press its page's one button (a mail scanner only
        opens it): the page's answer when it has no button, else the button's."""
        page = await self.send(f"{kind} page", port, "GET", path)
        token = BUTTON_FIELD.search(page.body) if page is not None and page.status == 200 else None
        if token is None:
            return page
        fields = {"csrf_token": token.group(1).decode()}
        return await self.post_form(kind, port, path, fields, page.cookie())

    async def post_json(self, kind: str, port: int, path: str, body: bytes, headers=None):
        """POST a JSON body, as a script calls the API."""
        headers = {"Content-Type": "application/json"} | (headers or {})
        return await self.send(kind, port, "POST", path, headers, body)


BUTTON_FIELD = re.compile(rb'name="csrf_token" value="([^"]+)"')
FORM_FIELD = re.compile(rb'name="(csrf_token|stamp)" value="([^"]+)"')
FINALIST = re.compile(rb'name="finalist_id" id="[^"]*" value="([^"]+)"')
ACTION = re.compile(rb'<form method="post" action="([^"]+)"')


def read_form(page: bytes) -> tuple[str, dict, list[str]]:
    """The voting page's form: its action, hidden fields and the finalists' ids."""
    hidden = {name.decode(): value.decode() for name, value in FORM_FIELD.findall(page)}
    action = ACTION.search(page)
    if action is None or len(hidden) != 2:
        raise ValueError("the voting page has no voting form")
    return action.group(1).decode(), hidden, [f.decode() for f in FINALIST.findall(page)]


class Mailboxes:
    """Every address's confirmation links, read from the mail folder as mails arrive."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.seen: set[str] = set()
        self.links: dict[str, list[str]] = defaultdict(list)
        self.arrived: dict[str, asyncio.Event] = defaultdict(asyncio.Event)
        self.mails = 0

    def poll(self) -> None:
        """Read the mails that arrived since the last poll."""
        if not self.folder.exists():
            return
        # Whole messages only: a ".part" file is a message being written, renamed any moment.
        arrived = [p for p in self.folder.glob("*.eml") if p.name not in self.seen]
        for path in sorted(arrived, key=lambda p: p.stat().st_mtime_ns):  # oldest first
            self.seen.add(path.name)
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            self.mails += 1
            to = str(message["To"]).lower()
            found = LINK.search(message.get_body(("plain",)).get_content())
            if found:
                self.links[to].append(found.group(1))
            self.arrived[to].set()

    async def watch(self, interval: float = 0.5) -> None:
        """Poll the folder until cancelled."""
        while True:
            self.poll()
            await asyncio.sleep(interval)

    async def link_for(self, address: str, timeout: float) -> str | None:
        """The newest confirmation link mailed to `address`, waiting up to `timeout` for
        the first."""
        try:
            await asyncio.wait_for(self.arrived[address.lower()].wait(), timeout)
        except TimeoutError:
            return None
        return self.newest(address)

    def newest(self, address: str) -> str | None:
        """The newest confirmation link mailed to `address` so far: a vote cast again for
        another finalist is confirmed only by the link mailed for it."""
        links = self.links[address.lower()]
        return links[-1] if links else None
