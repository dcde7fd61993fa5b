"""The filing-grade application PDF: packet rendering, exhibits, and the embedded filing.

The other `cone` commands never import this package. Importing it loads pikepdf and Jinja2;
WeasyPrint loads only when the first render starts the worker pool (workers.py).
"""
from .assemble import extract_filing
from .exhibits import MAX_EXHIBIT_BYTES, check_exhibit
from .packet import FinalBlocked, render_html, render_packet, use_cache_directory

__all__ = ["MAX_EXHIBIT_BYTES", "FinalBlocked", "check_exhibit", "extract_filing", "render_html", "render_packet",
           "use_cache_directory"]
