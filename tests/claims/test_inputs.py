"""Reading encounters: JSON Lines, JSON arrays and CSV exports through column maps. A bad record gives one error
naming file, line, field and fix, and every other record is still read; a CSV streams row by row."""

from __future__ import annotations

import io
import itertools
import json
import tracemalloc
from datetime import date
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from conftest import ROOT, SAMPLES

from edi.claims import InputError, load_mapping, read_encounters
from edi.claims.encounter import Encounter
from edi.claims._mapping import parse_mapping
from edi.errors import MappingError

ENCOUNTERS = SAMPLES / "encounters"
MINIMAL = {"id": "V1", "patient": {"last_name": "DOE", "first_name": "JANE"},
           "coverages": [{"payer": {"name": "EXAMPLE HEALTH PLAN", "id": "EXHP1"}, "member_id": "FAKE1"}],
           "billing_provider": {"npi": "1234567893", "name": "EXAMPLE FAMILY PRACTICE"},
           "diagnoses": [{"code": "J02.0"}], "lines": [{"procedure_code": "99213", "charge": 125,
                                                        "service_date": "2025-01-06"}]}


def _jsonl(tmp_path: Path, records: list[object], name: str = "in.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n")
    return path


def _with(**changes: object) -> dict:  # type: ignore[type-arg]
    return {**json.loads(json.dumps(MINIMAL)), **changes}


class TestJsonLines:
    def test_valid_records_and_located_errors_side_by_side(self, tmp_path: Path) -> None:
        """Each bad line gives one error at its line and JSON path; the lines around it are read."""
        bad_charge = _with(id="V2")
        bad_charge["lines"][0]["charge"] = "12,50"
        typo = _with(id="V3")
        typo["patient"]["brithdate"] = "1980-01-01"
        path = _jsonl(tmp_path, [MINIMAL, bad_charge, "{not json", "", typo, _with(id="V5")])
        items = list(read_encounters(path))
        assert ["V1", "error", "error", "error", "V5"] == [i.id if isinstance(i, Encounter) else "error" for i in items]
        charge, syntax, unknown = items[1:4]
        assert isinstance(charge, InputError) and isinstance(syntax, InputError) and isinstance(unknown, InputError)
        assert (2, "$.lines[0].charge", "V2") == (charge.line, charge.field, charge.encounter_id)
        assert "Invalid decimal string" == charge.message
        assert f"{path}:2: encounter V2: $.lines[0].charge: Invalid decimal string; write amounts as numbers, " \
               "e.g. 125.00 or \"125.00\"" == str(charge)
        assert 3 == syntax.line and syntax.message.startswith("not valid JSON")
        assert (5, "$.patient.brithdate") == (unknown.line, unknown.field)
        assert unknown.fix.startswith("did you mean 'birth_date'?")

    def test_missing_required_field_names_it(self, tmp_path: Path) -> None:
        record = _with()
        del record["billing_provider"]
        [error] = read_encounters(_jsonl(tmp_path, [record]))
        assert isinstance(error, InputError)
        assert ("$.billing_provider", "Object missing required field `billing_provider`") == (error.field,
                                                                                            error.message)

    def test_other_schema_versions_are_refused(self, tmp_path: Path) -> None:
        [error] = read_encounters(_jsonl(tmp_path, [_with(schema="edi-encounter/2")]))
        assert isinstance(error, InputError) and "$.schema" == error.field
        assert "this engine reads edi-encounter/1" == error.fix

    def test_parts_that_do_not_fit_together(self, tmp_path: Path) -> None:
        """A dependent's coverage must name its subscriber; billed_coverage must exist."""
        dependent = _with(id="D1")
        dependent["coverages"][0]["relationship"] = "19"
        items = list(read_encounters(_jsonl(tmp_path, [dependent, _with(id="D2", billed_coverage=2)])))
        assert [("$.coverages[0].subscriber", "D1"), ("$.billed_coverage", "D2")] == [
            (i.field, i.encounter_id) for i in items if isinstance(i, InputError)]

    def test_values_as_the_model_types_them(self, tmp_path: Path) -> None:
        [enc] = read_encounters(_jsonl(tmp_path, [MINIMAL]))
        assert isinstance(enc, Encounter)
        assert (Decimal(125), date(2025, 1, 6), Decimal(1), "UN") == (
            enc.lines[0].charge, enc.lines[0].service_date, enc.lines[0].units, enc.lines[0].unit_basis)
        assert ("18", 1, "1") == (enc.coverages[0].relationship, enc.billed_coverage, enc.frequency)


class TestJsonArray:
    def test_items_are_read_one_at_a_time_and_errors_name_their_item(self, tmp_path: Path) -> None:
        bad = _with(id="A2", billed_coverage=0)
        path = tmp_path / "in.json"
        path.write_text(json.dumps([MINIMAL, bad, _with(id="A3")], indent=1))
        items = list(read_encounters(path))
        assert ["V1", "A3"] == [i.id for i in items if isinstance(i, Encounter)]
        [error] = [i for i in items if isinstance(i, InputError)]
        assert (1, "$.billed_coverage", "A2") == (error.item, error.field, error.encounter_id)
        assert f"{path}: item 1: encounter A2: $.billed_coverage: Expected `int` >= 1" == str(error)

    def test_broken_syntax_stops_there_and_says_so(self, tmp_path: Path) -> None:
        path = tmp_path / "in.json"
        path.write_text("[" + json.dumps(MINIMAL) + ", {\"id\": ")
        items = list(read_encounters(path))
        assert isinstance(items[0], Encounter) and isinstance(items[1], InputError)
        assert "the items after it were not read" in items[1].fix


class TestCsvExports:
    def test_the_practice_management_sample(self) -> None:
        """samples/encounters/example-pm.csv by its map: values checked against the CSV by hand."""
        items = list(read_encounters(ENCOUNTERS / "example-pm.csv", mapping="example-pm"))
        assert ["V20250106A", "V20250107B", "V20250108C"] == [i.id for i in items]  # type: ignore[union-attr]
        first, child, medicare = items
        assert isinstance(first, Encounter) and isinstance(child, Encounter) and isinstance(medicare, Encounter)
        assert ("F", date(1980, 1, 1), "627041234") == (first.patient.sex, first.patient.birth_date,
                                                       first.patient.address.postal_code)  # type: ignore[union-attr]
        assert ["J020", "R509"] == [d.code for d in first.diagnoses]         # Dx 1/Dx 2 of the two charges
        assert [(1, 2), (1,)] == [line.diagnosis_pointers for line in first.lines]
        assert [("C9001", Decimal("150.00"), ("25",)), ("C9002", Decimal("35.00"), ("QW",))] == [
            (line.id, line.charge, line.modifiers) for line in first.lines]
        assert ("19", "JOHN", "12") == (child.coverages[0].relationship, child.coverages[0].subscriber.first_name,
                                        child.coverages[0].claim_filing_indicator)  # type: ignore[union-attr]
        assert [("EXMCR", "MB"), ("EXMCD", "MC")] == [(c.payer.id, c.claim_filing_indicator)
                                                      for c in medicare.coverages]
        assert ("1234567919", "PA000123456") == (medicare.providers.referring.npi,  # type: ignore[union-attr]
                                                 medicare.prior_authorization)
        drug = medicare.lines[2].drug
        assert drug is not None and ("00003029305", Decimal(1), "ML") == (drug.ndc, drug.quantity, drug.unit)
        assert ("EXAMPLE FAMILY PRACTICE", "990000001") == (medicare.billing_provider.name,
                                                            medicare.billing_provider.tax_id)

    def test_the_hospital_sample(self) -> None:
        inpatient, outpatient = read_encounters(ENCOUNTERS / "example-hospital.csv", mapping="example-hospital")
        assert isinstance(inpatient, Encounter) and isinstance(outpatient, Encounter)
        assert ("institutional", "11", "1", "1430", "01") == (inpatient.claim_type, inpatient.facility_type,
                                                              inpatient.frequency, inpatient.admission_hour,
                                                              inpatient.patient_status)
        assert [("J181", "Y"), ("E119", "Y"), ("I10", "Y")] == [(d.code, d.present_on_admission)
                                                                 for d in inpatient.diagnoses]
        assert [("0120", "DA", Decimal(3), None), ("0250", "UN", Decimal(6), None),
                ("0300", "UN", Decimal(1), date(2025, 1, 1))] == [
            (line.revenue_code, line.unit_basis, line.units, line.service_date) for line in inpatient.lines]
        assert ("13", ("S93401A",), ("25",)) == (outpatient.facility_type, outpatient.reason_for_visit,
                                                 outpatient.lines[0].modifiers)

    def _csv(self, tmp_path: Path, rows: list[str]) -> Path:
        header = (ENCOUNTERS / "example-pm.csv").read_text().splitlines()[0]
        path = tmp_path / "export.csv"
        path.write_text("\n".join([header, *rows]) + "\n")
        return path

    def _rows(self) -> list[str]:
        return (ENCOUNTERS / "example-pm.csv").read_text().splitlines()[1:]

    def test_errors_name_line_column_and_field_and_the_rest_is_read(self, tmp_path: Path) -> None:
        rows = self._rows()
        bad_date = rows[2].replace("06/01/2015", "31/12/2015")           # V20250107B, line 4
        bad_code = rows[0].replace(",Female,", ",Woman,").replace("V20250106A", "V1")
        bad_charge = rows[3].replace("$125.00", "$12O.00").replace("V20250108C", "V2")
        path = self._csv(tmp_path, [rows[0], rows[1], bad_date, bad_code, bad_charge])
        items = list(read_encounters(path, mapping="example-pm"))
        assert ["V20250106A", "error", "error", "error"] == [i.id if isinstance(i, Encounter) else "error"
                                                            for i in items]
        date_error, code_error, charge_error = items[1:]
        assert isinstance(date_error, InputError) and isinstance(code_error, InputError)
        assert isinstance(charge_error, InputError)
        assert (4, "column 'Patient DOB' (patient.birth_date)") == (date_error.line, date_error.field)
        assert "'31/12/2015' is not a date in the form %m/%d/%Y" == date_error.message
        assert (5, "column 'Patient Sex' (patient.sex)", "V1") == (code_error.line, code_error.field,
                                                                  code_error.encounter_id)
        assert "add it to [codes.sex]" in code_error.fix
        assert (6, "column 'Charge' (charge)", "Invalid decimal string") == (
            charge_error.line, charge_error.field, charge_error.message)

    def test_rows_of_an_encounter_must_agree_and_stay_together(self, tmp_path: Path) -> None:
        rows = self._rows()
        conflict = rows[1].replace("01/01/1980", "01/02/1980")
        path = self._csv(tmp_path, [rows[0], conflict, rows[2], rows[0].replace("C9001", "C9009")])
        items = list(read_encounters(path, mapping="example-pm"))
        assert 3 == len(items)
        disagree, child, apart = items
        assert isinstance(disagree, InputError) and isinstance(apart, InputError)
        assert (3, "column 'Patient DOB' (patient.birth_date)") == (disagree.line, disagree.field)
        assert "differs from '01/01/1980' on line 2" in disagree.message
        assert isinstance(child, Encounter)
        assert (5, "V20250106A") == (apart.line, apart.encounter_id)
        assert "sort the export by 'Visit ID'" == apart.fix

    def test_a_missing_column_stops_the_file_with_one_error(self, tmp_path: Path) -> None:
        path = tmp_path / "export.csv"
        text = (ENCOUNTERS / "example-pm.csv").read_text().replace("Patient DOB", "Birth Date", 1)
        path.write_text(text)
        [error] = read_encounters(path, mapping="example-pm")
        assert isinstance(error, InputError) and 1 == error.line
        assert error.message.startswith("the header has no column 'Patient DOB'")

    def test_a_required_field_no_column_gives_names_the_gap(self, tmp_path: Path) -> None:
        mapping = parse_mapping({"mapping": {"group_by": "Visit ID"}, "encounter": {"patient.last_name": "Last"},
                                 "line": {"charge": "Charge"}}, "test.toml")
        text = "Visit ID,Last,Charge\nV1,DOE,10\n"
        [error] = mapping.read_stream(io.StringIO(text), "x.csv")
        assert isinstance(error, InputError)
        assert "$.coverages (no column is mapped to it)" == error.field
        assert "map a column to it, or give it in [constants]" == error.fix

    def test_a_csv_needs_a_map(self) -> None:
        [error] = read_encounters(ENCOUNTERS / "example-pm.csv")
        assert isinstance(error, InputError) and "needs a column map" in error.message

    def test_memory_stays_flat_on_long_exports(self) -> None:
        """Rows are read as they come: 4,000 rows peak at about what 500 do (what grows is the set of
        encounter ids seen, ~100 bytes each, which tells rows that come apart)."""
        rows = self._rows()
        header = (ENCOUNTERS / "example-pm.csv").read_text().splitlines()[0]
        mapping = load_mapping("example-pm")

        def peak(encounters: int) -> int:
            lines = (rows[n % 3].replace("V20250106A", f"V{n}").replace("V20250107B", f"V{n}")
                     .replace("V20250108C", f"V{n}") for n in range(encounters))

            stream = (line + "\n" for line in itertools.chain([header], lines))   # never a whole file
            tracemalloc.start()
            count = sum(1 for item in mapping.read_stream(stream, "long.csv") if isinstance(item, Encounter))
            top = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            assert encounters == count
            return top

        small, large = peak(500), peak(4_000)
        assert large < small + 3_500 * 150


class TestColumnMaps:
    @pytest.mark.parametrize("path", sorted((ROOT / "mappings" / "encounters").glob("*.toml")), ids=lambda p: p.stem)
    def test_shipped_maps_load_and_have_a_sample(self, path: Path) -> None:
        mapping = load_mapping(path.stem)
        assert mapping.encounter and mapping.line
        assert (ENCOUNTERS / f"{path.stem}.csv").is_file()

    @pytest.mark.parametrize(("table", "key", "message"), [
        ({"encounter": {"patient.birthdate": "DOB"}}, "encounter.patient.birthdate", "no field 'birthdate'"),
        ({"encounter": {"patient": "Name"}}, "encounter.patient", "names a group of fields"),
        ({"encounter": {"patient.last_name[0]": "Name"}}, "encounter.patient.last_name[0]", "is not a list"),
        ({"line": {"charge": {"column": "C", "rounding": "up"}}}, "line.charge", "unknown option(s) ['rounding']"),
        ({"line": {"unit_basis": {"column": "U", "codes": "units"}}}, "line.unit_basis", "no table [codes.units]"),
        ({"line": {"units": {"column": "U", "slice": "2"}}}, "line.units", "is not \"start:end\""),
    ])
    def test_a_map_that_does_not_fit_the_model_is_refused_with_its_key(self, table: dict, key: str,  # type: ignore[type-arg]
                                                                       message: str) -> None:
        with pytest.raises(MappingError) as caught:
            parse_mapping({"mapping": {"group_by": "ID"}, **table}, "bad.toml")
        assert key == caught.value.key
        assert message in caught.value.reason

    def test_unknown_maps_are_named(self) -> None:
        with pytest.raises(MappingError, match="known: example-hospital, example-pm"):
            load_mapping("no-such-system")


def test_encounters_round_trip_through_json() -> None:
    """An encounter written as JSON (Decimals as strings, dates ISO) reads back equal."""
    [enc, *_] = read_encounters(ENCOUNTERS / "example-pm.csv", mapping="example-pm")
    assert isinstance(enc, Encounter)
    assert enc == msgspec.json.decode(msgspec.json.encode(enc), type=Encounter)
