"""The staff's CSV export of nominations, for a spreadsheet.

UTF-8 with a byte-order mark, so that Excel reads accents right; a cell that a spreadsheet
would take for a formula (starting with = + - @, or a tab or carriage return) is prefixed
with an apostrophe, so that a nomination cannot run anything on a staff member's machine.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from services.nominations.models import Nomination

COLUMNS = (
    "id",
    "status",
    "nominations",
    "public",
    "nominee_name",
    "organisation",
    "nominee_email",
    "website",
    "region",
    "theme",
    "problem",
    "solution",
    "impact",
    "nominator_name",
    "nominator_email",
    "note",
    "created_at",
    "confirmed_at",
    "decided_at",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    """One value as a safe spreadsheet cell."""
    text = "" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def row(nomination: Nomination) -> list[str]:
    """A nomination's cells, in the order of COLUMNS."""
    values = {"nominations": nomination.nomination_count}
    return [cell(values[c] if c in values else getattr(nomination, c)) for c in COLUMNS]


def to_csv(nominations: Iterable[Nomination]) -> str:
    """The nominations as CSV text, header first, starting with a byte-order mark."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(row(n) for n in nominations)
    return out.getvalue()
