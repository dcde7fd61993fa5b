"""A made-up state (tests/data/packs/zz, "Zedland") through check, notice and timeline: a state is
a pack folder, and nothing of Connecticut leaks into another state's output."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from cone.rules.checklist import available_states, get_pack

DATA = Path(__file__).resolve().parents[1] / "data"
PACKS = DATA / "packs"
FILING = DATA / "zedland-clinic.json"
CONNECTICUT = ("Connecticut", "OHS", "19a-", "Hartford", "CT ")


def cone(*args: str, filing: dict | None = None, tmp_path: Path | None = None) -> subprocess.CompletedProcess:
    target = FILING
    if filing is not None:
        assert tmp_path is not None
        target = tmp_path / "filing.json"
        target.write_text(json.dumps(filing), encoding="utf-8")
    env = {**os.environ, "CONE_PACKS": str(PACKS)}
    return subprocess.run([sys.executable, "-m", "cone.cli", *args, str(target)], capture_output=True, text=True,
                          timeout=60, env=env)


def changed(**parts: object) -> dict:
    """The Zedland filing with the given top-level parts replaced."""
    return {**json.loads(FILING.read_text(encoding="utf-8")), **parts}


def test_a_pack_folder_named_in_cone_packs_adds_a_state_after_connecticut(monkeypatch):
    monkeypatch.setenv("CONE_PACKS", str(PACKS))
    assert available_states() == ["CT", "ZZ"]
    pack = get_pack("ZZ")
    assert (pack.meta.name, list(pack.filing_types), pack.deadlines.notice.min_days_before_filing) == \
        ("Zedland", ["new_clinic"], 15)


def test_without_cone_packs_the_made_up_state_is_unknown(monkeypatch):
    monkeypatch.delenv("CONE_PACKS", raising=False)
    assert "ZZ" not in available_states()
    result = subprocess.run([sys.executable, "-m", "cone.cli", "check", str(FILING)], capture_output=True, text=True,
                            env={k: v for k, v in os.environ.items() if k != "CONE_PACKS"}, timeout=60)
    assert result.returncode == 2 and "no rule pack for state 'ZZ' (available: CT)" in result.stderr


def test_the_zedland_filing_passes_its_own_checklist():
    result = cone("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Zedland, Opening of a clinic" in result.stdout and "passes all 9 rules" in result.stdout


def test_the_notice_follows_the_zedland_template_and_site_wording():
    result = cone("notice")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "PUBLIC NOTICE. Under Zedland Health Code §4-101, Harbour Smiles LLC will apply for a clinic permit to open "
        "Harbour Smiles Dental, a clinic at 12 Quay Street in Brinemouth, at a cost of $300,000. Write to the Zedland "
        "Department of Health Planning, attn. Records Desk, 1 Harbour Row, Brinemouth, ZZ 99910, or call 555-010-2000.")
    assert not any(word in result.stdout for word in CONNECTICUT)


def test_the_timeline_uses_the_zedland_window_fee_table_and_clock():
    result = cone("timeline", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    rows = {r["id"]: r["date"] for r in data["rows"]}
    assert data["fee"] == 2500 and data["fee_tier"] == "over $250,000"
    assert rows["earliest_filing"] == "2026-01-21"      # 15 days after the last of two runs
    assert rows["latest_filing"] == "2026-03-07"        # 60 days
    assert rows["permit_decision"] == "2026-03-12"      # 45 days after the planned filing date
    assert not any(word in result.stdout for word in CONNECTICUT)


def test_a_filing_date_outside_the_zedland_window_fails_the_timeline_and_check_but_not_the_notice(tmp_path):
    filing = changed(planned_filing_date="2026-01-12")      # 6 days after the last run: too early
    assert cone("timeline", filing=filing, tmp_path=tmp_path).returncode == 1
    assert cone("check", filing=filing, tmp_path=tmp_path).returncode == 1
    assert cone("notice", filing=filing, tmp_path=tmp_path).returncode == 0


def test_a_missing_cost_fails_the_notice_and_the_timeline_through_the_rules_concerns(tmp_path):
    filing = changed(project={"facility_name": "Harbour Smiles Dental", "facility_type": "dental"})
    notice = cone("notice", filing=filing, tmp_path=tmp_path)
    assert notice.returncode == 1 and "notice.cost" in notice.stderr
    assert cone("timeline", filing=filing, tmp_path=tmp_path).returncode == 1


def test_an_unanswered_question_of_no_concern_fails_only_the_check(tmp_path):
    filing = changed(applicant={"legal_name": "Harbour Smiles LLC", "entity_type": "llc", "contact": {"name": "Ada Quill"}})
    check = cone("check", filing=filing, tmp_path=tmp_path)
    assert check.returncode == 1 and "Answer 'Contact telephone'." in check.stdout
    assert cone("notice", filing=filing, tmp_path=tmp_path).returncode == 0
    assert cone("timeline", filing=filing, tmp_path=tmp_path).returncode == 0


@pytest.mark.parametrize("zip_code, ok", [("99910", True), ("06333", False)])
def test_zedland_postal_codes_come_from_its_own_towns(tmp_path, zip_code, ok):
    filing = changed(site={"street": "12 Quay Street", "town": "Brinemouth", "state": "ZZ", "zip": zip_code})
    result = cone("check", filing=filing, tmp_path=tmp_path)
    assert (result.returncode == 0) is ok, result.stdout


def test_the_newspaper_copy_of_a_made_up_state_uses_its_own_heading_and_request(tmp_path):
    notice = cone("notice", "--heading")
    assert notice.returncode == 0, notice.stderr
    assert notice.stdout.startswith("OFFICIAL NOTICE\n\nPUBLIC NOTICE. Under Zedland Health Code")
    out = tmp_path / "request.pdf"
    request = cone("insertion-request", "-o", str(out), "--date", "2026-12-01")
    assert request.returncode == 0, request.stderr
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(out).pages)
    assert "PLEASE RUN THIS NOTICE" in text and "Send proof of publication" in text
    assert not [word for word in CONNECTICUT if word in text], text
