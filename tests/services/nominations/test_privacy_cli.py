"""The privacy command as a real process: it files the request at the hub; the test's relays
and workers carry it to voting and jury and back while the command waits."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from tests.conftest import ROOT
from tests.services.nominations.privacy_helpers import BERT, build_campaign
from tests.shared.bus_helpers import pump


def _command(make_env, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "services.cli", "privacy", *args],
        cwd=ROOT,
        env=os.environ | make_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_the_command_prints_the_export_once_every_service_answered(apps, staff, make_env, tmp_path):
    build_campaign(apps, staff, tmp_path / "outbox")
    command = _command(make_env, "export", BERT.upper(), "--wait", "60")
    while command.poll() is None:
        pump(apps)
        time.sleep(0.1)
    out, err = command.communicate()
    assert command.returncode == 0, err
    shown = json.loads(out)
    assert shown["status"] == "done"
    assert [j["name"] for j in shown["data"]["jury"]["jurors"]] == ["Bert Lenaerts"]


def test_the_command_says_when_the_services_did_not_answer(apps, make_env):
    command = _command(make_env, "erase", BERT, "--wait", "0.2")
    out, err = command.communicate(timeout=60)
    assert command.returncode == 1
    assert json.loads(out)["services"] == {
        "nominations": {"nominations_made": 0, "nominations_naming_you": 0}
    }
    assert "not every service answered in time" in err


def test_the_command_refuses_what_is_not_an_address(apps, make_env):
    command = _command(make_env, "export", "not-an-address")
    _, err = command.communicate(timeout=60)
    assert command.returncode == 2 and "EMAIL" in err
