"""Inviting a juror tells voting who they are, as the keyed hash of their address only."""

from __future__ import annotations

import json

from sqlalchemy import select

from shared.models import OutboxEvent
from shared.people import identify
from shared.schemas.contest import JUROR_LISTED
from tests.services.jury.conftest import invite


def test_an_invitation_sends_voting_the_jurors_hash_and_never_the_address(jury, staff, contest):
    invite(jury, staff, contest.slug, "Jurylid.Een@KULeuven.be")
    with jury.extensions["rv"].sessions() as session:
        rows = session.scalars(select(OutboxEvent).where(OutboxEvent.destination == "voting")).all()
    (event,) = [row.envelope for row in rows if row.envelope["type"] == JUROR_LISTED]
    expected = identify(jury.extensions["rv"].settings, "jurylid.een@kuleuven.be").hash
    assert event["payload"] == {"edition": contest.slug, "person_hash": expected}
    assert "kuleuven" not in json.dumps(event).lower()
