"""The SSRF guard on resolved addresses: every private form is refused unless allowed."""

from __future__ import annotations

import ipaddress

import pytest

from crosswire.errors import ConfigError
from crosswire.ingest.netguard import AddressPolicy, AddressRefused, address_kind

REFUSED = {
    "127.0.0.1": "loopback", "127.8.9.10": "loopback", "10.1.2.3": "private",
    "172.16.0.9": "private", "192.168.1.1": "private", "169.254.169.254": "link-local",
    "0.0.0.0": "unspecified", "224.0.0.251": "multicast", "255.255.255.255": "private",
    "100.64.0.1": "shared (carrier-grade NAT)", "198.18.0.1": "private",
    "240.0.0.1": "private", "::1": "loopback", "::": "unspecified", "fe80::1": "link-local",
    "fc00::1": "private", "fd12:3456::1": "private", "ff02::1": "multicast",
    "fec0::1": "site-local",
    "::ffff:127.0.0.1": "loopback (IPv4-mapped)", "::ffff:10.0.0.1": "private (IPv4-mapped)",
    "::ffff:169.254.169.254": "link-local (IPv4-mapped)",
    "64:ff9b::7f00:1": "loopback (NAT64)", "2002:7f00:1::": "loopback (6to4)",
    "2002:a00:1::": "private (6to4)", "::7f00:1": "loopback (IPv4-compatible)",
}  # fmt: skip
PUBLIC = ["93.184.215.14", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "2a00:1450::1",
          "::ffff:8.8.8.8", "2002:808:808::"]


@pytest.mark.parametrize("addr", sorted(REFUSED))
def test_private_forms_are_classified_and_refused(addr: str) -> None:
    ip = ipaddress.ip_address(addr)
    assert address_kind(ip) == REFUSED[addr]
    with pytest.raises(AddressRefused, match="refused"):
        AddressPolicy().check(addr, [addr], 80)


@pytest.mark.parametrize("addr", PUBLIC)
def test_public_addresses_pass(addr: str) -> None:
    assert address_kind(ipaddress.ip_address(addr)) is None
    assert AddressPolicy().check("news.example", [addr], 443) == [addr]


def test_one_private_answer_among_public_ones_refuses_the_host() -> None:
    with pytest.raises(AddressRefused, match=r"rebind\.example \(10\.0\.0\.5\) is a private"):
        AddressPolicy().check("rebind.example", ["93.184.215.14", "10.0.0.5"], 80)


def test_allow_private_and_narrow_allowances() -> None:
    assert AddressPolicy(allow_private=True).check("h", ["10.0.0.1", "::1"], 80)
    only = AddressPolicy.build(False, ["127.0.0.1:8080", "[::1]:9000", "192.168.7.0/24"])
    assert only.refusal(ipaddress.ip_address("127.0.0.1"), 8080) is None
    assert only.refusal(ipaddress.ip_address("127.0.0.1"), 8081) == "loopback"
    assert only.refusal(ipaddress.ip_address("::1"), 9000) is None
    assert only.refusal(ipaddress.ip_address("192.168.7.77"), 1) is None
    assert only.refusal(ipaddress.ip_address("192.168.8.1"), 1) == "private"
    with pytest.raises(ConfigError, match="allow_addresses"):
        AddressPolicy.build(False, ["not-an-address"])
