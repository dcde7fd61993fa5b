"""The CT rule pack loads and is consistent; a malformed pack fails at load naming file and line."""
from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from cone.filing.errors import InputError
from cone.filing.models import Filing
from cone.packs.loader import FORMS_DIR, load_pack
from cone.rules.checklist import get_pack
from cone.rules.checks import CHECKS

from .helpers import PACK


def test_ct_pack_loads():
    assert PACK.state == "CT" and PACK.meta.name == "Connecticut"
    assert get_pack("ct").state == "CT" and get_pack("CT") is PACK


REGULATION_TYPES = {   # Regs. Conn. State Agencies §19a-639a-3(a)(1)(A)-(K)
    "A": "new_facility", "B": "outpatient_surgical_facility", "C": "freestanding_emergency_department",
    "D": "transfer_of_ownership", "E": "termination_of_services", "F": "termination_of_surgical_services",
    "G": "termination_of_emergency_department", "H": "cardiac_services", "I": "equipment_acquisition",
    "J": "increase_beds", "K": "increase_operating_rooms"}


def test_filing_types_of_19a_638():
    assert set(REGULATION_TYPES.values()) | {"group_practice_transfer", "hospital_transfer_econ", "relocation",
                                             "hospital_conversion"} == set(PACK.filing_types)
    for letter, type_id in REGULATION_TYPES.items():
        ft = PACK.filing_types[type_id]
        assert ft.citation.startswith("Conn. Gen. Stat. §19a-638(a)(")
        assert ft.citation.endswith(f"§19a-639a-3(a)(1)({letter})")
        assert ft.supplemental_form
    assert PACK.filing_types["relocation"].citation == "Conn. Gen. Stat. §19a-639c"
    assert PACK.filing_types["hospital_conversion"].citation.startswith("Conn. Gen. Stat. §19a-486")


def test_unconfirmed_subdivisions_are_marked_with_source_and_date():
    for ft in PACK.filing_types.values():
        numbers = [int(n) for n in re.findall(r"§19a-638\(a\)\((\d+)\)", ft.citation)]
        if any(n > 7 for n in numbers) or not numbers:
            assert ft.status == "unverified" and ft.source and ft.as_of, ft.id


def test_the_emergency_path_has_its_own_sixty_day_clock():
    econ = [r for r in PACK.deadlines.post_filing if r.applies("hospital_transfer_econ")]
    assert [(r.id, r.days, r.after) for r in econ] == [("econ_decision", 60, "filing")]
    assert not PACK.deadlines.post_filing[0].applies("hospital_transfer_econ") or econ[0].id == PACK.deadlines.post_filing[0].id
    assert [r.id for r in PACK.deadlines.post_filing if r.applies("new_facility")] == [
        "completeness_review", "completeness_response", "completeness_posting", "hearing_request", "review_decision",
        "review_extension"]


def test_169_towns():
    names = [t.name for t in PACK.towns.towns]
    assert len(names) == len(set(names)) == 169
    assert {"Hartford", "East Lyme", "Windsor Locks", "North Canaan", "Canaan", "Woodstock"} <= set(names)
    for town in PACK.towns.towns:
        assert town.zips and all(re.fullmatch(r"06\d{3}", z) for z in town.zips), town.name


def test_every_rule_has_citation_and_as_of():
    assert len(PACK.rules) >= 20
    for rule in PACK.rules:
        assert rule.citation.strip() and isinstance(rule.as_of, dt.date), rule.id
        assert rule.as_of <= PACK.meta.as_of, rule.id
        assert rule.message.strip() and rule.severity in ("error", "warning"), rule.id


def _schema_paths() -> set[str]:
    """Field paths of the filing JSON Schema (`services[].level`), read independently of cone.packs."""
    schema = Filing.model_json_schema()
    defs = schema.get("$defs", {})
    paths: set[str] = set()

    def resolve(node: dict) -> dict:
        while "$ref" in node:
            node = defs[node["$ref"].rsplit("/", 1)[-1]]
        return node

    def walk(node: dict, prefix: str) -> None:
        node = resolve(node)
        for name, prop in node.get("properties", {}).items():
            path = f"{prefix}{name}"
            paths.add(path)
            for option in prop.get("anyOf", [prop]):
                option = resolve(option)
                if option.get("type") == "array" and "$ref" in option.get("items", {}):
                    walk(option["items"], path + "[].")
                elif "properties" in option:
                    walk(option, path + ".")
                elif option.get("type") == "object" and (option.get("additionalProperties") or option.get("patternProperties")):
                    paths.add(path + ".*")     # a dict-valued field: any key

    walk(schema, "")
    return paths


def test_every_field_path_exists_in_the_filing_model():
    known = _schema_paths()
    assert "services[].hours_per_week" in known and "applicant.mailing_address.zip" in known
    assert "principles.*" in known
    for section in PACK.fields.sections:
        for f in section.fields:
            assert f.path in known or re.sub(r"\.\w+$", ".*", f.path) in known, f.path
            for sub in f.fields:
                assert f"{f.path}[].{sub.path}" in known, sub.path
    for rule in PACK.rules:
        for path in rule.fields:
            assert re.sub(r"\[\d*\]", "[]", path) in known, (rule.id, path)
    for path in PACK.notice.placeholders.values():
        assert path in known, path


def test_principles_section_is_generated_from_principles_yaml():
    """One required long-text question per principle, in principles.yaml order, after the programs."""
    ids = [s.id for s in PACK.sections_for("new_facility")]
    assert ids.index("principles") == ids.index("services") + 1
    assert all("principles" in [s.id for s in PACK.sections_for(t)] for t in PACK.filing_types)
    [section] = [s for s in PACK.fields.sections if s.id == "principles"]
    assert section.title == "Public need and access: review principles"
    assert [f.path for f in section.fields] == [f"principles.{p.id}" for p in PACK.principles]
    need = PACK.field_index["principles.public_need"]
    assert need.type == "textarea" and need.required is True
    assert need.label == "(3) Whether there is a clear public need for the health care facility or services proposed by the applicant."
    assert need.help == "Conn. Gen. Stat. §19a-639(a)(3)." and "unverified" not in need.help
    assert "unverified" in PACK.field_index["principles.consolidation"].help
    assert PACK.label("principles.consolidation").startswith("(12) Whether the applicant")


def test_labels():
    assert PACK.label("site.zip") == "ZIP code"
    assert PACK.label("services[3].hours_per_week") == "Hours per week"
    assert PACK.label("no.such.path") == "no.such.path"


def test_unknown_state():
    with pytest.raises(InputError) as exc:
        get_pack("NY")
    assert exc.value.path == "$.state" and "'NY'" in str(exc.value) and "CT" in str(exc.value)
    with pytest.raises(InputError):
        get_pack("../ct")


# --- malformed packs -------------------------------------------------------------------------

def broken(tmp_path: Path, file: str, old: str, new: str, line_offset: int = 0) -> tuple[Path, int]:
    """A copy of the CT pack with `old` replaced by `new` in `file`.yaml, and the line where `new`
    starts (plus `line_offset`): the line the load error must name."""
    pack_dir = tmp_path / "ct"
    shutil.copytree(FORMS_DIR / "ct", pack_dir)
    path = pack_dir / f"{file}.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} should occur once in {file}.yaml"
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return pack_dir, text[: text.index(new)].count("\n") + 1 + line_offset


MALFORMED = {
    "yaml syntax": ("fees", "  - {up_to: 100000, fee: 2000}", "  - {up_to: 100000, fee: [2000}", 0, "not valid YAML"),
    "unknown key": ("rules", "    check: site_state\n", "    check: site_state\n    colour: red\n", 1, "colour"),
    "unknown check": ("rules", "    check: site_state\n", "    check: site_stat\n", 0, "unknown check 'site_stat'"),
    "unknown rule field": ("rules", "fields: [site.state]", "fields: [site.stat]", 0, "unknown field 'site.stat'"),
    "unknown form field": ("fields", "{path: site.zip,", "{path: site.zipcode,", 0, "site.zipcode"),
    "unknown group field": ("fields", "{path: duration_weeks,", "{path: duration,", 0, "services[].duration"),
    "unknown placeholder": ("filing_types", "from {beds_current} to", "from {beds_now} to", 0, "beds_now"),
    "placeholder path": ("notice", "  equipment: project.equipment", "  equipment: project.equip", 0, "project.equip"),
    "duplicate key": ("notice", "as_of: 2026-11-26\n", "as_of: 2026-11-26\nas_of: 2026-11-27\n", 1,
                      "duplicate key 'as_of'"),
    "bad fee tiers": ("fees", "  - {up_to: 100000, fee: 2000}\n  - {up_to: 500000, fee: 3000}",
                      "  - {up_to: 500000, fee: 3000}\n  - {up_to: 100000, fee: 2000}", None, "tiers must rise"),
    "open tier not last": ("fees", "  - {up_to: null, fee: 10000}", "  - {up_to: 20000000, fee: 10000}", None,
                           "only the last may have up_to: null"),
    "bad severity": ("rules", "    severity: warning\n    check: site_zip_town",
                     "    severity: notice\n    check: site_zip_town", 0, "severity"),
    "bad date": ("notice", "as_of: 2026-11-26\n", "as_of: 2026-13-26\n", 0, "2026-13-26"),
    "missing citation": ("rules", "    citation: Conn. Gen. Stat. §19a-639a(a)\n    as_of: 2026-11-26\n  - id: services.schedule",
                         "    as_of: 2026-11-26\n  - id: services.schedule", None, "citation"),
    "unknown fields_from": ("fields", "    fields_from: principles", "    fields_from: principle", 0,
                            "section principles: unknown fields_from 'principle' (known: principles)"),
    "fields and fields_from": ("fields", "    fields_from: principles", "    fields_from: principles\n    fields:\n"
                               "      - {path: principles.public_need, label: Need, type: textarea}", 1, "not both"),
    "section without fields": ("fields", "    fields_from: principles   #", "    #", None, "give 'fields' or 'fields_from'"),
    "bad principle id": ("principles", "{id: public_need,", "{id: Public-Need,", 0, "principles.2.id"),
    "unknown vocabulary": ("fields", "choices: components}", "choices: component}", 0, "component"),
    "unknown filing type": ("fields", "Licensed beds now\", type: integer, required: [increase_beds],",
                            "Licensed beds now\", type: integer, required: [more_beds],", 0, "unknown filing type"),
    "unknown filing type asked": ("fields", "Licensed beds now\", type: integer, required: [increase_beds], applies_to: [increase_beds]",
                                  "Licensed beds now\", type: integer, required: [increase_beds], applies_to: [more_beds]", 0,
                                  "unknown filing type in applies_to"),
    "unknown filing type of a rule": ("rules", "    applies_to: [increase_beds]\n", "    applies_to: [more_beds]\n", 0,
                                      "rule project.beds_increase: unknown filing type in applies_to"),
    "unknown filing type of a clock row": ("deadlines", "    applies_to: [hospital_transfer_econ]\n",
                                           "    applies_to: [econ]\n", 0, "row econ_decision: unknown filing type(s) ['econ']"),
    "unknown list of an agreeing word": ("notice", "{counts: applicants,", "{counts: applicant,", 0,
                                         "is_are: 'applicant' is not a list of notice.yaml"),
    "date over a whole number": ("fields", "Licensed beds now\", type: integer,", "Licensed beds now\", type: date,", 0,
                                 "field project.beds_current: type 'date' holds a date, but the filing format has a "
                                 "whole number there"),
    "text over a list": ("fields", "type: multichoice, choices: populations, required",
                         "type: text, choices: populations, required", 0,
                         "type 'text' holds text, but the filing format has a list of text there"),
    "group item of the wrong type": ("fields", "{path: duration_weeks, label: \"Typical length (weeks)\", type: number}",
                                     "{path: duration_weeks, label: \"Typical length (weeks)\", type: money}", 0,
                                     "field services[].duration_weeks: type 'money' holds an amount of money"),
    "unknown field type": ("fields", "{path: site.zip, label: \"ZIP code\", type: zip,",
                           "{path: site.zip, label: \"ZIP code\", type: postcode,", 0, "unknown field type 'postcode'"),
    "unknown concern": ("rules", "    concerns: [fee]\n", "    concerns: [fees]\n", 0, "concerns"),
    "unknown cover placeholder": ("documents", 'ok: "{fee}"', 'ok: "{fees}"', 0,
                                  "cover item fee: unknown placeholder(s) ['fees']"),
    "unknown cover field": ("documents", "fields: [project.capital_expenditure, project.total_cost]",
                            "fields: [project.capex]", 0,
                            "cover item fee: unknown field 'project.capex'"),
    "manual item without todo": ("documents", '    todo: "Not generated by cone: attach the completed worksheet as an exhibit."\n',
                                 "", None, "cover item financial_worksheet: a manual item"),
    "parts without the notice": ("documents", "parts: [sections, financial, notice, affidavit]", "parts: [sections, financial, affidavit]", 0,
                                 "parts must name sections and notice"),
    "missing hint example": ("ui", "  zip: \"06333\"\n", "", None, "examples: give an example value for type 'zip', "
                             "which fields.yaml uses for applicant.mailing_address.zip"),
    "unknown level": ("levels", "  inpatient:\n", "  detox:\n", 0, "detox"),
    "clock row order": ("deadlines", "    after: completeness_review\n    days: 7",
                        "    after: review_decision\n    days: 7", 0, "review_decision"),
    "after-filing row naming an unknown event": ("deadlines", "      met_by: [posted]\n", "      met_by: [postedd]\n",
                                                 None, "unknown kind(s) ['postedd']"),
    "unknown placeholder of the insertion request": ("notice", 'billing: "Please send the invoice to"',
                                                     'billing: "Please send the invoice to {billing_name}"', 0,
                                                     "billing uses unknown placeholder(s) billing_name"),
    "after-filing row planned from a later row": ("deadlines", "      planned_from: completeness_review\n",
                                                  "      planned_from: econ_decision\n", None, "earlier row"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_pack_names_file_and_line(tmp_path, case):
    file, old, new, offset, says = MALFORMED[case]
    pack_dir, line = broken(tmp_path, file, old, new, offset or 0)
    with pytest.raises(InputError) as exc:
        load_pack(pack_dir, CHECKS)
    text = str(exc.value)
    assert says in text
    where = re.match(rf"{re.escape(str(pack_dir / file))}\.yaml:(\d+): ", text)
    assert where, text
    if offset is not None:
        assert int(where.group(1)) == line, text
    assert "\n" not in text


def test_fee_tier_errors_point_at_the_tiers(tmp_path):
    pack_dir, _ = broken(tmp_path, "fees", "  - {up_to: null, fee: 10000}", "  - {up_to: 20000000, fee: 10000}")
    lines = (pack_dir / "fees.yaml").read_text(encoding="utf-8").splitlines()
    tiers_line = next(i for i, line in enumerate(lines, 1) if line.startswith("tiers:"))
    with pytest.raises(InputError, match=rf"fees\.yaml:{tiers_line}: "):
        load_pack(pack_dir, CHECKS)


def test_missing_file_is_named(tmp_path):
    pack_dir = tmp_path / "ct"
    shutil.copytree(FORMS_DIR / "ct", pack_dir)
    (pack_dir / "towns.yaml").unlink()
    with pytest.raises(InputError, match=r"towns\.yaml"):
        load_pack(pack_dir, CHECKS)


def test_empty_file_is_named(tmp_path):
    pack_dir = tmp_path / "ct"
    shutil.copytree(FORMS_DIR / "ct", pack_dir)
    (pack_dir / "levels.yaml").write_text("# nothing\n")
    with pytest.raises(InputError, match=r"levels\.yaml:1: empty"):
        load_pack(pack_dir, CHECKS)

