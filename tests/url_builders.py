"""The suite builds three apps for most tests, and four fifths of that time went to werkzeug
compiling, for every URL rule of every app, two URL-builder functions (Python source made
from the rule, then compile()) that are the same for the same rule in every app.

A builder is a pure function of the rule's parsed parts: it reaches the converters through
the rule it is bound to (its first argument), and closes over nothing. So the suite compiles
each builder once per process and binds the same function to every rule with those parts.
Rules with defaults inline their converters' output and are compiled as before. The apps
route and build URLs exactly as without this; only the repeated compiling is gone.
"""

from __future__ import annotations

from collections.abc import Callable

from werkzeug.routing.rules import Rule

_compile: Callable = Rule._compile_builder
_compiled: dict[tuple, Callable] = {}


def _compile_once(self: Rule, append_unknown: bool = True) -> Callable:
    """Rule._compile_builder, remembered by what the builder is made from."""
    if self.defaults:
        return _compile(self, append_unknown)
    key = (self.rule, append_unknown, tuple(self._trace))
    if key not in _compiled:
        _compiled[key] = _compile(self, append_unknown)
    return _compiled[key]


def compile_afresh(rule: Rule, append_unknown: bool) -> Callable:
    """The builder werkzeug compiles for `rule`, not remembered (to compare with)."""
    return _compile(rule, append_unknown)


def compile_each_builder_once() -> None:
    """Make werkzeug reuse the builders it compiled before (for the suite's process)."""
    Rule._compile_builder = _compile_once
