"""Exhibits: PDF files uploaded to a filing and appended to its application packet."""
