"""`edi inspect`, `info` and `to-xml`: what they show, read from files or standard input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import SAMPLES
from edi._data import mapping_path
from edi.cli import cli
from edi.errors import EdiError
from edi.guide import Loop, guide_named, iter_transactions
from edi.guide._spec import SegmentSpec
from edi.inspect import file_info, inspect_lines, to_xml
from edi.x12 import tokenize

P837 = SAMPLES / "837p-office-visits.x12"
R835 = SAMPLES / "835-remittance.x12"
runner = CliRunner()


def _line(lines: list[str], start: str) -> str:
    return next(line.strip() for line in lines if line.strip().startswith(start))


class TestInspectFilters:
    @pytest.mark.parametrize("args, message", [
        (["--claim", "PCN9999"], "no claim or claim payment 'PCN9999' (CLM01 / CLP01) in this file"),
        (["--loop", "2110"], "no loop '2110' in this file"),  # an 835 loop, asked of an 837P
    ])
    def test_a_filter_that_matches_nothing_says_so_and_exits_1(self, args: list[str], message: str) -> None:
        result = runner.invoke(cli, ["inspect", str(P837), *args])
        assert (1, "", f"{P837}: {message}\n") == (result.exit_code, result.stdout, result.stderr)

    def test_a_claim_payment_is_found_by_clp01(self) -> None:
        lines = list(inspect_lines(R835, claim="PCN1003"))
        assert "2100 CLAIM PAYMENT INFORMATION" == lines[0]
        assert "CLP01    Patient Control Number: PCN1003" == _line(lines, "CLP01")
        assert not any(line.startswith("2100") for line in lines[1:]), "one claim payment"

    def test_standard_input(self) -> None:
        result = runner.invoke(cli, ["inspect", "-", "--loop", "2110"], input=R835.read_bytes())
        assert 0 == result.exit_code and result.stdout.startswith("2110 SERVICE PAYMENT INFORMATION\n")


class TestCodeMeanings:
    """Values are explained from mappings/codes; expected names are the code lists' own (CMS POS, X12 lists)."""

    def test_835_claim_status_group_reason_filing_indicator_and_entities(self) -> None:
        lines = list(inspect_lines(R835, claim="PCN1001"))
        assert "CLP02    Claim Status Code: 1  (Processed as Primary)" == _line(lines, "CLP02")
        assert "CLP06    Claim Filing Indicator Code: 12  (Preferred Provider Organization (PPO))" == _line(lines, "CLP06")
        assert "CAS01    Claim Adjustment Group Code: CO  (Contractual Obligations)" == _line(lines, "CAS01")
        assert "CAS02    Adjustment Reason Code: 45  (CARC, current since 1995-01-01)" == _line(lines, "CAS02")
        assert "NM101    Entity Identifier Code: QC  (Patient)" == _line(lines, "NM101")

    def test_837p_place_of_service_and_frequency_inside_clm05(self) -> None:
        lines = list(inspect_lines(P837, claim="PCN1002"))
        assert ("CLM05    Health Care Service Location Information: 11:B:1  "
                "(11 Office; 1 Admit Through Discharge Claim (original))") == _line(lines, "CLM05")

    def test_acknowledgment_codes(self) -> None:
        """999 and TA1 codes from the X12 element lists (620, 621, 715-718, I17, I18)."""
        lines = list(inspect_lines(SAMPLES / "999-ack.x12"))
        assert _line(lines, "IK501").endswith("IK501    Transaction Set Acknowledgment Code: A  (Accepted)")
        ta1 = (b"ISA*00*          *00*          *ZZ*A              *ZZ*B              *250101*1200*^*00501*000000001*0*T*:~"
               b"TA1*000000009*250101*1200*R*025~IEA*0*000000001~")
        lines = list(inspect_lines(ta1))
        assert _line(lines, "TA105").endswith("TA105 Interchange Note Code: 025  (Duplicate interchange control number)")

    def test_isa11_is_named_as_in_5010(self) -> None:
        """pyx12's 00501 envelope map keeps the 4010 name (Interchange Control Standards Identifier)."""
        assert "ISA11 Repetition Separator: ^" == _line(list(inspect_lines(R835)), "ISA11")

    def test_a_remark_code_in_lq02_and_an_unknown_carc(self) -> None:
        data = R835.read_bytes().replace(b"CAS*CO*45*", b"CAS*CO*999*", 1)
        lines = list(inspect_lines(data))
        assert "(not in the CARC list (X12 CARC list 2026-08-17))" in _line(lines, "CAS02    Adjustment Reason Code: 999")
        with_lq = R835.read_bytes().replace(b"AMT*B6", b"LQ*HE*N130~\nAMT*B6", 1)
        assert "LQ02     Remark Code: N130  (RARC, current" in _line(list(inspect_lines(with_lq)), "LQ02")

    @pytest.mark.parametrize("file, guides, element", [
        ("claim-status.csv", ["835"], "CLP02"),
        ("claim-adjustment-group.csv", ["835", "837p", "837i"], "CAS01"),
        ("claim-filing-indicator.csv", ["837p", "837i", "835"], "SBR09 CLP06"),
    ])
    def test_a_table_holds_exactly_the_codes_the_guides_list(self, file: str, guides: list[str], element: str) -> None:
        listed = {code for guide in guides for spec in _elements(guide, element.split()) for code in spec.codes}
        assert listed and listed == set(_codes(file))

    def test_entity_codes_are_codes_the_guides_use(self) -> None:
        used = {code for guide in ("837p", "837i", "835", "277ca", "999")
                for spec in _elements(guide, data_ele="98") for code in spec.codes}
        assert set(_codes("entity-identifier.csv")) <= used

    def test_claim_status_categories_are_in_pyx12s_list(self) -> None:
        from edi.validate._elements import external_codes  # pyx12's codes.xml lists
        assert set(_codes("claim-status-category.csv")) <= external_codes()["claim_status_cat"]


def _codes(file: str) -> list[str]:
    text = mapping_path("codes", file).read_text(encoding="utf-8")
    return [row["code"] for row in csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))]


def _elements(guide: str, ids: list[str] | None = None, data_ele: str | None = None) -> list:  # type: ignore[type-arg]
    found = []
    for node in guide_named(guide).nodes:
        if isinstance(node, SegmentSpec):
            for element in (e for top in node.elements for e in (top, *top.components)):
                if ids is not None and element.id in ids or data_ele is not None and element.data_ele == data_ele:
                    found.append(element)
    return found


class TestInfo:
    @pytest.mark.parametrize("gap, line_break", [(b"\n", "\n"), (b"", ""), (b"\r\n", "\r\n")])
    def test_json_reports_what_follows_the_terminator(self, gap: bytes, line_break: str) -> None:
        data = R835.read_bytes().replace(b"~\n", b"~" + gap)
        result = runner.invoke(cli, ["info", "--format", "json", "-"], input=data)
        delimiters = json.loads(result.stdout)[0]["interchanges"][0]["delimiters"]
        assert {"element": "*", "component": ":", "repetition": "^", "segment": "~", "line_break": line_break} == delimiters

    def test_standard_input_counts_the_bytes_read(self) -> None:
        result = runner.invoke(cli, ["info", "--format", "json", "-", str(P837)], input=R835.read_bytes())
        infos = json.loads(result.stdout)
        assert [("<stdin>", R835.stat().st_size), (str(P837), P837.stat().st_size)] == [
            (i["file"], i["bytes"]) for i in infos]
        assert file_info(R835).as_dict() | {"file": "<stdin>"} == infos[0]

    def test_one_unreadable_file_among_others_exits_2_and_the_others_are_shown(self, tmp_path: Path) -> None:
        bad = tmp_path / "bad.x12"
        bad.write_bytes(b"GS*HC~")
        result = runner.invoke(cli, ["info", "--format", "json", str(bad), str(R835)])
        infos = json.loads(result.stdout)
        assert 2 == result.exit_code and "expected an ISA" in infos[0]["error"] and infos[1]["segments"] == 84


class TestXml:
    @pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.x12")), ids=lambda p: p.name)
    def test_every_segment_once_in_order_under_its_loops(self, path: Path) -> None:
        root = etree.fromstring(to_xml(path))
        placed = [(node.segment.index + 1, _loop_ids(node.loop)) for tree in iter_transactions(path)
                  for node in tree.segments()]
        shown = [(int(seg.get("index")), tuple(a.get("id") for a in seg.iterancestors("loop"))[::-1])
                 for seg in root.iter("segment") if seg.getparent().tag != "interchange"
                 and seg.getparent().tag != "group"]
        assert placed == shown

    def test_standard_input_and_markup_characters(self) -> None:
        data = P837.read_bytes().replace(b"NM1*41*2*EXAMPLE FAMILY PRACTICE", b"NM1*41*2*SMITH & <SONS>", 1)
        result = runner.invoke(cli, ["to-xml", "-"], input=data)
        root = etree.fromstring(result.stdout_bytes)
        assert "SMITH & <SONS>" in [e.text for e in root.iter("element")]
        assert "<stdin>" == root.get("file")


def _loop_ids(loop: Loop) -> tuple[str, ...]:
    ids = [loop.id, *(parent.id for parent in loop.ancestors())][::-1]
    return tuple(i for i in ids if i != "ST_LOOP")


SAMPLE_BYTES = [path.read_bytes() for path in sorted(SAMPLES.glob("*.x12"))]


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    """A sample with a few bytes changed, cut short, or random bytes."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=300))
    data = bytearray(draw(st.sampled_from(SAMPLE_BYTES)))
    for _ in range(draw(st.integers(0, 4))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.sampled_from(b"*~:^\n ISAEGST0A\x00\xff"))
    return bytes(data[: draw(st.integers(1, len(data)))])


@pytest.mark.parametrize("args", [["info"], ["info", "--format", "json"], ["inspect"], ["inspect", "--loop", "2300"],
                                  ["inspect", "--claim", "PCN1001"], ["to-json"], ["to-json", "--lines"], ["to-xml"]],
                         ids=" ".join)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=damaged())
def test_damaged_input_gives_an_exit_code_never_a_traceback(args: list[str], data: bytes) -> None:
    assume(_tokenizer_raises_only_edi_errors(data))  # the tokenizer's own contract is tested in tests/x12
    result = runner.invoke(cli, [*args, "-"], input=data)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1, 2)


def _tokenizer_raises_only_edi_errors(data: bytes) -> bool:
    try:
        for _ in tokenize(data):
            pass
    except EdiError:
        pass
    except Exception:  # noqa: BLE001 — e.g. b"ISA" alone: IndexError in read_delimiters (reported, not ours)
        return False
    return True
