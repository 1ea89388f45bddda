"""`bin/demo`: the main job on the bundled samples — what each file holds, one claim's loop tree, a lossless round
trip of each file, the claims and payments read as typed models, and each file validated and acknowledged (999,
277CA), clean and with one defect put into a claim; then the whole revenue cycle on samples/cycle (`edi cycle`)."""

from __future__ import annotations

import io
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from edi.errors import EdiError
from edi.inspect import file_info, from_json, inspect_lines, render_info, to_json
from edi.x12 import tokenize, write

if TYPE_CHECKING:
    from edi.ledger import Ledger


def main(folder: str) -> int:
    files = sorted(p for p in Path(folder).iterdir() if p.suffix == ".x12")
    failures = 0
    for path in files:
        try:
            print(render_info(file_info(path)))
        except EdiError as exc:
            print(exc)
            failures += 1
    claim_file = next((p for p in files if p.name.startswith("837p")), None)
    if claim_file is not None:
        print(f"\nOne claim's loop tree ({claim_file.name}, `edi inspect --loop 2300`, first claim):")
        lines = list(inspect_lines(claim_file, loop_id="2300"))
        end = next((i for i, line in enumerate(lines[1:], 1) if line.startswith("2300")), len(lines))
        print("\n".join(lines[:end]))
    print("\nRound trips:")
    for path in files:
        data = path.read_bytes()
        by_writer = write(tokenize(data)) == data
        buf = io.StringIO()
        to_json(data, buf, name=path.name)
        by_json = from_json(buf.getvalue()) == data
        failures += not (by_writer and by_json)
        print(f"  {path.name:<28} tokenize+write {'identical' if by_writer else 'DIFFERENT'}, "
              f"to-json+from-json {'identical' if by_json else 'DIFFERENT'}")
    failures += show_models(files)
    failures += show_validation(files, claim_file)
    failures += show_batch(Path(folder))
    failures += show_posting(Path(folder))
    failures += show_cycle(Path(folder))
    print(f"\n{len(files)} files, {failures} problem(s)")
    return 1 if failures else 0


def show_models(files: list[Path]) -> int:
    """Claims and claim payments as typed models (`edi to-json --models`); 1 when a sample does not read back."""
    from edi.models import Claim, ClaimPayment, iter_claims, read

    print("\nTyped models (edi.models.iter_claims):")
    for path in files:
        if not path.name.startswith(("837", "835")):
            continue
        for claim in iter_claims(path):
            if isinstance(claim, ClaimPayment):
                print(f"  {path.name:<28} CLP {claim.patient_control_number}: status {claim.status_code}, charge "
                      f"{claim.total_charge}, paid {claim.paid_amount}, adjusted {claim.adjustment_total}, "
                      f"{len(claim.services)} service(s)")
            elif isinstance(claim, Claim):
                print(f"  {path.name:<28} CLM {claim.patient_control_number}: charge {claim.total_charge}, "
                      f"{len(claim.lines)} line(s) {', '.join(map(_line_code, claim.lines))}")
    return sum(not list(read(p)) for p in files)


def _line_code(line: object) -> str:
    """"99213" (837P), or "0300:80053" / "0450" (837I revenue code, with its procedure when there is one)."""
    revenue, procedure = getattr(line, "revenue_code", ""), getattr(line, "procedure_code", "")
    return ":".join(part for part in (revenue, procedure) if part)


def show_validation(files: list[Path], claim_file: Path | None) -> int:
    """Each sample validated (SNIP 1–5, 7) with its 999 and 277CA; then the 837P with one claim's charge changed.
    1 when a bundled sample is not clean, or the broken claim is not the one rejected."""
    from edi.inspect._report import render_text, summary
    from edi.validate import validate

    print("\nValidation (edi validate, SNIP 1-5 and 7) and acknowledgments:")
    failures = 0
    for path in files:
        report = validate(path)
        failures += report.has_errors
        print(f"  {summary(report)}")
        for line in _acks(report, path):
            print(f"    {line}")
    if claim_file is None:
        return failures
    data = claim_file.read_bytes()
    broken = data.replace(b"CLM*PCN1001*235*", b"CLM*PCN1001*245*", 1)
    print("\nThe same 837P with CLM02 of claim PCN1001 changed from 235 to 245 (`edi validate broken.x12`):")
    report = validate(broken, name="broken.x12")
    for line in render_text(report):
        print(f"  {line}")
    acks = _acks(report, claim_file, broken)
    for line in acks:
        print(f"    {line}")
    expected = ["999: transaction 0001 A", "277CA: PCN1001 rejected", "277CA: PCN1002 accepted",
                "277CA: PCN1003 accepted"]
    return failures + (acks != expected) + (not report.has_errors)


DEMO_AS_OF = date(2025, 2, 3)   # "today" for the scrubber: the samples' visits are in January 2025


def show_batch(folder: Path) -> int:
    """The bundled encounters (CSV and JSON Lines) scrubbed, batched into 837P/837I files and recorded in a SQLite
    ledger, as `edi claims build` does; held claims are shown with their root causes. 1 when the build does not
    account for every encounter, or sends nothing."""
    from edi.claims._batch import BuildOptions, build, render_text
    from edi.claims._receivers import load_receiver
    from edi.ledger import open_ledger

    inputs = sorted((folder / "encounters").glob("*.csv")) + sorted((folder / "encounters").glob("*.jsonl"))
    if not inputs:
        return 0
    with tempfile.TemporaryDirectory() as tmp, open_ledger(str(Path(tmp) / "demo.db")) as ledger:
        defect = _defective_encounter(inputs[-1], Path(tmp))
        print(f"\nClaims out (`edi claims build {' '.join(p.name for p in inputs)} {defect.name} --out batch/ "
              f"--db demo.db --as-of {DEMO_AS_OF}`; CSV read by the column map named like the file; "
              f"{defect.name} is J20250110A again a week later as J20250117X, with a diagnosis code that does not "
              "exist):")
        options = BuildOptions(load_receiver(None), DEMO_AS_OF,
                               mappings={str(p): p.stem for p in inputs if p.suffix == ".csv"})
        summary = build([*inputs, defect], Path(tmp) / "batch", ledger, options)
        for line in render_text(summary):
            print(f"  {line.replace(tmp + '/', '')}")
    adds_up = summary.encounters == summary.batched + summary.held + summary.duplicates + summary.invalid
    return 0 if adds_up and summary.batched == summary.encounters - 1 and summary.held == 1 else 1


def _defective_encounter(jsonl: Path, folder: Path) -> Path:
    """The first JSON Lines encounter again a week later under a new id, its principal diagnosis a code ICD-10-CM
    does not have (L72.39X): the scrubber holds it (coding.icd10.invalid)."""
    import msgspec

    from edi.claims import Encounter

    first = msgspec.json.decode(jsonl.read_bytes().splitlines()[0], type=Encounter)
    diagnoses = (msgspec.structs.replace(first.diagnoses[0], code="L72.39X"), *first.diagnoses[1:])
    later = date(2025, 1, 17)   # a visit a week later (the same services on the same day would be duplicates)
    changed = msgspec.structs.replace(first, id="J20250117X", diagnoses=diagnoses, service_date=later,
                                      lines=tuple(msgspec.structs.replace(line, id=f"X{line.id}", service_date=later)
                                                  for line in first.lines))
    path = folder / "defect.jsonl"
    path.write_bytes(msgspec.json.encode(changed) + b"\n")
    return path


def _acks(report: object, path: Path, data: bytes | None = None) -> list[str]:
    """What the 999 and the 277CA built for ``report`` say: one line per transaction and per claim."""
    from edi.acks import build_277ca, build_999

    lines = [f"999: transaction {t.control_number} {t.code}" for ack in build_999(report)  # type: ignore[arg-type]
             for t in ack.transactions]
    lines += [f"277CA: {claim.patient_control_number} {'accepted' if claim.accepted else 'rejected'}"
              for ack in build_277ca(report, data if data is not None else path)  # type: ignore[arg-type]
              for claim in ack.claims]
    return lines


def show_posting(folder: Path) -> int:
    """ERAs back in: the sample 837P recorded as sent (`edi ledger import`), then its 999, 277CA and the 835 posted
    (`edi post`), the ledger's ERA report and claim PCN1001's history. The sample 835 also pays two claims the
    837P does not hold (PCN0987, PCN0950): they go to the exception queue, their dollars in suspense. 1 when the
    ERA does not balance or PCN1001 is not paid as the 835 says (125.22)."""
    from edi.ledger import open_ledger
    from edi.ledger._posting import claim_history, era_report
    from edi.posting import import_837, post_file
    from edi.posting._report import render_claim_history, render_era_report, render_text

    claims, remits = folder / "837p-office-visits.x12", [folder / n for n in ("999-ack.x12", "277ca-claim-ack.x12",
                                                                                  "835-remittance.x12")]
    if not claims.exists() or not all(p.exists() for p in remits):
        return 0
    with tempfile.TemporaryDirectory() as tmp, open_ledger(str(Path(tmp) / "demo.db")) as ledger:
        imported = import_837(ledger, claims)
        print(f"\nERAs back in (`edi ledger import {claims.name}`: {imported.claims} claims recorded as sent; "
              f"`edi post {' '.join(p.name for p in remits)}`):")
        results = [post_file(ledger, path) for path in remits]
        for line in render_text(results, dry_run=False):
            print(f"  {line}")
        with ledger._read() as conn:
            rows, history = era_report(conn), claim_history(conn, "PCN1001")
        print("\n`edi ledger report`:")
        for line in render_era_report(rows):
            print(f"  {line}")
        print("\n`edi ledger claim PCN1001`:")
        for line in render_claim_history("PCN1001", history):
            print(f"  {line}")
    paid = [p["paid"] for c in history for p in c["payments"]]
    return 0 if rows and all(r["balanced"] for r in rows) and [str(x) for x in paid] == ["125.22"] else 1


def show_cycle(folder: Path) -> int:
    """`edi cycle` on samples/cycle (320 coded encounters, four simulated payers) into a new SQLite ledger in
    <temp>/edi-demo-cycle/ (emptied first, kept afterwards so every number printed can be traced in the ledger and
    the week folders): the summary per week and in total. 1 when an encounter ends unsettled (pending) or an ERA
    does not balance."""
    import shutil

    from edi.cycle import CycleOptions, run_cycle
    from edi.ledger import open_ledger
    from edi.ledger._posting import era_report

    samples = folder / "cycle"
    if not (samples / "encounters.jsonl").exists():
        return 0
    home = Path(tempfile.gettempdir()) / "edi-demo-cycle"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir()
    out, db = home / "cycle", home / "cycle.db"
    print(f"\nThe revenue cycle (`edi cycle --encounters {samples}/encounters.jsonl --db {db} --out {out} --seed 1`: "
          "encounters due each simulated week scrubbed and built, split by payer, answered by the payer simulator, "
          "999/277CA and 835s posted as their payment dates come, corrections by rule resent, secondary claims, "
          "patient statements):")
    with open_ledger(str(db)) as ledger:
        summary = run_cycle([samples / "encounters.jsonl"], ledger,
                            CycleOptions(out, seed=1, roster=samples / "roster.csv",
                                         authorizations=samples / "authorizations.csv"))
        for line in summary.text():
            print(f"  {line}")
        _report(ledger, out, summary.as_of)
        with ledger._read() as conn:
            balanced = all(row["balanced"] for row in era_report(conn))
    return 0 if balanced and summary.weeks and "pending" not in summary.outcomes.values() else 1


def _report(ledger: Ledger, out_dir: Path, as_of: date) -> None:
    """The revenue-cycle KPIs of the cycle's ledger as of its last simulated day (``as_of``), written beside its
    files (``out_dir``, kept after the demo): the page's path and its headline lines."""
    from edi.cycle import write_report
    from edi.report import headline

    page, kpis = write_report(ledger, out_dir, as_of)
    print(f"\nThe KPI report (`edi report --db {out_dir.parent / 'cycle.db'} --out {page} --as-of {as_of}`; "
          "formulas in docs/kpis.md):")
    for line in headline(kpis):
        print(f"  {line}")
    print(f"  open it: {page}")

if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "samples"))
