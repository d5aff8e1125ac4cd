"""The jury service's settings: the shared ones and its own, read once from the environment."""

from __future__ import annotations

from dataclasses import dataclass

from shared import config


@dataclass(frozen=True)
class JurySettings(config.Settings):
    """Settings of the jury service."""


def load(env: dict | None = None) -> JurySettings:
    """The jury service's settings from the environment (os.environ by default)."""
    return config.load("jury", env, JurySettings)
