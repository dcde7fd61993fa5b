"""Imported by the render pool's fork server: warm it up once so every worker forked from it
starts with WeasyPrint, the fonts and the stylesheet loaded (and frozen out of the collector)."""
from .workers import warm_up

warm_up()
