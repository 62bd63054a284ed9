"""SVG logos, made safe by an allow-list: what is drawn stays, what could act is refused.

The file is parsed with defusedxml (no DTD, no entities, no external references)
and rebuilt from scratch with only the elements and attributes of shapes, paths,
text, gradients, clipping and masks. Two outcomes:

- **refused, with the reason**: anything that could run code or reach outside the
  image (``<script>``, ``<foreignObject>``, ``on*`` handlers, ``javascript:``, an
  ``href`` to anything but ``#an-id`` inside the file, ``<image>``, styles with
  ``@import`` or ``url(...)`` of an address, a DTD or entities). A logo that carries
  such things is not what the owner thinks it is; they should know.
- **stripped silently**: everything else not on the allow-list (editor metadata,
  Inkscape/Illustrator attributes, comments, processing instructions).

The stored file is the rebuilt one, never the uploaded bytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # noqa: S405 (only to build and write; parsing is defusedxml)
from typing import TYPE_CHECKING

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]
from django.utils.translation import pgettext, pgettext_lazy

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

ALLOWED_ELEMENTS = frozenset(
    {
        "svg", "g", "defs", "title", "desc", "symbol", "use",
        "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
        "text", "tspan", "textPath",
        "linearGradient", "radialGradient", "stop", "clipPath", "mask", "pattern", "style",
    }
)  # fmt: skip

ALLOWED_ATTRIBUTES = frozenset(
    {
        "id", "class", "style", "transform", "version", "role", "aria-label", "aria-hidden",
        "focusable", "viewBox", "preserveAspectRatio", "width", "height", "x", "y",
        "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr", "dx", "dy",
        "d", "points", "pathLength", "offset", "rotate", "textLength", "lengthAdjust",
        "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap",
        "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset",
        "stroke-opacity", "opacity", "color", "display", "visibility", "clip-path",
        "clip-rule", "mask", "vector-effect", "paint-order", "shape-rendering",
        "text-rendering", "font-family", "font-size", "font-weight", "font-style",
        "font-variant", "font-stretch", "letter-spacing", "word-spacing", "text-anchor",
        "dominant-baseline", "alignment-baseline", "baseline-shift", "text-decoration",
        "writing-mode", "stop-color", "stop-opacity", "gradientUnits", "gradientTransform",
        "spreadMethod", "clipPathUnits", "maskUnits", "maskContentUnits", "patternUnits",
        "patternContentUnits", "patternTransform", "href", "startOffset", "media", "type",
        "xml:space",
    }
)  # fmt: skip

# Elements whose presence means the file is more than a drawing: refused, with a reason.
REFUSED_ELEMENTS: dict[str, StrPromise] = {
    "script": pgettext_lazy("staff", "it contains a script"),
    "foreignObject": pgettext_lazy("staff", "it contains embedded web content (foreignObject)"),
    "image": pgettext_lazy(
        "staff", "it embeds another image; use a PNG logo instead, or a drawing without images"
    ),
    "iframe": pgettext_lazy("staff", "it contains embedded web content"),
    "embed": pgettext_lazy("staff", "it contains embedded web content"),
    "object": pgettext_lazy("staff", "it contains embedded web content"),
    "audio": pgettext_lazy("staff", "it contains sound or video"),
    "video": pgettext_lazy("staff", "it contains sound or video"),
    "animate": pgettext_lazy("staff", "it contains animation that can change links"),
    "set": pgettext_lazy("staff", "it contains animation that can change links"),
    "handler": pgettext_lazy("staff", "it contains a script"),
    "listener": pgettext_lazy("staff", "it contains a script"),
}

# url(#id) refers to a gradient or clip path inside the file; any other url( goes out.
_OUTSIDE_URL = re.compile(r"url\(\s*(?![\s'\"]*#)", re.IGNORECASE)
_SCRIPTISH = re.compile(r"(?:java|vb)script\s*:|expression\s*\(|@import|-moz-binding", re.I)
# CSS that loads without url(): image-set("…"), and escapes that could spell url( itself.
_LOADS_WITHOUT_URL = re.compile(r"image-set\s*\(|@font-face|\\", re.IGNORECASE)
_STYLE_END = re.compile(r"</", re.IGNORECASE)


class LogoRefused(ValueError):
    """Why an SVG cannot be a logo, in words for the practice owner."""


def looks_like_svg(data: bytes) -> bool:
    """XML whose first element could be ``<svg`` (checked properly when parsed)."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")):
        return False
    return b"<svg" in data[:4096].lower()


def _local(name: str) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree tag or attribute."""
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return "", name


def _check_value(attribute: str, value: str) -> None:
    if _SCRIPTISH.search(value):
        raise LogoRefused(
            pgettext("staff", "its “%(attribute)s” attribute contains code")
            % {"attribute": attribute}
        )
    if _OUTSIDE_URL.search(value) or _LOADS_WITHOUT_URL.search(value):
        raise LogoRefused(
            pgettext("staff", "its “%(attribute)s” attribute refers to something outside the image")
            % {"attribute": attribute}
        )


def _clean_attributes(source: ET.Element, target: ET.Element) -> None:
    for name, value in source.attrib.items():
        namespace, local = _local(name)
        if local.lower().startswith("on"):
            raise LogoRefused(
                pgettext("staff", "it contains an event handler (%(name)s), which could run code")
                % {"name": local}
            )
        if local == "href" and namespace in ("", XLINK_NS):
            if not value.strip().startswith("#"):
                raise LogoRefused(pgettext("staff", "it links to something outside the image"))
            target.set(f"{{{XLINK_NS}}}href" if namespace else "href", value.strip())
            continue
        if namespace == XML_NS and local == "space":
            target.set(name, value)
            continue
        if namespace or local not in ALLOWED_ATTRIBUTES:
            continue  # editor metadata and the like: dropped
        _check_value(local, value)
        target.set(local, value)


def _clean(source: ET.Element) -> ET.Element | None:
    namespace, local = _local(source.tag) if isinstance(source.tag, str) else ("", "")
    if local in REFUSED_ELEMENTS:
        raise LogoRefused(str(REFUSED_ELEMENTS[local]))
    if namespace != SVG_NS or local not in ALLOWED_ELEMENTS:
        return None  # comments, metadata, sodipodi:namedview …: dropped with their content
    target = ET.Element(f"{{{SVG_NS}}}{local}")
    _clean_attributes(source, target)
    if local == "style":
        css = source.text or ""
        if _STYLE_END.search(css):
            raise LogoRefused(pgettext("staff", "its styles contain markup"))
        _check_value("style", css)
        target.text = css
        return target
    target.text = source.text
    for child in source:
        cleaned = _clean(child)
        if cleaned is not None:
            cleaned.tail = child.tail
            target.append(cleaned)
        elif child.tail and child.tail.strip():
            # Text after a dropped element still belongs to this one.
            target.text = (target.text or "") + child.tail
    return target


def sanitize_svg(data: bytes) -> bytes:
    """The allow-listed rebuild of ``data``, or LogoRefused with the reason."""
    try:
        root: ET.Element = fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException:
        raise LogoRefused(
            pgettext(
                "staff", "it contains a DTD or entity declarations, which a logo does not need"
            )
        ) from None
    except ET.ParseError:
        raise LogoRefused(pgettext("staff", "it is not a well-formed SVG file")) from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise LogoRefused(
            pgettext(
                "staff", 'it is not an SVG image (the first element must be <svg xmlns="%(ns)s">)'
            )
            % {"ns": SVG_NS}
        )
    cleaned = _clean(root)
    if cleaned is None:  # pragma: no cover (the root was checked above)
        raise LogoRefused(pgettext("staff", "it is not an SVG image"))
    if "viewBox" not in cleaned.attrib:
        width, height = cleaned.get("width", ""), cleaned.get("height", "")
        if width.replace(".", "", 1).isdigit() and height.replace(".", "", 1).isdigit():
            # Without a viewBox a drawing does not scale to the header's height.
            cleaned.set("viewBox", f"0 0 {width} {height}")
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    return bytes(ET.tostring(cleaned, encoding="utf-8", xml_declaration=True))
