"""Find text on a page that did not come from the catalogue.

While ``marked(language)`` is on, every string that language gets from a catalogue
(Django's ``gettext`` family, which ``{% translate %}``, ``{% blocktranslate %}`` and
``gettext_lazy`` all go through) comes back wrapped in ⟦ ⟧. ``unmarked_text`` then
reads a page the way a person does (its text, title and the attributes a screen
reader speaks), removes every wrapped span and the values a page may show as they
are (names, addresses, the practice's name), and returns what is left that still
has words in it: English that was never marked, or marked but never extracted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from html.parser import HTMLParser
from typing import Any

from django.utils import translation
from django.utils.safestring import SafeData, mark_safe

OPEN, CLOSE = "⟦", "⟧"
_WRAPPED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
_WORD = re.compile(r"[^\W\d_]{2,}")
_SPOKEN_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
# Shown as they are in every language: the product's name, each language's own name,
# and the few words Spanish dates are built with around catalogue month names.
ALWAYS_ALLOWED = ("Portico", "English", "Español", " de ", "a. m.", "p. m.")


# Staff text is marked with this context (``pgettext("staff", ...)``,
# ``{% translate "..." context "staff" %}``) and is not translated yet: on a Spanish
# page it is English, so it is never counted as catalogue text there.
STAFF_CONTEXT = "staff"


def _wrap[F: Callable[..., Any]](original: F, language: str, *, with_context: bool) -> F:
    def wrapped(*args: Any) -> Any:
        result = original(*args)
        if translation.get_language() != language or not isinstance(result, str) or not result:
            return result
        if with_context and args[0] == STAFF_CONTEXT and language != "en":
            return result
        marked = f"{OPEN}{result}{CLOSE}"
        return mark_safe(marked) if isinstance(result, SafeData) else marked  # noqa: S308

    return wrapped  # type: ignore[return-value]


@contextmanager
def marked(language: str) -> Iterator[None]:
    """Wrap every catalogue lookup made while ``language`` is active (see the module)."""
    real = translation._trans  # type: ignore[attr-defined]
    names = ("gettext", "ngettext", "pgettext", "npgettext")
    originals = {name: getattr(real, name) for name in names}
    for name, original in originals.items():
        setattr(real, name, _wrap(original, language, with_context=name.startswith("p")))
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(real, name, original)


def marked_spanish() -> AbstractContextManager[None]:
    """Wrap every catalogue lookup made while Spanish is active (see the module)."""
    return marked("es")


_VOID = {
    *("area", "base", "br", "col", "embed", "hr", "img"),
    *("input", "link", "meta", "source", "track", "wbr"),
}


class _Reader(HTMLParser):
    """The text and spoken attributes of a page, leaving out what is not words in the
    page's language: scripts and styles, a key or code shown once (``<code
    class="secret">``), and anything marked as another language (``lang="es"`` inside
    an English page, e.g. the template editor showing the Spanish default text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.spoken: list[str] = []
        self._open: list[tuple[str, bool]] = []  # (tag, leaves its content out)
        self._skip = 0
        self._language = ""

    def _leaves_out(self, tag: str, attrs: dict[str, str | None]) -> bool:
        if tag in ("script", "style"):
            return True
        if tag == "code" and "secret" in (attrs.get("class") or "").split():
            return True
        language = attrs.get("lang")
        if tag == "html":
            self._language = language or ""
            return False
        return bool(language) and language != self._language

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag not in _VOID:
            leaves_out = self._leaves_out(tag, named)
            self._open.append((tag, leaves_out))
            self._skip += leaves_out
        if not self._skip:
            for name, value in attrs:
                if name in _SPOKEN_ATTRIBUTES and value:
                    self.spoken.append(value)
        self.text.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self._skip:
            for name, value in attrs:
                if name in _SPOKEN_ATTRIBUTES and value:
                    self.spoken.append(value)
        self.text.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if any(open_tag == tag for open_tag, _ in self._open):
            while self._open:  # close what the page left open inside it too
                open_tag, leaves_out = self._open.pop()
                self._skip -= leaves_out
                if open_tag == tag:
                    break
        self.text.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


# Addresses, and the placeholders of email templates ({{ greeting_name }}): names, not words.
_URL_OR_ADDRESS = re.compile(
    r"https?://[^\s⟦⟧]+|/p/[^\s⟦⟧]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\{\{\s*\w+\s*\}\}"
)


def _left_over(text: str, allowed: Iterable[str]) -> str:
    text = _URL_OR_ADDRESS.sub(" ", text)
    previous = None
    while previous != text:  # nested spans: a translated sentence around a month name
        previous, text = text, _WRAPPED.sub(" ", text)
    for value in sorted({*allowed, *ALWAYS_ALLOWED}, key=len, reverse=True):
        if value.strip():  # a whole value, never the inside of a word ("mail" in "Email")
            text = re.sub(rf"(?<!\w){re.escape(value.strip())}(?!\w)", " ", text)
    return " ".join(text.split())


def unmarked_text(html: str, *, allowed: Iterable[str] = ()) -> list[str]:
    """The pieces of ``html`` a person reads that did not come from the catalogue."""
    reader = _Reader()
    reader.feed(html)
    allowed = list(allowed)
    pieces = [_left_over("".join(reader.text), allowed)]
    pieces += [_left_over(value, allowed) for value in reader.spoken]
    return [piece for piece in pieces if _WORD.search(piece)]


def unmarked_plain_text(text: str, *, allowed: Iterable[str] = ()) -> list[str]:
    """``unmarked_text`` for an email's text part (no markup)."""
    left = _left_over(text, list(allowed))
    return [left] if _WORD.search(left) else []
