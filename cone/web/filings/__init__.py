"""Filings: the list, a new filing, guided sections, check your answers, review and comments,
history (versions, redlines, audit log) and downloads."""
