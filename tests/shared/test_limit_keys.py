"""The keys every service's limits and voting's signals use: an IPv4 client is its address
and its network the /24; an IPv6 client is its /64 (it rotates through it at will) and its
network the /48 (one site's allocation)."""

from __future__ import annotations

import pytest
from flask import Flask

from shared.limits import client_address, client_network


def keys(ip: str) -> tuple[str, str]:
    with Flask(__name__).test_request_context(environ_base={"REMOTE_ADDR": ip}):
        return client_address(), client_network()


@pytest.mark.parametrize(
    ("ip", "client", "network"),
    [
        ("192.0.2.77", "192.0.2.77", "192.0.2.0/24"),
        ("2001:db8:1:2::a", "2001:db8:1:2::/64", "2001:db8:1::/48"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64", "2001:db8:1::/48"),
        ("2001:db8:1:ff00::1", "2001:db8:1:ff00::/64", "2001:db8:1::/48"),
        ("not an address", "not an address", "unknown"),
    ],
)
def test_clients_and_networks(ip, client, network):
    assert keys(ip) == (client, network)
