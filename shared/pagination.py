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


def page_limit(default: int = MAX_PAGE) -> int:
    """?limit= clamped to 1..MAX_PAGE; a non-number is a 400."""
    raw = request.args.get("limit")
    if raw is None:
        return default
    if not raw.isdigit():
        raise BadRequest("limit is a whole number.")
    return min(max(int(raw), 1), MAX_PAGE)


def cursor_after(parse=int):
    """?cursor=, read by `parse` (int by default), or None; a cursor that does not parse is
    a 400."""
    raw = request.args.get("cursor")
    if not raw:
        return None
    try:
        return parse(raw)
    except ValueError as exc:
        raise BadRequest("This cursor is not valid.") from exc


def keyset_page(session: Session, query: Select, key, limit: int, after=None) -> dict:
    """One page of `query` ordered by the unique column `key`, after the cursor value `after`."""
    if after is not None:
        query = query.where(key > after)
    rows = list(session.scalars(query.order_by(key).limit(limit + 1)))
    following = str(getattr(rows[limit - 1], key.key)) if len(rows) > limit else None
    return {"items": rows[:limit], "next": following}
