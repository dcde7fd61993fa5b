"""Reading a rule pack from its folder: YAML with the line of every key, validated against the pack's models.

A pack is a folder under `forms/` named by the state's lower-case code. Loading validates
every file against its model and cross-checks references (rule checks, field paths,
vocabularies, notice placeholders); any problem raises InputError naming file and line.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from .. import resources
from ..filing.errors import InputError
from ..filing.models import Filing
from .models import (Deadlines, Fees, Fields, FilingTypes, Levels, Meta, NoticeDef, Principles, Rules, Towns)
from .pack import Pack

FORMS_DIR = resources.folder("forms")
FILES = ("pack", "filing_types", "fields", "rules", "notice", "fees", "deadlines", "levels", "towns", "principles")
MODELS: dict[str, type[BaseModel]] = {
    "pack": Meta, "filing_types": FilingTypes, "fields": Fields, "rules": Rules, "notice": NoticeDef,
    "fees": Fees, "deadlines": Deadlines, "levels": Levels, "towns": Towns, "principles": Principles}

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> tuple[Any, dict[tuple, int]]:
    """YAML to Python, with the line number of every mapping key and list item (1-based)."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=_Loader)
    except OSError as exc:
        raise InputError(f"cannot read rule pack file: {exc.strerror}", source=str(path)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise InputError(f"not valid YAML: {exc.problem}", source=f"{path}:{line}") from None
    lines: dict[tuple, int] = {}
    constructor = yaml.SafeLoader("")

    def build(n: yaml.Node, loc: tuple) -> Any:
        if isinstance(n, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in n.value:
                key = build(key_node, loc)
                if key in out:
                    raise InputError(f"duplicate key '{key}'", source=f"{path}:{key_node.start_mark.line + 1}")
                lines[loc + (key,)] = key_node.start_mark.line + 1
                out[key] = build(value_node, loc + (key,))
            return out
        if isinstance(n, yaml.SequenceNode):
            items = []
            for i, item in enumerate(n.value):
                lines[loc + (i,)] = item.start_mark.line + 1
                items.append(build(item, loc + (i,)))
            return items
        try:
            return constructor.construct_object(n, deep=True)
        except (yaml.YAMLError, ValueError) as exc:   # e.g. `as_of: 2026-13-01` fails in datetime.date
            raise InputError(f"bad value {n.value!r}: {exc}", source=f"{path}:{n.start_mark.line + 1}") from None

    if node is None:
        raise InputError("empty rule pack file", source=f"{path}:1")
    return build(node, ()), lines


def _filing_paths() -> set[str]:
    """Every field path of the filing format, with [] for list items (services[].level) and .* for
    the keys of a dict-valued field (principles.*)."""
    paths: set[str] = set()

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            path = f"{prefix}{name}"
            paths.add(path)
            ann = info.annotation
            if getattr(ann, "__origin__", None) is dict:
                paths.add(f"{path}.*")
            for candidate in (ann, *getattr(ann, "__args__", ())):
                inner = getattr(candidate, "__args__", (candidate,))
                for t in (candidate, *inner):
                    if isinstance(t, type) and issubclass(t, BaseModel):
                        walk(t, path + ("[]." if getattr(candidate, "__origin__", None) is list else "."))

    walk(Filing, "")
    return paths


def load_pack(directory: Path, checks: Iterable[str]) -> Pack:
    """Load and cross-check the pack in `directory` against the names of the checks its rules may
    use (the rules' registry), or raise InputError with file and line."""
    parts: dict[str, Any] = {}
    all_lines: dict[str, dict[tuple, int]] = {}
    for name in FILES:
        path = directory / f"{name}.yaml"
        data, lines = _read_yaml(path)
        all_lines[name] = lines
        try:
            parts[name] = MODELS[name].model_validate(data)
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            loc = tuple(err["loc"])
            line = next((lines[loc[:i]] for i in range(len(loc), 0, -1) if loc[:i] in lines), 1)
            where = ".".join(str(p) for p in loc) or "top level"
            raise InputError(f"{where}: {err['msg']}", source=f"{path}:{line}") from None
    pack = Pack(directory, parts, all_lines)
    pack.cross_check(set(checks), _filing_paths())
    return pack
