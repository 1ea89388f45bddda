"""edi explain: the acknowledgment code tables agree with pyx12's 999 and envelope maps, and each kind of code is
read from its table (names checked against X12's element code lists: 620, 621, 715–718, I17, I18)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import pyx12
from click.testing import CliRunner

from edi.cli import cli
from edi.inspect._codes import named_table
from edi.inspect._explain import _rule_rows, explain

MAPS = Path(pyx12.__file__).parent / "map"
ACK_TABLES = {"ik304.csv": ("999.5010.xml", "IK304"), "ik403.csv": ("999.5010.xml", "IK403"),
              "ik501.csv": ("999.5010.xml", "IK501"), "ik502.csv": ("999.5010.xml", "IK502"),
              "ak901.csv": ("999.5010.xml", "AK901"), "ak905.csv": ("999.5010.xml", "AK905"),
              "ta1-ack.csv": ("x12.control.00501.xml", "TA104"), "ta1-note.csv": ("x12.control.00501.xml", "TA105")}


def _pyx12_codes(map_file: str, element: str) -> set[str]:
    tree = ET.parse(MAPS / map_file)
    found = next(e for e in tree.iter("element") if e.get("xid") == element)
    return {c.text or "" for c in found.iter("code")}


@pytest.mark.parametrize("table", sorted(ACK_TABLES))
def test_ack_tables_hold_the_codes_pyx12s_maps_allow(table: str) -> None:
    ours = set(named_table(table).entries)
    theirs = _pyx12_codes(*ACK_TABLES[table])
    if table == "ik403.csv":
        theirs.discard("11")   # pyx12 lists 11; X12's element 621 defines no code 11
    assert ours == theirs


def _one(code: str, kind: str) -> str:
    found = [e for e in explain(code) if e.kind.startswith(kind)]
    assert len(found) == 1, explain(code)
    return found[0].meaning


def test_each_kind_is_read_from_its_table() -> None:
    assert _one("ik403:I12", "IK403") == "Implementation pattern match failure"
    assert _one("025", "TA105") == "Duplicate interchange control number"
    assert _one("ik304:I4", "IK304") == 'Implementation "not used" segment present'
    assert _one("ak901:P", "AK901") == "Partially accepted, at least one transaction set was rejected"
    assert _one("11", "POS") == "Office"
    assert _one("22", "CLP02") == "Reversal of Previous Payment"
    assert _one("A7", "STC") == "Acknowledgement/Rejected for Invalid Information"
    assert "deactivated" in _one("A7", "CARC")   # CARC A7 was deactivated in 2015


def test_group_and_carc_together() -> None:
    (reading,) = [e for e in explain("CO-45") if e.kind == "CARC in group CO"]
    assert reading.meaning.startswith("Contractual Obligations: CARC 45, current")
    assert "write it off" in reading.action
    assert any(e.kind == "CARC in group PR" and "bill the patient" in e.action for e in explain("pr1"))


def test_a_kind_prefix_picks_one_reading() -> None:
    assert {e.kind.split()[0] for e in explain("16")} >= {"CARC", "POS", "IK502", "AK905"}
    assert [e.kind for e in explain("pos:16")] == ["POS (place of service)"]
    assert explain("ik403:99") == []


def test_finding_codes_come_from_the_rule_tables() -> None:
    rows = _rule_rows()
    assert len(rows) > 100 and "snip1.envelope.isa13.duplicate" in rows
    (reading,) = explain("snip4.billing.zip9")
    assert reading.kind == "finding (SNIP 4)" and "nine digits" in reading.meaning
    assert all(explain(code) for code in rows)


def test_scrub_edits_say_what_they_prevent() -> None:
    (reading,) = explain("coding.ncci.ptp")
    assert reading.kind == "scrub edit (coding)" and "CO-236" in reading.action and "held" in reading.action
    (warning,) = explain("coding.icd10.unspecified")
    assert "a warning" in warning.action


def test_command_exit_codes_and_json() -> None:
    result = CliRunner().invoke(cli, ["explain", "CO-45", "nonsense-code", "--format", "json"])
    assert result.exit_code == 1
    doc = json.loads(result.output)
    assert [d["code"] for d in doc] == ["CO-45", "nonsense-code"] and doc[1]["readings"] == []
    ok = CliRunner().invoke(cli, ["explain", "ik501:R"])
    assert ok.exit_code == 0 and "rejected: none of the transaction set's claims were taken" in ok.output


def test_icd10_codes_by_todays_release() -> None:
    (code,) = [e for e in explain("E11.9") if e.kind == "ICD-10-CM"]
    assert code.meaning.startswith("E119 is billable") and code.action == "bill it"
    (category,) = [e for e in explain("icd10:E11") if e.kind == "ICD-10-CM"]
    assert "is a category" in category.meaning and "billable code" in category.action
    (pregnancy,) = [e for e in explain("O80") if e.kind == "ICD-10-CM"]
    assert "only for female patients" in pregnancy.meaning     # CMS MCE: O codes are maternity, female only
    assert "R502" in next(e for e in explain("R509") if e.kind == "ICD-10-CM").action


def test_every_code_table_we_ship_for_meanings_is_explained() -> None:
    """Every code of every named table edi inspect uses, and of the TA1/999 tables, has a reading of its kind."""
    from edi.inspect._explain import _KINDS

    for kind, spec in _KINDS.items():
        for code in spec.table().entries:
            assert any(e.kind == spec.name for e in explain(f"{kind}:{code}")), (kind, code)
