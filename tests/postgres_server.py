"""A PostgreSQL server of the suite's own, for machines where none answers on 5432: a
throw-away cluster from the machine's PostgreSQL binaries, trust auth, on a free port."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

from shared.redis_server import free_port

# RV_TEST_POSTGRES_BIN names the one folder to take initdb and pg_ctl from (a version of
# several; a folder without them stands for a machine with none).
SEARCHED = os.environ.get("RV_TEST_POSTGRES_BIN") or "on PATH or /usr/lib/postgresql/*/bin"


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl (RV_TEST_POSTGRES_BIN's; else on PATH, or Debian's
    newest versioned folder), if any."""
    folder = os.environ.get("RV_TEST_POSTGRES_BIN")
    if folder:
        return Path(folder) if (Path(folder) / "initdb").is_file() else None
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
