"""Reading a rule pack from its folder: YAML with the line of every key, validated against the pack's models.

A pack is a folder under `forms/` named by the state's lower-case code. Loading validates
every file against its model and cross-checks references (rule checks, field paths,
vocabularies, notice placeholders); any problem raises InputError naming file and line.
"""
from __future__ import annotations

import functools
import types
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from .. import resources
from ..filing.errors import InputError
from ..filing.models import Filing
from .models import (UI, Deadlines, Documents, Fees, Fields, Financials, FilingTypes, Levels, Meta, NoticeDef, NoticeLint,
                     Principles, Rules, Towns)
from .pack import Pack

FORMS_DIR = resources.folder("forms")
FILES = ("pack", "filing_types", "fields", "rules", "notice", "fees", "deadlines", "levels", "towns", "principles",
         "documents", "ui", "notice_lint", "financial")
MODELS: dict[str, type[BaseModel]] = {
    "pack": Meta, "filing_types": FilingTypes, "fields": Fields, "rules": Rules, "notice": NoticeDef,
    "fees": Fees, "deadlines": Deadlines, "levels": Levels, "towns": Towns, "principles": Principles,
    "documents": Documents, "ui": UI, "notice_lint": NoticeLint, "financial": Financials}

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


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The value type under Optional and Annotated, and whether the field is a list of it."""
    many = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else annotation
            if len(args) != 1:
                return annotation, many
        elif origin is list and not many:
            annotation, many = typing.get_args(annotation)[0], True
        elif origin is typing.Literal:
            return type(typing.get_args(annotation)[0]), many
        else:
            return annotation, many


@functools.cache
def filing_schema() -> dict[str, tuple[Any, bool]]:
    """Every field path of the filing format -> (the type it holds, whether a list of it); [] marks
    list items (services[].level) and .* the keys of a dict-valued field (principles.*)."""
    paths: dict[str, tuple[Any, bool]] = {}

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            path = f"{prefix}{name}"
            held, many = _unwrap(info.annotation)
            if typing.get_origin(held) is dict:
                paths[path] = (dict, False)
                paths[f"{path}.*"] = _unwrap(typing.get_args(held)[1])
                continue
            if isinstance(held, type) and issubclass(held, BaseModel):
                paths[path] = (BaseModel, many)
                walk(held, path + ("[]." if many else "."))
            else:
                paths[path] = (held, many)

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
    pack.cross_check(set(checks), filing_schema())
    return pack
