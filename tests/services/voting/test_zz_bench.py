import datetime as dt, time, uuid
from sqlalchemy import select, insert
from services.voting import fraud
from services.voting.models import Edition, Vote
from shared.models import utcnow

def test_bench(make_voting):
    voting = make_voting()
    app = voting.app
    b = app.extensions["rv"]
    now = utcnow()
    with b.sessions.begin() as s:
        eid = s.scalar(select(Edition.id).where(Edition.slug == voting.slug))
        rows = []
        for i in range(50000):
            net = "81.82.83.0/24" if i % 5 == 0 else f"10.{i % 250}.{(i // 250) % 250}.0/24"
            rows.append(dict(id=str(uuid.uuid4()), edition_id=eid, finalist_id=voting.finalist_ids[i % 3],
                person_hash=uuid.uuid4().hex, shape_hash=uuid.uuid4().hex if i % 7 else "shape-common",
                network=net, confirm_network=net, status="counted", reasons=[],
                created_at=now - dt.timedelta(seconds=(50000 - i) * 0.05),
                confirmed_at=now - dt.timedelta(seconds=(50000 - i) * 0.05)))
        s.execute(insert(Vote), rows)
    # confirm 1000 new votes, each in its own transaction, as the confirmation does
    with b.sessions.begin() as s:
        new = [Vote(edition_id=eid, finalist_id=voting.finalist_ids[0], person_hash=uuid.uuid4().hex,
                    shape_hash=uuid.uuid4().hex, network="81.82.83.0/24" if k % 2 else f"192.168.{k%250}.0/24",
                    created_at=now, status="unconfirmed") for k in range(1000)]
        s.add_all(new)
    ids = [v.id for v in new]
    t0 = time.perf_counter()
    held = 0
    for k, vid in enumerate(ids):
        with app.test_request_context(), b.sessions.begin() as s:
            v = s.get(Vote, vid)
            moment = now + dt.timedelta(milliseconds=k)
            v.confirmed_at = moment
            v.confirm_network = v.network
            held += bool(fraud.assess(s, v, moment))
    t1 = time.perf_counter()
    print(f"\n1000 assess (own transaction each, incl. get+commit): {(t1-t0)*1000:.0f} ms; held {held}")
    t0 = time.perf_counter()
    with app.test_request_context(), b.sessions.begin() as s:
        v = s.get(Vote, ids[0])
        for k in range(1000):
            fraud.assess(s, v, now)
    print(f"1000 assess alone: {(time.perf_counter()-t0)*1000:.0f} ms")
