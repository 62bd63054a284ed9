"""Logo files for the branding tests: real PNGs built byte by byte, and SVGs good and bad."""

from __future__ import annotations

import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bytes(width: int = 4, height: int = 2, rgb: tuple[int, int, int] = (31, 95, 168)) -> bytes:
    """A real, valid RGB PNG of one colour."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    row = b"\x00" + bytes(rgb) * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(row * height))
        + _chunk(b"IEND", b"")
    )


def png_claiming(width: int, height: int) -> bytes:
    """A small file whose header says it is ``width``×``height`` (the pixels do not matter)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00"))
        + _chunk(b"IEND", b"")
    )


GOOD_SVG = b"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
     width="120" height="40" sodipodi:docname="logo.svg">
  <metadata><rdf>made in an editor</rdf></metadata>
  <defs><linearGradient id="g"><stop offset="0" stop-color="#1F5FA8"/></linearGradient></defs>
  <!-- a comment -->
  <rect width="40" height="40" rx="6" fill="url(#g)"/>
  <use xlink:href="#g"/>
  <text x="48" y="26" font-size="16" fill="#1F5FA8">Maple</text>
</svg>
"""


def svg(body: str, *, head: str = "") -> bytes:
    return (
        f'{head}<svg xmlns="http://www.w3.org/2000/svg" '
        f'xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">{body}</svg>'
    ).encode()


def upload(
    data: bytes, name: str = "logo.png", content_type: str = "image/png"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type)


def logo_png(width: int = 180, height: int = 56) -> bytes:
    """A small drawn logo (RGBA): a plum disc with a white wave, and two bars for a name."""
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")
        for x in range(width):
            inside = (x - 28) ** 2 + (y - 28) ** 2 <= 24**2
            wave = inside and abs(y - 30 - round(4 * ((x % 16) / 8 - 1) ** 2)) <= 1
            bar = (60 <= x < 172 and 14 <= y < 26) or (60 <= x < 140 and 34 <= y < 42)
            if wave:
                row += bytes((255, 255, 255, 255))
            elif inside:
                row += bytes((122, 46, 140, 255))
            elif bar:
                row += bytes((40, 30, 50, 255))
            else:
                row += bytes((0, 0, 0, 0))
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + _chunk(b"IEND", b"")
    )
