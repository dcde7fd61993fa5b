"""Figures that tests measure (load, fuzz counts, accessibility) are printed at the end of the
run, also under pytest-xdist, whose workers' own output is not shown."""
from __future__ import annotations

import pytest


@pytest.fixture
def figure(record_property):
    """figure(text): report a measured figure in the run's summary."""
    def report(text: str) -> None:
        print(text)
        record_property("figure", text)
    return report


def pytest_terminal_summary(terminalreporter) -> None:
    lines = [value for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", [])
             for name, value in getattr(report, "user_properties", []) if name == "figure"]
    if lines:
        terminalreporter.section("figures")
        for line in lines:
            terminalreporter.write_line(line)
