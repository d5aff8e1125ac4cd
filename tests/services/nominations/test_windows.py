"""Every window enforced at its edges: one second before and after each deadline, the
opening moment inclusive and the closing one exclusive, also across the change to summer
time (Europe/Brussels moves from CET to CEST at 02:00 on Sunday 29 March 2026)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from marshmallow import ValidationError
from werkzeug.exceptions import Conflict

from services.nominations.editions import get_edition
from services.nominations.finalists import choose_finalists
from services.nominations.nominations import nominate
from services.nominations.winners import publish_winners
from shared.moments import local_moment
from shared.schemas.nominations import NominationSchema, WinnersSchema
from tests.services.nominations.conftest import nomination_body

BXL = ZoneInfo("Europe/Brussels")
SECOND = dt.timedelta(seconds=1)
# Nominations close at 03:00 local on the night summer time starts: 01:00 UTC. The other
# windows are in winter time (before) and summer time (after).
SCHEDULE = {
    "nominations_open": dt.datetime(2026, 3, 28, 23, 59, tzinfo=BXL),
    "nominations_close": dt.datetime(2026, 3, 29, 3, 0, tzinfo=BXL),
    "voting_open": dt.datetime(2026, 3, 30, 9, 0, tzinfo=BXL),
    "voting_close": dt.datetime(2026, 4, 20, 12, 0, tzinfo=BXL),
    "jury_close": dt.datetime(2026, 4, 27, 12, 0, tzinfo=BXL),
}


@pytest.fixture
def edition(hub):
    """The hub's edition, moved to the schedule across the change to summer time."""
    hub.patch_edition(**{name: moment.isoformat() for name, moment in SCHEDULE.items()})
    return hub


def attempt(hub, action, now: dt.datetime) -> bool:
    """Whether the window lets `action(session, edition, now)` through at `now`: False on a
    409; a 422 means the window let it through to the checks of the data."""
    with hub.app.app_context(), hub.app.extensions["rv"].sessions() as session:
        try:
            action(session, get_edition(session, hub.slug), now)
        except Conflict:
            return False
        except ValidationError:
            return True
        finally:
            session.rollback()
        return True


def at(name: str, offset: int) -> dt.datetime:
    """`offset` seconds from a deadline, counted in UTC: local wall-clock arithmetic would
    land in the hour that does not exist (02:59:59 on 29 March 2026 is 01:59:59 UTC)."""
    return SCHEDULE[name].astimezone(dt.UTC) + offset * SECOND


def nominating(session, edition, now):
    nominate(session, edition, NominationSchema().load(nomination_body()), "nl", now)


def choosing(session, edition, now):
    choose_finalists(session, edition, [], "tester", now)


def publishing(session, edition, now):
    awards = WinnersSchema().load({"awards": [{"award": "jury", "finalist_id": "x"}]})
    publish_winners(session, edition, awards, "tester", now)


@pytest.mark.parametrize(
    ("action", "window", "offset", "allowed"),
    [
        (nominating, "nominations_open", -1, False),
        (nominating, "nominations_open", 0, True),
        (nominating, "nominations_open", 1, True),
        (nominating, "nominations_close", -1, True),
        (nominating, "nominations_close", 0, False),
        (nominating, "nominations_close", 1, False),
        (choosing, "nominations_close", -1, False),
        (choosing, "nominations_close", 0, True),
        (choosing, "nominations_close", 1, True),
        (choosing, "voting_open", -1, True),
        (choosing, "voting_open", 0, False),
        (choosing, "voting_open", 1, False),
        (publishing, "jury_close", -1, False),
        (publishing, "jury_close", 0, True),
        (publishing, "jury_close", 1, True),
    ],
    ids=lambda v: v.__name__ if callable(v) else str(v),
)
def test_each_window_at_its_edges(edition, action, window, offset, allowed):
    assert attempt(edition, action, at(window, offset)) == allowed


def test_the_close_is_0100_utc_the_night_summer_time_starts():
    utc = SCHEDULE["nominations_close"].astimezone(dt.UTC)
    assert utc == dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.UTC)


def test_nominations_are_still_open_at_0130_winter_time_that_night(edition):
    assert attempt(edition, nominating, dt.datetime(2026, 3, 29, 1, 30, tzinfo=BXL))


@pytest.mark.parametrize(
    ("window", "text"),
    [
        ("nominations_open", "zaterdag 28 maart 2026 om 23:59 (tijd in België, CET)"),
        ("nominations_close", "zondag 29 maart 2026 om 03:00 (tijd in België, CEST)"),
    ],
)
def test_deadlines_read_in_local_time_with_the_zone_written_out(hub, window, text):
    with hub.app.test_request_context("/"):
        assert local_moment(SCHEDULE[window], "Europe/Brussels") == text


def test_deadlines_read_in_english_too(hub):
    with hub.app.test_request_context("/?lang=en"):
        text = local_moment(SCHEDULE["nominations_close"], "Europe/Brussels")
    assert text == "Sunday, 29 March 2026 at 03:00 (Belgium Time, CEST)"
