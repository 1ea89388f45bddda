"""`edi validate`'s report: findings grouped by interchange → group → transaction → claim in file order, a summary
an engineer can act on (counts per code, claims accepted and rejected with their charges), --max-errors, byte
offsets where lines tell nothing, UTF-8 text shown as characters, standard input, and output while checking."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SAMPLES, corpus_files, corpus_id
from edi.acks import build_277ca, build_999
from edi.cli import cli
from edi.inspect._report import TextReport, readable
from edi.validate import Finding, TransactionResult, validate, validate_into
from validate.test_mutations import DEFECTS, inject

runner = CliRunner()
P837 = (SAMPLES / "837p-office-visits.x12").read_bytes()
CHARGES = {m.group(1).decode(): Decimal(m.group(2).decode()) for m in re.finditer(rb"CLM\*(\w+)\*([\d.]+)\*", P837)}


def two_interchanges() -> bytes:
    """The 837P sample, then a copy as interchange 000001002 / group 1002 whose GS02 (application sender) is 20
    characters, 5 over the limit, whose claims are numbered QCN… (a CLM01 used again in a file is a warning), and
    whose claim QCN1002 charges 999 instead of 125 (its lines add up to 125)."""
    second = (P837.replace(b"*000001001*", b"*000001002*").replace(b"IEA*1*000001001", b"IEA*1*000001002")
              .replace(b"GS*HC*EXAMPLEFP*", b"GS*HC*EXAMPLEFPEXAMPLEFPXX*").replace(b"*1001*X*", b"*1002*X*")
              .replace(b"GE*1*1001", b"GE*1*1002")
              .replace(b"CLM*PCN", b"CLM*QCN").replace(b"CLM*QCN1002*125*", b"CLM*QCN1002*999*"))
    return P837 + second


class Collected:
    """A sink keeping what it is given, in order."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.transactions: list[TransactionResult] = []

    def finding(self, finding: Finding) -> None:
        self.findings.append(finding)

    def transaction(self, result: TransactionResult) -> None:
        self.transactions.append(result)


def run(*args: str, input: bytes | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(cli, ["validate", *args], input=input, catch_exceptions=False)


class TestGrouping:
    def test_findings_sit_under_interchange_group_transaction_and_claim_in_file_order(self, tmp_path: Path) -> None:
        path = tmp_path / "two.x12"
        path.write_bytes(two_interchanges())
        result = run(str(path), "--jobs", "1")
        assert 1 == result.exit_code
        lines = result.output.splitlines()
        headings = [line for line in lines if re.match(r"\s*(interchange|group|transaction|claim) ", line)]
        assert ["  interchange 000001002", "    group 1002", "      transaction 0001", "        claim QCN1002"] == \
            headings, "only scopes with findings get a heading; the first interchange is clean"
        gs02 = next(i for i, line in enumerate(lines) if "GS02" in line)
        clm02 = next(i for i, line in enumerate(lines) if "snip3.balance.clm02" in line)
        assert lines[gs02].startswith("      error snip2.element.too_long"), "a GS finding sits under its group"
        assert lines[clm02].startswith("          error snip3.balance.clm02"), "a claim's under its claim"
        assert lines[0] == str(path) and gs02 < clm02

    def test_interchange_findings_sit_under_their_interchange(self) -> None:
        """IEA02 not equal to ISA13 (SNIP 1) is the interchange's own finding."""
        defect = next(d for d in DEFECTS if d.name == "IEA02 not ISA13")
        lines: list[str] = []
        sink = TextReport(lines.append, "x.x12")
        sink.close(validate_into(inject(defect), sink, name="x.x12"))
        assert "  interchange 000001001" == lines[1]
        assert lines[2].startswith("    error snip1.envelope.iea02.control")

    def test_json_carries_the_same_grouping_and_summary(self, tmp_path: Path) -> None:
        path = tmp_path / "two.x12"
        path.write_bytes(two_interchanges())
        (report,) = json.loads(run(str(path), "--format", "json").output)
        where = [(f["interchange"], f["group"], f["transaction"], f["claim"], f["code"]) for f in report["findings"]]
        assert [("000001002", "1002", None, None, "snip2.element.too_long"),
                ("000001002", "1002", "0001", "QCN1002", "snip3.balance.clm02")] == where
        summary = report["summary"]
        assert {"snip2.element.too_long": 1, "snip3.balance.clm02": 1} == summary["codes"]
        assert (5, 1) == (summary["claims_accepted"], summary["claims_rejected"])
        assert (f"{2 * sum(CHARGES.values()) - CHARGES['PCN1002']:.2f}", "999.00") == (
            summary["charges_accepted"], summary["charges_rejected"])


class TestSummary:
    def test_counts_per_code_and_claims_with_their_charges(self) -> None:
        """The demo's broken file: CLM02 of PCN1001 raised to 245 — one claim rejected for 245.00, the others
        accepted for the sum of their CLM02s."""
        broken = P837.replace(b"CLM*PCN1001*235*", b"CLM*PCN1001*245*")
        result = run("-", input=broken)
        tail = result.output.splitlines()[-3:]
        accepted = CHARGES["PCN1002"] + CHARGES["PCN1003"]
        assert ["<stdin>: 1 transaction(s), 3 claim(s), 1 error(s), 0 warning(s)",
                "  findings: snip3.balance.clm02 1",
                f"  claims: 2 accepted (charges {accepted:,.2f}), 1 rejected (charges 245.00)"] == tail

    @pytest.mark.parametrize("defect", [d for d in DEFECTS if d.base in ("837p", "837i")], ids=lambda d: d.name)
    def test_claim_statuses_agree_with_the_acknowledgments(self, defect, tmp_path: Path) -> None:  # type: ignore
        """A claim is rejected when the 999 rejects its transaction, else when its 277CA says so."""
        path = tmp_path / "claims.x12"
        path.write_bytes(inject(defect))
        report = validate(path)
        in_999 = {t.control_number: t.code for group in build_999(report) for t in group.transactions}
        by_999 = sum(r.claims for r in report.transactions if in_999[r.transaction.control] == "R")
        statuses = [c.claim.rejected for ack in build_277ca(report, path, when=date(2025, 2, 1))
                    if in_999[ack.information_sources[0].trace.number] != "R" for c in ack.claims]
        (summary,) = json.loads(run(str(path), "--format", "json").output)
        counts = summary["summary"]
        assert (statuses.count(False), statuses.count(True) + by_999, by_999) == (
            counts["claims_accepted"], counts["claims_rejected"], counts["claims_in_rejected_transactions"])


class TestMaxErrors:
    def test_shows_n_errors_counts_the_rest_and_exits_1(self) -> None:
        bad = P837.replace(b"*11:B:1*Y*A*Y*Y~", b"*11:B:7*Y*A*Y*Y~")   # replacements without REF*F8: 3 errors
        result = run("-", "--max-errors", "2", input=bad)
        assert 1 == result.exit_code
        assert 2 == sum(line.lstrip().startswith("error ") for line in result.output.splitlines())
        assert "3 error(s)" in result.output and "snip4.claim.ref_f8_required 3" in result.output
        assert "stopped showing findings after 2 error(s) (--max-errors): 1 more error(s)" in result.output

    def test_zero_is_refused(self) -> None:
        assert 2 == runner.invoke(cli, ["validate", "-", "--max-errors", "0"], input=P837).exit_code


class TestPlaces:
    def test_a_file_without_line_breaks_shows_byte_offsets(self) -> None:
        flat = P837.replace(b"~\n", b"~").replace(b"CLM*PCN1002*125*", b"CLM*PCN1002*126*")
        result = run("-", input=flat)
        (where,) = [line for line in result.output.splitlines() if "error snip3.balance.clm02" in line]
        offset = flat.index(b"CLM*PCN1002")
        assert f"(byte {offset:,})" in where and "line" not in where
        (finding,) = json.loads(run("-", "--format", "json", input=flat).output)[0]["findings"]
        assert offset == finding["offset"]

    def test_a_file_with_line_breaks_shows_lines(self) -> None:
        result = run("-", input=P837.replace(b"CLM*PCN1002*125*", b"CLM*PCN1002*126*"))
        line = P837[:P837.index(b"CLM*PCN1002")].count(b"\n") + 1
        assert f"(line {line})" in result.output

    def test_utf8_text_is_shown_as_characters_and_offsets_stay_bytes(self) -> None:
        """NM103 JOSÉ in UTF-8 (two bytes for É) breaks the basic character set: the message and the segment
        show É, and a later finding's offset still counts bytes."""
        data = (P837.replace(b"NM1*IL*1*DOE*JANE", "NM1*IL*1*JOSÉ*JANE".encode())
                .replace(b"CLM*PCN1002*125*", b"CLM*PCN1002*126*"))
        (report,) = json.loads(run("-", "--format", "json", input=data).output)
        name = next(f for f in report["findings"] if f["element"] == "NM103")
        assert "'É' (UTF-8, bytes C3 89)" in name["message"]
        assert "NM1*IL*1*JOSÉ*JANE*A***MI*FAKE00000001" == name["segment_text"]
        assert "JOSÉ" == name["value"]
        clm = next(f for f in report["findings"] if f["code"] == "snip3.balance.clm02")
        assert data.index(b"CLM*PCN1002") == clm["offset"]
        assert "> NM1*IL*1*»JOSÉ«*JANE" in run("-", input=data).output

    def test_latin1_text_that_is_not_utf8_stays_as_it_is(self) -> None:
        assert "JOS\xc9" == readable("JOS\xc9") and "→ «»" == readable("→ «»")


class TestStreaming:
    def test_standard_input_reads_like_a_file(self, tmp_path: Path) -> None:
        path = tmp_path / "claims.x12"
        path.write_bytes(P837.replace(b"CLM*PCN1002*125*", b"CLM*PCN1002*126*"))
        from_file = run(str(path)).output.replace(str(path), "F")
        assert from_file == run("-", input=path.read_bytes()).output.replace("<stdin>", "F")

    def test_a_claims_findings_come_before_the_file_is_read(self) -> None:
        """With an error in the first claim of 4,000 (2.5 MB), the sink has it while most of the file is unread
        (the tokenizer reads 1 MiB at a time)."""
        from edi.synth import write_synth

        out = io.BytesIO()
        write_synth("837p", 4000, 1, out)
        data = out.getvalue().replace(b"*11:B:1*", b"*11:B:7*", 1)
        stream = io.BytesIO(data)
        read_at_first: list[int] = []

        class Watching(Collected):
            def finding(self, finding: Finding) -> None:
                read_at_first.append(stream.tell())
                super().finding(finding)

        sink = Watching()
        validate_into(stream, sink, name="big")
        assert sink.findings and read_at_first[0] < len(data) / 2

    def test_a_streamed_run_keeps_no_findings(self) -> None:
        defect = next(d for d in DEFECTS if d.name == "CLM02 not the sum of the lines")
        report = validate_into(inject(defect), Collected())
        assert [] == report.findings and all(not r.findings and not r.claim_findings for r in report.transactions)

    @pytest.mark.parametrize("defect", DEFECTS, ids=lambda d: d.name)
    def test_a_streamed_run_finds_what_a_report_holds(self, defect) -> None:  # type: ignore[no-untyped-def]
        _same_as_report(inject(defect))

    @pytest.mark.corpus
    @pytest.mark.parametrize("path", corpus_files("837p", "837i", "835", "999", "277ca", "bad"), ids=corpus_id)
    def test_corpus_files_stream_what_a_report_holds(self, path: Path) -> None:
        _same_as_report(path)


def _same_as_report(source: bytes | Path) -> None:
    sink = Collected()
    streamed = validate_into(source, sink, jobs=1)
    report = validate(source, jobs=1)
    assert report.fatal == streamed.fatal
    assert Counter(map(_key, report.findings)) == Counter(map(_key, sink.findings))
    tallies = [(r.transaction.control, r.claims, r.error_claims, r.charges) for r in report.transactions]
    assert tallies == [(r.transaction.control, r.claims, r.error_claims, r.charges) for r in sink.transactions]


def _key(finding: Finding) -> tuple[object, ...]:
    return finding.code, finding.location.control, finding.location.segment_index, finding.location.element


def test_the_readmes_validate_example_is_what_the_command_prints(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """README: "The bundled 837P sample with claim PCN1001's CLM02 raised to 245 and its rendering provider's NPI
    mistyped", then the output block."""
    readme = (SAMPLES.parent / "README.md").read_text()
    block = readme.split("$ edi validate broken.x12\n", 1)[1].split("```", 1)[0]
    (tmp_path / "broken.x12").write_bytes(P837.replace(b"CLM*PCN1001*235*", b"CLM*PCN1001*245*")
                                          .replace(b"XX*1234567901~", b"XX*1234567902~"))
    monkeypatch.chdir(tmp_path)
    assert block == run("broken.x12").output


class TestAcrossFiles:
    @pytest.mark.parametrize("jobs", [["--jobs", "1"], ["--max-errors", "5"], []], ids=["streamed", "max-errors",
                                                                                          "parallel"])
    def test_an_isa13_used_again_by_a_later_file_is_reported_there(self, jobs: list[str], tmp_path: Path) -> None:
        """However the files of a run are checked (one at a time streaming, or in parallel), the second file
        with the first one's ISA13 (same sender and receiver) gets snip1.envelope.isa13.duplicate, once."""
        first, second = tmp_path / "a.x12", tmp_path / "b.x12"
        first.write_bytes(P837)
        second.write_bytes(P837.replace(b"CLM*PCN", b"CLM*QCN"))
        result = run(str(first), str(second), "--format", "json", *jobs)
        reports = json.loads(result.output)
        codes = [[f["code"] for f in report["findings"]] for report in reports]
        assert [[], ["snip1.envelope.isa13.duplicate"]] == codes
        assert 1 == result.exit_code
