"""Where cone keeps what it can rebuild: `$CONE_CACHE_DIR`, else `$XDG_CACHE_HOME/cone`, else `~/.cache/cone`."""
from __future__ import annotations

import os
from pathlib import Path

PRIVATE_UMASK = 0o077     # what cone writes (packets, caches) only its user may read: filings are confidential


def cache_root() -> Path:
    if os.environ.get("CONE_CACHE_DIR"):
        return Path(os.environ["CONE_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cone"
