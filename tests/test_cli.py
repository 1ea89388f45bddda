"""The `edi` command: thin wrappers, one-line errors, lossless JSON through standard input and output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from conftest import SAMPLES
from edi.cli import cli

runner = CliRunner()
P837 = SAMPLES / "837p-office-visits.x12"
R835 = SAMPLES / "835-remittance.x12"


def run(*args: str, input: bytes | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(cli, list(args), input=input, catch_exceptions=False)


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_with_an_example(name: str) -> None:
    help_text = cli.commands[name].help or ""
    assert f"edi {name} " in help_text, f"`edi {name}` needs help text with an example"


def test_info_counts_claims_and_remits() -> None:
    result = run("info", str(P837), str(R835), "--format", "json")
    assert 0 == result.exit_code
    infos = json.loads(result.output)
    st_837 = infos[0]["interchanges"][0]["groups"][0]["transactions"][0]
    assert ("837", "005010X222A1", 3) == (st_837["set_id"], st_837["guide"], st_837["counts"]["claims"])
    st_835 = infos[1]["interchanges"][0]["groups"][0]["transactions"][0]
    assert 4 == st_835["counts"]["claim_payments"]


def test_unframeable_file_gives_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.x12"
    bad.write_bytes(b"ISA*00* *00*~GS*HC~")
    result = runner.invoke(cli, ["info", str(bad)])
    assert 2 == result.exit_code
    lines = result.output.strip().splitlines()
    assert 1 == len(lines) and lines[0].startswith(f"{bad}: segment 1 (byte 12, line 1): the ISA has 4 element "
                                             "separators '*' before the next segment ('~GS*')")
    assert "Traceback" not in result.output


def test_garbage_bytes_to_json_gives_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "garbage.bin"
    bad.write_bytes(bytes(range(256)) * 3)
    result = runner.invoke(cli, ["to-json", str(bad)])
    assert 2 == result.exit_code and "expected an ISA interchange header" in result.output


def test_json_round_trip_through_stdin() -> None:
    as_json = run("to-json", "-", input=R835.read_bytes())
    assert 0 == as_json.exit_code
    back = runner.invoke(cli, ["from-json", "-"], input=as_json.output.encode())
    assert R835.read_bytes() == back.stdout_bytes


def test_inspect_one_claim_by_clm01() -> None:
    result = run("inspect", str(P837), "--claim", "PCN1002")
    assert result.output.startswith("2300 CLAIM INFORMATION")
    assert "CLM01    Patient Control Number: PCN1002" in result.output
    assert "PCN1001" not in result.output and "PCN1003" not in result.output


def test_inspect_filter_by_loop() -> None:
    result = run("inspect", str(R835), "--loop", "2110")
    headings = [line for line in result.output.splitlines() if not line.startswith(" ")]
    assert headings and set(headings) == {"2110 SERVICE PAYMENT INFORMATION"}


def test_to_xml_has_names_as_attributes() -> None:
    result = run("to-xml", str(P837))
    root = etree.fromstring(result.stdout_bytes)
    clm01 = root.find(".//loop[@id='2300']/segment[@id='CLM']/element[@id='CLM01']")
    assert clm01 is not None and "Patient Control Number" == clm01.get("name") and "PCN1001" == clm01.text
    assert root.find(".//loop[@id='2300']").get("name") == "Claim Information"


def test_the_demo_reads_validates_and_acknowledges_the_samples(capsys: pytest.CaptureFixture[str]) -> None:
    """bin/demo's job: every sample clean and round-tripped; CLP*PCN1001*1*235*125.22 read as a model; the 837P
    with CLM02 of PCN1001 raised to 245 gets one CLM02 balance error and a 277CA rejecting that claim alone."""
    from edi.demo import main

    assert 0 == main(str(SAMPLES))
    out = capsys.readouterr().out
    assert "CLP PCN1001: status 1, charge 235, paid 125.22" in out
    assert "CLM PCN1001: charge 235, 3 line(s) 99214, 87880, 94640" in out
    assert "broken.x12: 1 transaction(s), 3 claim(s), 1 error(s), 0 warning(s)" in out
    assert "error snip3.balance.clm02" in out
    assert out.count("277CA: PCN1001 rejected") == 1 and "277CA: PCN1002 accepted" in out
    assert out.rstrip().endswith("5 files, 0 problem(s)")


@pytest.mark.parametrize("snips", ["6", "1-7", "5,6"])
def test_snip_6_is_refused_with_what_to_use_instead(snips: str) -> None:
    result = runner.invoke(cli, ["validate", str(P837), "--snip", snips])
    assert 2 == result.exit_code
    assert "SNIP 6" in result.output and "not implemented" in result.output and "--payer" in result.output
    assert "Traceback" not in result.output


def test_docs_cite_no_path_outside_the_repository() -> None:
    """Docs are read from a clone or a wheel: an absolute path or one climbing out of the repository breaks."""
    root = Path(__file__).resolve().parent.parent
    outside = re.compile(r"(?<![\w.])(?:\.\./[\w.]|/(?:work|home|tmp|usr|opt|root|Users)/)")
    for doc in [root / "README.md", *sorted((root / "docs").glob("*.md")), *sorted(root.glob("*/README.md"))]:
        for number, line in enumerate(doc.read_text().splitlines(), 1):
            assert not outside.search(line), f"{doc.relative_to(root)}:{number}: {line.strip()}"


def test_read_only_ledger_commands_refuse_a_ledger_that_is_not_there(tmp_path: Path) -> None:
    """A mistyped --db is an error naming the file, not a new empty ledger read as if it were the one meant."""
    missing = tmp_path / "typo.db"
    for args in (["report", "--out", str(tmp_path / "r.html")], ["ledger", "queue"], ["ledger", "report"],
                 ["ledger", "claim", "PCN1001"], ["ledger", "statements", "--out", str(tmp_path / "s")]):
        result = run(*args, "--db", str(missing))
        assert result.exit_code == 2, args
        assert f"{missing}: no ledger there" in result.output, args
        assert not missing.exists(), args


def test_report_into_a_folder_that_is_not_there_names_the_page(tmp_path: Path) -> None:
    run("ledger", "init", "--db", str(tmp_path / "l.db"))
    page = tmp_path / "nowhere" / "r.html"
    result = run("report", "--db", str(tmp_path / "l.db"), "--out", str(page))
    assert result.exit_code == 2
    assert f"{page}: the folder {page.parent} does not exist" in result.output


def test_cycle_authorizations_not_utf8_or_not_csv_is_one_located_line(tmp_path: Path) -> None:
    encounters = tmp_path / "e.jsonl"
    encounters.write_bytes(b"\n".join((SAMPLES / "cycle" / "encounters.jsonl").read_bytes().splitlines()[:2]) + b"\n")
    auth = tmp_path / "auth.csv"
    auth.write_bytes(b"payer_id,member_id\n\xff\xfe\n")
    result = run("cycle", "--encounters", str(encounters), "--db", str(tmp_path / "c.db"), "--out",
                 str(tmp_path / "o"), "--authorizations", str(auth))
    assert result.exit_code == 2
    # byte 19, counted from 0: "payer_id,member_id\n" is 19 bytes, then \xff
    assert result.output.strip().endswith(f"{auth}: not UTF-8 text (byte 19); give the CSV in UTF-8")
    auth.write_text("payer_id,member_id\nEXHP1,M1\n")
    result = run("cycle", "--encounters", str(encounters), "--db", str(tmp_path / "c.db"), "--out",
                 str(tmp_path / "o"), "--authorizations", str(auth))
    assert result.exit_code == 2
    assert f"{auth}: row 2: not an authorization row" in result.output
