"""How machine-made a mailbox name looks: people's names (with a year, a dot, a Dutch ij)
score low, generated ones high, by each of the measures."""

from __future__ import annotations

import random
from string import ascii_lowercase, digits

import pytest

from services.voting.machine_names import machine_made

PEOPLE = [
    "jan.peeters",
    "an.peeters",
    "marie1990",
    "j.jansen",
    "anne-marie.de.vries",
    "jeanpierrevandenbroeck",
    "schrijver",
    "sofie.vanderstraeten",
    "thomas.dhondt",
    "wouter.verschueren",
    "n.ouedraogo",
    "lieselotte.goossens",
    "jdevries1985",
    "info",
    "mdhondt",  # an initial before a name, without a dot
    "bmaes",
    "kdebruyne",
    "p.van.de.velde",
    "paolo.rossi",
    "nguyen.duong",
    "bramke81",
]
MACHINES = [
    "xkqzvbnm",
    "qwhrtplkmz",
    "a8f3e9c1d2",
    "user48213",
    "x7gk2m9qpl4wz8rt",
    "7jjnua88ic",  # letters after digits
    "th92sixoulw",
    "fhrrltrkt",  # no vowel at all
]


@pytest.mark.parametrize("name", PEOPLE)
def test_a_persons_name_scores_low(name):
    assert machine_made(f"{name}@telenet.be") < 0.5


@pytest.mark.parametrize("name", MACHINES)
def test_a_generated_name_scores_high(name):
    assert machine_made(f"{name}@telenet.be") >= 0.5


def test_a_tag_and_the_domain_say_nothing():
    assert machine_made("jan.peeters+xkqzvbnm@qwhrtplkmz.be") == machine_made("jan.peeters@x.be")


def test_most_random_letter_strings_score_high():
    rng = random.Random(15)
    names = ["".join(rng.choices(ascii_lowercase, k=rng.randint(6, 10))) for _ in range(500)]
    scores = sorted(machine_made(f"{name}@kiesmee.be") for name in names)
    assert scores[len(scores) // 2] > 0.7  # the median
    assert sum(score >= 0.5 for score in scores) > 0.75 * len(scores)


def test_nearly_all_random_letter_and_digit_strings_score_high():
    rng = random.Random(15)
    alphabet = ascii_lowercase + digits
    names = ["".join(rng.choices(alphabet, k=rng.randint(8, 12))) for _ in range(500)]
    made = [machine_made(f"{name}@gmail.com") >= 0.5 for name in names]
    assert sum(made) > 0.95 * len(names)
