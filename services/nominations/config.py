"""The hub's settings: the shared ones and its own, read once from the environment."""

from __future__ import annotations

from dataclasses import dataclass

from shared import config


@dataclass(frozen=True)
class NominationsSettings(config.Settings):
    """Settings of the nominations service. Each of its own fields is read from the
    environment variable of its name upper-cased (NOMINATIONS_RATE_LIMIT ...)."""

    # Nominations per client address (the form and the API together; only accepted ones
    # count, so a visitor correcting a typo is not held back). A school class nominating
    # together from one address fits; a script sending mail to strangers does not.
    nominations_rate_limit: str = "60 per hour"
    # ... and per network (a /24 or an IPv6 /48), however many addresses it rotates through.
    nominations_rate_limit_network: str = "180 per hour"
    # Mails the public sets off (confirmation links, nominee notices) per recipient: an
    # address typed by someone else gets no more than this, however it is spelled.
    mail_limit_recipient: str = "5 per day"
    # How long the nominator's confirmation link and the nominee's decline link stay valid.
    nomination_link_max_age: int = 7 * 24 * 3600
    nominee_link_max_age: int = 180 * 24 * 3600
    # A person needs at least this long to fill in the form; a faster post is a robot's.
    nomination_min_fill_seconds: float = 3.0
    # How long a browser or proxy may keep the winners once they are public.
    winners_cache_seconds: int = 60


def load(env: dict | None = None) -> NominationsSettings:
    """The nominations service's settings from the environment (os.environ by default)."""
    return config.load("nominations", env, NominationsSettings)
