"""English is complete: every text the code and the templates mark for translation (as
babel.cfg extracts them) has an English translation that is not a guess and keeps its
placeholders, and the catalogues hold nothing the code no longer says.

Pages of a service read its own catalogue, then the shared one (shared/web.py)."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from shared.config import SERVICES
from tests.conftest import ROOT

KEYWORDS = DEFAULT_KEYWORDS | {"lazy_gettext": None, "_l": None}
FOLDERS = ("shared", *(f"services/{service}" for service in SERVICES))
SHARED_CATALOGUE = "shared/translations/en/LC_MESSAGES/messages.po"


def catalogue_of(folder: str) -> str:
    """The English catalogue kept beside a folder's code."""
    return f"{folder}/translations/en/LC_MESSAGES/messages.po"


@functools.cache
def extracted(folder: str) -> frozenset[str]:
    """The texts marked for translation in a folder's code and templates."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = extract_from_dir(ROOT / folder, method_map, options_map, keywords=KEYWORDS)
    return frozenset(m if isinstance(m, str) else m[0] for _, _, m, _, _ in found)


@functools.cache
def catalogue(path: str) -> Catalog:
    """A catalogue as babel reads it."""
    with Path(ROOT / path).open("rb") as po:
        return read_po(po)


def text_of(message_id: str | tuple[str, str]) -> str:
    """A message's text as extraction names it: a plural one by its singular."""
    return message_id if isinstance(message_id, str) else message_id[0]


def translated(path: str) -> set[str]:
    """The texts a catalogue translates for sure: a translation (every plural form of it),
    not marked fuzzy."""
    return {
        text_of(m.id)
        for m in catalogue(path)
        if m.id and m.string and all(m.string if m.pluralizable else [m.string]) and not m.fuzzy
    }


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_text_has_an_english_translation(folder):
    catalogues = {catalogue_of(folder), SHARED_CATALOGUE}
    known = set().union(*(translated(path) for path in catalogues))
    assert extracted(folder), "babel.cfg finds no texts here"
    assert sorted(extracted(folder) - known) == []


@pytest.mark.parametrize("folder", FOLDERS)
def test_translations_keep_their_placeholders(folder):
    problems = [(m.id, errors) for m, errors in catalogue(catalogue_of(folder)).check()]
    assert problems == []


@pytest.mark.parametrize("folder", FOLDERS)
def test_catalogues_hold_only_texts_the_code_says(folder):
    # The shared catalogue serves every service's pages; a service's only its own.
    users = FOLDERS if folder == "shared" else (folder,)
    said = set().union(*(extracted(user) for user in users))
    ids = {text_of(m.id) for m in catalogue(catalogue_of(folder)) if m.id}
    assert sorted(ids - said) == []
