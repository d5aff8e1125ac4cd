"""The suite's shortcut for building apps (tests/url_builders.py) gives every URL rule of
every service the parts and the builder werkzeug would make for it, and makes each only
once."""

from __future__ import annotations

import pytest

from shared.config import SERVICES
from tests.url_builders import compile_afresh, parse_afresh

# URL rules, not data: the PostgreSQL pass leaves this module to the SQLite pass.
pytestmark = pytest.mark.engine_free


def code(function) -> tuple:
    """What makes a compiled function what it is: its bytecode, constants, names, defaults."""
    c = function.__code__
    return c.co_code, c.co_consts, c.co_names, c.co_varnames, function.__defaults__


@pytest.mark.parametrize("service", SERVICES)
def test_every_rule_builds_urls_with_the_builder_werkzeug_compiles_for_it(apps, service):
    rules = list(apps[service].url_map.iter_rules())
    assert len(rules) > 10
    for rule in rules:
        for append_unknown, bound in ((False, rule._build), (True, rule._build_unknown)):
            assert code(bound.__func__) == code(compile_afresh(rule, append_unknown)), rule


def test_a_second_app_reuses_the_builders_of_the_first(stack):
    first, second = (stack()["voting"] for _ in range(2))
    pairs = zip(first.url_map.iter_rules(), second.url_map.iter_rules(), strict=True)
    shared = [a._build.__func__ is b._build.__func__ for a, b in pairs if not a.defaults]
    assert shared and all(shared)


@pytest.mark.parametrize("service", SERVICES)
def test_every_rule_has_the_parts_werkzeug_parses_for_it(stack, service):
    stack()  # the second app of the service in this process takes the remembered parts
    for rule in stack()[service].url_map.iter_rules():
        parts, trace, converters = parse_afresh(rule)
        assert rule._parts[-len(parts) :] == parts, rule
        assert rule._trace[-len(trace) :] == trace, rule
        kinds = {name: (type(c), c.regex, c.weight) for name, c in converters.items()}
        assert {name: (type(c), c.regex, c.weight) for name, c in rule._converters.items()} == kinds
        assert rule.arguments == set(converters) | set(rule.defaults or ()), rule
