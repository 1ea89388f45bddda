"""`edi claims build`: every encounter ends batched, held, duplicate or invalid; what is batched is written into
interchanges per receiver with control numbers from the ledger, checked, recorded and listed in the manifest."""

from __future__ import annotations

import io
import json
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ledger.conftest import db_url, postgres_server, postgres_url  # noqa: F401  (fixtures: both engines)

from edi.claims.scrub import EDITS, Hit, RootCause, edit
from edi.cli import cli
from edi.ledger import Ledger, open_ledger
from edi.models import Claim, iter_claims
from edi.validate import Severity, validate

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "encounters"
AS_OF = "2025-03-01"


def build(*args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = CliRunner().invoke(cli, ["claims", "build", *args, "--format", "json", "--as-of", AS_OF])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.stdout)


def samples(tmp: Path) -> list[str]:
    """Copies of the bundled encounters (a command never reads from samples/ in place)."""
    folder = tmp / "in"
    shutil.copytree(SAMPLES, folder)
    return [str(folder / "encounters.jsonl"), str(folder / "example-pm.csv")]


def adds_up(summary: dict) -> bool:  # type: ignore[type-arg]
    return summary["encounters"] == summary["batched"] + summary["held"] + summary["duplicates"] + summary["invalid"]


def claims_in(folder: Path) -> list[tuple[str, str, str, str, Claim]]:
    """(file, ISA13, GS06, ST02, claim) for every claim of every 837 written in ``folder``."""
    found = []
    for path in sorted(folder.glob("*.x12")):
        for claim in iter_claims(path):
            assert isinstance(claim, Claim)
            assert claim.source is not None
            isa13, gs06, st02 = claim.source.interchange, claim.source.group, claim.source.transaction
            found.append((path.name, isa13, gs06, st02, claim))
    return found


@pytest.fixture
def held_edit() -> Iterator[str]:
    """A test-only edit (not one of the scrubber's): an error on encounter V20250106A, a warning on V20250107B."""
    code = "test.batch.hold"

    def check(enc, refs):  # type: ignore[no-untyped-def]
        if enc.id in ("V20250106A", "V20250107B"):
            severity = Severity.ERROR if enc.id == "V20250106A" else Severity.WARNING
            yield Hit("test finding on lines[0].procedure_code", "lines[0].procedure_code", 0, "test", severity)

    edit(code, root_cause=RootCause.CODING, prevents="CO-11")(check)
    yield code
    del EDITS[code]


class TestBatching:
    def test_sample_encounters_become_checked_interchanges_listed_in_the_manifest(self, tmp_path: Path) -> None:
        """The 2 JSONL and 3 CSV sample encounters (all 837P) go out in one interchange whose name carries the
        receiver and ISA13; it passes edi validate; the manifest names each claim's file and control numbers,
        and every line carries REF*6R as the encounter gives it."""
        code, summary = build(*samples(tmp_path), "--mapping", "example-pm", "--out", str(tmp_path / "out"),
                              "--db", str(tmp_path / "edi.db"))
        assert (0, 5, 5) == (code, summary["encounters"], summary["batched"])
        assert adds_up(summary)
        [file] = summary["files"]
        assert file["file"] == f"example-clearinghouse-{file['isa13']}-837p.x12"
        written = claims_in(tmp_path / "out")
        assert not validate(tmp_path / "out" / file["file"]).has_errors
        manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
        by_claim = {entry["claim"]: entry for entry in manifest["claims"]}
        assert {"J20250110A", "J20250110B", "V20250106A", "V20250107B", "V20250108C"} == set(by_claim)
        for name, isa13, gs06, st02, claim in written:
            entry = by_claim[claim.patient_control_number]
            assert (name, isa13, gs06, st02) == (entry["file"], entry["isa13"], entry["gs06"], entry["st02"])
            assert entry["lines"] == [line.line_item_control_number for line in claim.lines]
        # the CSV's charge ids are the lines' REF*6R (samples/encounters/example-pm.csv, column Charge ID)
        assert ["C9001", "C9002"] == by_claim["V20250106A"]["lines"]

    def test_one_group_per_claim_type_and_one_transaction_per_billing_provider(self, tmp_path: Path) -> None:
        """The hospital CSV gives 837I claims: a file of its own (one GS), apart from the 837P file; with
        --max-claims 1 each transaction holds one claim, each under its own ST02."""
        folder = tmp_path / "in"
        shutil.copytree(SAMPLES, folder)
        code, summary = build(str(folder / "encounters.jsonl"), "--out", str(tmp_path / "p"), "--db",
                              str(tmp_path / "edi.db"), "--max-claims", "1")
        assert code == 0
        assert [("837p", 2, 2)] == [(f["kind"], f["transactions"], f["claims"]) for f in summary["files"]]
        code, summary = build(str(folder / "example-hospital.csv"), "--mapping", "example-hospital", "--out",
                              str(tmp_path / "i"), "--db", str(tmp_path / "edi.db"))
        assert code == 0 and {"837i"} == {f["kind"] for f in summary["files"]}
        for _, _, _, _, claim in claims_in(tmp_path / "i"):
            assert claim.INSTITUTIONAL
        text = (tmp_path / "i" / summary["files"][0]["file"]).read_text()
        assert text.count("GS*HC*") == 1 and "005010X223A2" in text

    def test_control_numbers_continue_from_the_ledger_and_are_never_reused(self, tmp_path: Path) -> None:
        inputs = samples(tmp_path)
        db = str(tmp_path / "edi.db")
        _, first = build(inputs[0], "--out", str(tmp_path / "a"), "--db", db, "--max-claims", "1")
        _, second = build(inputs[1], "--mapping", "example-pm", "--out", str(tmp_path / "b"), "--db", db,
                          "--max-claims", "1")
        isa13s = [f["isa13"] for f in first["files"] + second["files"]]
        st02s = [st02 for folder in ("a", "b") for _, _, _, st02, _ in claims_in(tmp_path / folder)]
        assert len(isa13s) == len(set(isa13s)) and len(st02s) == len(set(st02s)) == 5


class TestNothingLost:
    def test_building_again_reports_duplicates_and_sends_nothing(self, tmp_path: Path) -> None:
        inputs = samples(tmp_path)
        db = str(tmp_path / "edi.db")
        build(*inputs, "--mapping", "example-pm", "--out", str(tmp_path / "a"), "--db", db)
        code, again = build(*inputs, "--mapping", "example-pm", "--out", str(tmp_path / "b"), "--db", db)
        assert (0, 5, 0, []) == (code, again["duplicates"], again["batched"], again["files"])
        dups = json.loads((tmp_path / "b" / "duplicates.json").read_text())["duplicates"]
        assert {"J20250110A"} <= {d["encounter"] for d in dups}
        assert all(d["isa13"] and d["file"] for d in dups)

    def test_replace_sends_a_frequency_7_claim_and_marks_the_first_replaced(self, tmp_path: Path) -> None:
        """--replace: an open claim is sent again with CLM05-3 7 and REF*F8 (the payer's claim number the
        encounter gives); the first claim's status becomes replaced, the new one is open (a third build: duplicate)."""
        inputs = samples(tmp_path)
        db = str(tmp_path / "edi.db")
        build(inputs[0], "--out", str(tmp_path / "a"), "--db", db)
        corrected = tmp_path / "corrected.jsonl"
        corrected.write_text(Path(inputs[0]).read_text().replace('"id":"J2025', '"original_claim_number":"PAYER77",'
                                                                 '"id":"J2025'))
        code, again = build(str(corrected), "--out", str(tmp_path / "b"), "--db", db, "--replace")
        assert (0, 2, 2, 0) == (code, again["batched"], again["replaced"], again["duplicates"])
        claims = [claim for *_, claim in claims_in(tmp_path / "b")]
        assert {("7", "PAYER77")} == {(c.frequency_code, next(r.value for r in c.references if r.qualifier == "F8"))
                                      for c in claims}
        with open_ledger(db) as ledger:
            refs = ledger.submissions_for_claim("J20250110A")
            assert ["1", "7"] == [r.frequency_code for r in refs]
            assert "replaced" == ledger.claim_status(refs[0].claim_id)
            assert "submitted" == ledger.claim_status(refs[1].claim_id)
        _, third = build(str(corrected), "--out", str(tmp_path / "c"), "--db", db)
        assert 2 == third["duplicates"]

    def test_a_replacement_without_the_payers_claim_number_is_held(self, tmp_path: Path) -> None:
        inputs = samples(tmp_path)
        db = str(tmp_path / "edi.db")
        build(inputs[0], "--out", str(tmp_path / "a"), "--db", db)
        code, again = build(inputs[0], "--out", str(tmp_path / "b"), "--db", db, "--replace")
        assert (1, 2, 0, []) == (code, again["held"], again["batched"], again["files"])
        held = json.loads((tmp_path / "b" / "held.json").read_text())["held"]
        assert {"billing.frequency.original_missing"} == {f["code"] for h in held for f in h["findings"]}

    def test_claims_with_scrub_errors_are_held_with_their_findings(self, tmp_path: Path, held_edit: str) -> None:
        code, summary = build(*samples(tmp_path), "--mapping", "example-pm", "--out", str(tmp_path / "a"),
                              "--db", str(tmp_path / "edi.db"))
        assert (1, 1, 4) == (code, summary["held"], summary["batched"])
        assert {"coding": {held_edit: 1}} == summary["held_by_root_cause"]
        [held] = json.loads((tmp_path / "a" / "held.json").read_text())["held"]
        assert ("V20250106A", "coding") == (held["encounter"], held["root_cause"])
        assert [{"code": held_edit, "severity": "error", "root_cause": "coding", "prevents": "CO-11",
                 "field": "lines[0].procedure_code", "line": "C9001",
                 "message": "test finding on lines[0].procedure_code", "source": "test", "line_number": 1}] == [
                     f for f in held["findings"] if f["code"] == held_edit]
        assert "V20250106A" not in {c.patient_control_number for *_, c in claims_in(tmp_path / "a")}
        with open_ledger(str(tmp_path / "edi.db")) as ledger:
            assert [] == ledger.submissions_for_claim("V20250106A")

    def test_hold_warning_holds_warnings_too_and_none_holds_nothing(self, tmp_path: Path, held_edit: str) -> None:
        inputs = samples(tmp_path)
        _, warned = build(*inputs, "--mapping", "example-pm", "--out", str(tmp_path / "w"), "--db",
                          str(tmp_path / "w.db"), "--hold", "warning")
        _, none = build(*inputs, "--mapping", "example-pm", "--out", str(tmp_path / "n"), "--db",
                        str(tmp_path / "n.db"), "--hold", "none")
        held = {h["encounter"] for h in json.loads((tmp_path / "w" / "held.json").read_text())["held"]}
        assert {"V20250106A", "V20250107B"} <= held and warned["held"] == len(held) == 5 - warned["batched"]
        assert (0, 5) == (none["held"], none["batched"])

    def test_a_file_that_fails_its_check_is_not_sent_and_its_claims_are_held_or_sent_again(
            self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """The written file is checked before it is recorded: an error in one claim (here put there by a stand-in
        for edi validate) keeps the file back; that claim is held with the finding, the other goes out in another
        file; an error outside the claims (the envelope) holds both. Nothing held is recorded as sent."""
        import edi.claims._check as checking

        def failing(claim: str | None) -> object:
            def check(path: str, name: str) -> checking.Checked:
                if claim is not None and f"CLM*{claim}*" not in Path(path).read_text():
                    return checking.Checked(None, [])
                return checking.Checked(None, [checking.Problem("snip3.balance.clm02", "CLM02 is off (stand-in)",
                                                                claim, "CLM02")])
            return check

        inputs = samples(tmp_path)
        db = str(tmp_path / "edi.db")
        monkeypatch.setattr(checking, "check", failing("J20250110B"))
        code, summary = build(inputs[0], "--out", str(tmp_path / "a"), "--db", db)
        assert (1, 1, 1) == (code, summary["batched"], summary["held"])
        assert not list((tmp_path / "a").glob(".*.partial"))
        [file] = summary["files"]
        assert ["J20250110A"] == [c.patient_control_number for *_, c in claims_in(tmp_path / "a")]
        assert file["isa13"] == "000000002"     # the first file's ISA13 (1) is a gap, never used again
        held = {h["encounter"]: h["findings"] for h in json.loads((tmp_path / "a" / "held.json").read_text())["held"]}
        assert ["snip3.balance.clm02"] == [f["code"] for f in held["J20250110B"]]
        with open_ledger(db) as ledger:
            assert [] == ledger.submissions_for_claim("J20250110B")

        monkeypatch.setattr(checking, "check", failing(None))
        code, summary = build(inputs[1], "--mapping", "example-pm", "--out", str(tmp_path / "b"), "--db", db)
        assert (1, 0, 3, []) == (code, summary["batched"], summary["held"], summary["files"])
        monkeypatch.undo()
        code, again = build(inputs[0], "--out", str(tmp_path / "c"), "--db", db)
        assert (1, 1) == (again["batched"], again["duplicates"])

    def test_invalid_rows_are_located_and_the_rest_goes_out(self, tmp_path: Path) -> None:
        lines = (SAMPLES / "encounters.jsonl").read_text().splitlines()
        bad = lines[1].replace('"charge":', '"charge":"abc","x":', 1)
        source = tmp_path / "mixed.jsonl"
        source.write_text("\n".join([lines[0], bad, "{not json"]) + "\n")
        code, summary = build(str(source), "--out", str(tmp_path / "a"), "--db", str(tmp_path / "edi.db"))
        assert (1, 3, 1, 2) == (code, summary["encounters"], summary["batched"], summary["invalid"])
        invalid = json.loads((tmp_path / "a" / "invalid.json").read_text())["invalid"]
        assert [2, 3] == [entry["line"] for entry in invalid]
        assert invalid[0]["field"].startswith("$.lines[") and str(source) in invalid[0]["error"]

    def test_text_output_groups_held_claims_by_root_cause(self, tmp_path: Path, held_edit: str) -> None:
        result = CliRunner().invoke(cli, ["claims", "build", *samples(tmp_path), "--mapping", "example-pm",
                                          "--out", str(tmp_path / "a"), "--db", str(tmp_path / "edi.db"),
                                          "--as-of", AS_OF])
        assert 1 == result.exit_code
        text = result.stdout
        assert text.startswith("5 encounter(s): 4 batched, 1 held, 0 duplicate(s), 0 invalid")
        assert f"held, coding (1 shown; by finding: {held_edit} 1)" in text
        assert f"error {held_edit} [lines[0].procedure_code]: test finding" in text and "prevents CO-11" in text
        assert "\x1b[" not in result.output   # no progress bar when not on a terminal


class TestInputs:
    def test_a_practices_837_is_scrubbed_and_sent_on(self, tmp_path: Path) -> None:
        """A clearinghouse re-scrubs the 837s practices send: the sample 837P's three claims go out again, under
        the receiver's envelope and the ledger's control numbers, with their REF*6R kept."""
        source = tmp_path / "practice.x12"
        shutil.copy(SAMPLES.parent / "837p-office-visits.x12", source)
        code, summary = build(str(source), "--out", str(tmp_path / "a"), "--db", str(tmp_path / "edi.db"))
        assert (0, 3, 3) == (code, summary["encounters"], summary["batched"])
        written = claims_in(tmp_path / "a")
        assert {"PCN1001", "PCN1002", "PCN1003"} == {c.patient_control_number for *_, c in written}
        read = {c.patient_control_number: [line.line_item_control_number for line in c.lines]
                for c in iter_claims(source) if isinstance(c, Claim)}
        assert read == {c.patient_control_number: [line.line_item_control_number for line in c.lines]
                        for *_, c in written}
        assert "ZZ*EXCH" in (tmp_path / "a" / summary["files"][0]["file"]).read_text()

    def test_an_input_that_cannot_be_read_is_one_line_and_exit_2(self, tmp_path: Path) -> None:
        garbage = tmp_path / "garbage.x12"
        garbage.write_bytes(b"ISA*00*\x00\x01 not an interchange")
        result = CliRunner().invoke(cli, ["claims", "build", str(garbage), "--out", str(tmp_path / "a"), "--db",
                                          str(tmp_path / "edi.db")])
        assert 2 == result.exit_code, result.output
        assert 1 == len(result.output.strip().splitlines()) and "garbage.x12" in result.output
        assert "Traceback" not in result.output


class TestCannotRun:
    def test_a_bad_ledger_url_is_one_line_and_exit_2(self, tmp_path: Path) -> None:
        result = CliRunner().invoke(cli, ["claims", "build", samples(tmp_path)[0], "--out", str(tmp_path / "a"),
                                          "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none"])
        assert 2 == result.exit_code
        assert 1 == len(result.output.strip().splitlines()) and "Traceback" not in result.output

    def test_an_unknown_receiver_names_the_known_ones(self, tmp_path: Path) -> None:
        result = CliRunner().invoke(cli, ["claims", "build", samples(tmp_path)[0], "--out", str(tmp_path / "a"),
                                          "--db", str(tmp_path / "edi.db"), "--receiver", "nowhere"])
        assert 2 == result.exit_code and "example-clearinghouse" in result.output


def test_a_build_is_recorded_in_the_ledger_on_both_engines(tmp_path: Path, db_url: str) -> None:  # noqa: F811
    code, summary = build(*samples(tmp_path), "--mapping", "example-pm", "--out", str(tmp_path / "a"),
                          "--db", db_url)
    assert (0, 5) == (code, summary["batched"])
    with open_ledger(db_url) as ledger:
        [ref] = ledger.submissions_for_claim("V20250106A")
        assert ref.interchange_control_number == summary["files"][0]["isa13"]
        assert "submitted" == ledger.claim_status(ref.claim_id)
        assert ["V20250106A"] == [r.patient_control_number for r in ledger.claims_by_line_control_number("C9001")]
    assert date.today()  # the build's created date is today's


# ---------------------------------------------------------------- processes: concurrency and a kill mid-build
SMALL_FILES = """
[receiver]
name = "TEST CLEARINGHOUSE"
id = "TESTCH"
[submitter]
name = "TEST BILLING"
id = "TESTBILL"
phone = "5555550199"
[interchange]
sender = "ZZ:TESTBILL"
receiver = "ZZ:TESTCH"
[batch]
max_claims_per_transaction = 2
max_claims_per_file = 5
"""


def synthetic(tmp: Path, count: int, seed: int) -> Path:
    path = tmp / f"synth-{seed}.jsonl"
    result = CliRunner().invoke(cli, ["synth", "encounters", "--count", str(count), "--seed", str(seed),
                                      "--as-of", AS_OF, "--out", str(path)])
    assert result.exit_code == 0, result.output
    return path


def build_process(inputs: list[Path], out: Path, db: str, receiver: Path) -> subprocess.Popen[str]:
    command = ["claims", "build", *map(str, inputs), "--out", str(out), "--db", db, "--receiver", str(receiver),
               "--as-of", AS_OF, "--format", "json"]
    return subprocess.Popen([sys.executable, "-c", "from edi.cli import main; main()", *command],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def envelopes(folder: Path) -> list[tuple[str, str, str]]:
    """(ISA13, GS06, ST02) of every transaction written in the folder's 837 files."""
    found = []
    for path in folder.glob("*.x12"):
        segments = [s.split("*") for s in path.read_text().replace("\n", "").split("~") if s]
        isa13 = next(s[13] for s in segments if s[0] == "ISA")
        gs06 = next(s[6] for s in segments if s[0] == "GS")
        found += [(isa13, gs06, s[2]) for s in segments if s[0] == "ST"]
    return found


def test_two_concurrent_builds_never_share_a_control_number(tmp_path: Path, db_url: str) -> None:  # noqa: F811
    """Two builds at once on one ledger, many small files each: every ISA13, GS06 and ST02 is used once."""
    receiver = tmp_path / "small.toml"
    receiver.write_text(SMALL_FILES)
    open_ledger(db_url).close()   # migrated once, before both start
    runs = [build_process([synthetic(tmp_path, 40, seed)], tmp_path / f"out{seed}", db_url, receiver)
            for seed in (11, 12)]
    summaries = [json.loads(run.communicate(timeout=300)[0]) for run in runs]
    assert all(run.returncode == 0 for run in runs), [run.stderr for run in runs]
    assert all(s["batched"] == 40 and len(s["files"]) >= 5 for s in summaries)
    found = envelopes(tmp_path / "out11") + envelopes(tmp_path / "out12")
    assert len(found) >= 40
    files = {(isa13, gs06) for isa13, gs06, _ in found}          # one interchange and one group per file
    assert len(files) == len(list((tmp_path / "out11").glob("*.x12"))) + len(list((tmp_path / "out12").glob("*.x12")))
    for numbers in ([isa13 for isa13, _ in files], [gs06 for _, gs06 in files], [st02 for *_, st02 in found]):
        assert len(numbers) == len(set(numbers)), f"a control number was used twice: {sorted(numbers)}"


def test_a_build_killed_mid_run_leaves_a_consistent_ledger(tmp_path: Path, db_url: str) -> None:  # noqa: F811
    """SIGKILL once a few files are out; building the same input again into the same folder sends the rest:
    every claim is in exactly one file and recorded as submitted once, and no control number is used twice."""
    receiver = tmp_path / "small.toml"
    receiver.write_text(SMALL_FILES)
    source = synthetic(tmp_path, 300, 21)
    out = tmp_path / "out"
    open_ledger(db_url).close()
    first = build_process([source], out, db_url, receiver)
    deadline = time.monotonic() + 120
    while len(list(out.glob("*.x12"))) < 3 and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    first.send_signal(signal.SIGKILL)
    first.communicate()
    assert first.returncode == -signal.SIGKILL, "the build ended before it was killed"
    sent_first = {path.name for path in out.glob("*.x12")}
    assert sent_first, "the build was killed before it wrote any file"
    second = build_process([source], out, db_url, receiver)
    summary = json.loads(second.communicate(timeout=300)[0])
    assert second.returncode == 0
    assert 300 == summary["batched"] + summary["duplicates"] and summary["held"] == summary["invalid"] == 0
    claims = [c.patient_control_number for *_, c in claims_in(out)]
    assert 300 == len(claims) == len(set(claims))
    found = envelopes(out)
    assert len({f[0] for f in found}) == len(list(out.glob("*.x12")))
    assert len({f[2] for f in found}) == len(found)
    with open_ledger(db_url) as ledger:
        for claim in claims[::7]:
            assert 1 == len(ledger.submissions_for_claim(claim)), claim
    assert not list(out.glob(".*.partial"))


# ---------------------------------------------------------------- property: the counts add up
BAD_ROWS = ["{not json", '{"schema":"edi-encounter/1"}', '{"id": 5}', "[]", '{"id":"X1","lines":"none"}']


@pytest.fixture(scope="module")
def shared_ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    with open_ledger(str(tmp_path_factory.mktemp("ledger") / "edi.db")) as ledger:
        yield ledger


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(count=st.integers(0, 25), seed=st.integers(1, 10_000), error_rate=st.sampled_from([0.0, 0.3, 1.0]),
       bad=st.lists(st.tuples(st.integers(0, 30), st.sampled_from(BAD_ROWS)), max_size=6),
       repeat=st.booleans(), hold=st.sampled_from(["error", "warning", "none"]))
def test_every_encounter_ends_batched_held_duplicate_or_invalid(
        tmp_path_factory: pytest.TempPathFactory, shared_ledger: Ledger, count: int, seed: int, error_rate: float,
        bad: list[tuple[int, str]], repeat: bool, hold: str) -> None:
    """Synthetic encounters (with labelled errors) and bad rows mixed in, some encounters twice: encounters =
    batched + held + duplicates + invalid, and each output file lists its share."""
    from edi.claims._batch import BuildOptions
    from edi.claims._batch import build as build_library
    from edi.claims._json import encode_lines
    from edi.claims._receivers import load_receiver
    from edi.synth._encounters import synth_encounters

    folder = tmp_path_factory.mktemp("prop")
    encoded = io.BytesIO()
    encode_lines(synth_encounters(count, seed, as_of=date(2025, 3, 1), error_rate=error_rate), encoded)
    rows = encoded.getvalue().decode().splitlines()
    if repeat and rows:
        rows.append(rows[0])
    for position, row in bad:
        rows.insert(min(position, len(rows)), row)
    source = folder / "in.jsonl"
    source.write_text("\n".join(rows) + "\n")
    s = build_library([source], folder / "out", shared_ledger,
                      BuildOptions(load_receiver(None), date(2025, 3, 1), hold=hold))
    assert len(rows) == s.encounters == s.batched + s.held + s.duplicates + s.invalid
    assert s.invalid >= len(bad)
    assert s.duplicates >= (1 if repeat and count else 0)
    outputs = {name: len(json.loads((folder / "out" / f"{name}.json").read_text())[key])
               for name, key in (("manifest", "claims"), ("held", "held"), ("duplicates", "duplicates"),
                                 ("invalid", "invalid"))}
    assert (s.batched, s.held, s.duplicates, s.invalid) == (outputs["manifest"], outputs["held"],
                                                            outputs["duplicates"], outputs["invalid"])
    assert s.batched == sum(f.claims for f in s.files) == len(claims_in(folder / "out"))


def test_the_demo_builds_the_sample_encounters_and_shows_the_held_one(capsys: pytest.CaptureFixture[str]) -> None:
    """bin/demo's claims-out step: the 7 bundled encounters (CSV and JSONL) are batched; a copy a week later with a
    diagnosis code ICD-10-CM does not have (L72.39X) is held by the scrubber under root cause coding."""
    from edi.demo import show_batch

    assert 0 == show_batch(SAMPLES.parent)
    out = capsys.readouterr().out
    assert "8 encounter(s): 7 batched, 1 held, 0 duplicate(s), 0 invalid" in out
    assert "held, coding (1 shown; by finding: coding.icd10.invalid 1)" in out
    assert "J20250117X (defect.jsonl):" in out and "'L72.39X' is not an ICD-10-CM code" in out
