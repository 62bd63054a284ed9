"""Where events may be sent: https addresses on the public internet (this machine only
in development and tests), checked when an endpoint is saved and again, as the host
name resolves, before every delivery."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import pgettext

LOOPBACK_NAMES = {"localhost", "localhost."}


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def address_allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """May events go to this IP address? Public ones; this machine only in development."""
    if address.is_loopback:
        return bool(settings.DEBUG or settings.TESTING)
    return address.is_global


def resolved_address_problem(url: str) -> str:
    """Why the host of ``url`` may not be sent to as it resolves now ("" when it may).

    Checked before every delivery, not only on save: a host name can be pointed at
    the operator's own network after the endpoint was registered.
    """
    parts = urlsplit(url)
    try:
        found = socket.getaddrinfo(parts.hostname or "", parts.port or 443, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return "The host name could not be found."
    addresses = {_ip(str(info[4][0]).split("%")[0]) for info in found}
    if any(address is None or not address_allowed(address) for address in addresses):
        return "Not sent: the host name points to a private network address."
    return ""


def check_endpoint_url(url: str) -> str:
    """The address, if Portico may send events to it; else ValidationError with the reason.

    https only. Plain http is allowed for this machine (localhost, 127.0.0.1, ::1)
    in development and tests, so a local receiver can be tried. Private and
    loopback IP addresses are refused otherwise: events must not be aimed at the
    operator's own network.
    """
    url = url.strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(
            pgettext("staff", "Enter a full web address, like https://example.com/webhooks.")
        ) from None
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    address = _ip(host)
    loopback = host in LOOPBACK_NAMES or (address is not None and address.is_loopback)
    local_allowed = settings.DEBUG or settings.TESTING
    if parts.username or parts.password:
        raise ValidationError(
            pgettext(
                "staff",
                "Leave the user name and password out of the address: every delivery is signed "
                "with the endpoint's secret instead.",
            )
        )
    if parts.scheme != "https" and not (loopback and local_allowed):
        raise ValidationError(
            pgettext(
                "staff",
                "The address must start with https://: events about your clients are only sent "
                "over an encrypted connection.",
            )
        )
    if (loopback and not local_allowed) or (address is not None and not address_allowed(address)):
        raise ValidationError(
            pgettext(
                "staff",
                "That address is on a private network. Enter the public https:// address of the "
                "system that receives the events.",
            )
        )
    return url
