"""Outbound URLs reach public addresses only (sync/channels/outbound.py), in every notation."""
from __future__ import annotations

import pytest

from sync.channels import outbound
from sync.channels.outbound import RefusedDestination, parse_allowed, resolve

INSIDE = [
    "http://127.0.0.1:5432/", "http://127.0.0.1:6379/", "http://[::1]:6379/", "http://0.0.0.0:5432",
    "http://2130706433:6379", "http://0177.0.0.1/", "http://0x7f.1/", "http://127.1/",
    "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/", "http://[2002:7f00:1::]/",
    "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://10.0.0.1/",
    "http://172.16.5.4/", "http://192.168.1.10/", "http://100.64.0.1/", "http://[fc00::1]/",
    "http://224.0.0.1/", "http://240.0.0.1/", "http://255.255.255.255/", "http://[::]/",
    "http://localhost:8080/", "https://LOCALHOST/",
]


@pytest.mark.parametrize("url", INSIDE)
def test_internal_destinations_are_refused_in_every_notation(url):
    with pytest.raises(RefusedDestination, match="internal address refused"):
        resolve(url)


def test_a_public_address_is_allowed_and_kept_as_checked():
    destination = resolve("https://93.184.216.34:8443/hooks")
    assert (destination.address, destination.port, destination.scheme) == ("93.184.216.34", 8443, "https")


@pytest.mark.parametrize("url", ["ftp://93.184.216.34/", "http:///nohost", "http://[::1/", "javascript:alert(1)"])
def test_urls_that_are_not_http_are_refused(url):
    with pytest.raises(RefusedDestination):
        resolve(url)


def test_the_allow_list_opens_exactly_what_it_names():
    allowed = parse_allowed("127.0.0.1, 10.2.0.0/16, tech.intranet")
    assert resolve("http://127.0.0.1:9000/", allowed).address == "127.0.0.1"
    assert resolve("http://10.2.3.4/", allowed).address == "10.2.3.4"
    for url in ["http://10.3.0.1/", "http://[::1]/", "http://169.254.169.254/", "http://192.168.0.1/"]:
        with pytest.raises(RefusedDestination):
            resolve(url, allowed)


def test_a_name_is_refused_when_any_of_its_addresses_is_internal(monkeypatch):
    def two_addresses(host, port, **_):
        return [(2, 1, 6, "", ("93.184.216.34", port)), (2, 1, 6, "", ("10.0.0.7", port))]
    monkeypatch.setattr(outbound.socket, "getaddrinfo", two_addresses)
    with pytest.raises(RefusedDestination):
        resolve("https://hooks.partner.example/")


def test_a_name_that_does_not_resolve_may_be_saved_but_not_delivered_to():
    outbound.check_url("https://not-yet.invalid/hooks")  # saving: accepted, checked at each delivery
    with pytest.raises(RefusedDestination, match="host name not found"):
        resolve("https://not-yet.invalid/hooks")
