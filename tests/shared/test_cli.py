"""The staff-token commands against the databases of a test stack."""

from __future__ import annotations

from click.testing import CliRunner

from services.cli import cli


def test_a_token_is_issued_then_revoked_in_every_service(apps, make_env):
    issued = CliRunner().invoke(cli, ["staff-token", "anna"], env=make_env())
    token = issued.output.split()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    assert (
        apps["voting"].test_client().get("/api/v1/events/failed", headers=headers).status_code
        == 200
    )
    revoked = CliRunner().invoke(cli, ["revoke-token", "anna"], env=make_env())
    assert "revoked 3 token record(s) of anna" in revoked.output
    for app in apps.values():
        assert app.test_client().get("/api/v1/events/failed", headers=headers).status_code == 401


def test_revoking_needs_a_name(apps, make_env):
    result = CliRunner().invoke(cli, ["revoke-token", " "], env=make_env())
    assert result.exit_code == 2
    assert "name whose tokens to revoke" in result.output
