"""Staff pages: a client's documents (share, see "opened", withdraw) and requests.

Available while the portal feature is off (staff prepare), but sharing or asking
then is refused with a sentence (``actions._refuse_while_off``). Capability:
``Can.SEND_FORMS`` ("send things to a client and read what they send back"), held
by every client worker.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import npgettext, pgettext
from django.views.decorators.http import require_POST

from portico.accounts.decorators import staff_required
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.clients.queries import get_client_for_staff
from portico.documents import actions
from portico.documents.forms import RequestForm, ShareForm
from portico.documents.queries import (
    get_document_for_staff,
    get_request_for_staff,
    opened_label,
    staff_documents,
    staff_requests,
    uploaded_label,
)
from portico.files.serving import file_response
from portico.portal.features import feature_on
from portico.practices.http import SignedInRequest
from portico.practices.models import PortalFeature
from portico.practices.roles import Can

SHARE = Can.SEND_FORMS


def _client(request: SignedInRequest, public_id: str) -> Client:
    return get_client_for_staff(request.user, request.practice, public_id, capability=SHARE)


def _page(
    request: SignedInRequest,
    client: Client,
    *,
    share: ShareForm | None = None,
    ask: RequestForm | None = None,
) -> HttpResponse:
    documents = [(doc, opened_label(doc)) for doc in staff_documents(client)]
    context = {
        "nav": "clients",
        "client": client,
        "documents": documents,
        "requests": [(item, uploaded_label(item)) for item in staff_requests(client)],
        "share_form": share or ShareForm(),
        "request_form": ask or RequestForm(),
        "feature_on": feature_on(request.practice, PortalFeature.DOCUMENTS),
    }
    failed = (share is not None and share.errors) or (ask is not None and ask.errors)
    return render(request, "documents/staff_client.html", context, status=400 if failed else 200)


@staff_required()
def client_documents(request: SignedInRequest, public_id: str) -> HttpResponse:
    client = _client(request, public_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    return _page(request, client)


@require_POST
@staff_required()
def share(request: SignedInRequest, public_id: str) -> HttpResponse:
    client = _client(request, public_id)
    form = ShareForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            shared = actions.share_document(
                client,
                by=Actor.from_request(request),
                category=form.cleaned_data["category"],
                title=form.cleaned_data["title"],
                checked=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            done = pgettext("staff", "Shared with %(name)s.") % {"name": client.greeting_name}
            if shared.emailed:
                told = npgettext(
                    "staff",
                    "%(count)d email sent saying a document is waiting (without its name).",
                    "%(count)d emails sent saying a document is waiting (without its name).",
                    shared.emailed,
                ) % {"count": shared.emailed}
                done = f"{done} {told}"
            messages.success(request, done)
            return redirect("staff_documents:client", client.public_id)
    return _page(request, client, share=form)


@require_POST
@staff_required()
def ask(request: SignedInRequest, public_id: str) -> HttpResponse:
    client = _client(request, public_id)
    form = RequestForm(request.POST)
    if form.is_valid():
        try:
            actions.request_document(
                client,
                by=Actor.from_request(request),
                title=form.cleaned_data["title"],
                instructions=form.cleaned_data["instructions"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                pgettext("staff", "Asked %(name)s for the document.")
                % {"name": client.greeting_name},
            )
            return redirect("staff_documents:client", client.public_id)
    return _page(request, client, ask=form)


@staff_required()
def document_file(request: SignedInRequest, public_id: str, document_id: str) -> HttpResponseBase:
    """The shared PDF, for staff (withdrawn ones too): always a download, audited."""
    client = _client(request, public_id)
    document = get_document_for_staff(client, document_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    actions.record_staff_download(document, by=Actor.from_request(request))
    return file_response(document.file, download=True)


@require_POST
@staff_required()
def withdraw(request: SignedInRequest, public_id: str, document_id: str) -> HttpResponse:
    client = _client(request, public_id)
    document = get_document_for_staff(client, document_id)
    actions.withdraw_document(document, by=Actor.from_request(request))
    messages.success(request, pgettext("staff", "Withdrawn: the client's side no longer sees it."))
    return redirect("staff_documents:client", client.public_id)


@staff_required()
def uploaded_file(request: SignedInRequest, public_id: str, request_id: str) -> HttpResponseBase:
    """What the client's side uploaded for a request: a download, audited."""
    client = _client(request, public_id)
    asked = get_request_for_staff(client, request_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    if asked.file is None:
        messages.info(request, pgettext("staff", "Nothing has been uploaded for this request yet."))
        return redirect("staff_documents:client", client.public_id)
    actions.record_uploaded_download(asked, by=Actor.from_request(request))
    return file_response(asked.file, download=True)


@require_POST
@staff_required()
def cancel(request: SignedInRequest, public_id: str, request_id: str) -> HttpResponse:
    client = _client(request, public_id)
    asked = get_request_for_staff(client, request_id)
    actions.cancel_request(asked, by=Actor.from_request(request))
    messages.success(request, pgettext("staff", "Request cancelled."))
    return redirect("staff_documents:client", client.public_id)
