"""The `edi` command: thin click wrappers over library calls; engine errors become one line, never a traceback."""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import sys
import textwrap
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import click

from edi import skip_final_collection
from edi.errors import EdiError
from edi.logging import configure_logging

if TYPE_CHECKING:
    from edi.validate import Report


class _Cli(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except EdiError as exc:
            click.echo(str(exc), err=True)
            sys.exit(2)
        except BrokenPipeError:
            sys.exit(0)
        except OSError as exc:   # a folder that does not exist, a file that cannot be written …: one line
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"{where}{exc.strerror or exc}", err=True)
            sys.exit(2)
        except UnicodeDecodeError as exc:   # a text input (TOML, CSV, JSON) that is not UTF-8, if a reader missed it
            click.echo(f"an input is not UTF-8 text (byte {exc.start} is {exc.object[exc.start:exc.start + 1]!r}); "
                       "give the file in UTF-8", err=True)
            sys.exit(2)


FILE = click.Path(exists=True, dir_okay=False, path_type=Path, allow_dash=False)
INPUT = click.Path(exists=True, dir_okay=False, path_type=Path, allow_dash=True)  # '-' reads standard input


@click.group(cls=_Cli)
@click.version_option(package_name="edi")
def cli() -> None:
    """X12 EDI engine for US healthcare claims (837P, 837I, 835, 999, 277CA).

    Example: edi info samples/837p-office-visits.x12
    """
    configure_logging()


@cli.command()
@click.argument("files", nargs=-1, required=True, type=INPUT)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def info(files: tuple[Path, ...], fmt: str) -> None:
    """Summarize files ('-' reads standard input): interchanges, groups, transactions, claim and remittance
    counts, delimiters, envelope problems. Each file's summary is written as soon as it is read.

    Example: edi info samples/*.x12 --format json
    """
    from edi.inspect import FileInfo, file_info, render_info

    failed = False
    if fmt == "json":
        click.echo("[")
    for n, path in enumerate(files):
        with _opened(path) as (source, name):
            try:
                summary = file_info(source, name)
            except EdiError as exc:
                failed = True
                summary = FileInfo(name, -1, error=str(exc))
        if fmt == "json":
            entry = {"file": name, "error": summary.error} if summary.error else summary.as_dict()
            text = textwrap.indent(json.dumps(entry, indent=1, ensure_ascii=False), " ")
            click.echo(text + ("," if n < len(files) - 1 else ""))
        else:
            click.echo(render_info(summary))
    if fmt == "json":
        click.echo("]")
    sys.exit(2 if failed else 0)


@cli.command()
@click.argument("file", type=INPUT)
@click.option("--loop", "loop_id", help="Show only this loop's instances, e.g. 2300 or 2110.")
@click.option("--claim", help="Show only the claim (2300) or claim payment (2100) with this CLM01 / CLP01.")
def inspect(file: Path, loop_id: str | None, claim: str | None) -> None:
    """Print the loop tree ('-' reads standard input) with loop, segment and element names from the
    implementation guide and what coded values mean; exit code 1 when --loop or --claim matches nothing.

    Example: edi inspect samples/837p-office-visits.x12 --claim PCN1002
    """
    from edi.inspect import inspect_lines

    shown = False
    with _opened(file) as (source, name):
        lines = iter(inspect_lines(source, loop_id=loop_id, claim=claim, name=name))
        while batch := list(itertools.islice(lines, 2048)):
            click.echo("\n".join(batch))  # echoing a line at a time cost more than making the lines
            shown = True
    if not shown and (loop_id is not None or claim is not None):
        what = f"no claim or claim payment {claim!r} (CLM01 / CLP01)" if claim is not None else f"no loop {loop_id!r}"
        click.echo(f"{name}: {what} in this file", err=True)
        sys.exit(1)


@cli.command("to-json")
@click.argument("file", type=INPUT)
@click.option("--models", is_flag=True, help="Emit the typed models (claims, remittances, acks) instead of the "
              "lossless segment tree.")
@click.option("--lines", is_flag=True, help="JSON Lines: one transaction a line, envelope segments on lines of "
              "their own (with --models: the interchange, group and transaction data, then one claim or claim "
              "payment a line); `edi from-json` reads both.")
def to_json_command(file: Path, models: bool, lines: bool) -> None:
    """Write the lossless JSON form of FILE ('-' reads standard input) to standard output, as it reads; with
    --models, the typed models (a claim at a time).

    Example: edi to-json samples/835-remittance.x12 > remit.json
    """
    if models:
        from edi.models._json import to_json as models_to_json

        source, name = _source_of(file)
        models_to_json(source, sys.stdout.buffer, name=name, lines=lines)
        sys.stdout.buffer.flush()
        return
    from edi.inspect import to_json

    with _opened(file) as (source, name):
        to_json(source, sys.stdout.buffer, name=name, lines=lines)
    sys.stdout.buffer.flush()


@cli.command("from-json")
@click.argument("file", type=INPUT)
@click.option("--models", is_flag=True, help="The document holds typed models (from `edi to-json --models`).")
def from_json_command(file: Path, models: bool) -> None:
    """Write the X12 bytes a JSON document or JSON Lines (from `edi to-json [--models] [--lines]`) was made from
    to standard output, read in one pass.

    A document that cannot become X12 (a missing key, a value holding a delimiter …) stops with one line naming
    the JSON path, and exit code 2; nothing is written then (the X12 reaches standard output once all is read).

    Example: edi from-json remit.json > remit.x12
    """
    import shutil
    import tempfile

    if models:
        from edi.models._json import from_json as convert
    else:
        from edi.inspect import write_x12 as convert
    with tempfile.TemporaryFile() as spool, _opened(file) as (source, name):
        convert(source, spool, name=name)
        spool.seek(0)
        shutil.copyfileobj(spool, sys.stdout.buffer, 1 << 20)
    sys.stdout.buffer.flush()


@cli.command()
@click.argument("kind", type=click.Choice(["837p", "837i", "835", "999", "277ca", "ta1", "997", "encounter"]))
def schema(kind: str) -> None:
    """Print the JSON Schema of a model, as `edi to-json --models` writes it, or of the coded encounter
    (docs/encounters.md).

    Example: edi schema 835 > remittance.schema.json
    """
    if kind == "encounter":
        from edi.claims import encounter_schema

        click.echo(json.dumps(encounter_schema(), indent=1, ensure_ascii=False))
        return
    from edi.models._json import schema as model_schema

    click.echo(json.dumps(model_schema(kind), indent=1))


@cli.command()
@click.argument("old", type=FILE)
@click.argument("new", type=FILE)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def diff(old: Path, new: Path, fmt: str) -> None:
    """What changed from OLD to NEW, claim by claim: claims (CLM01 / CLP01) added and removed, and each changed
    amount, code, date or party with the X12 place it is in; lines paired by REF*6R. Control numbers and segment
    positions are not changes. Exit 0 when the claims are the same, 1 when they differ.

    Example: edi diff submitted.837 resubmitted.837
    """
    from edi.inspect._diff import DiffSummary, diff_files

    summary = DiffSummary()
    changes = diff_files(old, new, summary)
    if fmt == "json":
        found = [c.as_dict() for c in changes]
        click.echo(json.dumps({"old": str(old), "new": str(new), "changes": found,
                               "summary": {"added": summary.added, "removed": summary.removed,
                                           "changed": summary.changed, "unchanged": summary.unchanged},
                               "envelopes": summary.controls},
                              indent=1, ensure_ascii=False, default=str))
    else:
        click.echo(f"--- {old}\n+++ {new}")
        last = None
        for change in changes:
            if change.claim != last:
                click.echo(change.claim)
                last = change.claim
            where = change.path + (f" ({change.holds})" if change.holds else "")
            if change.kind == "changed":
                click.echo(f"  ~ {where}: {_shown(change.old)} → {_shown(change.new)}")
            elif change.path:
                click.echo(f"  {'+' if change.kind == 'added' else '-'} {where}: {_shown(change.new or change.old)}")
            else:
                click.echo(f"  {change.kind}: {_shown(change.new or change.old)}")
        before, after = summary.controls.get("ISA13/ST02", ([], []))
        if before != after:
            click.echo(f"envelopes (ISA13/ST02): {', '.join(before) or '(none)'} → {', '.join(after) or '(none)'}")
        click.echo(f"{summary.changed} claim(s) changed, {summary.added} added, {summary.removed} removed, "
                   f"{summary.unchanged} unchanged")
    sys.exit(1 if summary.differs else 0)


def _shown(value: object) -> str:
    if value is None or value == "":
        return "(none)"
    return json.dumps(value, ensure_ascii=False, default=str) if isinstance(value, (dict, list)) else str(value)


@cli.command()
@click.argument("file", type=INPUT)
@click.option("-o", "--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the redacted file (default: standard output).")
@click.option("--key", envvar="EDI_REDACT_KEY", help="Secret the replacements are derived from (or $EDI_REDACT_KEY): "
              "the same key gives the same replacements in every file, so a redacted 837 still matches its "
              "redacted 835. Without one a random key is used and forgotten.")
@click.option("--providers", is_flag=True, help="Replace provider and payer names and ids too (NPIs by other valid "
              "NPIs); they are not PHI and are kept by default.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="How the report of what was replaced is written (to standard error).")
def redact(file: Path, out: Path | None, key: str | None, providers: bool, fmt: str) -> None:
    """De-identify an 837P, 837I, 835, 277CA or 999: names, street addresses, cities, ZIP codes past their first three
    digits, patient dates (shifted 1-30 days per patient), member/patient ids, claim numbers, phones and free text
    replaced consistently; structure, control numbers, amounts, codes and provider/payer ids kept. Where PHI sits
    is data: mappings/redact.toml. A report of what was replaced, by kind, goes to standard error.

    Example: edi redact claims.837 -o shareable.837 --key "$SECRET"
    """
    import secrets

    from edi.redact import redact as redact_file

    if out is not None and file != Path("-") and out.resolve() == file.resolve():
        raise click.BadParameter("the output would overwrite the input; name another file", param_hint="--out")
    secret = key.encode() if key else secrets.token_bytes(32)
    partial = out.with_name(out.name + ".part") if out is not None else None   # renamed once whole
    with _opened(file) as (stream, name):
        if partial is None:
            counts = redact_file(stream, sys.stdout.buffer, key=secret, name=name, providers=providers)
            sys.stdout.buffer.flush()
        else:
            try:
                with partial.open("wb") as target:
                    counts = redact_file(stream, target, key=secret, name=name, providers=providers)
                partial.replace(out)   # type: ignore[arg-type]
            finally:
                partial.unlink(missing_ok=True)   # a file that could not be read to its end leaves no output
    report = {"file": name, "replaced": dict(sorted(counts.items())), "key": "given" if key else "random"}
    if fmt == "json":
        click.echo(json.dumps(report), err=True)
    else:
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items())) or "nothing"
        click.echo(f"{name}: replaced {kinds}" + ("" if key else " (random key: not repeatable)"), err=True)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=FILE)
@click.option("-o", "--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="The page to write (default: standard output).")
def html(files: tuple[Path, ...], out: Path | None) -> None:
    """One self-contained HTML page (no network; opens from disk) to read the files by: outline, loop tree with
    guide names and code meanings, findings at their element, claims as cards, search (CLM01/CLP01, control
    numbers, NPI, segment id, finding code), keyboard navigation. Give an 837 with its 999, 277CA and 835 and each
    claim links to its acknowledgment and payment.

    Example: edi html claims.837 claims.999 claims.277ca remit.835 -o story.html
    """
    from edi.inspect._html import write_page

    if out is None:
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        write_page(list(files), stream)
        stream.flush()
        stream.detach()
        return
    tmp = out.with_name(out.name + ".part")
    try:
        with tmp.open("w", encoding="utf-8", newline="") as stream:
            write_page(list(files), stream)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    click.echo(f"wrote {out}", err=True)


@cli.command("split")
@click.argument("file", type=FILE)
@click.option("--by", type=click.Choice(["transaction", "claim", "payer"]), default="transaction", show_default=True,
              help="One file per transaction set, per claim (837) or per payer.")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The folder to write into (its control-number counter gives each file a new ISA13).")
def split_command(file: Path, by: str, out: Path) -> None:
    """Cut an interchange into files, each a whole interchange with its envelope rebuilt: a new ISA13 (never
    repeated in the folder), trailers counted; --by claim keeps each claim's billing provider, subscriber and
    patient levels. File names carry the part and the ISA13.

    Example: edi split big.837 --by payer --out parts/
    """
    from edi.split import split

    for written in split(file, out, by):
        click.echo(f"wrote {written.path} (ISA13 {written.interchange}, {written.transactions} transaction(s), "
                   f"{written.claims} claim(s))")


@cli.command("merge")
@click.argument("files", nargs=-1, required=True, type=FILE)
@click.option("-o", "--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write (a control-number counter beside it gives the new ISA13 and GS06s).")
def merge_command(files: tuple[Path, ...], out: Path) -> None:
    """Put the transaction sets of several files into one interchange: one GS per run of one group kind (new
    GS06), ST02 renumbered from 0001 in each group, trailers counted. The files must share the ISA's sender,
    receiver, version, usage and delimiters.

    Example: edi merge parts/*.x12 -o whole.837
    """
    from edi.split import merge

    if any(out.resolve() == f.resolve() for f in files):
        raise click.BadParameter("the output would overwrite an input; name another file", param_hint="--out")
    written = merge(files, out)
    click.echo(f"wrote {written.path} (ISA13 {written.interchange}, {written.transactions} transaction(s), "
               f"{written.claims} claim(s))")


@cli.command()
@click.argument("codes", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def explain(codes: tuple[str, ...], fmt: str) -> None:
    """What a code means and what to do about it: CARC (45, or with its group: CO-45), RARC (N290), place of
    service, CLP02 claim status, 277CA status category (A7), adjustment group, claim frequency, filing indicator,
    entity, TA1 (TA104, TA105) and 999 (IK304, IK403, IK501, IK502, AK901, AK905) codes, ICD-10-CM codes (as of
    today), validation finding codes and scrub edit codes. A bare code is read every way it can be; KIND:CODE picks
    one (kinds: carc, rarc, pos, clp02, stc, group, frequency, filing, entity, ta104, ta105, ik304, ik403, ik501,
    ik502, ak901, ak905, icd10, finding, edit). Exit 1 when a code has no reading.

    Example: edi explain CO-45 ik403:I12 025 snip4.billing.zip9 coding.ncci.ptp
    """
    from edi.inspect._explain import explain as readings, kinds

    unknown = 0
    results = []
    for code in codes:
        found = readings(code)
        unknown += not found
        results.append({"code": code, "readings": [e.as_dict() for e in found]})
        if fmt == "text":
            if not found:
                click.echo(f"{code}: no table we ship knows this code (kinds tried: {', '.join(kinds())})")
            for e in found:
                click.echo(f"{code}  {e.kind}: {e.meaning}")
                if e.action:
                    click.echo(f"    what to do: {e.action}")
                click.echo(f"    source: {e.source}")
    if fmt == "json":
        click.echo(json.dumps(results, indent=1, ensure_ascii=False))
    sys.exit(1 if unknown else 0)


@cli.command("to-xml")
@click.argument("file", type=INPUT)
def to_xml_command(file: Path) -> None:
    """Write FILE ('-' reads standard input) as XML with loop, segment and element names as attributes.

    Example: edi to-xml samples/837i-inpatient.x12 > claim.xml
    """
    from edi.inspect import write_xml

    with _opened(file) as (source, name):
        write_xml(source, sys.stdout.buffer, name=name)
    sys.stdout.buffer.flush()


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path,
                                                                  allow_dash=True))
@click.option("--snip", "snips", default="1-5,7", show_default=True,
              help="SNIP types to check, e.g. 1-3 or 1,2,5 (6 is not implemented).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--jobs", type=int, default=0, help="Processes to use (default: one per core): several files are "
              "checked at once; a single big file is shared out by transaction.")
@click.option("--max-errors", type=click.IntRange(min=1), help="Show the findings up to the N-th error of each file, "
              "then only count (the summary counts all, the exit code still says errors); checks in one process "
              "so memory stays bounded.")
@click.option("--ack", "acks", multiple=True, type=click.Choice(["999", "ta1", "277ca"]),
              help="Write this acknowledgment for each file (repeatable); needs --out.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Folder for --ack files "
              "(named <file>.<kind>.<ISA13>.x12; control numbers continue from the folder's counter file).")
@click.option("--sender", help="The acknowledgments' sender id as QUALIFIER:ID, e.g. ZZ:CLEARINGHOUSE (default: "
              "the receiver of the file answered).")
@click.option("--receiver", help="The acknowledgments' receiver id as QUALIFIER:ID (default: the file's sender).")
@click.option("--payer", "payers", multiple=True, help="Payer profile (a name in mappings/payers/ or a .toml path); "
              "adds its trading-partner rules (SNIP 7). Repeatable.")
@click.option("--db", envvar="EDI_DB", help="Take the --ack files' control numbers from this ledger's counters (a URL "
              "or a SQLite file; default $EDI_DB) instead of the --out folder's counter file.")
def validate(files: tuple[Path, ...], snips: str, fmt: str, jobs: int, max_errors: int | None, acks: tuple[str, ...],
             out_dir: Path | None, sender: str | None, receiver: str | None, payers: tuple[str, ...],
             db: str | None) -> None:
    """Check interchanges against their implementation guides (WEDI SNIP 1-5 and 7); '-' reads standard input.

    Findings are shown as they are found, by interchange, group, transaction and claim, then a summary per file:
    counts per finding code, claims accepted and rejected with their charges. Exit code 0 when clean, 1 when
    there are errors, 2 when a file cannot be read at all. --ack writes the acknowledgments (never for
    acknowledgments) and says what it leaves unanswered.

    Example: edi validate samples/837p-office-visits.x12 --ack 999 --ack 277ca --ack ta1 --out acks/
    """
    from edi.inspect._report import JsonReport, TextReport, summary
    from edi.validate import load_profile, validate_run

    if acks and out_dir is None:
        raise click.UsageError("--ack needs --out DIR")
    if (sender or receiver) and not acks:
        raise click.UsageError("--sender and --receiver set the ids of acknowledgments: use them with --ack")
    from edi.acks import AckIds, parse_party, write_acks

    ids = AckIds(parse_party(sender) if sender else None, parse_party(receiver) if receiver else None)
    counter = _ledger_counter(db) if acks and db else None
    sources = [_read_source(path) if acks else _source_of(path) for path in files]
    color = fmt == "text" and sys.stdout.isatty()

    sinks: list[TextReport | JsonReport] = []

    def sink_for(name: str) -> TextReport | JsonReport:
        sinks.append(JsonReport(_write_raw, name, max_errors) if fmt == "json" else
                     TextReport(click.echo, name, color, max_errors))
        return sinks[-1]

    if fmt == "json":
        _write_raw("[")
    reports = []
    for n, report in enumerate(validate_run(sources, sink_for, snips=parse_snips(snips), jobs=jobs or None,
                                            max_errors=max_errors, keep_findings=bool(acks),
                                            profiles=[load_profile(payer) for payer in payers])):
        _write_raw(",\n" if fmt == "json" and n < len(sources) - 1 else "")
        reports.append(report)
        for result in write_acks(report, sources[n][0], acks, out_dir, ids=ids, counter=counter) \
                if out_dir is not None else ():
            if result.path is not None:
                click.echo(f"wrote {result.path}", err=True)
            elif not result.notes:
                click.echo(f"{report.file}: no {result.kind.upper()} written: nothing to answer", err=True)
            for note in result.notes:
                click.echo(f"{report.file}: {result.kind.upper()}: {note}", err=True)
    if fmt == "json":
        _write_raw("]\n")
    elif len(reports) > 1:
        click.echo("")
        for report, sink in zip(reports, sinks):
            click.echo(summary(report) if report.fatal else f"{report.file}: {report.claims} claim(s), "
                       f"{sink.tally.errors} error(s), {sink.tally.warnings} warning(s)")
    sys.exit(2 if any(r.fatal for r in reports) else 1 if any(s.tally.errors for s in sinks) else 0)


def _ledger_counter(db: str) -> Any:
    from edi.acks import LedgerCounter
    from edi.ledger import open_ledger

    return LedgerCounter(open_ledger(db))   # its connections close when the command ends


def _write_raw(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


@cli.command()
@click.argument("kind", type=click.Choice(["837p", "837i", "835", "999", "277ca", "encounters"]))
@click.option("--claims", "--count", "claims", type=click.IntRange(min=1), default=10, show_default=True,
              help="Number of claims (encounters) (1 or more).")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same bytes.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), help="File (default: stdout).")
@click.option("--error-rate", type=click.FloatRange(0, 1), default=0.0, help="encounters: the share (0-1) that "
              "gets one deliberate error, labelled in expected_edit with the scrub edit that should catch it.")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="encounters: the day dates of service count back "
              "from (default: today); the same seed and day give the same encounters.")
@click.option("--roster-out", "roster", type=click.Path(dir_okay=False, path_type=Path), help="encounters: also write the "
              "providers' payer enrollments as CSV (npi,payer_id,effective_from), as `edi ledger roster` loads it.")
@click.option("--authorizations-out", "authorizations", type=click.Path(dir_okay=False, path_type=Path),
              help="encounters: also write the prior authorizations the payers issued as CSV (payer_id,member_id,"
              "procedure_code,authorization,valid_from,valid_to), as `edi cycle --authorizations` reads it.")
def synth(kind: str, claims: int, seed: int, out_file: Path | None, error_rate: float, as_of: Any,
          roster: Path | None, authorizations: Path | None) -> None:
    """Write a deterministic, guide-valid synthetic interchange with fake people (no PHI), or coded encounters
    as JSON Lines (docs/encounters.md).

    Example: edi synth 837p --claims 1000 --seed 7 --out claims.x12

    Example: edi synth encounters --count 1000 --seed 7 --error-rate 0.1 --out encounters.jsonl
    """
    if kind != "encounters" and (error_rate or as_of or roster or authorizations):
        raise click.UsageError("--error-rate, --as-of, --roster-out and --authorizations-out are for "
                               "`edi synth encounters`")
    if kind == "encounters":
        from edi.synth import write_encounters

        day = as_of.date() if as_of else date.today()
        with _output(out_file) as stream:
            write_encounters(claims, seed, stream, as_of=day, error_rate=error_rate, roster=roster,
                             authorizations=authorizations)
        return
    from edi.synth import write_synth

    with _output(out_file) as stream:
        write_synth(kind, claims, seed, stream)


@cli.group()
def claims() -> None:
    """Coded encounters and 837 claims (docs/encounters.md).

    Example: edi claims extract samples/837p-office-visits.x12
    """


@claims.command("extract")
@click.argument("files", nargs=-1, required=True, type=INPUT)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json"]), default="jsonl", show_default=True)
def claims_extract(files: tuple[Path, ...], fmt: str) -> None:
    """Write the encounters the 837P/837I claims of FILES carry ('-' reads standard input), one per claim, and
    say on standard error what each does not carry (segments and elements the encounter has no field for).

    Example: edi claims extract samples/837p-office-visits.x12 > encounters.jsonl
    """
    from edi.claims import extract
    from edi.claims._extract import ExtractSummary
    from edi.claims._json import JsonWriter

    writer = JsonWriter(sys.stdout.buffer, array=fmt == "json")
    for file in files:
        summary = ExtractSummary()
        with _opened(file) as (source, name):
            writer.write(summary.tally(extract(source, name=name)))
        click.echo(f"{name}: {summary}", err=True)
    writer.close()
    sys.stdout.buffer.flush()


@claims.command("scrub")
@click.argument("files", nargs=-1, required=True, type=FILE)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--mapping", help="Column map for CSV exports: a name in mappings/encounters/ or a .toml path.")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]),
              help="The day the scrub runs as of, for timely filing (default: today).")
@click.option("--db", envvar="EDI_DB", help="A ledger to ask about duplicates, enrollment and loaded NCCI tables "
              "(a SQLite file or a URL; default $EDI_DB; none: those edits use what the encounters carry).")
def claims_scrub(files: tuple[Path, ...], fmt: str, mapping: str | None, as_of: Any, db: str | None) -> None:
    """Run the scrub edits (docs/scrub-edits.md) on coded encounters (JSON Lines, JSON, CSV with --mapping) or
    837 files: findings grouped by encounter and root cause, and counts. Exit 0 when nothing would be held, 1 when
    an encounter has errors (or an input row is invalid), 2 when an input cannot be read.

    Example: edi claims scrub samples/encounters/encounters.jsonl --as-of 2025-02-01
    """
    from edi.claims.scrub import References, scrub_inputs
    from edi.claims.scrub._run import render_json, render_text

    with contextlib.ExitStack() as stack:
        ledger = None
        if db:
            from edi.ledger import open_ledger
            ledger = stack.enter_context(open_ledger(db))
        refs = References.for_run(as_of.date() if as_of else None, ledger=ledger)
        progress = stack.enter_context(_progress("scrubbing")) if sys.stderr.isatty() else None
        report = scrub_inputs(files, refs, mapping=mapping, progress=progress)
    click.echo(render_json(report) if fmt == "json" else render_text(report))
    sys.exit(report.exit_code)


@contextlib.contextmanager
def _progress(what: str) -> Iterator[Any]:
    """A rich progress display on standard error (a terminal only): encounters done and the rate."""
    from rich.console import Console
    from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn(f"{what}"), MofNCompleteColumn(), TextColumn("encounters"),
                  TimeElapsedColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(what, total=None)
        yield lambda done: bar.update(task, completed=done)


@contextlib.contextmanager
def _output(out_file: Path | None) -> Iterator[BinaryIO]:
    """A binary stream to write to: the file, or standard output."""
    if out_file is None:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    with out_file.open("wb") as stream:
        yield stream


DB_OPTION = click.option("--db", envvar="EDI_DB", help="The ledger: a SQLite file or a URL "
                         "(postgresql+psycopg://user@host/db); default $EDI_DB, else edi.db here.")


def _batch_options(command: Any) -> Any:
    """The options of a command that writes claims for a receiver (claims build, claims secondary)."""
    for option in reversed((
            click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
                         help="Folder for the 837 files, manifest.json, held.json, duplicates.json and invalid.json."),
            DB_OPTION,
            click.option("--receiver", default="example-clearinghouse", show_default=True,
                         help="Who the files are for: a name in mappings/receivers/ or a .toml path."),
            click.option("--usage", type=click.Choice(["T", "P"]), help="ISA15 (default: the receiver's)."))):
        command = option(command)
    return command


@claims.command("build")
@click.argument("files", nargs=-1, required=True, type=FILE)
@_batch_options
@click.option("--hold", type=click.Choice(["error", "warning", "none"]), default="error", show_default=True,
              help="Hold claims with scrub errors, with warnings too, or none.")
@click.option("--max-claims", type=click.IntRange(1, 5000), default=5000, show_default=True,
              help="Claims per transaction (ST-SE).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="The day the scrubber judges timely filing and "
              "coverage by (default: today).")
@click.option("--mapping", help="Column map of CSV inputs (a name in mappings/encounters/ or a .toml path).")
@click.option("--replace", is_flag=True, help="Send claims already sent (and still open) again as replacements "
              "(frequency 7) instead of reporting them as duplicates.")
def claims_build(files: tuple[Path, ...], out_dir: Path, db: str | None, receiver: str, usage: str | None,
                 hold: str, max_claims: int, fmt: str, as_of: Any, mapping: str | None, replace: bool) -> None:
    """Scrub coded encounters (JSONL, JSON, CSV by --mapping, or 837 files), batch the clean ones into 837P/837I
    interchanges for the receiver, check them (SNIP 1-5, 7), record them in the ledger. Every encounter ends
    batched, held (held.json, with findings), duplicate (duplicates.json) or invalid (invalid.json). Exit 0 when
    nothing is held or invalid, 1 when something is, 2 when the build cannot run.

    Example: edi claims build samples/encounters/encounters.jsonl --out batch/ --db edi.db
    """
    from edi.claims._batch import BuildOptions, build, render_text
    from edi.claims._receivers import load_receiver
    from edi.ledger import open_ledger

    options = BuildOptions(load_receiver(receiver), as_of.date() if as_of else date.today(), usage, hold,
                           max_claims, mapping, replace)
    out_dir.mkdir(parents=True, exist_ok=True)   # (a SQLite ledger may live in it)
    with contextlib.ExitStack() as stack:
        opened = stack.enter_context(open_ledger(db))
        progress = stack.enter_context(_progress("building")) if sys.stderr.isatty() else None
        summary = build(list(files), out_dir, opened, options, progress=progress)
    if fmt == "json":
        click.echo(json.dumps(summary.as_dict(), indent=1))
    else:
        for line in render_text(summary):
            click.echo(line)
    sys.exit(summary.exit_code)

@claims.command("secondary")
@_batch_options
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="The day the scrubber judges timely filing and "
              "coverage by (default: today).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def claims_secondary(out_dir: Path, db: str | None, receiver: str, usage: str | None, as_of: Any,
                     fmt: str) -> None:
    """Build the next payer's claims: for each claim whose payer's ERA is posted (and stands), whose encounter
    has another coverage after it, and which that payer did not cross over (CLP02 19/20/21, NM1*TT), an 837 to
    the next payer with 2320/2330A/2330B and each line's 2430 from the posted 835 — scrubbed, batched, checked and
    recorded as `edi claims build` does (docs/posting.md). Exit 0 all built, 1 something skipped, held or invalid.

    Example: edi claims secondary --db edi.db --out secondary/
    """
    from datetime import date

    from edi.claims._batch import BuildOptions, render_text
    from edi.claims._receivers import load_receiver
    from edi.ledger import open_ledger
    from edi.posting._secondary import build_secondaries, summary_dict

    options = BuildOptions(load_receiver(receiver), as_of.date() if as_of else date.today(), usage)
    out_dir.mkdir(parents=True, exist_ok=True)
    with open_ledger(db) as opened:
        result = build_secondaries(opened, out_dir, options)
    if fmt == "json":
        click.echo(json.dumps(summary_dict(result), indent=1, default=str))
    else:
        click.echo(f"{result.candidates} claim(s) with a next payer: {len(result.encounters)} to build, "
                   f"{len(result.skipped)} skipped")
        for line in result.skipped:
            click.echo(f"  skipped {line}")
        if result.build is not None:
            for line in render_text(result.build):
                click.echo(line)
    sys.exit(1 if result.skipped or (result.build and result.build.exit_code) else 0)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=FILE)
@DB_OPTION
@click.option("--dry-run", is_flag=True, help="Print the posting plan (matches, amounts, work items); change nothing.")
@click.option("--force", is_flag=True, help="Post an 835 that does not balance in itself, the difference flagged.")
@click.option("--policy", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Automation policy per payer (default: mappings/posting/automation.toml).")
@click.option("--reviewed", is_flag=True, help="The plan was checked by a person: post review-only payers' ERAs too.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def post(files: tuple[Path, ...], db: str | None, dry_run: bool, force: bool, policy: Path | None, reviewed: bool,
         fmt: str) -> None:
    """Post 835 remittances to the ledger: each claim payment matched to its claim (or into the exception queue
    with its dollars in suspense), payments, adjustments, patient responsibility, denials as work items, PLB,
    reversals — one database transaction per ERA, exactly once; each payer's automation policy applied (post,
    post and review, review only; CARCs always reviewed; write-off limits) (docs/posting.md). Exit 0 all posted,
    1 something went to the exception queue, was held for review or was not posted, 2 cannot run.

    Example: edi post era.835 --db edi.db --dry-run
    """
    from edi.ledger import open_ledger
    from edi.posting import post_file
    from edi.posting._report import render_text, to_json

    from edi.posting._policy import load_policies

    policies = load_policies(policy)
    with open_ledger(db) as opened:
        results = [post_file(opened, file, dry_run=dry_run, force=force, policies=policies, reviewed=reviewed)
                   for file in files]
    if fmt == "json":
        click.echo(json.dumps(to_json(results), indent=1))
    else:
        for line in render_text(results, dry_run):
            click.echo(line)
    sys.exit(0 if all(r.clean for r in results) else 1)


@cli.group()
def ledger() -> None:
    """The claims ledger (SQLite file by default, PostgreSQL by URL): schema, status, enrollment roster.

    Example: edi ledger status --db edi.db
    """


@ledger.command("init")
@DB_OPTION
def ledger_init(db: str | None) -> None:
    """Create the ledger, or bring its schema up to date (every command that opens it does this too).

    Example: edi ledger init --db postgresql+psycopg://billing@127.0.0.1/edi
    """
    from edi.ledger import open_ledger

    with open_ledger(db) as opened:
        click.echo(f"ledger {opened.url}: schema {opened.revision}")


@ledger.command("status")
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def ledger_status(db: str | None, fmt: str) -> None:
    """Show where the ledger is, its schema, its row counts and the code-table quarters loaded.

    Example: edi ledger status --format json
    """
    import dataclasses

    from edi.ledger import open_ledger

    with open_ledger(db) as opened:
        status = opened.status()
    if fmt == "json":
        click.echo(json.dumps(dataclasses.asdict(status), indent=1))
        return
    click.echo(f"ledger {status.url} (schema {status.revision})")
    for table, count in status.rows.items():
        click.echo(f"  {table:<28} {count:>10}")
    click.echo("  code tables: " + ", ".join(f"{kind} {quarter or 'not loaded'}"
                                             for kind, quarter in status.quarters.items()))


@ledger.command("import")
@click.argument("files", nargs=-1, required=True, type=FILE)
@DB_OPTION
def ledger_import(files: tuple[Path, ...], db: str | None) -> None:
    """Record claims another system sent (its 837 files) so that their ERAs can be posted: claims, lines (REF*6R,
    or a key derived from CLM01 and the line number) and the submission with the file's control numbers.
    Importing the same file again changes nothing and says so (docs/posting.md).

    Example: edi ledger import sent/*.837 --db edi.db
    """
    from edi.ledger import open_ledger
    from edi.posting import import_837

    with open_ledger(db) as opened:
        for file in files:
            done = import_837(opened, file)
            if not done.changed:
                click.echo(f"{file}: already imported ({done.claims} claims, {done.interchanges} interchange(s)); "
                           "nothing changed")
                continue
            derived = f", {done.derived_line_keys} line(s) without REF*6R keyed by CLM01#n" \
                if done.derived_line_keys else ""
            click.echo(f"{file}: {done.claims} claims ({done.new_encounters} new), "
                       f"{done.new_submissions} submission(s) recorded{derived}")


@ledger.command("report")
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def ledger_report(db: str | None, fmt: str) -> None:
    """Per ERA posted: payer, trace, BPR02, posted to claims, PLB, suspense, exceptions; per payer totals; and the
    deposits reconciled: each matched to ERAs by trace (TRN02) and amount (BPR02), ERAs without deposits, deposits
    without ERAs (docs/posting.md).

    Example: edi ledger report --format json
    """
    import dataclasses

    from edi.ledger import open_ledger
    from edi.ledger._deposits import reconcile
    from edi.ledger._posting import era_report
    from edi.posting._report import json_safe, payer_totals, render_deposits, render_era_report

    with open_ledger(db, existing=True) as opened, opened._read() as conn:
        rows = era_report(conn)
        deposits = reconcile(conn)
    if fmt == "json":
        click.echo(json.dumps(json_safe({"eras": rows, "payers": payer_totals(rows),
                                         "deposits": dataclasses.asdict(deposits)}), indent=1))
        return
    for line in render_era_report(rows):
        click.echo(line)
    for p in payer_totals(rows):
        click.echo(f"payer {p['payer']}: {p['eras']} ERA(s), BPR02 {p['bpr02']}, posted {p['posted']}, PLB {p['plb']}, "
                   f"suspense {p['suspense']}")
    for line in render_deposits(deposits):
        click.echo(line)


@ledger.command("queue")
@DB_OPTION
@click.option("--closed", "show_closed", is_flag=True, help="Also list the items a later event closed.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def ledger_queue(db: str | None, show_closed: bool, fmt: str) -> None:
    """Open work items by queue (denial, exception, review), root cause and payer, each with its next action and
    amount. An item is closed by a later event — a replacement claim (frequency 7) or a later payment of the
    claim — derived, never updated (docs/posting.md).

    Example: edi ledger queue --db edi.db
    """
    import dataclasses

    from edi.ledger import open_ledger
    from edi.ledger._queue import queue_summary, work_items
    from edi.posting._report import json_safe, render_queue

    with open_ledger(db, existing=True) as opened, opened._read() as conn:
        items = work_items(conn)
    summary = queue_summary(items)
    if fmt == "json":
        listed = [dataclasses.asdict(i) for i in items if show_closed or i.closed_by is None]
        click.echo(json.dumps(json_safe({**summary, "items": listed}), indent=1))
        return
    for line in render_queue(items, summary, show_closed):
        click.echo(line)


@ledger.command("statements")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the statements (statement-<account id>.txt, one per patient who owes something).")
@DB_OPTION
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="The statement date (default: today).")
def ledger_statements(out_dir: Path, db: str | None, as_of: Any) -> None:
    """Patient statements: per patient, each claim's charge, what insurance paid and what the patient owes and
    why (deductible, coinsurance, copay, other PR), as the last payer that adjudicated it said (docs/posting.md).

    Example: edi ledger statements --out statements/ --db edi.db
    """
    from datetime import date

    from edi.ledger import open_ledger
    from edi.ledger._statements import patients_due
    from edi.posting._statements import total_owed, write_statements

    with open_ledger(db, existing=True) as opened, opened._read() as conn:
        patients = patients_due(conn)
    written = write_statements(patients, out_dir, as_of.date() if as_of else date.today())
    click.echo(f"{len(written)} statement(s) in {out_dir}: {total_owed(patients):.2f} owed by patients")


@ledger.command("deposits")
@click.argument("file", type=FILE)
@DB_OPTION
def ledger_deposits(file: Path, db: str | None) -> None:
    """Load bank deposits (CSV with date, amount, trace columns) for reconciliation with ERAs in `edi ledger
    report`. Append-only and idempotent: a deposit (same date, amount and trace) is loaded once, ever.

    Example: edi ledger deposits bank-2025-03.csv --db edi.db
    """
    from edi.ledger import open_ledger
    from edi.ledger._deposits import load_deposits

    with open_ledger(db) as opened:
        done = load_deposits(opened, file)
    if done.new:
        click.echo(f"{file}: {done.new} new deposit(s) of {done.rows} loaded")
    else:
        click.echo(f"{file}: all {done.rows} deposit(s) loaded before; nothing changed")


@ledger.command("claim")
@click.argument("clm01")
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def ledger_claim(clm01: str, db: str | None, fmt: str) -> None:
    """A claim's history: status events (submitted, accepted, paid …), each ERA's payment with its entries, PLB
    naming it, work items. Exit 1 when the ledger holds no claim with this CLM01.

    Example: edi ledger claim PCN1001
    """
    from edi.ledger import open_ledger
    from edi.ledger._posting import claim_history
    from edi.posting._report import json_safe, render_claim_history

    with open_ledger(db, existing=True) as opened, opened._read() as conn:
        claims = claim_history(conn, clm01)
    if fmt == "json":
        click.echo(json.dumps(json_safe(claims), indent=1))
    else:
        for line in render_claim_history(clm01, claims):
            click.echo(line)
    if not claims:
        click.echo(f"{clm01}: no claim with this CLM01 in the ledger", err=True)
        sys.exit(1)


@ledger.command("roster")
@click.argument("file", type=FILE)
@DB_OPTION
def ledger_roster(file: Path, db: str | None) -> None:
    """Load a provider-enrollment roster (CSV: npi, payer_id, effective_from, effective_to, tax_id, name; see
    docs/ledger.md). It replaces the enrollments of every payer it names; loading the same file again changes
    nothing.

    Example: edi ledger roster samples/enrollment-roster.csv
    """
    _load_reference("enrollment", file, None, db)


@cli.group()
def codes() -> None:
    """Code tables in the ledger (CMS's NCCI procedure-to-procedure, MUE and add-on code edits).

    Example: edi codes load ncci-ptp ptp.csv --quarter 2025Q3
    """


@codes.command("load")
@click.argument("kind", type=click.Choice(["ncci-ptp", "mue", "addon"]))
@click.argument("file", type=FILE)
@click.option("--quarter", help="The CMS quarter the file is for, as YYYYQn (e.g. 2025Q3); lookups use the newest "
              "quarter loaded. CMS's MUE and add-on files tell it by their names; CSV and PTP files need it.")
@DB_OPTION
def codes_load(kind: str, file: Path, quarter: str | None, db: str | None) -> None:
    """Load a code table into the ledger, all or nothing; loading the same file again changes nothing. Reads CSV
    with named columns (docs/ledger.md) or CMS's released file as CMS ships it (ccipra-v###r#-f#.TXT,
    MCR_MUE_PractitionerServices_Eff_MM-DD-YYYY.csv, AOC_V####Q#-MCR; docs/code-sets.md).

    Example: edi codes load mue MCR_MUE_PractitionerServices_Eff_10-01-2025.csv --db edi.db
    """
    _load_reference(kind, file, quarter, db)


def _load_reference(kind: str, file: Path, quarter: str | None, db: str | None) -> None:
    from edi.ledger import open_ledger
    from edi.ledger._csv import load_csv

    with open_ledger(db) as opened:
        result = load_csv(opened, kind, file, quarter)
    when = result.loaded_at.strftime("%Y-%m-%d %H:%M UTC")
    what = f"{result.rows} {kind} row(s)" + (f" for {result.quarter}" if result.quarter else "")
    if result.new:
        click.echo(f"{file}: loaded {what} into {opened.url}")
    else:
        click.echo(f"{file}: already loaded on {when} ({what}); nothing changed")


@cli.group()
def payer() -> None:
    """A payer simulator: answers 837s with acknowledgments and 835s (docs/payer-simulator.md).

    Example: edi payer simulate samples/837p-office-visits.x12 --out answers/ --seed 1
    """


@payer.command("simulate")
@click.argument("files", nargs=-1, required=True, type=FILE)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the TA1, 999, 277CA and 835 files (control numbers continue from its counter file).")
@click.option("--payer", "payer_name", help="Payer profile with an [adjudication] table: a name in mappings/payers/ "
              "or a .toml path (default: the profile whose ids include the first claim's payer id).")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same inputs, same state: same bytes.")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]),
              help="The day the payer receives the files (default: each interchange's ISA09 date).")
@click.option("--state", "state", type=click.Path(dir_okay=False, path_type=Path),
              help="JSON file the payer remembers in between runs: deductibles met, claims paid (created if absent).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def payer_simulate(files: tuple[Path, ...], out_dir: Path, payer_name: str | None, seed: int, as_of: Any,
                   state: Path | None, fmt: str) -> None:
    """Answer 837 files as a payer would: a TA1, a 999 and a 277CA per file (our validator with the payer's SNIP 7
    rules, plus unknown-member and no-coverage edits), then 835s per payment date adjudicating the accepted claims
    with the profile's fee schedule and benefits. Exit 0 when everything was answered, 2 when a file or the
    profile cannot be read.

    Example: edi payer simulate claims.x12 --out answers/ --payer example-commercial --seed 7 --state payer.json
    """
    from edi.payer import find_payer, load_payer, simulate

    chosen = load_payer(payer_name) if payer_name else find_payer(files[0])
    summary = simulate(list(files), out_dir, chosen, seed=seed, as_of=as_of.date() if as_of else None,
                       state_path=state)
    if fmt == "json":
        click.echo(json.dumps(summary.as_dict(), indent=2))
        return
    for path in summary.written:
        click.echo(f"wrote {path}", err=True)
    click.echo(summary.text())


# ---------------------------------------------------------------- edi report (issue 12 §3)
@cli.command("report")
@DB_OPTION
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML page (required for html); with --format json, the JSON file (default: stdout).")
@click.option("--format", "fmt", type=click.Choice(["html", "json"]), default="html", show_default=True)
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]),
              help="Count claims served and ERAs paid up to this day; age A/R from it (default: today).")
def report_command(db: str | None, out: Path | None, fmt: str, as_of: Any) -> None:
    """The billing manager's KPI report from the ledger: clean-claim rate, first-pass acceptance and payment,
    denials by root cause, payer and CARC with their fix, days in A/R and aging by payer, collection rates,
    underpayments, timely-filing risk, E/M levels against a benchmark (docs/kpis.md). One self-contained HTML
    page (no network) and its headline lines, or the same numbers as JSON.

    Example: edi report --db edi.db --out report.html --as-of 2026-12-05
    """
    from edi.ledger import open_ledger
    from edi.report import compute, headline, to_json, write_html

    if fmt == "html" and out is None:
        raise click.UsageError("--out is required for the HTML report (--format json writes to stdout)")
    with open_ledger(db, existing=True) as opened:
        kpis = compute(opened, as_of.date() if as_of else date.today())
    if fmt == "json":
        if out is None:
            click.echo(to_json(kpis), nl=False)
        else:
            out.write_text(to_json(kpis), encoding="utf-8")
            click.echo(f"wrote {out}", err=True)
        return
    write_html(kpis, out)
    click.echo(f"wrote {out}")
    for line in headline(kpis):
        click.echo(line)


# ---------------------------------------------------------------------------------------------------------- edi cycle
@cli.command("cycle")
@click.option("--encounters", "inputs", multiple=True, required=True, type=FILE,
              help="Coded encounters (JSON Lines, JSON, a CSV export with --mapping, or 837s); repeat for several "
              "files.")
@DB_OPTION
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for each week's files (week-NN/), the payers' mailboxes and states (payers/), statements.")
@click.option("--weeks", type=click.IntRange(1, 520), help="Simulated weeks (default: until every encounter is "
              "settled and every 835 posted).")
@click.option("--seed", type=int, default=0, show_default=True, help="The payers' seed: same inputs, same seed, same "
              "ledger and files.")
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), help="The first simulated day (default: the Monday after "
              "the first visit of the last 90 days of care).")
@click.option("--roster", type=FILE, help="Provider enrollments to load first (edi ledger roster's CSV; default: "
              "roster.csv beside the first encounters file, when there is one).")
@click.option("--authorizations", type=FILE, help="The payers' prior authorizations (CSV) the correction rule "
              "attaches (default: authorizations.csv beside the first encounters file, when there is one).")
@click.option("--mapping", help="Column map of CSV inputs (a name in mappings/encounters/ or a .toml path).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def cycle_command(inputs: tuple[Path, ...], db: str | None, out_dir: Path, weeks: int | None, seed: int, start: Any,
                  roster: Path | None, authorizations: Path | None, mapping: str | None, fmt: str) -> None:
    """Run the revenue cycle week by week on simulated payers: encounters due → scrub → build → split by payer →
    payer simulator → 999/277CA and 835s posted as their payment dates come → corrections by rule
    (mappings/cycle/corrections.toml), resent as new claims or replacements (frequency 7) → secondary claims →
    patient statements. Everything lands in the ledger; the summary counts per week and in total (docs/cycle.md),
    and DIR/report.html holds the KPI report as of the last simulated day (`edi report`, docs/kpis.md).

    Example: edi cycle --encounters samples/cycle/encounters.jsonl --db cycle.db --out cycle/
    """
    from edi.cycle import CycleOptions, run_cycle, write_report
    from edi.ledger import open_ledger
    from edi.report import headline

    beside = inputs[0].parent
    roster = roster or next((p for p in [beside / "roster.csv"] if p.is_file()), None)
    authorizations = authorizations or next((p for p in [beside / "authorizations.csv"] if p.is_file()), None)
    options = CycleOptions(out_dir, weeks, seed, start.date() if start else None, roster, authorizations,
                           mapping=mapping)
    with open_ledger(db) as opened:
        summary = run_cycle(list(inputs), opened, options)
        page, kpis = write_report(opened, out_dir, summary.as_of)
    if fmt == "json":
        click.echo(json.dumps({**summary.as_dict(), "report": str(page)}, indent=1))
    else:
        for line in summary.text():
            click.echo(line)
        click.echo(f"report: {page} (as of {summary.as_of})")
        for line in headline(kpis):
            click.echo(f"  {line}")
# ------------------------------------------------------------------------------------------------------ end edi cycle


def parse_snips(text: str) -> tuple[int, ...]:
    """"1-5,7" → (1, 2, 3, 4, 5, 7)."""
    chosen: set[int] = set()
    try:
        for part in text.split(","):
            low, _, high = part.strip().partition("-")
            chosen.update(range(int(low), int(high or low) + 1))
    except ValueError:
        raise click.BadParameter(f"{text!r}: use numbers and ranges like 1-5,7", param_hint="--snip") from None
    if not chosen <= {1, 2, 3, 4, 5, 6, 7}:
        raise click.BadParameter(f"{text!r}: SNIP types are 1 to 7", param_hint="--snip")
    if 6 in chosen:
        raise click.BadParameter(f"{text!r}: SNIP 6 (product- and service-specific testing) is not implemented; "
                                 "check 1-5,7 and put a payer's line-of-business rules in a profile for --payer "
                                 "(SNIP 7, docs/code-sets.md)", param_hint="--snip")
    return tuple(sorted(chosen))


@contextlib.contextmanager
def _opened(file: Path) -> Iterator[tuple[BinaryIO, str]]:
    """FILE as a binary stream with the name messages use; '-' is standard input (read as it comes)."""
    if str(file) == "-":
        yield sys.stdin.buffer, "<stdin>"
        return
    with file.open("rb") as stream:
        yield stream, str(file)


def _source_of(file: Path) -> tuple[Path | BinaryIO, str]:
    """FILE for a command that reads it once, as it comes: '-' is standard input as a stream."""
    return (sys.stdin.buffer, "<stdin>") if str(file) == "-" else (file, str(file))


def _read_source(file: Path) -> tuple[Path | bytes, str]:
    if str(file) == "-":
        return sys.stdin.buffer.read(), "<stdin>"
    if not file.is_file():
        raise click.BadParameter(f"{file}: no such file")
    return file, str(file)


def main() -> None:
    skip_final_collection()
    cli(prog_name="edi")
