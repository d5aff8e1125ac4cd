"""/metrics of the hub: the nominations of each edition by status, after real nominations."""

from __future__ import annotations

from tests.scrape import value


def nominations(hub, status: str) -> float | None:
    return value(hub.app, "rv_nominations", edition=hub.slug, status=status)


def test_nominations_are_counted_by_status(hub):
    assert hub.nominate(0).status_code == 202
    hub.confirmed(1)
    assert (nominations(hub, "unconfirmed"), nominations(hub, "submitted")) == (1, 1)


def test_a_screening_decision_moves_a_nomination(hub):
    hub.decide(hub.confirmed(0), "rejected")
    assert (nominations(hub, "submitted"), nominations(hub, "rejected")) == (None, 1)
