"""The demo practice's brand: a lake-and-hills logo and a deep teal, set through the actions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile

from portico.practices.brand_rules import check_logo
from portico.practices.branding import set_accent_colour, set_practice_logo

if TYPE_CHECKING:
    from portico.operations.management.commands.seed_demo import Demo

ACCENT = "#1F6B75"

LOGO_SVG = b"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 196 64" width="196" height="64"
     role="img" aria-label="Lakeside Therapy">
  <title>Lakeside Therapy</title>
  <defs>
    <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#E6F2F3"/>
      <stop offset="1" stop-color="#C4E0E3"/>
    </linearGradient>
    <clipPath id="disc"><circle cx="32" cy="32" r="28"/></clipPath>
  </defs>
  <g clip-path="url(#disc)">
    <rect width="64" height="64" fill="url(#sky)"/>
    <path d="M0 38 L18 22 L30 32 L42 18 L64 38 Z" fill="#2E7D6B"/>
    <rect y="38" width="64" height="26" fill="#1F6B75"/>
    <path d="M8 46 q6 -4 12 0 t12 0 t12 0 t12 0" fill="none" stroke="#E6F2F3"
          stroke-width="2.5" stroke-linecap="round"/>
    <path d="M14 54 q6 -4 12 0 t12 0 t12 0" fill="none" stroke="#E6F2F3"
          stroke-width="2.5" stroke-linecap="round"/>
  </g>
  <circle cx="32" cy="32" r="28" fill="none" stroke="#1F6B75" stroke-width="3"/>
  <text x="74" y="30" font-family="Georgia, 'Times New Roman', serif" font-size="24"
        font-weight="700" fill="#1B3A40">Lakeside</text>
  <text x="75" y="52" font-family="-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif"
        font-size="14" letter-spacing="4" fill="#1F6B75">THERAPY</text>
</svg>
"""


def seed(demo: Demo) -> None:
    """Give the demo practice its logo (sanitized like any upload) and accent colour."""
    logo = check_logo(SimpleUploadedFile("lakeside.svg", LOGO_SVG, "image/svg+xml"))
    set_practice_logo(demo.practice, logo=logo, by=demo.owner)
    set_accent_colour(demo.practice, colour=ACCENT, by=demo.owner)
