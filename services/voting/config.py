"""The voting service's settings: the shared ones and its own, read once from the environment."""

from __future__ import annotations

from dataclasses import dataclass

from shared import config


@dataclass(frozen=True)
class VotingSettings(config.Settings):
    """Settings of the voting service."""


def load(env: dict | None = None) -> VotingSettings:
    """The voting service's settings from the environment (os.environ by default)."""
    return config.load("voting", env, VotingSettings)
