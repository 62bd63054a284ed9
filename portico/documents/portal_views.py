"""Portal pages: the documents shared with the client acted for, and requests to fulfil.

Every view acts for ``request.acting.grant.client`` (re-checked on each request by
``acting_for_required``; the feature gate is added by ``feature_urls``). Documents
and requests are looked up within that client: another client's id is a 404, and
so is a withdrawn document. Files leave only through ``file_response``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from portico.audit.actor import Actor
from portico.documents import actions
from portico.documents.forms import UploadForm
from portico.documents.queries import (
    fulfilled_requests,
    get_document_for_portal,
    get_open_request_for_portal,
    open_requests,
    portal_documents,
)
from portico.files.serving import file_response
from portico.portal.acting import grant_label
from portico.portal.decorators import acting_for_required
from portico.practices.http import SignedInRequest


def _acting(http_request: HttpRequest) -> tuple[SignedInRequest, Any]:
    request = cast(SignedInRequest, http_request)
    return request, request.acting.grant  # type: ignore[attr-defined]


def _page(
    request: SignedInRequest, access: Any, *, failed: tuple[str, UploadForm] | None = None
) -> HttpResponse:
    client = access.client
    asked = [
        (
            item,
            failed[1]
            if failed and failed[0] == str(item.public_id)
            else UploadForm(prefix_id=item.public_id.hex),
        )
        for item in open_requests(client)
    ]
    context = {
        "documents": list(portal_documents(client)),
        "asked": asked,
        "answered": list(fulfilled_requests(client)[:10]),
        "acting_for": "" if access.is_own else grant_label(access),
    }
    return render(
        request, "documents/portal_list.html", context, status=400 if failed is not None else 200
    )


@require_GET
@acting_for_required
def document_list(http_request: HttpRequest) -> HttpResponse:
    """Documents shared, newest first; what the practice asked for, with an upload form."""
    request, access = _acting(http_request)
    actions.look_at_documents(access)
    return _page(request, access)


def _document(http_request: HttpRequest, document_id: str) -> FileResponse:
    """The PDF, shown in the browser (or downloaded): the first open is recorded."""
    request, access = _acting(http_request)
    document = get_document_for_portal(access.client, document_id)
    actions.open_document(document, access=access, by=Actor.from_request(request))
    return file_response(document.file, download=request.GET.get("download") == "1")


# acting_for_required is typed for HttpResponse views; a FileResponse streams.
document = require_GET(acting_for_required(cast(Callable[..., HttpResponse], _document)))


@require_POST
@acting_for_required
def upload(http_request: HttpRequest, request_id: str) -> HttpResponse:
    request, access = _acting(http_request)
    asked = get_open_request_for_portal(access.client, request_id)
    form = UploadForm(request.POST, request.FILES, prefix_id=asked.public_id.hex)
    if form.is_valid():
        try:
            actions.fulfil_request(
                asked,
                access=access,
                by=Actor.from_request(request),
                checked=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(
                request,
                gettext("Thank you. %(practice)s can see your document now.")
                % {"practice": request.practice.name},
            )
            return redirect("portal_documents:list")
    return _page(request, access, failed=(str(asked.public_id), form))
