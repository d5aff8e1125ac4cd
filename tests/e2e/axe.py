"""axe-core in a Playwright tab: put the npm package (pinned in package-lock.json, installed
by `make test`) into the pages, run it on the page as shown, and report what it finds so
that a failing test says which rule, where and how to mend it."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import BrowserContext, Page

SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
# Only the violations come back: the whole result (every rule that passed too) is large.
RUN = """async impacts => (await axe.run(document, {resultTypes: ['violations']}))
  .violations.filter(v => impacts.includes(v.impact))"""
# The elements sticking out on the right of the page, the usual cause of sideways scrolling.
OVERFLOWING = """width => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > width)
  .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + [...e.classList].map(c => '.' + c).join('')
    + ` ends at ${Math.round(e.getBoundingClientRect().right)}px`)"""


def install(context: BrowserContext) -> None:
    """Put axe-core into every page the context opens, before the page's own scripts. It
    goes in as an init script, which the pages' Content-Security-Policy does not apply to
    (an injected script tag would be refused); once for the context, not once a page."""
    assert SCRIPT.exists(), f"{SCRIPT} is missing: `make test` installs it (npm ci)"
    context.add_init_script(path=SCRIPT)


def blocking_violations(tab: Page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is shown now."""
    return tab.evaluate(RUN, list(BLOCKING))


def describe(violations: list[dict]) -> str:
    """The violations as lines a person reads: rule, impact, help, then each element."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            summary = " ".join(line.strip() for line in node["failureSummary"].splitlines())
            lines.append(f"  - {node['target']} {node['html'][:120]}\n    {summary}")
    return "\n".join(lines)


def overflowing(tab: Page, width: int) -> list[str]:
    """The elements whose right edge lies beyond `width` pixels."""
    return tab.evaluate(OVERFLOWING, width)


def assert_fits(tab: Page, width: int) -> None:
    """axe-core finds nothing serious on the page as shown, and nothing on it scrolls
    sideways at `width` pixels."""
    violations = blocking_violations(tab)
    assert violations == [], describe(violations)
    scroll_width = tab.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, overflowing(tab, width)
