"""The only way a render reaches outside its HTML: packaged assets by name under `cone-asset:`.

Everything else (file:, http(s):, data:, ftp:, relative paths resolved against nothing) is
refused, so text a user typed can never make the renderer read a file or call a server.
"""
from __future__ import annotations

import mimetypes
from pathlib import Path

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from . import ASSETS

SCHEME = "cone-asset:"
_TYPES = {".ttf": "font/ttf", ".css": "text/css", ".icc": "application/vnd.iccprofile"}


def asset_path(name: str) -> Path:
    """The packaged file for an asset name like `fonts/LiberationSerif-Regular.ttf`; ValueError otherwise."""
    path = (ASSETS / name).resolve()
    if ".." in Path(name).parts or not path.is_relative_to(ASSETS) or not path.is_file():
        raise ValueError(f"no packaged asset named {name!r}")
    return path


class AssetFetcher(URLFetcher):
    """Serves `cone-asset:NAME` from cone/pdf/assets; refuses every other URL (redirects off)."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False, timeout=1)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if not url.startswith(SCHEME):
            self.refused.append(url[:200])
            raise FatalURLFetchingError(f"refused to fetch {url[:80]!r}: only packaged assets may be loaded")
        path = asset_path(url[len(SCHEME):])
        mime = _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
