"""Field paths read from a filing: attributes, list items and the keys of dict-valued fields."""
from __future__ import annotations

from cone.filing.paths import get_path, is_blank

from .helpers import example, filing


def test_attributes_and_list_items():
    f = filing(example())
    assert get_path(f, "site.town") == "East Lyme"
    assert get_path(f, "services[1].name") == "Individual and group counseling"
    assert get_path(f, "services[9].name") is None
    assert get_path(f, "project.no_such_field") is None


def test_keys_of_a_dict_valued_field():
    data = example()
    data["principles"] = {"public_need": "Adults wait weeks for care."}
    f = filing(data)
    assert get_path(f, "principles.public_need") == "Adults wait weeks for care."
    assert get_path(f, "principles.consolidation") is None
    assert get_path(f, "principles.public_need.deeper") is None
    assert get_path({"a": [{"b": 1}]}, "a[0].b") == 1


def test_blank():
    assert all(is_blank(v) for v in (None, "", "  \n", []))
    assert not any(is_blank(v) for v in ("x", 0, ["x"]))
