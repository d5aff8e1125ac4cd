"""An edition's rules (tie_break, public_tally) are fixed when voting opens; every change of
an edition before and after is in its audit log, which staff read."""

from __future__ import annotations

import pytest

from tests.factories import iso


def patch(hub, **changes):
    return hub.client.patch(f"/api/v1/editions/{hub.slug}", json=changes, headers=hub.staff)


def changes(hub) -> list[dict]:
    response = hub.get("/api/v1/editions/{slug}/changes")
    assert response.status_code == 200
    return response.get_json()["items"]


def open_voting(hub) -> None:
    hub.patch_edition(nominations_close=iso(-2), voting_open=iso(-1))


def test_before_voting_opens_the_rules_change_and_each_change_is_logged(hub):
    assert patch(hub, tie_break="shared", public_tally=True).status_code == 200
    logged = {c["field"]: (c["old"], c["new"], c["staff"]) for c in changes(hub)}
    assert logged == {
        "tie_break": ("other_award", "shared", "tester"),
        "public_tally": (False, True, "tester"),
    }


def test_schedule_changes_are_logged_with_the_moments_they_replace(hub):
    before = hub.get("/api/v1/editions/{slug}").get_json()["voting_close"]
    patch(hub, voting_close=iso(12000))
    [change] = changes(hub)
    assert (change["field"], change["old"][:16]) == ("voting_close", before[:16])


@pytest.mark.parametrize("rule", [{"tie_break": "shared"}, {"public_tally": True}])
def test_once_voting_opened_a_rule_change_is_409_and_changes_nothing(hub, rule):
    open_voting(hub)
    response = patch(hub, **rule)
    assert response.status_code == 409
    edition = hub.get("/api/v1/editions/{slug}").get_json()
    assert (edition["tie_break"], edition["public_tally"]) == ("other_award", False)
    assert {c["field"] for c in changes(hub)} == {"nominations_close", "voting_open"}


def test_once_voting_opened_the_schedule_still_changes(hub):
    open_voting(hub)
    assert patch(hub, voting_close=iso(12000)).status_code == 200


def test_moving_voting_open_later_does_not_reopen_the_rules(hub):
    open_voting(hub)
    assert patch(hub, voting_open=iso(3600)).status_code == 200
    assert patch(hub, tie_break="shared").status_code == 409


def test_a_rule_and_a_later_voting_open_in_one_change_is_409(hub):
    open_voting(hub)
    assert patch(hub, voting_open=iso(3600), tie_break="shared").status_code == 409
