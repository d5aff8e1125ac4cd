"""Names folded for comparison: legal forms, accents, dotted initials; web domains."""

from __future__ import annotations

import pytest

from shared.names import fold, same_site, web_domain


@pytest.mark.parametrize(
    "a, b",
    [
        ("vzw De Spaak", "De Spaak VZW"),
        ("Proéf 2 V.Z.W.", "proef 2"),
        ("Le Pont a.s.b.l.", "LE PONT"),
        ("Buurtwerk bv", "B.V. Buurtwerk"),
    ],
)
def test_names_differing_in_form_fold_alike(a, b):
    assert fold(a) == fold(b)


def test_different_names_stay_apart():
    assert fold("Proef 2 vzw") != fold("Proef 22 vzw")


@pytest.mark.parametrize(
    "typed, domain",
    [
        ("https://www.Proef.be/over-ons", "proef.be"),
        ("proef.be", "proef.be"),
        ("http://stad.gent:8080", "stad.gent"),
        ("", ""),
        ("http://[::1", ""),
    ],
)
def test_a_web_domain_drops_scheme_path_port_and_www(typed, domain):
    assert web_domain(typed) == domain


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("gent.be", "gent.be", True),
        ("stad.gent.be", "gent.be", True),
        ("ulb-vub.be", "vub.be", False),
        ("vub.be", "", False),
        ("be", "gent.be", False),
    ],
)
def test_one_site_is_the_same_domain_or_one_within_the_other(a, b, same):
    assert same_site(a, b) is same
