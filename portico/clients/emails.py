"""Email address checks for clients and contacts: syntax, normalization, typo hints."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import pgettext
from email_validator import EmailNotValidError, validate_email


def normalize_email(address: str) -> str:
    """The address as we store it, or ValidationError with a plain reason.

    Syntax only: no DNS lookups (they are slow, and a practice may add a client
    whose mail server is briefly down).
    """
    try:
        result = validate_email(address.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        # The reason is the validator's own (English) sentence; ``params`` keeps it apart.
        raise ValidationError(
            pgettext("staff", "This email address is not valid: %(reason)s"),
            code="invalid",
            params={"reason": str(exc)},
        ) from None
    local, _, domain = result.normalized.rpartition("@")
    return f"{local}@{domain.lower()}"


# --- typo hints -------------------------------------------------------------------------
# Addresses at these domains are taken as typed. The fuzzy match below only ever
# points *to* one of the longer names here: short ones (me.com, aol.com, live.com)
# are one letter away from too many real domains to be safe targets.
KNOWN_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.co.uk",
        "ymail.com",
        "hotmail.com",
        "hotmail.co.uk",
        "outlook.com",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "pm.me",
        "gmx.com",
        "mail.com",
        "comcast.net",
        "verizon.net",
        "att.net",
        "sbcglobal.net",
        "bellsouth.net",
        "cox.net",
        "charter.net",
        "fastmail.com",
        "zoho.com",
        "yandex.com",
        # Real domains one slip away from a big provider: never "correct" them.
        "email.com",
        "fastmail.fm",
        "gmx.de",
        "gmx.net",
        "web.de",
        "hotmail.fr",
        "hotmail.de",
        "hotmail.it",
        "hotmail.es",
        "outlook.fr",
        "outlook.de",
        "yahoo.fr",
        "yahoo.de",
        "yahoo.ca",
        "yahoo.es",
        "live.co.uk",
        "live.ca",
        "mail.ru",
    }
)
FUZZY_TARGETS = tuple(
    sorted(
        domain
        for domain in KNOWN_DOMAINS
        if len(domain.split(".", 1)[0]) >= 5  # gmail, yahoo, hotmail, outlook, icloud, ...
    )
)
# Endings that are almost always a slip of the finger for .com, .net or .org.
TLD_TYPOS = {
    "cmo": "com",
    "con": "com",
    "cm": "com",
    "comm": "com",
    "coom": "com",
    "om": "com",
    "ocm": "com",
    "vom": "com",
    "xom": "com",
    "cpm": "com",
    "clm": "com",
    "ner": "net",
    "nte": "net",
    "nett": "net",
    "met": "net",
    "orgg": "org",
    "ogr": "org",
    "rog": "org",
    "prg": "org",
}


def _edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insert, delete, substitute, swap neighbours."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _closest_known_domain(domain: str) -> str | None:
    best: str | None = None
    best_distance = 99
    name, _, tld = domain.partition(".")
    for known in FUZZY_TARGETS:
        known_name, _, known_tld = known.partition(".")
        if tld != known_tld and name != known_name:
            # A different ending is only a slip when the provider name is exact
            # (gmail.co); otherwise it is probably another, real domain.
            continue
        # One slip for short provider names, two for long ones (hotmail, outlook, ...).
        allowed = 2 if len(known_name) >= 7 else 1
        distance = _edit_distance(domain, known)
        if distance <= allowed and distance < best_distance:
            best, best_distance = known, distance
    return best


def suggest_email_fix(address: str) -> str | None:
    """A likely intended address when the domain looks mistyped, else None.

    ``jane@gmial.com`` -> ``jane@gmail.com``; ``jane@example.cmo`` -> ``jane@example.com``.
    Never flags a known provider, and leaves other domains alone unless their ending is
    a common slip, so a rare but real domain is taken as typed.
    """
    local, at, domain = address.strip().rpartition("@")
    if not at or not local or not domain:
        return None
    domain = domain.lower()
    if domain in KNOWN_DOMAINS:
        return None
    name, dot, tld = domain.rpartition(".")
    if dot and name and tld in TLD_TYPOS:
        domain = f"{name}.{TLD_TYPOS[tld]}"
    if domain not in KNOWN_DOMAINS:
        domain = _closest_known_domain(domain) or domain
    fixed = f"{local}@{domain}"
    return None if fixed.lower() == address.strip().lower() else fixed
