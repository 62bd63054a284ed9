"""The local mailbox: read the emails Portico would have sent (embedded default only).

Mounted at /mailbox/ only when settings.LOCAL_MAILBOX is true (no EMAIL_URL and no
email service); every view also answers 404 when it is false, so a production
configuration can never show anyone's email here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from portico.mail.models import EmailKind
from portico.mail.queries import get_mailbox_message, mailbox_messages

# The HTML part is shown in a sandboxed frame under its own policy: no scripts,
# no requests anywhere, inline styles allowed (emails are styled inline).
HTML_PART_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "sandbox allow-popups allow-popups-to-escape-sandbox; frame-ancestors 'self'"
)


def _local_mailbox_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.LOCAL_MAILBOX:
            raise Http404("The local mailbox exists only in the embedded setup.")
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@_local_mailbox_only
def message_list(request: HttpRequest) -> HttpResponse:
    to = request.GET.get("to", "").strip()[:254]
    page = Paginator(mailbox_messages(to=to), 50).get_page(request.GET.get("page"))
    kinds = dict(EmailKind.choices)
    rows = [(message, kinds.get(getattr(message, "kind", None) or "", "")) for message in page]
    return render(request, "mailbox/list.html", {"page": page, "rows": rows, "to": to})


@require_GET
@_local_mailbox_only
def message_detail(request: HttpRequest, message_id: int) -> HttpResponse:
    message = get_mailbox_message(message_id)
    reply_to = message.headers.get("Reply-To", "") if isinstance(message.headers, dict) else ""
    return render(request, "mailbox/message.html", {"message": message, "reply_to": reply_to})


@require_GET
@_local_mailbox_only
@xframe_options_sameorigin
def message_html(request: HttpRequest, message_id: int) -> HttpResponse:
    """The HTML part, as sent, for the sandboxed frame on the message page."""
    message = get_mailbox_message(message_id)
    # Links open in a new tab instead of inside the small frame.
    html = message.html_body.replace("<head>", '<head><base target="_blank">', 1)
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = HTML_PART_POLICY
    response["Referrer-Policy"] = "no-referrer"
    return response
