"""Configuration read once from the environment into one typed object per service."""

from __future__ import annotations

import os
import secrets
import tempfile
from contextlib import suppress
from dataclasses import dataclass, fields, replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

SERVICES = ("nominations", "voting", "jury")
DEFAULT_PORTS = {"nominations": 5001, "voting": 5002, "jury": 5003}
FALLBACK_REDIS_URL = "redis://127.0.0.1:6379/0"
# How a service's own settings are read from text (their annotations, as strings).
CASTS = {"str": str, "int": int, "float": float}
MIN_SECRET_KEY_LENGTH = 32


@dataclass(frozen=True)
class Settings:
    """Everything one service needs to know about its environment."""

    service: str
    data_dir: Path
    database_url: str
    redis_url: str
    mail_url: str
    secret_key: str
    # Earlier secret keys, still accepted on signed links and sessions while they age out
    # (rotation: the new key in SECRET_KEY, the old one here).
    secret_key_fallbacks: tuple[str, ...] = ()
    trusted_proxies: int = 0
    queue_prefix: str = ""
    session_cookie_secure: bool = True
    max_content_length: int = 64 * 1024
    # The event bus: how long a job may run (a job started longer ago than that plus a margin
    # is taken as abandoned and resent), how often the relay sweeps, and the retries of an
    # event that failed.
    job_timeout: int = 20
    relay_interval: float = 1.0
    relay_linger: float = 0.02
    batch_size: int = 200
    retry_intervals: tuple[int, ...] = (1, 5, 15)
    # Where people reach each service (links in mails and between pages): (service, url).
    public_urls: tuple[tuple[str, str], ...] = ()
    # Rate limits use their own key prefix in Redis; limits fall back to each process's memory
    # while Redis is away (flask-limiter's in-memory fallback).
    ratelimit_storage_url: str = ""
    # Look up the mail servers of e-mail domains (needs DNS; off by default).
    email_check_deliverability: bool = False
    # Key of the keyed hash of persons' addresses (shared/people.py), the same for voting and
    # jury; empty: derived from the secret key.
    voter_hash_key: str = ""
    # How long people's data are kept (every service's privacy page says so): voters' networks
    # and keyed hashes, days after voting_close; nominators' and nominees' names and
    # addresses, and jurors' addresses, days after jury_close.
    voter_retention_days: int = 90
    nominee_retention_days: int = 180
    juror_retention_days: int = 30
    # Days an export's findings stay at the hub after the request was done, for staff to
    # send them to the person.
    export_retention_days: int = 30
    # Staff sign-in attempts per client network and per token prefix (limits' notation), and
    # how long a staff page session lives on the server after its last use (seconds).
    staff_sign_in_limit_network: str = "30/hour"
    staff_sign_in_limit_prefix: str = "10/hour"
    staff_session_lifetime: int = 43200
    testing: bool = False

    def public_url(self, service: str | None = None) -> str:
        """The base URL (no trailing slash) at which people reach `service` (default: this one)."""
        return dict(self.public_urls)[service or self.service]

    @classmethod
    def extra_from_env(cls, env: dict) -> dict:
        """The fields a service's Settings subclass adds, each read from the environment
        variable of its name upper-cased (VOTE_LIMIT_ADDRESS ...), when set and not empty."""
        shared = {f.name for f in fields(Settings)}
        return {
            f.name: CASTS[f.type](env[f.name.upper()])
            for f in fields(cls)
            if f.name not in shared and env.get(f.name.upper())
        }

    def queue_name(self, service: str | None = None) -> str:
        """The rq queue a service consumes from (prefixed in tests, so runs never mix)."""
        return self.queue_prefix + (service or self.service)

    def with_overrides(self, **changes) -> Settings:
        """A copy with some fields changed (used by tests and the local runner)."""
        return replace(self, **changes)


def data_dir_from_env(env: dict | None = None) -> Path:
    """The data folder: SQLite files, the mail folder, the generated secret key."""
    env = os.environ if env is None else env
    return Path(env.get("RV_DATA_DIR", "./var")).resolve()


class ConfigError(RuntimeError):
    """A setting that must not be run with; the message says which and what to do."""


def secret_key(data_dir: Path, env: dict | None = None) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data folder
    (`make run`). An empty or short key, or a key file that is not whole (another process
    still writing it), stops the start: running with it would sign with a guessable key."""
    env = os.environ if env is None else env
    if "SECRET_KEY" in env:
        return _long_enough(env["SECRET_KEY"].strip(), "SECRET_KEY")
    path = data_dir / "secret_key"
    if not path.exists():
        _write_key_file(path)
    return _long_enough(path.read_text().strip(), str(path))


def _long_enough(key: str, where: str) -> str:
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(
            f"{where} holds a secret key of {len(key)} characters; at least "
            f"{MIN_SECRET_KEY_LENGTH} are needed. Make one with: "
            'python3 -c "import secrets; print(secrets.token_hex(32))"'
        )
    return key


def _write_key_file(path: Path) -> None:
    """Write a new key whole, then link it into place: a process that starts at the same
    moment finds either no file or the whole key, and the first link wins."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False) as part:
            part.write(secrets.token_urlsafe(48))
        os.chmod(part.name, 0o600)
        with suppress(FileExistsError):
            os.link(part.name, path)
        os.unlink(part.name)
    except OSError as error:
        raise ConfigError(
            f"SECRET_KEY is not set and no key can be kept in {path.parent} ({error}); "
            "set SECRET_KEY, the same in every process of the three services."
        ) from error


def redis_url(data_dir: Path, env: dict | None = None) -> str:
    """REDIS_URL, else the Redis the local runner started (its URL is kept in the data folder)."""
    env = os.environ if env is None else env
    if env.get("REDIS_URL"):
        return env["REDIS_URL"]
    started = data_dir / "redis.url"
    return started.read_text().strip() if started.exists() else FALLBACK_REDIS_URL


def database_url(service: str, data_dir: Path, env: dict | None = None) -> str:
    """<SERVICE>_DATABASE_URL, else a SQLite file in the data folder."""
    env = os.environ if env is None else env
    return env.get(f"{service.upper()}_DATABASE_URL") or f"sqlite:///{data_dir / service}.db"


def mail_url(data_dir: Path, env: dict) -> str:
    """MAIL_URL, else the mail folder in the data folder. `smtp://` without `?starttls=1`
    would send addresses and links in the clear: refused unless MAIL_ALLOW_PLAINTEXT=1 says
    so (`make run` does, for a local mail catcher)."""
    url = env.get("MAIL_URL") or f"file://{data_dir / 'outbox'}"
    parts = urlsplit(url)
    starttls = _flag(parse_qs(parts.query).get("starttls", ["0"])[-1], False)
    allowed = _flag(env.get("MAIL_ALLOW_PLAINTEXT"), False)
    if parts.scheme == "smtp" and not (starttls or allowed):
        raise ConfigError(
            "MAIL_URL: smtp:// without TLS sends addresses and links in the clear; use "
            "smtps://host:465, or smtp://host:587?starttls=1, or set MAIL_ALLOW_PLAINTEXT=1 "
            "for a mail server on this machine."
        )
    return url


def _flag(value: str | None, default: bool) -> bool:
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


def public_urls(env: dict) -> tuple[tuple[str, str], ...]:
    """<SERVICE>_PUBLIC_URL for each service, else the loopback address on its port."""
    urls = []
    for service in SERVICES:
        port = env.get(f"{service.upper()}_PORT") or DEFAULT_PORTS[service]
        url = env.get(f"{service.upper()}_PUBLIC_URL") or f"http://127.0.0.1:{port}"
        urls.append((service, url.rstrip("/")))
    return tuple(urls)


def _staff_settings(env: dict) -> dict:
    """The staff sign-in settings that are set (STAFF_SIGN_IN_LIMIT_NETWORK ...)."""
    names = {"staff_sign_in_limit_network": str, "staff_sign_in_limit_prefix": str}
    names["staff_session_lifetime"] = int
    return {name: cast(env[name.upper()]) for name, cast in names.items() if env.get(name.upper())}


def _retention_settings(env: dict) -> dict:
    """The retention periods that are set (VOTER_RETENTION_DAYS ...)."""
    days = {
        "voter_retention_days": env.get("VOTER_RETENTION_DAYS"),
        "nominee_retention_days": env.get("NOMINEE_RETENTION_DAYS"),
        "juror_retention_days": env.get("JUROR_RETENTION_DAYS"),
        "export_retention_days": env.get("EXPORT_RETENTION_DAYS"),
    }
    return {name: int(value) for name, value in days.items() if value}


def load(service: str, env: dict | None = None, cls: type[Settings] = Settings) -> Settings:
    """Read the settings of one service from the environment (os.environ by default); `cls`
    is the service's own Settings subclass, which reads its extra fields itself."""
    env = os.environ if env is None else env
    data = data_dir_from_env(env)
    redis = redis_url(data, env)
    return cls(
        service=service,
        data_dir=data,
        database_url=database_url(service, data, env),
        redis_url=redis,
        mail_url=mail_url(data, env),
        secret_key=secret_key(data, env),
        secret_key_fallbacks=tuple(k for k in env.get("SECRET_KEY_FALLBACKS", "").split(",") if k),
        trusted_proxies=int(env.get("TRUSTED_PROXIES", "0")),
        queue_prefix=env.get("RV_QUEUE_PREFIX", ""),
        session_cookie_secure=_flag(env.get("SESSION_COOKIE_SECURE"), True),
        job_timeout=int(env.get("RV_JOB_TIMEOUT", "20")),
        retry_intervals=tuple(int(x) for x in env.get("RV_RETRY_INTERVALS", "1,5,15").split(",")),
        public_urls=public_urls(env),
        ratelimit_storage_url=env.get("RATELIMIT_STORAGE_URL") or redis,
        email_check_deliverability=_flag(env.get("EMAIL_CHECK_DELIVERABILITY"), False),
        voter_hash_key=env.get("VOTER_HASH_KEY", ""),
        **_staff_settings(env),
        **_retention_settings(env),
        **cls.extra_from_env(env),
    )
