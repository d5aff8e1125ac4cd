"""The close: at jury_close the final ranking goes to the hub once, through the outbox and
the hub's queue; scoring stops; a later close sends it again."""

from __future__ import annotations

from sqlalchemy import select

from shared.models import OutboxEvent
from shared.queues import queue
from shared.schemas.contest import RANKING_FINAL, RankingEventSchema
from tests.services.jury.conftest import close_jury, logged_in_client, schedule, score_form
from tests.shared.bus_helpers import relay


def rankings_sent(app) -> list[dict]:
    with app.extensions["rv"].sessions() as session:
        rows = session.scalars(select(OutboxEvent).order_by(OutboxEvent.id)).all()
        return [r.envelope for r in rows if r.envelope["type"] == RANKING_FINAL]


def test_nothing_is_sent_before_jury_close(jury, contest):
    relay(jury).tick()
    assert rankings_sent(jury) == []


def test_two_relays_at_the_close_send_the_ranking_once(jury, contest):
    close_jury(jury, contest.slug)
    relay(jury).tick()
    relay(jury).tick()
    (sent,) = rankings_sent(jury)
    payload = RankingEventSchema().load(sent["payload"])
    assert payload["edition"] == contest.slug
    assert {r["finalist_id"] for r in payload["ranking"]} == set(contest.finalists)


def test_the_ranking_reaches_the_hubs_queue(jury, contest):
    close_jury(jury, contest.slug)
    relay(jury).tick()
    relay(jury).sweep()
    b = jury.extensions["rv"]
    (job,) = queue(b.redis, b.settings.queue_name("nominations")).get_jobs()
    assert [e["type"] for e in job.args[0]] == [RANKING_FINAL]


def test_the_ranking_carries_the_submitted_scores(jury, staff, contest):
    juror = logged_in_client(jury, staff, contest.slug, "an@example.be")
    scores = {"maatschappelijke-impact": 8, "radicale-vernieuwing": 8}
    scores |= {"participatie-empowerment": 8, "systeemverandering": 8, "haalbaarheid": 8}
    score_form(juror, contest.finalists[1], scores, action="submit")
    close_jury(jury, contest.slug)
    relay(jury).tick()
    (sent,) = rankings_sent(jury)
    assert sent["payload"]["ranking"][0] == {
        "finalist_id": contest.finalists[1],
        "score": 8.0,
        "rank": 1,
    }


def test_a_later_close_sends_the_ranking_again(jury, contest):
    close_jury(jury, contest.slug)
    relay(jury).tick()
    schedule(jury, contest.slug, revision=3)  # staff moved jury_close back to the future
    relay(jury).tick()
    close_jury(jury, contest.slug, revision=4)
    relay(jury).tick()
    assert len(rankings_sent(jury)) == 2
