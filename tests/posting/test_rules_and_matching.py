"""The denial routing table (every code in it a current X12 CARC/RARC, each rule's key honoured, the most specific
winning) and line matching's tolerances, on values written by hand."""

from __future__ import annotations

import csv
import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from edi.errors import EdiError
from edi.ledger._posting import KnownLine
from edi.models import ProcedureIdentifier, ServicePayment
from edi.posting import load_rules
from edi.posting._match import match_lines

ROOT = Path(__file__).resolve().parents[2]
DOS = date(2025, 1, 10)


def _codes(name: str) -> set[str]:
    with (ROOT / "mappings" / "codes" / name).open(encoding="utf-8") as stream:
        return {row[0] for row in csv.reader(line for line in stream if not line.startswith("#")) if row}


class TestRules:
    def test_every_code_in_the_shipped_table_is_a_listed_carc_or_rarc(self) -> None:
        carcs, rarcs = _codes("carc.csv"), _codes("rarc.csv")
        doc = tomllib.loads((ROOT / "mappings" / "posting" / "denials.toml").read_text())
        for rule in doc["rule"]:
            assert set(rule["carc"]) <= carcs, rule
            assert rule.get("rarc", "N290") in rarcs, rule

    @pytest.mark.parametrize(("group", "carc", "remarks", "expected"), [
        ("CO", "16", ("N290",), ("credentialing", "resubmit-7")),   # group + CARC + RARC
        ("CO", "16", ("M51",), ("billing", "resubmit-7")),          # group + CARC (any group)
        ("PR", "1", (), ("coverage", "bill-patient")),
        ("CO", "96", (), ("coverage", "write-off")),                # provider liable
        ("PR", "96", (), ("coverage", "bill-patient")),             # patient liable
        ("CO", "45", (), ("billing", "none")),                      # contractual: no work item
        ("CO", "999", (), ("billing", "appeal")),                   # the default
    ])
    def test_routing(self, group: str, carc: str, remarks: tuple[str, ...], expected: tuple[str, str]) -> None:
        rule = load_rules().route(group, carc, remarks)
        assert expected == (rule.root_cause, rule.action)

    def test_a_bad_rule_is_one_located_line(self, tmp_path: Path) -> None:
        (tmp_path / "x.toml").write_text('[[rule]]\ngroup = "CO"\ncarc = ["16"]\nroot_cause = "luck"\naction = "appeal"\n')
        with pytest.raises(EdiError, match=r"x.toml: rule 1: root_cause 'luck': use one of billing, coding"):
            load_rules(tmp_path)


def _line(line_id: int, code: str, charge: str, mods: tuple[str, ...] = (), lcn: str = "") -> KnownLine:
    return KnownLine(line_id, 1, line_id, lcn or f"L{line_id}", code, mods, None, Decimal(charge), DOS)


def _svc(code: str, charge: str, mods: tuple[str, ...] = (), *, original: tuple[str, tuple[str, ...]] | None = None,
         lcn: str = "") -> ServicePayment:
    return ServicePayment(procedure=ProcedureIdentifier("HC", code, mods), charge=Decimal(charge),
                          paid_amount=Decimal(0), service_date=DOS, line_item_control_number=lcn,
                          original_procedure=ProcedureIdentifier("HC", *original) if original else None)


class TestLines:
    def test_reordered_modifiers_match(self) -> None:
        [m] = match_lines((_svc("97110", "50", ("GP", "59")),), [_line(1, "97110", "50", ("59", "GP"))])
        assert (1, "procedure", Decimal("0.9")) == (m.line_id, m.method, m.score)

    def test_a_changed_procedure_matches_by_svc06(self) -> None:
        lines = [_line(1, "99213", "100"), _line(2, "99214", "150", ("25",))]
        [m] = match_lines((_svc("99213", "150", original=("99214", ("25",))),), lines)
        assert (2, "svc06") == (m.line_id, m.method)

    def test_ref_6r_wins_and_each_line_is_matched_once(self) -> None:
        lines = [_line(1, "99213", "100"), _line(2, "99213", "100")]
        got = match_lines((_svc("99213", "100", lcn="L2"), _svc("99213", "100")), lines)
        assert [(2, "6r"), (1, "procedure")] == [(m.line_id, m.method) for m in got]

    def test_another_charge_or_date_does_not_match(self) -> None:
        assert [None] == [m.line_id for m in match_lines((_svc("99213", "90"),), [_line(1, "99213", "100")])]
        assert [None] == [m.line_id for m in match_lines((_svc("99213", "100", ("25", "59")),),
                                                          [_line(1, "99213", "100", ("59",))])]
