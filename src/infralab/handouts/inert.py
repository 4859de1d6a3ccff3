"""Nothing in a handout runs: the HTML cells contribute, cleaned, and a policy against scripts.

Two layers, so one mistake is not enough to put a live script in front of a reader:

- **The cells' HTML is cleaned.** nbconvert's ``sanitize_html`` switch sends
  every markdown cell (after it is rendered), raw cell and ``text/html`` or
  ``text/markdown`` output through the template filter ``clean_html``; the
  builder supplies :func:`_clean_html`, an allow-list for what lessons write
  (headings, paragraphs, lists, tables, code, links, embedded images, quotes,
  ``details``/``summary``, pandas' scoped stylesheet) run by bleach, the
  sanitiser nbconvert itself uses. Any other element is shown as text (so an
  author sees what the handout refused), attributes outside the list are
  dropped (``on...`` handlers among them), a link or a source must be a web or
  mail address, a relative path or a fragment (``data:`` only for an image),
  a ``style`` attribute keeps only properties that fetch nothing, and a
  ``<style>`` block that could fetch anything is emptied.
- **Every page declares a content security policy**
  (:data:`CONTENT_SECURITY_POLICY`) as the first element of its head: no
  script, no frame, no object, no request at all; inline styles and ``data:``
  images only. Should anything slip past the cleaning, the browser refuses it.
  Links to other pages still navigate: the policy governs what a page loads,
  not where a reader goes.
"""

from __future__ import annotations

import functools
import html
import re

import bleach
from bleach.css_sanitizer import ALLOWED_CSS_PROPERTIES, CSSSanitizer
from bleach.html5lib_shim import Filter

from .offline import _is_external

__all__: list[str] = []

#: The policy of every page: nothing runs, nothing is fetched; a page's own styles and
#: embedded images are all it needs. ``base-uri`` and ``form-action`` are named because
#: ``default-src`` does not cover them.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'"
)
_POLICY_META = f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'

# What lessons, exercise sheets, the guide and their outputs (pandas tables) are made of.
_TAGS = frozenset(
    {
        *(f"h{level}" for level in range(1, 7)),
        *("p", "br", "hr", "div", "span", "blockquote", "pre", "code", "kbd", "samp", "var"),
        *("em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup"),
        *("abbr", "cite", "dfn", "q", "time", "wbr", "a", "img", "figure", "figcaption"),
        *("ul", "ol", "li", "dl", "dt", "dd", "details", "summary", "style"),
        *("table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"),
    }
)
_EVERY_ELEMENT = frozenset({"class", "id", "title", "lang", "dir", "style"})
_ATTRIBUTES = {
    "a": frozenset({"href", "name"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "table": frozenset({"border"}),
    "th": frozenset({"colspan", "rowspan", "scope", "align"}),
    "td": frozenset({"colspan", "rowspan", "align"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "ol": frozenset({"start", "type", "reversed"}),
    "li": frozenset({"value"}),
    "details": frozenset({"open"}),
    "time": frozenset({"datetime"}),
    "style": frozenset({"scoped"}),
}
# Addresses bleach lets through (relative paths and fragments have no scheme, and pass).
_PROTOCOLS = frozenset({"http", "https", "mailto", "data"})
# Properties that can fetch (cursor: url(...)) are left out of bleach's list.
_STYLE_PROPERTIES = frozenset(ALLOWED_CSS_PROPERTIES) - {"cursor"}
# A style block holding any of these could fetch something, hide it behind an escape, or be
# markup in disguise.
_UNSAFE_CSS = re.compile(
    r"url\s*\(|@import|image(?:-set)?\s*\(|src\s*\(|expression\s*\(|\\|<", re.IGNORECASE
)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    """Whether ``name`` may stay on ``tag``; a ``data:`` address only as an image's source."""
    if name not in _EVERY_ELEMENT and name not in _ATTRIBUTES.get(tag, ()):
        return False
    # The value still holds its character references: read it as the browser will.
    address = html.unescape(value)
    if tag == "img" and name == "src":
        # An image is embedded (data:) or sits beside the page; one from elsewhere would be
        # fetched on opening (a viewer that ignores the page's policy would fetch it), so it
        # loses its source and shows its alt text. Backslashes are read as slashes, and
        # leading blanks are skipped, as browsers do.
        plain = re.sub(r"[\x00-\x20]", "", address).replace("\\", "/")
        return plain.lower().startswith("data:image/") or not (
            _is_external(plain) or plain.startswith("/")
        )
    if name in ("href", "src"):
        return not re.sub(r"[^a-z:]", "", address.lower()).startswith("data:")
    return True


class _InertStyleBlocks(Filter):
    """Empty each ``<style>`` block that could fetch anything or holds a ``<``; others pass."""

    def __iter__(self):
        held: list[dict] | None = None
        for token in super().__iter__():
            if held is None:
                if token["type"] == "StartTag" and token["name"] == "style":
                    held = [token]
                else:
                    yield token
                continue
            if not (token["type"] == "EndTag" and token["name"] == "style"):
                held.append(token)
                continue
            text = "".join(
                part["data"]
                for part in held[1:]
                if part["type"] in ("Characters", "SpaceCharacters")
            )
            unsafe = _UNSAFE_CSS.search(text) or _UNSAFE_CSS.search(_CSS_COMMENT.sub("", text))
            yield held[0]
            if not unsafe:
                yield from held[1:]
            yield token
            held = None
        if held is not None:  # never closed: the element, without its text
            yield held[0]


@functools.cache
def _cleaner() -> bleach.Cleaner:
    return bleach.Cleaner(
        tags=_TAGS,
        attributes=_allowed_attribute,
        protocols=_PROTOCOLS,
        strip=False,
        strip_comments=True,
        css_sanitizer=CSSSanitizer(allowed_css_properties=_STYLE_PROPERTIES),
        filters=[_InertStyleBlocks],
    )


def _clean_html(element: str | bytes) -> str:
    """The ``clean_html`` template filter: HTML from a cell, with nothing left that runs."""
    text = element.decode("utf-8") if isinstance(element, bytes) else str(element)
    return _cleaner().clean(text)
