"""The bus loses nothing under faults: real worker and relay processes, real SIGKILLs, a real
Redis flush and restart, a producer that dies right after its commit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest
from rq.job import Job, JobStatus
from rq.registry import FailedJobRegistry
from sqlalchemy import select

from shared.models import OutboxEvent
from shared.queues import SERIALIZER, queue
from tests.conftest import ROOT
from tests.databases import unreachable, writes_held
from tests.factories import edition_body, issue_token
from tests.shared.bus_helpers import (
    STARTS,
    applied_count,
    drain,
    outbox_states,
    relay,
    replica,
    wait_for,
)

pytestmark = pytest.mark.slow


def create(app, staff) -> str:
    body = edition_body()
    response = app.test_client().post("/api/v1/editions", json=body, headers=staff)
    assert response.status_code == 201, response.get_json()
    return body["slug"]


def voting_job_status(hub, voting) -> str | None:
    with hub.extensions["rv"].sessions() as session:
        job_id = session.scalar(
            select(OutboxEvent.job_id).where(OutboxEvent.destination == "voting")
        )
    b = voting.extensions["rv"]
    job = job_id and Job.fetch_many([job_id], connection=b.redis, serializer=SERIALIZER)[0]
    return job.get_status() if job else None


def test_events_flow_through_real_worker_and_relay_processes(apps, staff, spawn):
    spawn("worker", "voting")
    spawn("worker", "jury")
    spawn("relay", "nominations")
    slug = create(apps["nominations"], staff)
    wait_for(lambda: replica(apps["voting"], slug) and replica(apps["jury"], slug), STARTS)
    wait_for(lambda: outbox_states(apps["nominations"]) == {"acked": 2}, 10)


# A job may run this long (RV_JOB_TIMEOUT) before the relay takes it as abandoned, 10 s
# later: shorter than the 20 s of production, so that the test waits 15 s for it, not 30.
JOB_TIMEOUT = 5


def test_a_worker_killed_mid_job_has_its_job_run_again_once_its_time_is_up(
    apps, staff, spawn, make_env
):
    hub, voting = apps["nominations"], apps["voting"]
    env = make_env(RV_JOB_TIMEOUT=str(JOB_TIMEOUT))
    slug = create(hub, staff)
    with writes_held(voting.extensions["rv"].settings.database_url):  # the job blocks mid-job
        worker = spawn("worker", "voting", env=env)
        spawn("relay", "nominations", env=env)
        wait_for(lambda: voting_job_status(hub, voting) == JobStatus.STARTED, STARTS)
        os.killpg(worker.pid, signal.SIGKILL)  # the worker and the rq scheduler it forked
        worker.wait()
    spawn("worker", "voting", env=env)
    # Resent once started JOB_TIMEOUT + 10 s ago, by the relay's next resolve (every second).
    # Waits past the promise, so that a late re-run fails on the promise, not on the wait.
    _, seconds = wait_for(lambda: replica(voting, slug), 60, interval=0.5)
    assert seconds < JOB_TIMEOUT + 10 + 10
    assert applied_count(voting) == 1
    wait_for(lambda: outbox_states(hub).get("acked", 0) == 1, 10)


@pytest.mark.parametrize("fault", ["flush", "restart"])
def test_nothing_is_lost_when_redis_loses_the_queue(stack, make_env, own_redis, fault):
    apps = stack(make_env(redis=own_redis.url))
    hub, voting = apps["nominations"], apps["voting"]
    slug = create(hub, {"Authorization": f"Bearer {issue_token(apps)}"})
    r = relay(hub)
    r.sweep()
    b = voting.extensions["rv"]
    assert queue(b.redis, b.settings.queue_name()).count == 1
    if fault == "flush":
        b.redis.flushall()
    else:
        own_redis.restart()
    assert queue(b.redis, b.settings.queue_name()).count == 0
    assert r.sweep()["resent"] == 2
    drain(voting)
    assert replica(voting, slug) is not None
    assert applied_count(voting) == 1


PRODUCER = textwrap.dedent(
    """
    import os, signal
    from services.nominations import create_app
    from services.nominations.editions import create_edition
    from shared.schemas.editions import EditionSchema
    from tests.factories import edition_body, issue_token

    app = create_app()
    with app.extensions["rv"].sessions.begin() as session:
        create_edition(session, EditionSchema().load(edition_body(os.environ["SLUG"])))
    os.kill(os.getpid(), signal.SIGKILL)  # dies right after its commit
    """
)


def test_nothing_is_lost_when_the_producer_dies_after_commit(apps, make_env, spawn):
    env = os.environ | make_env(SLUG="after-crash", REDIS_URL="redis://127.0.0.1:1/0")
    producer = subprocess.run([sys.executable, "-c", PRODUCER], cwd=ROOT, env=env, check=False)
    assert producer.returncode == -signal.SIGKILL
    assert outbox_states(apps["nominations"]) == {"pending": 2}
    spawn("relay", "nominations")
    spawn("worker", "voting")
    wait_for(lambda: replica(apps["voting"], "after-crash"), STARTS)


def test_events_wait_out_an_outage_of_the_consumer_database(apps, staff, tmp_path):
    hub, voting = apps["nominations"], apps["voting"]
    slug = create(hub, staff)
    r = relay(hub)
    r.sweep()
    with unreachable(voting):
        drain(voting)
        assert r.sweep()["resent"] == 1  # not failed, not split: sent again as it was
    drain(voting)
    r.sweep()
    assert replica(voting, slug) is not None
    assert outbox_states(hub) == {"acked": 1, "sent": 1}  # jury's event waits for its worker
    b = voting.extensions["rv"]
    assert FailedJobRegistry(queue=queue(b.redis, b.settings.queue_name())).count == 0
