"""Which network addresses crosswire may connect to (the SSRF guard).

Reads a host name and port at connect time; resolves it once, checks every resolved address
against an ``AddressPolicy`` and connects to the checked address itself, so a DNS answer that
changes between check and connect (DNS rebinding) cannot slip a private address through. TLS
still uses the original host name for SNI and certificate checks, and the Host header is
unchanged, because httpcore passes the name, not our address, to ``start_tls``.

Refused unless allowed: private (RFC 1918, IPv6 ULA), loopback, link-local, multicast,
unspecified, reserved, shared (CGNAT) and every other non-global range, including IPv4
addresses embedded in IPv6 (mapped ``::ffff:a.b.c.d``, IPv4-compatible, 6to4, Teredo, NAT64).
A refusal raises ``AddressRefused`` (an ``InputError``) whose message names the host, the
address and the reason.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpcore

from crosswire.errors import ConfigError, InputError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_SHARED = ipaddress.IPv4Network("100.64.0.0/10")


class AddressRefused(InputError):
    """A URL whose host resolves to an address we may not connect to."""


def embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, str] | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, Teredo, NAT64, compatible)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped, "IPv4-mapped"
    if ip.sixtofour is not None:
        return ip.sixtofour, "6to4"
    if ip.teredo is not None:
        return ip.teredo[1], "Teredo"
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF), "NAT64"
    if int(ip) >> 32 == 0 and int(ip) > 1:  # deprecated IPv4-compatible ::a.b.c.d
        return ipaddress.IPv4Address(int(ip)), "IPv4-compatible"
    return None


def address_kind(ip: IPAddress) -> str | None:
    """Why ``ip`` is not a public address (``"loopback"``, ``"private"``...), or None."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = embedded_ipv4(ip)
        if inner is not None:
            kind = address_kind(inner[0])
            if kind is not None:
                return f"{kind} ({inner[1]})"
            if ip.ipv4_mapped is not None:  # the socket connects to that IPv4 address itself
                return None
        if ip.is_site_local:
            return "site-local"
    checks = (
        ("unspecified", ip.is_unspecified), ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local), ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("shared (carrier-grade NAT)", isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED),
        ("reserved", ip.is_reserved), ("non-global", not ip.is_global),
    )  # fmt: skip
    for name, hit in checks:
        if hit:
            return name
    return None


@dataclass(frozen=True, slots=True)
class Allowance:
    """An explicitly allowed private network, optionally only on one port."""

    network: ipaddress.IPv4Network | ipaddress.IPv6Network
    port: int | None = None

    def covers(self, ip: IPAddress, port: int) -> bool:
        return ip in self.network and (self.port is None or self.port == port)


def parse_allowance(spec: str) -> Allowance:
    """``127.0.0.1``, ``127.0.0.1:8080``, ``[::1]:8080`` or a network like ``10.0.0.0/8``."""
    s, port = spec.strip(), None
    try:
        if s.startswith("["):
            host, _, rest = s[1:].partition("]")
            s, port = host, int(rest[1:]) if rest.startswith(":") else None
        elif s.count(":") == 1:
            host, _, p = s.partition(":")
            s, port = host, int(p)
        return Allowance(ipaddress.ip_network(s, strict=False), port)
    except ValueError as exc:
        raise ConfigError(
            f"allow_addresses: {spec!r} is not an address, address:port or network") from exc


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Public addresses always; private ones only with ``allow_private`` or an allowance."""

    allow_private: bool = False
    allowances: tuple[Allowance, ...] = ()

    @classmethod
    def build(cls, allow_private: bool, allow_addresses: Iterable[str]) -> AddressPolicy:
        return cls(allow_private, tuple(parse_allowance(a) for a in allow_addresses if a))

    def refusal(self, ip: IPAddress, port: int) -> str | None:
        """The reason connecting to ``ip:port`` is refused, or None when it is allowed."""
        kind = address_kind(ip)
        if kind is None or self.allow_private:
            return None
        if any(a.covers(ip, port) for a in self.allowances):
            return None
        return kind

    def check(self, host: str, addresses: Iterable[str], port: int) -> list[str]:
        """The addresses to connect to; raises ``AddressRefused`` if any one is refused."""
        out: list[str] = []
        for addr in addresses:
            ip = ipaddress.ip_address(addr.split("%", 1)[0])
            reason = self.refusal(ip, port)
            if reason is not None:
                where = addr if host.strip("[]") == addr else f"{host} ({addr})"
                raise AddressRefused(f"{where} is a {reason} address: refused "
                                     "(--allow-private fetches private addresses)")
            out.append(addr)
        return out


def resolve_host(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, in resolver order, without duplicates."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise httpcore.ConnectError(f"cannot resolve host {host!r}: {exc}") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, but it connects only to addresses the policy allows."""

    def __init__(self, policy: AddressPolicy) -> None:
        super().__init__()
        self.policy = policy

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None, socket_options: Any = None
                    ) -> httpcore.NetworkStream:
        addresses = self.policy.check(host, resolve_host(host, port), port)
        error: Exception | None = None
        for addr in addresses:  # connect to the checked address, never re-resolve the name
            try:
                return super().connect_tcp(addr, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        raise error or httpcore.ConnectError(f"no address for host {host!r}")

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Any = None) -> httpcore.NetworkStream:
        raise AddressRefused("unix sockets are not fetched")
