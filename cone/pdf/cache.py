"""Rendered parts by content hash: in memory for the app, optionally on disk for the CLI."""
from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from pathlib import Path

PRIVATE_FOLDER, PRIVATE_FILE = 0o700, 0o600    # a part may show a filing's answers: the user's alone


def content_key(*pieces: str | bytes) -> str:
    digest = hashlib.sha256()
    for piece in pieces:
        data = piece.encode("utf-8") if isinstance(piece, str) else piece
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


class PartCache:
    """A bounded LRU of PDF bytes keyed by content hash, backed by an optional directory."""

    def __init__(self, max_bytes: int = 256 << 20, directory: Path | None = None, max_files: int = 2000):
        self.max_bytes = max_bytes
        self.directory = directory
        self.max_files = max_files
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            data = self._items.get(key)
            if data is not None:
                self._items.move_to_end(key)
                return data
        if self.directory is not None:
            try:
                data = (self.directory / key).read_bytes()
            except OSError:
                return None
            self._remember(key, data)
        return data

    def put(self, key: str, data: bytes) -> None:
        self._remember(key, data)
        if self.directory is not None:
            self.directory.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
            tmp = self.directory / f".{key}.{os.getpid()}"
            with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE), "wb") as out:
                out.write(data)
            tmp.replace(self.directory / key)
            self._prune()

    def _prune(self) -> None:
        """Keep the directory to max_files parts, dropping the least recently written."""
        files = list(self.directory.iterdir()) if self.directory else []
        if len(files) <= self.max_files:
            return
        for old in sorted(files, key=lambda p: p.stat().st_mtime)[:len(files) - self.max_files]:
            old.unlink(missing_ok=True)

    def _remember(self, key: str, data: bytes) -> None:
        with self._lock:
            if key in self._items:
                return
            self._items[key] = data
            self._size += len(data)
            while self._size > self.max_bytes and self._items:
                _, old = self._items.popitem(last=False)
                self._size -= len(old)
