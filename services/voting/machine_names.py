"""How machine-made a mailbox name looks, from 0 (a person's name) to 1 (generated).

Measured once at intake from the clear address (only the number is kept, never the address):
a script that makes mailboxes at will gives them random letters (few vowels, letter pairs
that no language puts together), long digit runs (user48213), letters and digits mixed
(a8f3e9c1, digits with letters after them) or long strings with hardly a repeated
character. A person's name, with or without a birth year (jan.peeters1985), has none of
these. The measure is one piece of evidence for fraud.py: an odd real name alone never
holds a vote.
"""

from __future__ import annotations

import itertools
import re

VOWELS = frozenset("aeiouy")
# Consonant pairs common inside Dutch, French and English names; any other one is rare.
COMMON_PAIRS = frozenset(
    re.findall(
        "[a-z]{2}",
        "bb bl br ch ck cl cr ct dd dj dr ff fl fr ft gg gh gl gn gr jn kk kl kn kr ks kt lb "
        "ld lf lj lk ll lm ln lp ls lt lv lw lz mb mm mp ms mt nc nd ng nj nk nn ns nt nz ph "
        "pl pp pr ps pt rb rc rd rf rg rj rk rl rm rn rp rr rs rt rv rw rz sc sh sj sk sl sm "
        "sn sp ss st sw th tj dh dt hm hr tz tr ts tt tw vr wr xt zw bs cq",
    )
)
# Vowel pairs that names rarely have (Dutch, French and English put the others together).
RARE_VOWEL_PAIRS = frozenset(re.findall("[a-z]{2}", "iy yy ii"))
# How names start when they start with two consonants; any other start is rare.
ONSETS = frozenset(
    re.findall(
        "[a-z]{2}",
        "bl br ch cl cr dh dj dr dw fl fr gl gn gr kl kn kr kw ph pl pr ps rh sc sh sj sk sl sm "
        "sn sp st sv sw th tj tr ts tw vl vr wr zw",
    )
)
# Three vowels in a row that names have (the others are rare): Dutch, French.
VOWEL_RUNS = frozenset(("aai", "ooi", "oei", "eeu", "ieu", "eau", "oui", "uie", "aie"))
# The letters that make up most of a name in these languages; random letters are mostly others.
FREQUENT = frozenset("etaoinsrdlhu")
PARTS = re.compile(r"[a-z]+|[0-9]+")


def machine_made(email: str) -> float:
    """How generated the local part of `email` looks (0 to 1): the strongest of its letters'
    shape, its digit runs, its mix of letters and digits and its lack of repeats."""
    local = email.rpartition("@")[0].partition("+")[0].lower()
    parts = PARTS.findall(local)
    letters = [part for part in parts if part.isalpha()]
    return max(
        unpronounceable(letters),
        digit_run(parts),
        mixed(local),
        unrepeated(local),
    )


def unpronounceable(words: list[str]) -> float:
    """Few vowels, long consonant clusters, rare letter pairs and uncommon letters: random
    letters mostly score above 0.5, names below. Words shorter than 5 letters in all say
    nothing; no vowel at all in a word of 5 letters or more says enough alone."""
    words = [word.replace("ij", "y") for word in words]  # the Dutch ij is one vowel
    words = [_without_initial(word) for word in words if VOWELS & set(word) or len(word) >= 5]
    pairs = [a + b for word in words for a, b in itertools.pairwise(word)]
    if len(pairs) < 4:
        return 0.0
    text = "".join(words)
    vowels = sum(char in VOWELS for char in text) / len(text)
    run = max(len(cluster) for word in words for cluster in re.split("[aeiouy]", word))
    odd_starts = sum(_odd_onset(word) for word in words)
    odd_runs = sum(
        run not in VOWEL_RUNS for word in words for run in re.findall("[aeiou]{3,}", word)
    )
    rare = (sum(map(_rare, pairs)) + odd_starts + odd_runs) / len(pairs)
    uncommon = sum(char not in FREQUENT for char in text) / len(text)
    voiceless = any(len(word) >= 5 and not VOWELS & set(word) for word in words)
    measures = (
        _clamp((0.33 - vowels) / 0.15)
        + _clamp((run - 2) / 3)
        + 2 * _clamp(rare / 0.3)
        + 2 * _clamp((uncommon - 0.3) / 0.3)
    ) / 6
    rarity = 0.75 * _clamp(rare / 0.35) if len(pairs) >= 6 else 0.0
    return max(measures, 0.8 if voiceless else 0.0, rarity)


def _rare(pair: str) -> bool:
    """A letter pair names seldom have: two consonants that no language here joins, two
    vowels that none does, or a q without its u."""
    if pair[0] == "q":
        return pair != "qu"
    if pair[0] in VOWELS and pair[1] in VOWELS:
        return pair in RARE_VOWEL_PAIRS
    return not (set(pair) & VOWELS) and pair not in COMMON_PAIRS


def _without_initial(word: str) -> str:
    """The word without an initial written before a name without a dot (jdevries, bmaes):
    a first consonant pair no name starts with, where the rest starts as a name does."""
    if len(word) >= 4 and _odd_onset(word) and not _odd_onset(word[1:]):
        return word[1:]
    return word


def _odd_onset(word: str) -> bool:
    """The word starts with two consonants no name here starts with (xr, dt)."""
    return len(word) >= 3 and not VOWELS & set(word[:2]) and word[:2] not in ONSETS


def digit_run(parts: list[str]) -> float:
    """A run of five or more digits (user48213); a year or a house number is no evidence."""
    longest = max((len(part) for part in parts if part.isdigit()), default=0)
    return 0.0 if longest < 5 else _clamp(0.5 + (longest - 5) * 0.15)


def mixed(local: str) -> float:
    """Letters and digits mixed: alternating (a8f3e9c1), or letters after digits (7jjnua,
    th92six), where a name ends with its number (jan.peeters1985, marie42)."""
    kinds = [char.isdigit() for char in local if char.isalnum()]
    switches = sum(a != b for a, b in itertools.pairwise(kinds))
    inside = re.search("[0-9][a-z]", local) is not None
    return max(_clamp((switches - 2) / 3), 0.6 if inside else 0.0)


def unrepeated(local: str) -> float:
    """A long name of one piece (16 characters or more) in which hardly a character comes
    back, as in a random string: long names repeat their letters (jeanpierrevandenbroeck)."""
    compact = "".join(char for char in local if char.isalnum())
    if len(compact) < 16 or len(compact) < len(local):
        return 0.0
    return _clamp((len(set(compact)) / len(compact) - 0.75) / 0.2)


def _clamp(value: float) -> float:
    return min(max(value, 0.0), 1.0)
