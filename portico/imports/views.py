"""Staff screens of a client import: upload, match columns, dry run, progress, results.

Thin views: reads in ``queries``, writes in ``actions``. The progress page refreshes
itself with a meta tag while the task runs (no JavaScript needed).
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portico.accounts.decorators import staff_required
from portico.audit.actor import Actor
from portico.imports import actions, queries, results
from portico.imports.fields import TARGETS
from portico.imports.forms import MappingForm, UploadForm
from portico.imports.models import ClientImport
from portico.imports.reading import MAX_ROWS
from portico.lib.localtime import short_day_and_time
from portico.practices.http import SignedInRequest
from portico.practices.roles import Can


@never_cache
@staff_required(Can.IMPORT_CLIENTS)
@require_http_methods(["GET", "POST"])
def start(request: SignedInRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            client_import = actions.upload_client_list(
                request.practice,
                by=Actor.from_request(request),
                uploaded=uploaded,
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("imports:mapping", client_import.public_id)
    context = {
        "nav": "clients",
        "form": form,
        "imports": queries.recent_imports(request.practice),
        "max_rows": MAX_ROWS,
    }
    return render(request, "imports/start.html", context)


@never_cache
@staff_required()
@require_http_methods(["GET", "POST"])
def mapping(request: SignedInRequest, import_id: UUID) -> HttpResponse:
    client_import = queries.get_import_for_staff(request.user, request.practice, import_id)
    if client_import.has_started:
        return redirect("imports:progress", client_import.public_id)
    initial: dict[str, object] = {name: str(index) for name, index in client_import.mapping.items()}
    initial["keep_typos"] = client_import.keep_typos
    form = MappingForm(request.POST or None, initial=initial, headers=client_import.headers)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_mapping(
                client_import,
                by=Actor.from_request(request),
                mapping=form.mapping(),
                keep_typos=form.cleaned_data["keep_typos"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("imports:dry_run", client_import.public_id)
    return render(request, "imports/mapping.html", _context(client_import) | {"form": form})


@never_cache
@staff_required()
@require_http_methods(["GET", "POST"])
def dry_run(request: SignedInRequest, import_id: UUID) -> HttpResponse:
    client_import = queries.get_import_for_staff(request.user, request.practice, import_id)
    if client_import.has_started:
        return redirect("imports:progress", client_import.public_id)
    if not client_import.mapping or client_import.status != "mapped":
        return redirect("imports:mapping", client_import.public_id)
    if request.method == "POST":
        actions.start_import(client_import, by=Actor.from_request(request))
        return redirect("imports:progress", client_import.public_id)
    run = queries.dry_run(client_import)
    return render(request, "imports/dry_run.html", _context(client_import) | {"run": run})


@never_cache
@staff_required()
def dry_run_csv(request: SignedInRequest, import_id: UUID) -> StreamingHttpResponse:
    client_import = queries.get_import_for_staff(request.user, request.practice, import_id)
    lines = results.dry_run_lines(client_import, queries.dry_run(client_import).decisions)
    return _csv(lines, f"dry-run-{client_import.public_id}.csv")


@never_cache
@staff_required()
def progress(request: SignedInRequest, import_id: UUID) -> HttpResponse:
    client_import = queries.get_import_for_staff(request.user, request.practice, import_id)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    if not client_import.has_started:
        return redirect("imports:mapping", client_import.public_id)
    context = _context(client_import) | {
        "results": queries.first_results(client_import) if client_import.processed else [],
        "started": short_day_and_time(request.practice, client_import.started_at)
        if client_import.started_at
        else "",
        "finished": short_day_and_time(request.practice, client_import.finished_at)
        if client_import.finished_at
        else "",
    }
    return render(request, "imports/progress.html", context)


@never_cache
@staff_required()
def results_csv(request: SignedInRequest, import_id: UUID) -> StreamingHttpResponse:
    client_import = queries.get_import_for_staff(request.user, request.practice, import_id)
    return _csv(results.result_lines(client_import), f"import-{client_import.public_id}.csv")


@never_cache
@staff_required()
def invite(request: SignedInRequest, import_id: UUID) -> HttpResponse:
    client_import = queries.get_import_for_staff(request.user, request.practice, import_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        bulk = actions.invite_everyone_imported(client_import, by=Actor.from_request(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("imports:progress", client_import.public_id)
    return redirect("access:bulk_invite_progress", bulk.public_id)


def _context(client_import: ClientImport) -> dict[str, object]:
    return {"nav": "clients", "client_import": client_import, "targets": TARGETS}


def _csv(lines: Iterable[str], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
