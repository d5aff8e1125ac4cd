"""People's mail addresses for the benches: names as people write them (first.last,
initials, a nickname with a year), from varied lists of first names, surnames and
nicknames common in Belgium. Real supporters' names, not a pattern the fraud signals
would have to learn to let through."""

from __future__ import annotations

import random

from shared.people import normalise, shape

FIRST = [
    "jan",
    "an",
    "bram",
    "sofie",
    "lotte",
    "wout",
    "emma",
    "noah",
    "lucas",
    "marie",
    "thomas",
    "elise",
    "pieter",
    "fien",
    "arne",
    "yusuf",
    "fatima",
    "mehmet",
    "nora",
    "louis",
    "camille",
    "hugo",
    "julie",
    "kobe",
    "lien",
    "stijn",
    "ines",
    "sander",
    "jana",
    "ruben",
    "hanne",
    "tom",
    "eva",
    "michiel",
    "leen",
    "bart",
    "nathalie",
    "koen",
    "sarah",
    "jeroen",
    "katrien",
    "dirk",
    "griet",
    "wim",
    "els",
    "joris",
    "annelies",
    "pascal",
    "veerle",
    "geert",
    "ilse",
    "kristof",
    "liesbeth",
    "mathias",
    "charlotte",
    "amira",
    "youssef",
    "olivier",
    "chloe",
    "maxime",
    "manon",
    "antoine",
    "lea",
    "nicolas",
    "pauline",
    "ayse",
    "emre",
    "bilal",
    "salma",
    "jonas",
    "lore",
    "siebe",
    "febe",
    "warre",
    "roos",
    "mats",
    "jolien",
    "seppe",
    "marthe",
]
LAST = [
    "peeters",
    "janssens",
    "maes",
    "jacobs",
    "mertens",
    "willems",
    "claes",
    "goossens",
    "wouters",
    "de.smet",
    "dubois",
    "lambert",
    "martin",
    "vermeulen",
    "pauwels",
    "hermans",
    "aerts",
    "de.backer",
    "van.damme",
    "verstraete",
    "desmet",
    "yilmaz",
    "el.amrani",
    "nowak",
    "dhondt",
    "vandenberghe",
    "de.clercq",
    "michiels",
    "smets",
    "cools",
    "lemmens",
    "de.wilde",
    "bogaert",
    "segers",
    "verhoeven",
    "van.acker",
    "de.vos",
    "jansen",
    "mahieu",
    "leclercq",
    "dupont",
    "laurent",
    "simon",
    "renard",
    "francois",
    "benali",
    "demir",
    "kaya",
    "bauwens",
    "coppens",
    "verbeke",
    "de.groote",
    "van.de.velde",
    "timmermans",
    "wuyts",
    "vervoort",
    "baert",
    "devos",
    "declercq",
    "vandamme",
]
NICKNAMES = [
    "jantje",
    "bramke",
    "sofieke",
    "lotje",
    "woutje",
    "emmeke",
    "kobeke",
    "lientje",
    "tommeke",
    "evi",
    "pietje",
    "fientje",
    "joke",
    "ronny",
    "gert",
    "sanne",
    "lieske",
    "toon",
    "nele",
    "mie",
]


def person_address(rng: random.Random, domain: str) -> str:
    """One person's address at `domain`: their name in one of the ways people write it."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    plain = last.replace(".", "")
    local = rng.choice(
        (
            f"{first}.{last}",
            f"{first[0]}.{last}",
            f"{first}{plain}",
            f"{first}_{plain}",
            f"{first[0]}{plain}",
            f"{first}.{last}{rng.randint(1960, 2008)}",
            f"{rng.choice(NICKNAMES)}{rng.randint(60, 99)}",
            f"{first}{rng.randint(1, 99)}",
        )
    )
    return f"{local}@{domain}"


def distinct(rng: random.Random, count: int, domain_of, seen: set[str]) -> list[str]:
    """`count` people's addresses, no two of one shape (jan.peeters1985@ and jan.peeters@
    are one shape: the platform takes such a family for one script), at `domain_of(n)`;
    none of a shape in `seen`, to which theirs are added (so two groups of people never
    share a person: jan.peeters@ and janpeeters@gmail.com are one)."""
    addresses = []
    for n in range(count):
        while (form := shape(normalise(address := person_address(rng, domain_of(n))))) in seen:
            pass
        seen.add(form)
        addresses.append(address)
    return addresses
