"""The secret key signs sessions, CSRF tokens and the links in mails: a start with an empty
or short key, or with a key file that another process is still writing, stops with a
message that says what to do, instead of signing with a guessable key."""

from __future__ import annotations

import pytest

from shared.config import ConfigError, secret_key

LONG = "k" * 40


@pytest.mark.parametrize("key", ["", "   ", "short-key", "x" * 31])
def test_an_empty_or_short_secret_key_stops_the_start(tmp_path, key):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        secret_key(tmp_path, {"SECRET_KEY": key})


def test_a_long_secret_key_is_used(tmp_path):
    assert secret_key(tmp_path, {"SECRET_KEY": LONG}) == LONG


def test_without_one_a_key_is_made_once_and_kept(tmp_path):
    first = secret_key(tmp_path, {})
    assert len(first) >= 32 and secret_key(tmp_path, {}) == first
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no half-made file left


def test_a_key_file_not_yet_whole_stops_the_start(tmp_path):
    (tmp_path / "secret_key").write_text("abc")  # another process is still writing it
    with pytest.raises(ConfigError, match="secret_key"):
        secret_key(tmp_path, {})


def test_a_data_folder_that_cannot_keep_a_key_says_to_set_one(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(ConfigError, match="set SECRET_KEY"):
        secret_key(tmp_path / "file" / "data", {})
