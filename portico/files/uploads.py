"""Checking an upload before anything is stored: size, then kind by content.

``check_upload`` reads the bytes once (at most the limit plus one) and either
returns them with what they are, or raises a ValidationError that says why, in
words a client understands ("… is 11.2 MB; the limit is 10 MB").
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.formats import number_format
from django.utils.translation import gettext

from portico.files.kinds import HEAD_BYTES, FileKind, detect_kind, kinds_in_words

MB = 1024 * 1024
NAME_LIMIT = 200


@dataclass(frozen=True)
class CheckedUpload:
    data: bytes
    kind: FileKind
    name: str  # sanitized, for showing only
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def sanitize_name(raw: str | None, *, fallback: str = "upload") -> str:
    """The last part of a path, printable characters only, at most 200 characters."""
    name = re.split(r"[/\\]", raw or "")[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"\s+", " ", name).strip(" .")
    if not name:
        return fallback
    if len(name) > NAME_LIMIT:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: NAME_LIMIT - len(extension) - 1] + "." + extension
        else:
            name = name[:NAME_LIMIT]
    return name


def _megabytes(size: int) -> str:
    """ "11.2" (or "11,2" in Spanish); "10", not "10.0"."""
    tenths = round(size / MB, 1)
    return number_format(tenths, decimal_pos=0 if tenths == int(tenths) else 1)


def check_upload(
    uploaded: UploadedFile[bytes], *, kinds: tuple[FileKind, ...], max_bytes: int
) -> CheckedUpload:
    """The upload's bytes and kind, or a ValidationError naming the limit or the kinds allowed."""
    name = sanitize_name(uploaded.name)
    size = uploaded.size or 0
    if size > max_bytes:
        raise ValidationError(
            gettext(
                "%(name)s is %(size)s MB; the limit is %(limit)s MB. "
                "Choose a smaller photo (or take it again at a lower resolution)."
            )
            % {"name": name, "size": _megabytes(size), "limit": _megabytes(max_bytes)},
            code="too_big",
        )
    uploaded.seek(0)
    data = uploaded.read(max_bytes + 1)
    if len(data) > max_bytes:  # the size the browser sent was not the real one
        raise ValidationError(
            gettext("%(name)s is larger than the limit of %(limit)s MB.")
            % {"name": name, "limit": _megabytes(max_bytes)},
            code="too_big",
        )
    if not data:
        raise ValidationError(
            gettext("%(name)s is empty. Choose the photo again.") % {"name": name}, code="empty"
        )
    kind = detect_kind(data[:HEAD_BYTES])
    if kind is None or kind not in kinds:
        raise ValidationError(
            gettext(
                "%(name)s is not a %(kinds)s file. Upload a photo in one of those "
                "formats (phones save photos as JPEG or HEIC)."
            )
            % {"name": name, "kinds": kinds_in_words(kinds)},
            code="wrong_kind",
        )
    return CheckedUpload(data=data, kind=kind, name=name, sha256=hashlib.sha256(data).hexdigest())
