"""One person however spelled: the normalised address folds Unicode's compatibility forms,
case, IDNA and each provider's aliases; look-alike domains are recognised."""

from __future__ import annotations

import pytest

from shared.people import imitating, normalise


@pytest.mark.parametrize(
    "typed",
    [
        "bert.lenaerts@gmail.com",
        "bert.lenaerts@ｇｍａｉｌ.com",  # fullwidth domain
        "bert.lenaerts@gmail。com",  # ideographic full stop
        "ｂｅｒｔ.lenaerts@gmail.com",  # fullwidth local part
        "Bert.Lenaerts@GMAIL.COM",
        "b.e.r.t.lenaerts+stem@googlemail.com",
    ],
)
def test_spellings_of_one_gmail_mailbox_are_one_person(typed):
    assert normalise(typed) == "bertlenaerts@gmail.com"


@pytest.mark.parametrize(
    ("typed", "person"),
    [
        ("hanne+stem@hotmail.fr", "hanne@hotmail.fr"),
        ("hanne+stem@live.nl", "hanne@live.nl"),
        ("hanne+stem@outlook.be", "hanne@outlook.be"),
        ("hanne-stemmen@yahoo.com", "hanne@yahoo.com"),
        ("hanne-stemmen@yahoo.be", "hanne@yahoo.be"),
    ],
)
def test_provider_aliases_fold_under_country_domains_and_yahoo_keywords(typed, person):
    assert normalise(typed) == person


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("hanne@hotmail.fr", "hanne@hotmail.fr"),  # another mailbox than hotmail.com's
        ("an-sofie.peeters@kuleuven.be", "an-sofie.peeters@kuleuven.be"),
        ("an+b@kuleuven.be", "an+b@kuleuven.be"),  # a domain whose rules nobody knows
        ("jan@bücher.de", "jan@bücher.de"),
        ("jan@xn--bcher-kva.de", "jan@bücher.de"),  # its ASCII form is the same domain
    ],
)
def test_other_spellings_keep_what_makes_them_another_mailbox(typed, kept):
    assert normalise(typed) == kept


@pytest.mark.parametrize(
    "domain",
    [
        "gmаil.com",  # Cyrillic а
        "ɡmail.com",  # Latin script g
        "gmai1.com",
        "hotrnail.com",
        "outl00k.be",
        "уаһоо.com",  # all Cyrillic
        "ехample.org",  # Cyrillic е and х beside Latin
        "hotmial.com",  # a provider misspelled by one slip: two letters swapped
        "gmial.com",
        "outlok.be",  # one left out
        "telenett.be",  # one doubled
    ],
)
def test_look_alike_domains_imitate(domain):
    assert imitating(domain)


@pytest.mark.parametrize(
    "domain",
    [
        "gmail.com",
        "ｇｍａｉｌ.com",
        "kuleuven.be",
        "bücher.de",
        "日本語.jp",
        "clean.be",
        "email.com",  # one letter other than gmail: a provider of its own
        "cloud.com",  # icloud without its first letter: a name of its own
        "hotmail.fr",  # a provider under another suffix
    ],
)
def test_real_domains_do_not_imitate(domain):
    assert not imitating(domain)
