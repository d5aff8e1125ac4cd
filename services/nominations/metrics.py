"""What the hub adds to /metrics: the nominations of each edition by status."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select

from services.nominations.models import Edition, Nomination
from shared.backends import Backends
from shared.metrics import Sample, ScrapeGauge


def nominations_by_status(b: Backends) -> Iterator[Sample]:
    """Nominations per edition and status (counted on the edition-and-status index)."""
    query = (
        select(Edition.slug, Nomination.status, func.count())
        .join(Edition, Edition.id == Nomination.edition_id)
        .group_by(Edition.slug, Nomination.status)
    )
    with b.sessions() as session:
        for slug, status, count in session.execute(query):
            yield (slug, status), count


GAUGES = (
    ScrapeGauge(
        "rv_nominations",
        "Nominations by edition and status",
        ("edition", "status"),
        nominations_by_status,
    ),
)
