"""The suite builds three apps for most tests, and most of that time went to werkzeug
compiling every URL rule of every app anew: parsing the rule's text into its parts (regular
expressions, converters, a trace of static and variable pieces), then compiling two
URL-builder functions (Python source made from the trace, then compile()). Both are the
same for the same rule text in every app.

A rule's parts are a pure function of its text and its map's converters: the suite parses
each text once per process and gives every later rule with that text the same parts, trace
and converter objects (werkzeug's converters keep their map but never use it). A builder is
a pure function of the rule's trace: it reaches the converters through the rule it is bound
to (its first argument), and closes over nothing; the suite compiles each once per process
and binds the same function to every rule with that trace. Rules with defaults inline their
converters' output and are compiled as before. The apps route and build URLs exactly as
without this; only the repeated parsing and compiling is gone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from werkzeug.routing.rules import Rule, RulePart

_compile: Callable = Rule._compile_builder
_parse: Callable = Rule._parse_rule
_compiled: dict[tuple, Callable] = {}
_parsed: dict[tuple, tuple] = {}


def _compile_once(self: Rule, append_unknown: bool = True) -> Callable:
    """Rule._compile_builder, remembered by what the builder is made from."""
    if self.defaults:
        return _compile(self, append_unknown)
    key = (self.rule, append_unknown, tuple(self._trace))
    if key not in _compiled:
        _compiled[key] = _compile(self, append_unknown)
    return _compiled[key]


def _parse_once(self: Rule, text: str) -> Iterator[RulePart]:
    """Rule._parse_rule, remembered by the text and the map's converters: its parts, and
    what parsing adds to the rule (the trace, the converters by argument, the arguments)."""
    key = (text, tuple(self.map.converters.items()))
    if key not in _parsed:
        _parsed[key] = _parse_apart(self, text)
    parts, trace, converters = _parsed[key]
    self._trace.extend(trace)
    self._converters.update(converters)
    self.arguments.update(converters)
    return iter(parts)


def _parse_apart(rule: Rule, text: str) -> tuple[list[RulePart], list, dict]:
    """The parts, trace and converters werkzeug parses from `text`, on a copy of `rule`
    bound to the same map (the rule itself left as it was)."""
    fresh = rule.empty()
    fresh.map = rule.map
    fresh._trace, fresh._converters = [], {}
    parts = list(_parse(fresh, text))
    return parts, fresh._trace, fresh._converters


def parse_afresh(rule: Rule) -> tuple[list[RulePart], list, dict]:
    """The parts, trace and converters werkzeug parses for `rule`, not remembered (to
    compare with)."""
    return _parse_apart(rule, rule.rule)


def compile_afresh(rule: Rule, append_unknown: bool) -> Callable:
    """The builder werkzeug compiles for `rule`, not remembered (to compare with)."""
    return _compile(rule, append_unknown)


def compile_each_rule_once() -> None:
    """Make werkzeug reuse the parts and builders it made before (for the suite's process)."""
    Rule._parse_rule = _parse_once
    Rule._compile_builder = _compile_once
