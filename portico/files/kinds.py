"""What a file is, read from its first bytes: never from its name or the browser's word.

A photo renamed ``card.jpg`` that is really a PNG is a PNG; an HTML page named
``card.jpg`` is nothing we accept.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext


@dataclass(frozen=True)
class FileKind:
    label: str  # what people call it: "JPEG"
    content_type: str
    extension: str
    is_image: bool  # shown inline; anything else is downloaded


JPEG = FileKind("JPEG", "image/jpeg", "jpg", is_image=True)
PNG = FileKind("PNG", "image/png", "png", is_image=True)
HEIC = FileKind("HEIC", "image/heic", "heic", is_image=True)
HEIF = FileKind("HEIC", "image/heif", "heif", is_image=True)  # same family, generic brand
PDF = FileKind("PDF", "application/pdf", "pdf", is_image=False)

# Photos of cards and documents: what phones and scanners make.
PHOTO_KINDS = (JPEG, PNG, HEIC)

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# ISO-BMFF: a box size (4 bytes), then "ftyp" and the major brand.
_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"heim", b"heis", b"hevm", b"hevs"}
_HEIF_BRANDS = {b"mif1", b"msf1"}
HEAD_BYTES = 16


def detect_kind(head: bytes) -> FileKind | None:
    """The kind of a file from its first ``HEAD_BYTES`` bytes, or None if it is none we know."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(_PNG_SIGNATURE):
        return PNG
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _HEIC_BRANDS:
            return HEIC
        if brand in _HEIF_BRANDS:
            return HEIF
    if head.startswith(b"%PDF-"):
        return PDF
    return None


def kinds_in_words(kinds: tuple[FileKind, ...]) -> str:
    """ "JPEG, PNG or HEIC"."""
    labels = list(dict.fromkeys(kind.label for kind in kinds))
    if len(labels) == 1:
        return labels[0]
    return gettext("%(first)s or %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}
