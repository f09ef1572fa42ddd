"""Where the server may send requests: public addresses only, unless an operator lists an internal host.

An admin could once point a webhook at `http://127.0.0.1:6379/` or
`http://169.254.169.254/` and read what answered in the delivery log. Every outbound
URL (webhooks today; a geocoder or an identity provider tomorrow) goes through
`check_url`: its host is resolved and **every** address it resolves to must be
globally routable — not loopback, private (RFC 1918, ULA), link-local (the cloud
metadata address), shared (100.64/10), multicast, reserved or unspecified
(`0.0.0.0`, `::`). The address is read the way the operating system reads it, so
IPv4-mapped IPv6 (`::ffff:127.0.0.1`), decimal (`2130706433`), octal (`0177.0.0.1`)
and hexadecimal forms all land on the address they mean.

`OUTBOUND_ALLOWED_HOSTS` (comma-separated host names, addresses or networks, e.g.
`tech.intranet, 10.2.0.0/16`) lets an operator allow an on-premises technical
service on purpose. It is a server setting, not an admin screen: whoever edits
teams in the app cannot widen it.

`resolve` returns the address that was checked, and the webhook channel connects to
that very address (the host name kept for `Host` and TLS), so a name that resolves
to a public address when checked and to `127.0.0.1` a moment later (DNS rebinding)
is never followed there.
"""
from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["RefusedDestination", "Destination", "check_url", "parse_allowed", "resolve"]

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class RefusedDestination(ValueError):
    """The URL points inside (or cannot be read); `reason` says why in a few words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Destination:
    host: str  # as written in the URL, lower case, without brackets
    port: int
    address: str  # the checked address to connect to
    scheme: str


@dataclass(frozen=True)
class Allowed:
    """Hosts and networks an operator allows although they are internal."""

    names: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = ()

    def allows(self, host: str, address: Address) -> bool:
        return host in self.names or any(address in net for net in self.networks)


def parse_allowed(entries: str | Iterable[str] | None) -> Allowed:
    """`"tech.intranet, 10.2.0.0/16, 127.0.0.1"` → an `Allowed` (names, addresses and networks)."""
    if isinstance(entries, str):
        entries = entries.split(",")
    names, networks = set(), []
    for entry in (e.strip().lower() for e in entries or ()):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
        except ValueError:
            names.add(entry)
    return Allowed(frozenset(names), tuple(networks))


def _plain(address: Address) -> Address:
    """An IPv4 address written as IPv6 (mapped `::ffff:a.b.c.d`, 6to4, NAT64-free forms) as IPv4."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
    return address


def is_internal(address: Address) -> bool:
    """Anything that is not a public unicast address (Python's IANA special-purpose registries)."""
    address = _plain(address)
    return (not address.is_global or address.is_multicast or address.is_reserved
            or address.is_loopback or address.is_link_local or address.is_unspecified)


def _addresses(host: str, port: int) -> list[Address]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise RefusedDestination("host name not found") from exc
    found = []
    for info in infos:
        text = info[4][0].split("%", 1)[0]  # drop an IPv6 zone id
        found.append(ipaddress.ip_address(text))
    if not found:
        raise RefusedDestination("host name not found")
    return found


def _split(url: str) -> tuple[str, str, int]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise RefusedDestination("not a valid URL") from exc
    scheme = (parts.scheme or "").lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise RefusedDestination("not an http(s) URL")
    return scheme, parts.hostname.lower(), port or (443 if scheme == "https" else 80)


def resolve(url: str, allowed: Allowed = Allowed()) -> Destination:
    """Resolve `url`'s host now; refuse it when any address is internal and not allowed."""
    scheme, host, port = _split(url)
    addresses = _addresses(host, port)
    for address in addresses:
        if is_internal(address) and not allowed.allows(host, _plain(address)) and not allowed.allows(host, address):
            raise RefusedDestination("internal address refused")
    return Destination(host=host, port=port, address=str(addresses[0]), scheme=scheme)


def check_url(url: str, allowed: Allowed = Allowed(), *, unresolved_ok: bool = True) -> None:
    """Refuse a URL that reaches an internal address (when saving it).

    A name that does not resolve yet is accepted when `unresolved_ok` (a service being
    set up); each delivery resolves and checks it again."""
    try:
        resolve(url, allowed)
    except RefusedDestination as refused:
        if not (unresolved_ok and refused.reason == "host name not found"):
            raise
