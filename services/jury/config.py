"""The jury service's settings: the shared ones and its own, read once from the environment."""

from __future__ import annotations

from dataclasses import dataclass

from shared import config

DAY = 24 * 3600


@dataclass(frozen=True)
class JurySettings(config.Settings):
    """Settings of the jury service: login links, the juror's session, limits on new links."""

    # How long a login link from a mail may be used (once).
    jury_login_link_max_age: int = 7 * DAY
    # A juror's session ends after this many seconds without a request (sliding).
    jury_session_lifetime: int = 12 * 3600
    # "Send me a new link": per client address (an IPv6 /64), per network (a /24 or an IPv6
    # /48) and per e-mail address typed (its one spelling).
    jury_new_link_per_address: str = "20 per hour"
    jury_new_link_per_network: str = "60 per hour"
    jury_new_link_per_email: str = "5 per hour"
    # When jurors with finalists left to submit are reminded: hours before jury_close.
    jury_reminder_hours: str = "168,24"

    def reminder_hours(self) -> tuple[int, ...]:
        """JURY_REMINDER_HOURS as whole hours, latest reminder last (168, 24)."""
        hours = {int(part) for part in self.jury_reminder_hours.split(",") if part.strip()}
        return tuple(sorted(hours, reverse=True))


def load(env: dict | None = None) -> JurySettings:
    """The jury service's settings from the environment (os.environ by default)."""
    return config.load("jury", env, JurySettings)
