"""Every operation of each service's OpenAPI document, sent requests that schemathesis
generates from it (valid and invalid, with an admin staff token, real slugs and ids half of
the time), in process against the real databases and Redis: no server error, and every
answer as the document describes it. `make bench-fuzz` runs the same with many more cases."""

from __future__ import annotations

import pytest

from bench.fuzz import fuzz, seed
from shared.config import SERVICES

EXAMPLES = 4  # per operation and generation mode; the same requests every run


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_answers_as_its_document_says(apps, service):
    report = fuzz(apps[service], seed(apps), EXAMPLES)
    assert report.cases >= 50
    assert not report.first, "\n\n".join(
        f"{operation}: {check}\n{text}" for (check, operation), text in report.first.items()
    )
