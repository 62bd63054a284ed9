"""The rules of a practice's brand: what a logo may be, and which accent colours stay readable.

A logo is a PNG (signature, then a real chunk structure: IHDR first with a sane size,
every chunk's CRC right, IEND last) or an SVG rebuilt by an allow-list
(``portico.practices.brand_svg``), at most ``LOGO_MAX_BYTES``. Its kind is read from
its content, never from its name or the browser's word.

An accent colour is ``#RRGGBB`` whose contrast against white, by the WCAG 2.x relative
luminance, is at least 4.5:1: white text on a button of that colour, and links of
that colour on white, stay readable.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import pgettext

from portico.files.uploads import sanitize_name
from portico.practices.brand_svg import LogoRefused, looks_like_svg, sanitize_svg

LOGO_MAX_BYTES = 200 * 1024
LOGO_MAX_PIXELS = 2000  # width and height, each
PNG_TYPE = "image/png"
SVG_TYPE = "image/svg+xml"
LOGO_TYPES = (PNG_TYPE, SVG_TYPE)

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Colour type → the bit depths the PNG specification allows for it.
_PNG_DEPTHS = {0: {1, 2, 4, 8, 16}, 2: {8, 16}, 3: {1, 2, 4, 8}, 4: {8, 16}, 6: {8, 16}}


@dataclass(frozen=True)
class CheckedLogo:
    data: bytes  # for an SVG: the rebuilt file, not the upload
    content_type: str
    name: str  # the uploaded name, sanitized, for messages only

    @property
    def extension(self) -> str:
        return "png" if self.content_type == PNG_TYPE else "svg"


def _kilobytes(size: int) -> str:
    # Rounded up, so a file just over the limit never reads as "200 KB; the limit is 200 KB".
    return str(-(-size // 1024))


def png_problem(data: bytes) -> str | None:
    """Why ``data`` is not a sound PNG no larger than 2000×2000 pixels, or None."""
    if not data.startswith(_PNG_SIGNATURE):
        return pgettext("staff", "it is not a PNG file")
    position = len(_PNG_SIGNATURE)
    first = True
    while True:
        if position + 8 > len(data):
            return pgettext("staff", "the PNG file is cut short")
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body_end = position + 8 + length
        if length > len(data) or body_end + 4 > len(data):
            return pgettext("staff", "the PNG file is cut short")
        body = data[position + 8 : body_end]
        (crc,) = struct.unpack(">I", data[body_end : body_end + 4])
        if zlib.crc32(kind + body) != crc:
            return pgettext("staff", "the PNG file is damaged")
        if first:
            if kind != b"IHDR" or length != 13:
                return pgettext("staff", "the PNG file is damaged (no image header)")
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            if depth not in _PNG_DEPTHS.get(colour, set()):
                return pgettext("staff", "the PNG file is damaged (an impossible colour format)")
            if not (0 < width <= LOGO_MAX_PIXELS and 0 < height <= LOGO_MAX_PIXELS):
                return pgettext(
                    "staff", "it is %(width)d×%(height)d pixels; the limit is %(limit)d×%(limit)d"
                ) % {"width": width, "height": height, "limit": LOGO_MAX_PIXELS}
            first = False
        position = body_end + 4
        if kind == b"IEND":
            return None


def check_logo(uploaded: UploadedFile[bytes]) -> CheckedLogo:
    """The logo to store, or a ValidationError that says why not (and the limits)."""
    name = sanitize_name(uploaded.name, fallback=pgettext("staff", "The file"))
    limit = _kilobytes(LOGO_MAX_BYTES)
    if (uploaded.size or 0) > LOGO_MAX_BYTES:
        raise ValidationError(
            pgettext(
                "staff",
                "%(name)s is %(size)s KB; the limit is %(limit)s KB. "
                "Save a smaller version of the logo (about 600 pixels wide is plenty).",
            )
            % {"name": name, "size": _kilobytes(uploaded.size or 0), "limit": limit},
            code="too_big",
        )
    uploaded.seek(0)
    data = uploaded.read(LOGO_MAX_BYTES + 1)
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError(
            pgettext("staff", "%(name)s is larger than the limit of %(limit)s KB.")
            % {"name": name, "limit": limit},
            code="too_big",
        )
    if not data:
        raise ValidationError(
            pgettext("staff", "%(name)s is empty. Choose the logo file again.") % {"name": name},
            code="empty",
        )
    if data.startswith(_PNG_SIGNATURE):
        problem = png_problem(data)
        if problem:
            raise ValidationError(
                pgettext("staff", "%(name)s cannot be used: %(problem)s.")
                % {"name": name, "problem": problem},
                code="bad_png",
            )
        return CheckedLogo(data=data, content_type=PNG_TYPE, name=name)
    if looks_like_svg(data):
        try:
            clean = sanitize_svg(data)
        except LogoRefused as reason:
            raise ValidationError(
                pgettext(
                    "staff",
                    "%(name)s cannot be used: %(reason)s. Export the logo again as a plain "
                    "drawing, or as a PNG.",
                )
                % {"name": name, "reason": reason},
                code="unsafe_svg",
            ) from None
        return CheckedLogo(data=clean, content_type=SVG_TYPE, name=name)
    raise ValidationError(
        pgettext(
            "staff",
            "%(name)s is not a PNG or SVG file. Upload the logo as a PNG or an SVG "
            "(at most %(limit)s KB).",
        )
        % {"name": name, "limit": limit},
        code="wrong_kind",
    )


# --- the accent colour ---------------------------------------------------------------------

MIN_CONTRAST = 4.5
_HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of ``#RRGGBB``."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast_with_white(colour: str) -> float:
    return 1.05 / (relative_luminance(colour) + 0.05)


def ratio_in_words(ratio: float) -> str:
    """Rounded down, so a refused colour never reads as "4.50:1"."""
    return f"{int(ratio * 100) / 100:.2f}:1"


def clean_accent_colour(raw: str) -> str:
    """``#RRGGBB`` in capitals, blank for Portico's own colour, or a ValidationError."""
    value = raw.strip()
    if not value:
        return ""
    if not value.startswith("#"):
        value = "#" + value
    if not _HEX_COLOUR.match(value):
        raise ValidationError(
            pgettext(
                "staff", "Enter the colour as # and six hexadecimal digits, for example #1F5FA8."
            ),
            code="format",
        )
    value = value.upper()
    ratio = contrast_with_white(value)
    if ratio < MIN_CONTRAST:
        raise ValidationError(
            pgettext(
                "staff",
                "%(colour)s on white is %(ratio)s; choose a darker colour so text "
                "stays readable (at least %(minimum)s).",
            )
            % {
                "colour": value,
                "ratio": ratio_in_words(ratio),
                "minimum": f"{MIN_CONTRAST:.1f}:1",
            },
            code="contrast",
        )
    return value


def darker(colour: str, by: float = 0.2) -> str:
    """``colour`` mixed with black: the hover shade of buttons and links."""
    red, green, blue = (round(int(colour[i : i + 2], 16) * (1 - by)) for i in (1, 3, 5))
    return f"#{red:02X}{green:02X}{blue:02X}"
