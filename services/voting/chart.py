"""Votes per hour for each finalist, counted and quarantined apart, drawn as small bar
charts on one scale (server-side SVG: a spike stands out at a glance, no script needed).

A vote is placed in the hour it was confirmed, in the edition's time zone; a released vote
is counted, a rejected one is left out.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.voting.models import Edition, Finalist, Vote
from shared.finalists import finalists_of

SERIES = ("counted", "quarantined")
HOUR = dt.timedelta(hours=1)
SLOT = 12  # SVG units per hour: two bars of 5 and a gap
HEIGHT = 60  # SVG units of the tallest bar
MIN_HOURS = 24  # the width of a day at least, so a few hours do not fill the page


def hours_shown(edition: Edition, now: dt.datetime, hours: int) -> list[dt.datetime]:
    """The starts (UTC) of the last `hours` hours of voting up to now (or its close)."""
    end = min(now, edition.voting_close)
    last = end.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
    first = max(last - (hours - 1) * HOUR, _floor_hour(edition.voting_open))
    return [first + i * HOUR for i in range(int((last - first) / HOUR) + 1)]


def _floor_hour(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def per_hour(session: Session, edition: Edition, hours: list[dt.datetime]) -> dict:
    """{(finalist_id, status, hour start): votes} for the confirmed votes in `hours`."""
    counts: dict[tuple, int] = {}
    if not hours:
        return counts
    rows = session.execute(
        select(Vote.finalist_id, Vote.status, Vote.confirmed_at).where(
            Vote.edition_id == edition.id,
            Vote.status.in_(SERIES),
            Vote.confirmed_at >= hours[0],
            Vote.confirmed_at < hours[-1] + HOUR,
        )
    )
    for finalist_id, status, confirmed_at in rows:
        key = (finalist_id, status, _floor_hour(confirmed_at))
        counts[key] = counts.get(key, 0) + 1
    return counts


def charts(session: Session, edition: Edition, hours: list[dt.datetime]) -> dict:
    """Everything the page draws: per finalist its bars (SVG geometry on a common scale)
    and its rows of figures, the hour labels, and the scale's top."""
    counts = per_hour(session, edition, hours)
    top = max(counts.values(), default=0)
    zone = ZoneInfo(edition.timezone)
    labels = [hour.astimezone(zone) for hour in hours]
    finalists = [
        _chart(finalist, counts, hours, labels, top)
        for finalist in finalists_of(session, Finalist, edition.id)
    ]
    width = max(len(hours), MIN_HOURS) * SLOT
    return {"finalists": finalists, "labels": labels, "top": top, "width": width}


def _chart(finalist, counts: dict, hours: list, labels: list, top: int) -> dict:
    rows, bars = [], []
    for i, (hour, label) in enumerate(zip(hours, labels, strict=True)):
        figures = {status: counts.get((finalist.id, status, hour), 0) for status in SERIES}
        rows.append({"hour": label, **figures})
        for j, status in enumerate(SERIES):
            height = round(figures[status] / top * HEIGHT, 1) if top else 0
            bars.append(
                {
                    "status": status,
                    "x": i * SLOT + 1 + j * 5,
                    "y": HEIGHT - height,
                    "height": height,
                    "votes": figures[status],
                    "hour": label,
                }
            )
    totals = {status: sum(row[status] for row in rows) for status in SERIES}
    return {"finalist": finalist, "rows": rows, "bars": bars, "totals": totals}
