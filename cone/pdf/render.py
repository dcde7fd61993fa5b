"""Jinja2 templates of the packet (templates/documents/): autoescaped, strict, plain-data contexts."""
from __future__ import annotations

import functools
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from .. import resources
from . import ASSETS
from .cache import content_key

TEMPLATES = resources.folder("templates") / "documents"


@functools.cache
def environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)


def fragment(template: str, context: dict[str, Any]) -> Markup:
    """One part's HTML body; every value in `context` is escaped by the template."""
    return Markup(environment().get_template(template).render(**context))


def document(parts: list[Markup], *, title: str, lang: str, chrome: dict[str, Any] | None = None, css: str = "") -> str:
    """A complete HTML document of rendered parts, with the page chrome on every page when given
    (css is inlined only for standalone HTML output; renders pass the parsed stylesheet)."""
    return environment().get_template("document.html").render(parts=parts, title=title, lang=lang,
                                                              css=Markup(css), chrome=chrome)   # our own stylesheet


@functools.cache
def template_digest() -> str:
    """A fingerprint of the templates and stylesheet, part of every cache key."""
    files = sorted(TEMPLATES.glob("*.html")) + [ASSETS / "packet.css"]
    return content_key(*(p.read_bytes() for p in files))
