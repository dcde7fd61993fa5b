"""Rule packs: the per-state data (models), a loaded pack with its lookups, and the loader."""
