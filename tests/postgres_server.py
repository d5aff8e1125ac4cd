"""A PostgreSQL server of the suite's own, for machines where none answers on 5432: a
throw-away cluster from the machine's PostgreSQL binaries, trust auth, on a free port."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

from shared.redis_server import free_port


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl (on PATH, or Debian's versioned folder), if any."""
    found = shutil.which("initdb") or next(
        iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)), None
    )
    return Path(found).parent if found else None


class LocalPostgres:
    """initdb, pg_ctl start and stop in `folder`; as root, the cluster runs as the postgres
    user (PostgreSQL refuses to run as root)."""

    def __init__(self, folder: Path, bin_dir: Path):
        self.folder = folder
        self.bin_dir = bin_dir
        self.port = free_port()

    def start(self) -> str:
        """Make and start the cluster; returns its server URL (no database name)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        data = self.folder / "data"
        self._run("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "--no-sync")
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl", "-D", str(data), "-o", options, "-l", str(self.folder / "log"), "-w", "start"
        )
        return f"postgresql://postgres@127.0.0.1:{self.port}"

    def stop(self) -> None:
        """Stop the cluster at once; its folder goes with the test run's temporary files."""
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "stop")

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin_dir / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.folder)
