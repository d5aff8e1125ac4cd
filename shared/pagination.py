"""Keyset pagination for lists that can grow: `{"items": [...], "next": cursor or null}`.

The cursor is the last item's key (an opaque string to clients); a page asks for one row
more than it shows, to know whether another page follows.
"""

from __future__ import annotations

from flask import request
from sqlalchemy import Select
from sqlalchemy.orm import Session
from werkzeug.exceptions import BadRequest

MAX_PAGE = 50


MAX_KEY = 2**63  # a cursor past the databases' largest integer can name no row


def page_limit(default: int = MAX_PAGE) -> int:
    """?limit= from 1 on, more than MAX_PAGE asks for MAX_PAGE; anything else is a 400."""
    raw = request.args.get("limit")
    if raw is None:
        return default
    # isdigit() alone lets "²" through, which int() refuses.
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise BadRequest("limit is a whole number from 1 on.")
    return min(int(raw), MAX_PAGE)


def cursor_after(parse=int):
    """?cursor=, read by `parse` (int by default), or None; a cursor that does not parse, or
    a number no row can have, is a 400."""
    raw = request.args.get("cursor")
    if not raw:
        return None
    try:
        value = parse(raw)
    except ValueError as exc:
        raise BadRequest("This cursor is not valid.") from exc
    if isinstance(value, int) and not 0 <= value < MAX_KEY:
        raise BadRequest("This cursor is not valid.")
    return value


def keyset_page(session: Session, query: Select, key, limit: int, after=None) -> dict:
    """One page of `query` ordered by the unique column `key`, after the cursor value `after`."""
    if after is not None:
        query = query.where(key > after)
    rows = list(session.scalars(query.order_by(key).limit(limit + 1)))
    following = str(getattr(rows[limit - 1], key.key)) if len(rows) > limit else None
    return {"items": rows[:limit], "next": following}
