"""The hub's settings: the shared ones and its own, read once from the environment."""

from __future__ import annotations

from dataclasses import dataclass

from shared import config


@dataclass(frozen=True)
class NominationsSettings(config.Settings):
    """Settings of the nominations service."""


def load(env: dict | None = None) -> NominationsSettings:
    """The nominations service's settings from the environment (os.environ by default)."""
    return config.load("nominations", env, NominationsSettings)
