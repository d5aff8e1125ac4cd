"""What voting adds to /metrics: the votes of each edition by status."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select

from services.voting.models import Edition, VoteCount
from shared.backends import Backends
from shared.metrics import Sample, ScrapeGauge


def votes_by_status(b: Backends) -> Iterator[Sample]:
    """Votes per edition and status, from the tally's counters (a dozen rows, never the
    votes themselves, so a scrape stays cheap at a million votes)."""
    query = (
        select(Edition.slug, VoteCount.status, func.sum(VoteCount.votes))
        .join(Edition, Edition.id == VoteCount.edition_id)
        .group_by(Edition.slug, VoteCount.status)
    )
    with b.sessions() as session:
        for slug, status, votes in session.execute(query):
            yield (slug, status), votes


GAUGES = (
    ScrapeGauge("rv_votes", "Votes by edition and status", ("edition", "status"), votes_by_status),
)
