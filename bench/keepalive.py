"""Hand-written HTTP/1.1 on keep-alive connections, for load generators that must cost little
CPU: they share the machine's two cores with the servers they load.

Every request carries X-Forwarded-For with a client address of its own /24, as the
production proxy (TRUSTED_PROXIES=1) would pass it: the real limits apply without refusing
honest load from many networks.
"""

from __future__ import annotations

import json
from string import ascii_lowercase
from typing import NamedTuple
from urllib.parse import urlencode


class Answer(NamedTuple):
    """An answer's status, the name=value of the cookie it sets (if any) and its body."""

    status: int
    cookie: str
    body: bytes


def letters(n: int) -> str:
    """n written in letters, so that no two voters' addresses share a shape (name1@, name2@)."""
    return "".join(ascii_lowercase[int(digit)] for digit in str(n))


def address_of(n: int) -> str:
    """A client address whose /24 is the n-th's own (for n < 62,500)."""
    return f"10.{n % 250}.{(n // 250) % 250}.{n // 62500 % 250 + 1}"


def request_bytes(
    method: str, path: str, n: int, body: dict | None = None, form: dict | None = None, cookie=""
) -> bytes:
    """The bytes of a request from the n-th client: a JSON `body`, or a `form` with `cookie`."""
    head = f"{method} {path} HTTP/1.1\r\nHost: bench\r\nX-Forwarded-For: {address_of(n)}\r\n"
    data = b""
    if body is not None:
        data = json.dumps(body).encode()
        head += "Content-Type: application/json\r\n"
    elif form is not None:
        data = urlencode(form).encode()
        head += "Content-Type: application/x-www-form-urlencoded\r\n"
    if cookie:
        head += f"Cookie: {cookie}\r\n"
    if data:
        head += f"Content-Length: {len(data)}\r\n"
    return (head + "\r\n").encode() + data


async def exchange(reader, writer, request: bytes) -> Answer:
    """Send one request on a keep-alive connection; its answer."""
    writer.write(request)
    status_line = await reader.readline()
    length, cookie = 0, ""
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name = line[:15].lower()
        if name == b"content-length:":
            length = int(line[15:])
        elif name.startswith(b"set-cookie:") and not cookie:
            cookie = line[11:].decode("latin-1").split(";", 1)[0].strip()
    return Answer(int(status_line.split()[1]), cookie, await reader.readexactly(length))
