"""Run a pack's checklist over a filing: findings that each name their rule and citation."""
from __future__ import annotations

import datetime as dt
import functools
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..filing.errors import InputError
from ..filing.models import Filing
from ..packs.loader import FORMS_DIR, load_pack
from ..packs.models import RuleDef
from ..packs.pack import Pack
from .checks import CHECKS
from .dated import DATED
from . import wording  # noqa: F401  (registers the notice wording checks in CHECKS)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str      # "error" or "warning"
    field: str         # path of the field concerned, e.g. services[0].hours_per_week
    message: str
    citation: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


class _Values(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def pack_dirs() -> tuple[Path, ...]:
    """The folders holding state packs: cone's own `forms/`, then each folder named in CONE_PACKS
    (separated by os.pathsep), for a state pack in development or a test's made-up state."""
    extra = [Path(p) for p in os.environ.get("CONE_PACKS", "").split(os.pathsep) if p.strip()]
    return (FORMS_DIR, *extra)


def available_states() -> list[str]:
    """The state codes that have a pack, in order: cone's own first."""
    states: list[str] = []
    for folder in pack_dirs():
        found = sorted(p.name.upper() for p in folder.iterdir() if (p / "pack.yaml").is_file()) if folder.is_dir() else []
        states += [s for s in found if re.fullmatch(r"[A-Z]{2}", s) and s not in states]
    return states


def get_pack(state: str) -> Pack:
    """The pack for a state code, loaded with this checklist's checks (once per process and
    folder); InputError when there is none."""
    return _find(state, os.environ.get("CONE_PACKS", ""))


@functools.cache
def _find(state: str, folders: str) -> Pack:
    """The pack of `state` among the pack folders that CONE_PACKS (`folders`) names, looked up
    once per state and setting: every check of a filing asks for its pack."""
    if re.fullmatch(r"[A-Za-z]{2}", state):
        for folder in pack_dirs():
            if (folder / state.lower() / "pack.yaml").is_file():
                return _load(folder / state.lower())
    raise InputError(f"no rule pack for state '{state}' (available: {', '.join(available_states())})", path="$.state")


@functools.cache
def _load(directory: Path) -> Pack:
    return load_pack(directory, CHECKS)


def pack_for(filing: Filing) -> Pack:
    """The filing's state pack, after checking that the pack knows the filing type."""
    pack = get_pack(filing.state)
    if filing.filing_type not in pack.filing_types:
        raise InputError(f"unknown filing type '{filing.filing_type}' for {pack.state} "
                         f"(expected one of: {', '.join(pack.filing_types)})", path="$.filing_type")
    return pack


def run_checklist(filing: Filing, pack: Pack, *, today: dt.date | None = None) -> list[Finding]:
    """All findings, errors first, each rule's findings in field order. The rules whose check
    depends on the day (a planned date in the past) run only when `today` is given, so that
    results stored with a version stay true on any later day."""
    return _run([r for r in pack.rules_for(filing.filing_type) if today is not None or r.check not in DATED], filing, pack,
                today)


def dated_findings(filing: Filing, pack: Pack, today: dt.date) -> list[Finding]:
    """Only the findings of the rules that depend on the day, for `today`: what a page or the API
    adds to a version's stored findings when it shows them."""
    return _run([r for r in pack.rules_for(filing.filing_type) if r.check in DATED], filing, pack, today)


def _run(rules: list[RuleDef], filing: Filing, pack: Pack, today: dt.date | None) -> list[Finding]:
    findings: list[Finding] = []
    for rule in rules:
        hits = CHECKS[rule.check](rule, filing, pack, today) if rule.check in DATED else CHECKS[rule.check](rule, filing, pack)
        for field, values in hits:
            v = _Values(values)
            findings.append(Finding(rule.id, rule.severity, field, rule.message.format_map(v),
                                    rule.citation.format_map(v)))
    findings.sort(key=lambda f: f.severity != "error")
    return findings


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


def findings_json(findings: list[Finding]) -> list[dict[str, Any]]:
    return [f.as_dict() for f in findings]
