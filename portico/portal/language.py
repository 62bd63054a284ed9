"""Which language a page speaks: the person's own once Portico knows who they are.

- Staff pages (``/staff/``, ``/api/``, ``/mailbox/``, anything outside a practice) are
  always English.
- A signed-in portal user: the language of the person they are (their own client
  record, or the contact record they act as). A parent acting for two children
  reads the portal in the language of the contact record of the child they act for.
- A visitor who is not signed in: the "English / Español" switch pressed in this
  browser (a cookie), else, in the middle of a welcome or reset journey, the
  language of the person the link was sent to (once the link has been looked up:
  the session holds it), else the browser's ``Accept-Language``, else English.

A link never carries the language: it is looked up from the person, so a forwarded
or scanned link reveals nothing and cannot change anyone's setting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from portico.access.models import AccessLink, LinkPurpose, PortalAccess
from portico.access.session_token import ACTING_FOR_KEY, link_digest
from portico.accounts.models import User, UserKind

ENGLISH = "en"
SUPPORTED = frozenset(code for code, _name in settings.LANGUAGES)
_STAFF_PREFIXES = ("/staff/", "/api/", "/mailbox/")
_JOURNEYS = (LinkPurpose.CLIENT_INVITE, LinkPurpose.PASSWORD_RESET)


def supported(code: str | None) -> str:
    return code if code in SUPPORTED else ENGLISH


def access_language(access: PortalAccess) -> str:
    """The language of the person an access belongs to: the contact's, or the client's."""
    person = access.contact if access.contact_id is not None else access.client
    return supported(person.language if person is not None else None)


def account_language(user: User, *, client_id: int | None = None) -> str:
    """The language of a portal account's person, acting for ``client_id`` when given.

    The account's own client record first; else the contact record it acts as
    (for ``client_id`` if it has one there). One query.
    """
    rows = list(
        PortalAccess.objects.filter(user=user, ended_at__isnull=True)
        .order_by("contact_id", "-created_at")
        .values_list("client_id", "contact_id", "client__language", "contact__language")
    )
    if client_id is not None:
        for row_client, contact, client_language, contact_language in rows:
            if row_client == client_id:
                return supported(contact_language if contact else client_language)
    for _client, contact, client_language, contact_language in rows:
        return supported(contact_language if contact else client_language)
    return ENGLISH


def link_language(link: AccessLink) -> str:
    """The language of the person an emailed link is for (staff invitations: English)."""
    if link.access is not None:
        return access_language(link.access)
    if link.user is not None and link.user.kind == UserKind.PORTAL:
        return account_language(link.user)
    return ENGLISH


def chosen_in_browser(request: HttpRequest) -> str | None:
    """The language picked with the "English / Español" switch in this browser, if any."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in SUPPORTED else None


@contextmanager
def speaking_to_link_person(request: HttpRequest, link: AccessLink | None) -> Iterator[None]:
    """While drawing a page about ``link`` (a dead link's page): its person's language.

    The middleware only knows the links a session carries; a dead link is looked up
    but never carried. A visitor who picked a language keeps it; an unknown link
    (``None``) changes nothing.
    """
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    if link is None or signed_in or chosen_in_browser(request) or is_staff_path(request):
        yield
        return
    language = link_language(link)
    request.LANGUAGE_CODE = language
    with translation.override(language):
        yield


def is_staff_path(request: HttpRequest) -> bool:
    if getattr(request, "practice", None) is None:
        return True
    return request.path_info.startswith(_STAFF_PREFIXES)


def _journey_language(request: HttpRequest) -> str | None:
    """The language of the person whose welcome or reset link this session carries."""
    practice = getattr(request, "practice", None)
    for purpose in _JOURNEYS:
        digest = link_digest(request, purpose)
        if digest is None:
            continue
        link = (
            AccessLink.objects.select_related("access__client", "access__contact", "user")
            .filter(practice=practice, token_hash=digest, purpose=purpose)
            .first()
        )
        if link is not None:
            return link_language(link)
    return None


def request_language(request: HttpRequest) -> str:
    """The language of this request's page (see the module's docstring)."""
    if is_staff_path(request):
        return ENGLISH
    user = getattr(request, "user", None)
    if isinstance(user, User) and user.is_authenticated:
        if user.kind != UserKind.PORTAL or user.practice_id != request.practice.pk:  # type: ignore[attr-defined]
            return ENGLISH
        chosen = request.session.get(ACTING_FOR_KEY)
        return account_language(user, client_id=chosen if isinstance(chosen, int) else None)
    chosen_here = chosen_in_browser(request)
    if chosen_here is not None:
        return chosen_here  # the visitor pressed "English / Español" in this browser
    known = _journey_language(request)
    if known is not None:
        return known
    return supported(translation.get_language_from_request(request, check_path=False))


class LanguageMiddleware:
    """Activate the request's language (after sessions and authentication are known)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            translation.deactivate()
        if not is_staff_path(request):
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
            shown = getattr(request, "LANGUAGE_CODE", language)  # a dead link's page may differ
            response.headers.setdefault("Content-Language", shown)
        return response
