"""What a page would fetch from outside its folder: :func:`external_resources`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser
from urllib.parse import urlsplit

__all__ = ["external_resources"]

# --------------------------------------------------------------------------- #
# What a page loads
# --------------------------------------------------------------------------- #

_LOADING_LINK_RELATIONS = frozenset(
    {
        "stylesheet",
        "icon",
        "shortcut",
        "apple-touch-icon",
        "apple-touch-icon-precomposed",
        "mask-icon",
        "manifest",
        "preload",
        "modulepreload",
        "prefetch",
        "prerender",
        "preconnect",
        "dns-prefetch",
        "import",
    }
)
# Attributes whose value is fetched, on any element (src: script, img, iframe,
# source, video, audio, embed, track, input; poster: video; data: object).
_LOADING_ATTRIBUTES = frozenset({"src", "poster", "background"})
# SVG elements that fetch their href.
_SVG_LOADING_ELEMENTS = frozenset({"image", "use", "feimage", "script"})
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_SCRIPT_IMPORT = re.compile(
    r"""\bimport\s*\(\s*["'`]([^"'`]+)["'`]"""  # import("https://...")
    r"""|\bimport\b[^;'"`]*?\bfrom\s*["']([^"']+)["']"""  # import x from "https://..."
    r"""|\bimport\s*["']([^"']+)["']"""  # import "https://..."
    r"""|\bimportScripts\s*\(\s*["']([^"']+)["']"""
    r"""|["'`]((?:https?:)?//[^"'`\s]+)["'`]"""  # any web address written in the script
)
# Script types a browser runs; other types (JSON data, templates) are only text.
_RUNNABLE_SCRIPT_TYPES = frozenset(
    {"", "text/javascript", "application/javascript", "module", "text/ecmascript"}
)


def _is_external(url: str) -> bool:
    """True if fetching ``url`` would leave the folder the page sits in."""
    url = url.strip()
    if not url or url.startswith("#") or url.lower().startswith("data:"):
        return False
    if url.startswith(("/", "\\")):  # "//host/..." or the web server's root
        return True
    return bool(urlsplit(url).scheme)


def _first_groups(matches: Iterable[re.Match[str]]) -> list[str]:
    return [next(group for group in match.groups() if group is not None) for match in matches]


class _ResourceFinder(HTMLParser):
    """Collect every URL an HTML page would fetch while it opens."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._raw_text_tag: str | None = None
        self._raw_text: list[str] = []
        self._runnable = False

    def _css(self, text: str) -> None:
        self.urls.extend(_first_groups(_CSS_URL.finditer(text)))
        self.urls.extend(_first_groups(_CSS_IMPORT.finditer(text)))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name in _LOADING_ATTRIBUTES & values.keys():
            self.urls.append(values[name])
        if "srcset" in values:
            candidates = values["srcset"].split(",")
            self.urls.extend(part.split()[0] for part in candidates if part.split())
        if tag == "object" and "data" in values:
            self.urls.append(values["data"])
        if tag == "link" and "href" in values:
            relations = set(values.get("rel", "").lower().split())
            if relations & _LOADING_LINK_RELATIONS:
                self.urls.append(values["href"])
        if tag in _SVG_LOADING_ELEMENTS:
            self.urls.extend(values[name] for name in ("href", "xlink:href") if name in values)
        if "style" in values:
            self._css(values["style"])
        if tag in ("style", "script"):
            self._raw_text_tag = tag
            self._raw_text = []
            self._runnable = values.get("type", "").strip().lower() in _RUNNABLE_SCRIPT_TYPES

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in ("style", "script"):
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self._raw_text_tag is not None:
            self._raw_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag != self._raw_text_tag:
            return
        text = "".join(self._raw_text)
        if tag == "style":
            self._css(text)
        elif self._runnable:
            found = _first_groups(_SCRIPT_IMPORT.finditer(text))
            # XML namespace and DTD names (www.w3.org) identify, they are not fetched.
            self.urls.extend(url for url in found if urlsplit(url).hostname != "www.w3.org")
        self._raw_text_tag = None
        self._raw_text = []


def external_resources(html_text: str) -> list[str]:
    """List every URL outside the page's folder that a page would fetch on opening.

    Counted: ``src`` (script, img, iframe, source, video, audio, embed, track),
    ``srcset``, ``poster``, ``<object data>``, ``<link href>`` with a loading
    relation (stylesheet, icon, preload, preconnect, ...), SVG ``href``, CSS
    ``url()`` and ``@import`` in ``<style>`` blocks and ``style`` attributes,
    and, in inline scripts, module imports and any web address written as a
    string (a script that builds a ``<script src>`` at run time, such as the
    Jupyter widget manager loader). Not counted: links a reader may click
    (``<a href>``), relative paths, ``data:`` URLs and ``#fragments``. A URL
    with a scheme (``https:``, ``file:``), a protocol-relative URL (``//host``)
    and a path from the server root (``/static``) are all outside.

    Parameters
    ----------
    html_text : str
        The page's HTML.

    Returns
    -------
    list of str
        The external URLs in document order, each once; empty for a page that
        opens offline.

    Examples
    --------
    >>> external_resources('<script src="https://example.org/a.js"></script>'
    ...                    '<a href="https://example.org">source</a>'
    ...                    '<img src="data:image/png;base64,AAAA">')
    ['https://example.org/a.js']
    """
    if not isinstance(html_text, str):
        raise TypeError(f"html_text must be a str, got {type(html_text).__name__}")
    finder = _ResourceFinder()
    finder.feed(html_text)
    finder.close()
    if finder._raw_text_tag is not None:  # an unclosed <style> or <script> at the end
        finder.handle_endtag(finder._raw_text_tag)
    return list(dict.fromkeys(url.strip() for url in finder.urls if _is_external(url)))
