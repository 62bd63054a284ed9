"""The local mailbox: read the emails Portico kept instead of sending (no email configured).

Two places, one set of views (who may read what is set in portico/settings.py):

- /mailbox/ at the root: every practice's emails, to anyone. Mounted only in debug
  and tests; every view also answers 404 when the opt-in below is on.
- <practice>/mailbox/: that practice's emails only, for its signed-in staff
  (anyone else: the staff sign-in page; portal users and other practices: 404).
  This is the only mailbox with PORTICO_LOCAL_MAILBOX=true.

Every view answers 404 when emails are really sent (settings.LOCAL_MAILBOX false),
so a production configuration can never show anyone's email here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from portico.accounts.decorators import staff_required
from portico.mail.models import EmailKind
from portico.mail.queries import get_mailbox_message, mailbox_messages
from portico.practices.models import Practice

# The HTML part is shown in a sandboxed frame under its own policy: no scripts,
# no requests anywhere, inline styles allowed (emails are styled inline).
HTML_PART_POLICY = (
    # img-src 'self': the practice's logo, served by Portico itself (portico.practices).
    "default-src 'none'; style-src 'unsafe-inline'; img-src data: 'self'; "
    "sandbox allow-popups allow-popups-to-escape-sandbox; frame-ancestors 'self'"
)


def _local_mailbox_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    for_staff = staff_required()(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not settings.LOCAL_MAILBOX:
            raise Http404("The local mailbox exists only when no email is configured.")
        if _practice(request) is not None:
            return for_staff(request, *args, **kwargs)
        if settings.LOCAL_MAILBOX_STAFF_ONLY:
            raise Http404("The local mailbox is inside each practice, for its staff.")
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _practice(request: HttpRequest) -> Practice | None:
    """The practice whose emails are shown; None for the open (debug) mailbox: all of them."""
    return getattr(request, "practice", None)


@require_GET
@_local_mailbox_only
def message_list(request: HttpRequest) -> HttpResponse:
    to = request.GET.get("to", "").strip()[:254]
    messages = mailbox_messages(to=to, practice=_practice(request))
    page = Paginator(messages, 50).get_page(request.GET.get("page"))
    kinds = dict(EmailKind.choices)
    rows = [(message, kinds.get(getattr(message, "kind", None) or "", "")) for message in page]
    return render(request, "mailbox/list.html", {"page": page, "rows": rows, "to": to})


@require_GET
@_local_mailbox_only
def message_detail(request: HttpRequest, message_id: int) -> HttpResponse:
    message = get_mailbox_message(message_id, practice=_practice(request))
    reply_to = message.headers.get("Reply-To", "") if isinstance(message.headers, dict) else ""
    return render(request, "mailbox/message.html", {"message": message, "reply_to": reply_to})


@require_GET
@_local_mailbox_only
@xframe_options_sameorigin
def message_html(request: HttpRequest, message_id: int) -> HttpResponse:
    """The HTML part, as sent, for the sandboxed frame on the message page."""
    message = get_mailbox_message(message_id, practice=_practice(request))
    # Links open in a new tab instead of inside the small frame.
    html = message.html_body.replace("<head>", '<head><base target="_blank">', 1)
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = HTML_PART_POLICY
    response["Referrer-Policy"] = "no-referrer"
    return response
