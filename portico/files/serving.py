"""The one way a stored file leaves Portico: a response built here, from a checked view.

Views look the file up through their own scoped query (practice, client, access
or capability, feature) and then call ``file_response``. The response carries the
detected type, never sniffed (``nosniff``), never cached, and a
``Content-Disposition`` with a safe file name (RFC 6266, UTF-8 aware).
"""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.http import content_disposition_header

from portico.files.models import StoredFile
from portico.files.storage import private_storage


def file_response(stored: StoredFile, *, download: bool = False) -> FileResponse:
    """Images and PDFs inline (unless ``download``), anything else as an attachment."""
    try:
        handle = private_storage().open(stored.storage_name, "rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    is_pdf = stored.content_type == "application/pdf"
    inline = (stored.is_image or is_pdf) and not download
    response = FileResponse(handle, content_type=stored.content_type)
    response["Content-Length"] = str(stored.size)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=not inline, filename=stored.original_name
    ) or ("inline" if inline else "attachment")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Opened on its own, the file runs nothing and embeds nothing. A PDF shown in the
    # browser's own viewer cannot be sandboxed (Chrome's viewer refuses to load), so it
    # gets the rest of the policy; its type was checked by content (``%PDF-``).
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; object-src 'self'"
        if inline and is_pdf
        else "default-src 'none'; img-src 'self'; sandbox"
    )
    return response
