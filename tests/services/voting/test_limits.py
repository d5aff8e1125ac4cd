"""Rate limits of vote intake on real Redis: per address, per network, overall, on the
confirmation link; Retry-After on every 429; X-Forwarded-For only as deep as trusted; and
a per-process fallback when Redis is away."""

from __future__ import annotations

import pytest
from limits import parse
from redis import Redis

from shared.limits import Check, first_refused, limiter


def votes_until_limited(voting, count: int, ip_of, **headers) -> list[int]:
    return [
        voting.vote(f"kiezer.{n}@telenet.be", ip=ip_of(n), **headers).status_code
        for n in range(count)
    ]


# The limits of these tests are per minute and their hits were made moments before the 429:
# the oldest leaves the window about a minute later (a whole second after its expiry: up to
# 61). A wait of a few seconds would send a client back to be refused again.
SLOWEST_RUN = 15


def assert_limited_with_retry_after(response) -> None:
    """A 429 whose Retry-After is the wait until the refusing limit lets one through."""
    assert response.status_code == 429
    assert 60 - SLOWEST_RUN <= int(response.headers["Retry-After"]) <= 61
    assert response.get_json()["error"]["code"] == "too_many_requests"


@pytest.mark.parametrize(
    ("setting", "ip_of"),
    [
        ("vote_limit_address", lambda n: "10.0.0.7"),
        ("vote_limit_network", lambda n: f"10.0.0.{n + 1}"),
    ],
)
def test_each_intake_limit_answers_429_with_retry_after(make_voting, setting, ip_of):
    voting = make_voting(**{setting: "3/minute"})
    assert votes_until_limited(voting, 3, ip_of) == [202, 202, 202]
    assert_limited_with_retry_after(voting.vote("nog.iemand@telenet.be", ip=ip_of(3)))
    assert len(voting.votes()) == 3


def test_the_overall_ceiling_answers_429_to_a_network_past_its_share(make_voting):
    voting = make_voting(vote_limit_overall="3/minute", vote_limit_share="1/minute")
    one_network = votes_until_limited(voting, 4, lambda n: f"10.0.0.{n + 1}")
    assert one_network == [202] * 4  # one within its share, three under the ceiling
    assert_limited_with_retry_after(voting.vote("nog.iemand@telenet.be", ip="10.0.0.9"))
    assert voting.vote("buur@telenet.be", ip="10.0.1.9").status_code == 202  # within its own


def test_an_ipv6_client_is_its_64(make_voting):
    voting = make_voting(vote_limit_address="2/minute")
    ips = ["2001:db8:1:2::a", "2001:db8:1:2:ffff::b", "2001:db8:1:2::c", "2001:db8:1:3::a"]
    codes = [voting.vote(f"k{n}x@telenet.be", ip=ip).status_code for n, ip in enumerate(ips)]
    assert codes == [202, 202, 429, 202]


def test_an_ipv6_network_is_its_48(make_voting):
    voting = make_voting(vote_limit_network="3/minute")
    rotated = [f"2001:db8:1:{n:x}::1" for n in range(4)]  # four /64s of one /48
    codes = [voting.vote(f"k{n}x@telenet.be", ip=ip).status_code for n, ip in enumerate(rotated)]
    assert codes == [202, 202, 202, 429]
    assert voting.vote("ander@telenet.be", ip="2001:db8:2::1").status_code == 202
    assert {v.network for v in voting.votes()} == {"2001:db8:1::/48", "2001:db8:2::/48"}


def test_a_flood_from_one_48_leaves_honest_voters_of_other_networks_unlimited(make_voting):
    voting = make_voting(
        vote_limit_overall="10/minute",
        vote_limit_share="3/minute",
        vote_limit_network="1000/minute",
        vote_limit_address="1000/minute",
    )
    flood = [voting.vote(f"bot{n}@telenet.be", ip=f"2001:db8:6:{n:x}::1") for n in range(60)]
    assert [r.status_code for r in flood].count(202) == 13  # its share, then the ceiling
    honest = [voting.vote(f"kiezer{n}@telenet.be", ip=f"10.{n}.0.1") for n in range(40)]
    assert [r.status_code for r in honest] == [202] * 40


def test_other_addresses_are_not_held_back_by_one(make_voting):
    voting = make_voting(vote_limit_address="2/minute")
    votes_until_limited(voting, 3, lambda n: "10.0.0.7")
    assert voting.vote("ander.iemand@telenet.be", ip="10.9.9.9").status_code == 202


def test_confirmation_links_are_limited_per_address(make_voting):
    voting = make_voting(confirm_limit_address="2/minute")
    codes = [voting.confirm("not-a-token", ip="10.0.0.7").status_code for _ in range(3)]
    assert codes[:2] == [404, 404]
    assert_limited_with_retry_after(voting.confirm("not-a-token", ip="10.0.0.7"))


def test_confirmation_links_are_limited_per_network(make_voting):
    voting = make_voting(confirm_limit_network="2/minute")
    rotated = [f"2001:db8:9:{n:x}::1" for n in range(3)]  # three /64s of one /48
    assert [voting.confirm("not-a-token", ip=ip).status_code for ip in rotated[:2]] == [404, 404]
    assert_limited_with_retry_after(voting.confirm("not-a-token", ip=rotated[2]))
    assert voting.confirm("not-a-token", ip="2001:db8:a::1").status_code == 404  # another site


def test_a_forged_forwarded_for_changes_nothing_without_a_trusted_proxy(make_voting):
    voting = make_voting(vote_limit_address="2/minute")
    codes = votes_until_limited(voting, 3, lambda n: "10.0.0.7", **{"X-Forwarded-For": "10.5.5.5"})
    assert codes == [202, 202, 429]
    assert voting.votes()[0].network == "10.0.0.0/24"


def test_behind_one_proxy_only_its_entry_counts(make_voting):
    voting = make_voting(vote_limit_address="2/minute", trusted_proxies=1)
    forged = "10.6.6.6, 203.0.113.9"  # the client's forged entry, then what the proxy saw
    codes = [
        voting.vote(f"k.{n}@telenet.be", ip="127.0.0.1", **{"X-Forwarded-For": forged}).status_code
        for n in range(3)
    ]
    assert codes == [202, 202, 429]
    assert voting.votes()[0].network == "203.0.113.0/24"


@pytest.fixture
def without_redis(make_voting, own_redis):
    """A voting app whose Redis (bus and limiter) has just stopped."""

    def build(**overrides):
        url = own_redis.url
        voting = make_voting(redis_url=url, ratelimit_storage_url=url, **overrides)
        own_redis.stop()
        return voting

    return build


def test_without_redis_votes_are_stored_under_a_per_process_limit(without_redis):
    voting = without_redis(vote_limit_fallback="2/minute")
    codes = votes_until_limited(voting, 3, lambda n: f"10.{n}.0.1")
    assert codes == [202, 202, 429]
    assert len(voting.votes()) == 2
    assert all(v.email and v.mailed_at is None for v in voting.votes())  # mails are due


def test_without_redis_the_limits_still_hold_in_memory(without_redis):
    voting = without_redis(vote_limit_address="2/minute")
    assert votes_until_limited(voting, 3, lambda n: "10.0.0.7") == [202, 202, 429]


def test_healthz_reports_the_fallback(without_redis):
    voting = without_redis()
    voting.vote("an.peeters@telenet.be")
    health = voting.app.test_client().get("/healthz")
    assert health.status_code == 503
    assert health.get_json() == {"status": "unavailable", "down": ["redis"], "limiter": "fallback"}


def test_the_switch_to_the_fallback_is_logged_once(without_redis, caplog):
    voting = without_redis()
    votes_until_limited(voting, 3, lambda n: f"10.{n}.0.1")
    switches = [r for r in caplog.records if "falling back to in-memory" in r.getMessage()]
    assert len(switches) == 1
    assert switches[0].levelname == "WARNING"


def test_one_vote_s_limits_take_one_redis_round_trip(make_voting, own_redis):
    voting = make_voting(redis_url=own_redis.url, ratelimit_storage_url=own_redis.url)
    assert voting.vote("an.peeters@telenet.be", ip="10.0.0.1").status_code == 202
    redis = Redis.from_url(own_redis.url)
    before = redis.info("commandstats")
    assert voting.vote("jan.janssens@telenet.be", ip="10.0.1.1").status_code == 202
    after = redis.info("commandstats")
    calls = {
        name: stats["calls"] - before.get(name, {}).get("calls", 0) for name, stats in after.items()
    }
    issued = {name.removeprefix("cmdstat_") for name, n in calls.items() if n} - {"info"}
    # Redis counts the commands a script runs too: those are the sliding windows' own.
    assert calls["cmdstat_evalsha"] == 1
    assert issued <= {"evalsha", "pttl", "get", "exists", "set", "incrby", "rename"}


def test_a_limit_counted_in_one_trip_and_by_the_limiter_is_one_counter(voting):
    check = Check("2/minute", "vote-address", "10.0.0.7")
    with voting.app.test_request_context():
        assert limiter.limiter.hit(parse(check.limit), *check.identifiers())
        assert first_refused([check]) is None
        assert first_refused([check]) == check
        assert not limiter.limiter.test(parse(check.limit), *check.identifiers())


def test_within_its_gate_the_next_check_is_skipped_and_past_it_applies(voting):
    gate = Check("1/minute", "vote-share", "10.0.0.0/24", gate=True)
    ceiling = Check("1/minute", "vote-all", "all")
    with voting.app.test_request_context():
        assert first_refused([gate, ceiling]) is None  # within the gate: not counted
        assert first_refused([gate, ceiling]) is None  # past it: the ceiling's one
        assert first_refused([gate, ceiling]) == ceiling
