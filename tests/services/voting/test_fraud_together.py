"""Evidence that only shows across votes: machine-made names together at one own domain or
one network (there from the first few votes), a wave of fast clicks for one finalist, and
one network clicking other networks' links at a steady pace. Each holds with the vote's own
evidence; people at one organisation, behind one school address or clicking where they
voted never add up to a hold."""

from __future__ import annotations

import datetime as dt

from shared.models import utcnow

SECOND = dt.timedelta(seconds=1)
MADE, PERSON = 0.9, 0.2  # machine_names.machine_made of a generated name, of a person's


def at(domain: str | None = None, network: str | None = None, name: float = MADE, **more):
    """A vote's fields: its domain hash, network and how machine-made its name looked."""
    fields = {"domain_hash": domain, "machine_name": name} | more
    return fields | ({"network": network} if network else {})


def test_the_second_generated_name_at_an_own_domain_is_held(assess):
    results = assess()([at("stemkracht"), at("stemkracht")], utcnow())
    assert [evidence.scores.get("generated_names") for evidence in results] == [0.5, 0.5]
    assert all(evidence.held for evidence in results)  # each sees the other
    assert results[0].reasons == ["machine_name", "generated_names"]


def test_generated_names_at_an_own_domain_weigh_more_as_they_grow(assess):
    results = assess()([at("kiesmee")] * 6, utcnow())
    assert [evidence.scores["generated_names"] for evidence in results] == [1.0] * 6


def test_a_name_that_looks_human_among_generated_ones_at_their_domain_weighs(assess):
    votes = [at("stemkracht")] * 4 + [at("stemkracht", name=PERSON)]
    [*_, slipped] = assess()(votes, utcnow())
    assert slipped.scores == {"generated_names": 0.75}  # its own name says nothing


def test_colleagues_with_peoples_names_at_their_domain_are_no_such_evidence(assess):
    results = assess()([at("vzw-warm", name=PERSON)] * 6, utcnow())
    assert not any("generated_names" in evidence.scores for evidence in results)


def test_a_domain_voting_for_another_finalist_too_is_no_such_evidence(assess):
    votes = [at("ugent"), at("ugent"), at("ugent", finalist_id="other")]
    results = assess()(votes, utcnow())
    assert not any("generated_names" in evidence.scores for evidence in results)


def test_a_few_generated_names_among_many_people_at_a_domain_are_no_such_evidence(assess):
    votes = [at("kuleuven", name=PERSON)] * 4 + [at("kuleuven")] * 2
    results = assess()(votes, utcnow())
    assert not any("generated_names" in evidence.scores for evidence in results)


def test_generated_names_from_one_network_weigh_from_the_first_few(assess):
    votes = [at(network="81.82.83.0/24")] * 3
    results = assess()(votes, utcnow())
    assert [evidence.scores.get("generated_names") for evidence in results] == [0.625] * 3


def test_a_class_with_peoples_names_behind_one_address_is_no_such_evidence(assess):
    votes = [at(network="81.82.83.0/24", name=PERSON)] * 8
    assert assess()(votes, utcnow())[-1].scores == {}


def clicks(now: dt.datetime, count: int, after_mail: float, **fields) -> list[dict]:
    """`count` votes whose links were clicked `after_mail` seconds after their mail went."""
    mailed = now - after_mail * SECOND
    return [{"mailed_at": mailed, "confirmed_at": now} | fields for _ in range(count)]


def test_fast_clicks_of_generated_names_for_one_finalist_become_a_wave(assess):
    now = utcnow()
    run = assess(fraud_click_wave=5, fraud_min_click_seconds=3.0)
    results = run(clicks(now, 12, 0.0, machine_name=MADE), now)
    waves = [evidence.scores.get("click_wave") for evidence in results]
    assert waves == [None] * 4 + [0.45, 0.465, 0.48, 0.495, 0.51, 0.525, 0.54, 0.555]


def test_a_name_that_looks_human_clicked_fast_in_a_wave_is_held(assess):
    now = utcnow()
    run = assess(fraud_click_wave=3, fraud_min_click_seconds=3.0)
    *_, slipped = run(clicks(now, 3, 0.0, machine_name=MADE) + clicks(now, 1, 0.0), now)
    assert slipped.scores == {"fast_click": 0.65, "click_wave": 0.45} and slipped.held


def test_fast_clicks_of_peoples_names_never_make_a_wave(assess):
    now = utcnow()
    run = assess(fraud_click_wave=3, fraud_min_click_seconds=3.0)
    results = run(clicks(now, 8, 0.0, machine_name=PERSON), now)
    assert [evidence.scores for evidence in results] == [{"fast_click": 0.65}] * 8


def test_people_clicking_later_for_the_same_finalist_neither_join_nor_feel_a_wave(assess):
    now = utcnow()
    run = assess(fraud_click_wave=2, fraud_min_click_seconds=3.0)
    results = run(clicks(now, 4, 40.0) + clicks(now, 1, 0.0) + clicks(now, 2, 40.0), now)
    assert [evidence.scores for evidence in results] == [{}] * 4 + [{"fast_click": 0.65}] + [{}] * 2


def rhythm(now: dt.datetime, count: int, cast_from: str, every: float = 2.0) -> list[dict]:
    """Votes cast from `cast_from` whose links were clicked from 5.6.7.0/24, `every`
    seconds one after the other."""
    return [
        {
            "network": cast_from,
            "confirm_network": "5.6.7.0/24",
            "confirmed_at": now + n * every * SECOND,
        }
        for n in range(count)
    ]


def test_one_network_clicking_other_networks_links_at_a_pace_is_held_from_the_third(assess):
    now = utcnow()
    results = assess(fraud_rhythm_confirmations=6)(rhythm(now, 7, "10.1.2.0/24"), now)
    assert [evidence.reasons for evidence in results] == [[]] * 2 + [["machine_rhythm"]] * 5


def test_a_few_clicks_must_be_steadier_than_many(assess):
    now = utcnow()
    moments = [0, 2.0, 4.2]  # intervals 5 % apart: steady for six clicks, not for three
    votes = [
        {
            "network": "10.1.2.0/24",
            "confirm_network": "5.6.7.0/24",
            "confirmed_at": now + m * SECOND,
        }
        for m in moments
    ]
    [*_, third] = assess(fraud_rhythm_confirmations=6, fraud_rhythm_max_cv=0.1)(votes, now)
    assert third.scores == {}


def test_colleagues_clicking_at_the_office_where_they_voted_are_no_rhythm(assess):
    now = utcnow()
    results = assess(fraud_rhythm_confirmations=6)(rhythm(now, 7, "5.6.7.0/24"), now)
    assert [evidence.scores for evidence in results] == [{}] * 7
