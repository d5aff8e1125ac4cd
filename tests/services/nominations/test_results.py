"""Results: the final tally from voting and the ranking from jury arrive by event (the
newest close wins); GET .../results combines them and applies the edition's tie rule."""

from __future__ import annotations

import datetime as dt

import pytest

from services.nominations.jobs import HANDLERS
from services.nominations.results import settle
from shared.events import consume, envelope, publish
from shared.models import utcnow
from shared.schemas.contest import RANKING_FINAL, TALLY_FINAL
from tests.factories import edition_body
from tests.shared.bus_helpers import drain, relay

RESULTS = "/api/v1/editions/{slug}/results"
A, B, C = "fin-a", "fin-b", "fin-c"


def tally(slug: str, votes: dict, closed_at: dt.datetime | None = None, counted_at=None) -> dict:
    return {
        "edition": slug,
        "closed_at": (closed_at or utcnow()).isoformat(),
        "counted_at": (counted_at or utcnow()).isoformat(),
        "finalists": [{"finalist_id": f, "votes": n} for f, n in votes.items()],
        "quarantined": 2,
        "unconfirmed": 5,
        "rejected": 1,
    }


def ranking(slug: str, scores: dict, closed_at: dt.datetime | None = None) -> dict:
    ordered = sorted(scores, key=lambda f: -(scores[f] or 0))
    return {
        "edition": slug,
        "closed_at": (closed_at or utcnow()).isoformat(),
        "counted_at": utcnow().isoformat(),
        "ranking": [
            {"finalist_id": f, "score": scores[f], "rank": ordered.index(f) + 1} for f in scores
        ],
    }


def arrive(hub, event_type: str, payload: dict, source: str = "voting") -> dict:
    """Apply one event to the hub as its worker does."""
    return consume(
        hub.app.extensions["rv"].sessions, [envelope(event_type, source, payload)], HANDLERS
    )


def test_results_before_any_round_closed_are_empty_and_incomplete(hub):
    body = hub.get(RESULTS).get_json()
    assert (body["public"], body["jury"], body["complete"]) == ([], [], False)
    assert body["winners_by_rule"] == {"public": [], "jury": []}


def test_the_tally_arrives_through_the_bus_from_voting(apps, hub):
    slug = "bus-" + hub.slug
    apps["nominations"].test_client().post(
        "/api/v1/editions", json=edition_body(slug), headers=hub.staff
    )
    with apps["voting"].extensions["rv"].sessions.begin() as session:
        publish(
            session, envelope(TALLY_FINAL, "voting", tally(slug, {A: 2, B: 1})), ["nominations"]
        )
    relay(apps["voting"]).sweep()
    drain(apps["nominations"])
    body = hub.get(RESULTS.replace("{slug}", slug)).get_json()
    assert body["public"] == [{"finalist_id": A, "votes": 2}, {"finalist_id": B, "votes": 1}]


def test_both_rounds_make_the_results_complete(hub):
    arrive(hub, TALLY_FINAL, tally(hub.slug, {A: 1, B: 3}))
    arrive(hub, RANKING_FINAL, ranking(hub.slug, {A: 8.5, B: 6.0}), "jury")
    body = hub.get(RESULTS).get_json()
    assert body["complete"] is True
    assert [x["finalist_id"] for x in body["public"]] == [B, A]
    assert body["jury"][0] == {"finalist_id": A, "score": 8.5, "rank": 1}
    assert body["winners_by_rule"] == {"public": [B], "jury": [A]}
    assert (body["quarantined"], body["unconfirmed"], body["rejected"]) == (2, 5, 1)


def test_a_later_close_replaces_the_tally_and_an_older_one_does_not(hub):
    now = utcnow()
    arrive(hub, TALLY_FINAL, tally(hub.slug, {A: 1}, now))
    arrive(hub, TALLY_FINAL, tally(hub.slug, {A: 4}, now + dt.timedelta(hours=1)))
    arrive(hub, TALLY_FINAL, tally(hub.slug, {A: 9}, now + dt.timedelta(minutes=30)))
    assert hub.get(RESULTS).get_json()["public"] == [{"finalist_id": A, "votes": 4}]


def test_a_correction_of_the_same_close_replaces_the_tally_and_a_stale_one_does_not(hub):
    close, counted = utcnow(), utcnow()
    arrive(hub, TALLY_FINAL, tally(hub.slug, {A: 1}, close, counted))
    arrive(hub, TALLY_FINAL, tally(hub.slug, {A: 3}, close, counted + dt.timedelta(minutes=5)))
    arrive(hub, TALLY_FINAL, tally(hub.slug, {A: 2}, close, counted + dt.timedelta(minutes=1)))
    assert hub.get(RESULTS).get_json()["public"] == [{"finalist_id": A, "votes": 3}]


def test_figures_for_an_unknown_edition_fail_the_event(hub):
    with pytest.raises(Exception, match="unknown edition"):
        arrive(hub, TALLY_FINAL, tally("bestaat-niet", {A: 1}))


def test_a_tie_for_the_public_award_is_broken_by_the_jury_score(hub):
    arrive(hub, TALLY_FINAL, tally(hub.slug, {A: 5, B: 5, C: 1}))
    arrive(hub, RANKING_FINAL, ranking(hub.slug, {A: 6.0, B: 7.5, C: 9.0}), "jury")
    body = hub.get(RESULTS).get_json()
    assert body["tie_break"] == "other_award"
    assert body["winners_by_rule"]["public"] == [B]
    assert body["ties"] == [
        {"award": "public", "finalist_ids": [A, B], "resolved_by": "jury_score", "winners": [B]}
    ]


def test_with_shared_the_tied_finalists_share(hub):
    hub.patch_edition(tie_break="shared")
    arrive(hub, TALLY_FINAL, tally(hub.slug, {A: 5, B: 5}))
    body = hub.get(RESULTS).get_json()
    assert body["winners_by_rule"]["public"] == [A, B]
    assert body["ties"][0]["resolved_by"] == "shared"


FIGURES = {"public": {A: 3, B: 3, C: 1}, "jury": {A: 7.0, B: 7.0, C: 9.0}}


@pytest.mark.parametrize(
    ("award", "figures", "rule", "winners", "how"),
    [
        ("public", {"public": {A: 3, B: 1}, "jury": None}, "other_award", [A], None),
        ("public", FIGURES, "other_award", [A, B], "shared"),
        ("public", FIGURES | {"jury": {A: 7.0, B: 8.0}}, "other_award", [B], "jury_score"),
        ("jury", FIGURES | {"jury": {A: 8.0, B: 8.0}}, "other_award", [A, B], "shared"),
        (
            "jury",
            {"jury": {A: 8.0, B: 8.0}, "public": {A: 1, B: 2}},
            "other_award",
            [B],
            "public_votes",
        ),
        ("public", FIGURES | {"jury": None}, "other_award", [], "pending"),
        ("public", FIGURES, "shared", [A, B], "shared"),
        ("public", {"public": {A: 0, B: 0}, "jury": None}, "other_award", [], None),
        ("jury", {"jury": {A: None, B: None}, "public": None}, "other_award", [], None),
    ],
    ids=[
        "no-tie",
        "level-on-both-share",
        "jury-score-breaks-public-tie",
        "jury-tie-level-on-votes-too",
        "votes-break-jury-tie",
        "jury-not-in-yet",
        "shared-rule",
        "no-votes-no-winner",
        "no-scores-no-winner",
    ],
)
def test_the_tie_rule(award, figures, rule, winners, how):
    got, tie = settle(award, figures, rule)
    assert got == winners
    assert (tie or {}).get("resolved_by") == how
