"""The voting service's settings: the shared ones and its own, read once from the environment."""

from __future__ import annotations

from dataclasses import dataclass

from shared import config


@dataclass(frozen=True)
class VotingSettings(config.Settings):
    """Settings of the voting service. Each of its own fields is read from the environment
    variable of its name upper-cased (VOTE_LIMIT_ADDRESS, FRAUD_FLOOD_VOTES ...)."""

    # Rate limits of vote intake (limits' notation; sliding window counters in Redis). A
    # school behind one address stays well below the address and network ceilings: past the
    # fraud flood threshold its votes are held for review, not refused.
    vote_limit_address: str = "60/minute"
    vote_limit_network: str = "180/minute"
    # The overall ceiling applies only to networks past their share: one source spending
    # everyone's share meets it, the others do not.
    vote_limit_overall: str = "2000/second"
    vote_limit_share: str = "20/minute"
    # Mails sent again to one person (they voted before): past it the answer stays the same,
    # but no mail goes.
    vote_limit_person: str = "5/hour"
    # While Redis is away, each process also caps its own intake (and applies the limits
    # above in its memory).
    vote_limit_fallback: str = "100/second"
    # Confirmation links opened and pressed, per client and per network.
    confirm_limit_address: str = "60/minute"
    confirm_limit_network: str = "180/minute"
    # Receipts looked up on the check page (check_web.py) per client address.
    check_limit_address: str = "30/minute"
    # How long browsers and proxies may keep the public bulletin (a decision may replace it).
    bulletin_cache_seconds: int = 60
    # How long a confirmation link stays valid (never beyond voting_close).
    vote_link_max_age: int = 48 * 3600
    # Fraud signals (services/voting/fraud.py).
    fraud_min_form_seconds: float = 3.0  # a person needs at least this long for the form
    fraud_flood_votes: int = 20  # votes from one network within the window that count at once
    fraud_flood_window: int = 600  # seconds
    fraud_burst_window: int = 300  # seconds: "now" for a finalist's rate
    fraud_burst_history: int = 3 * 3600  # seconds: its usual rate is measured over this
    fraud_burst_factor: float = 5.0  # how far above its usual rate is a burst
    fraud_burst_floor: int = 50  # never a burst below this many confirmations per window
    fraud_similar_addresses: int = 3  # votes sharing an address shape (name1@, name2@ ...)
    fraud_domain_votes: int = 10  # votes with addresses at one domain not a public provider
    fraud_rhythm_confirmations: int = 6  # confirmations from one network to judge a rhythm
    fraud_generated_names: int = 2  # machine-made names at one own domain or network
    fraud_click_wave: int = 3  # fast clicks for one finalist within the burst window
    fraud_rhythm_max_cv: float = 0.1  # intervals this regular (stdev / mean) are a machine's
    fraud_min_click_seconds: float = 3.0  # a person opens a mail no sooner after it is sent
    fraud_hold_score: float = 1.0  # the signals' scores (fraud.WEIGHTS) that together hold a vote


def load(env: dict | None = None) -> VotingSettings:
    """The voting service's settings from the environment (os.environ by default)."""
    return config.load("voting", env, VotingSettings)
