"""The `edi` command: thin click wrappers over library calls; engine errors become one line, never a traceback."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, BinaryIO

import click

from edi import skip_final_collection
from edi.errors import EdiError
from edi.logging import configure_logging


class _Cli(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except EdiError as exc:
            click.echo(str(exc), err=True)
            sys.exit(2)
        except BrokenPipeError:
            sys.exit(0)


FILE = click.Path(exists=True, dir_okay=False, path_type=Path, allow_dash=False)


@click.group(cls=_Cli)
@click.version_option(package_name="edi")
def cli() -> None:
    """X12 EDI engine for US healthcare claims (837P, 837I, 835, 999, 277CA).

    Example: edi info samples/837p-office-visits.x12
    """
    configure_logging()


@cli.command()
@click.argument("files", nargs=-1, required=True, type=FILE)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def info(files: tuple[Path, ...], fmt: str) -> None:
    """Summarize files: interchanges, groups, transactions, claim and remittance counts, envelope problems.

    Example: edi info samples/*.x12 --format json
    """
    from edi.inspect import file_info, render_info

    results, failed = [], False
    for path in files:
        try:
            results.append(file_info(path))
        except EdiError as exc:
            failed = True
            if fmt == "text":
                click.echo(str(exc))
            else:
                results.append({"file": str(path), "error": str(exc)})  # type: ignore[arg-type]
            continue
        if fmt == "text":
            click.echo(render_info(results[-1]))
    if fmt == "json":
        click.echo(json.dumps([r if isinstance(r, dict) else r.as_dict() for r in results], indent=1))
    sys.exit(2 if failed else 0)


@cli.command()
@click.argument("file", type=FILE)
@click.option("--loop", "loop_id", help="Show only this loop's instances, e.g. 2300 or 2110.")
@click.option("--claim", help="Show only the claim (2300) or claim payment (2100) with this CLM01 / CLP01.")
def inspect(file: Path, loop_id: str | None, claim: str | None) -> None:
    """Print the loop tree with loop, segment and element names from the implementation guide.

    Example: edi inspect samples/837p-office-visits.x12 --claim PCN1002
    """
    from edi.inspect import inspect_lines

    for line in inspect_lines(file, loop_id=loop_id, claim=claim):
        click.echo(line)


@cli.command("to-json")
@click.argument("file", type=click.Path(allow_dash=True, dir_okay=False, path_type=Path))
@click.option("--models", is_flag=True, help="Emit the typed models (claims, remittances, acks) instead of the "
              "lossless segment tree.")
@click.option("--lines", is_flag=True, help="JSON Lines: one record a line (with --models: the interchange, group "
              "and transaction data, then one claim or claim payment a line).")
def to_json_command(file: Path, models: bool, lines: bool) -> None:
    """Write the lossless JSON form of FILE ('-' reads standard input) to standard output; with --models, the
    typed models (written as FILE is read, a claim at a time).

    Example: edi to-json samples/835-remittance.x12 > remit.json
    """
    if models:
        from edi.models._json import to_json as models_to_json

        source, name = (sys.stdin.buffer, "<stdin>") if str(file) == "-" else _read_source(file)
        models_to_json(source, sys.stdout.buffer, name=name, lines=lines)
        sys.stdout.buffer.flush()
        return
    if lines:
        raise click.UsageError("--lines is read with --models here (the lossless form has no JSON Lines yet)")
    source, name = _read_source(file)
    from edi.inspect import to_json

    to_json(source, sys.stdout, name=name)


@cli.command("from-json")
@click.argument("file", type=click.Path(allow_dash=True, dir_okay=False, path_type=Path))
@click.option("--models", is_flag=True, help="The document holds typed models (from `edi to-json --models`).")
def from_json_command(file: Path, models: bool) -> None:
    """Write the X12 bytes a JSON document (from `edi to-json`) was made from to standard output; with --models,
    from a models document or JSON Lines (`edi to-json --models [--lines]`), read in one pass.

    Example: edi from-json remit.json > remit.x12
    """
    if models:
        import shutil
        import tempfile

        from edi.models._json import from_json as models_from_json

        # Written as it is read, into a spool file that reaches standard output only once the whole input was
        # found good: an error half way leaves no partial interchange behind.
        with tempfile.TemporaryFile() as spool:
            if str(file) == "-":
                models_from_json(sys.stdin.buffer, spool, name="<stdin>")
            else:
                with _open_json(file) as stream:
                    models_from_json(stream, spool, name=str(file))
            spool.seek(0)
            shutil.copyfileobj(spool, sys.stdout.buffer, 1 << 20)
        sys.stdout.buffer.flush()
        return
    from edi.inspect import from_json

    text = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    sys.stdout.buffer.write(from_json(text))
    sys.stdout.buffer.flush()


@cli.command()
@click.argument("kind", type=click.Choice(["837p", "837i", "835", "999", "277ca", "ta1"]))
def schema(kind: str) -> None:
    """Print the JSON Schema of a model, as `edi to-json --models` writes it.

    Example: edi schema 835 > remittance.schema.json
    """
    from edi.models._json import schema as model_schema

    click.echo(json.dumps(model_schema(kind), indent=1))


@cli.command("to-xml")
@click.argument("file", type=click.Path(allow_dash=True, dir_okay=False, path_type=Path))
def to_xml_command(file: Path) -> None:
    """Write FILE as XML with loop, segment and element names as attributes.

    Example: edi to-xml samples/837i-inpatient.x12 > claim.xml
    """
    from edi.inspect import to_xml

    source, name = _read_source(file)
    sys.stdout.buffer.write(to_xml(source, name=name))
    sys.stdout.buffer.flush()


@cli.command()
@click.argument("files", nargs=-1, required=True, type=FILE)
@click.option("--snip", "snips", default="1-5,7", show_default=True, help="SNIP types to check, e.g. 1-3 or 1,2,5.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--jobs", type=int, default=0, help="Processes to use (default: one per core): several files are "
              "checked at once; a single big file is shared out by transaction.")
@click.option("--ack", "acks", multiple=True, type=click.Choice(["999", "ta1", "277ca"]),
              help="Write this acknowledgment for each file (repeatable); needs --out.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Folder for --ack files.")
@click.option("--payer", "payers", multiple=True, help="Payer profile (a name in mappings/payers/ or a .toml path); "
              "adds its trading-partner rules (SNIP 7). Repeatable.")
def validate(files: tuple[Path, ...], snips: str, fmt: str, jobs: int, acks: tuple[str, ...],
             out_dir: Path | None, payers: tuple[str, ...]) -> None:
    """Check interchanges against their implementation guides (WEDI SNIP 1-5 and 7).

    Exit code 0 when clean, 1 when there are errors, 2 when a file cannot be read at all.

    Example: edi validate samples/837p-office-visits.x12 --ack 999 --ack 277ca --out acks/
    """
    from edi.inspect._report import render_json, render_text, summary
    from edi.validate import validate_files

    if acks and out_dir is None:
        raise click.UsageError("--ack needs --out DIR")
    from edi.validate import load_profile

    profiles = [load_profile(payer) for payer in payers]
    reports = validate_files(files, snips=parse_snips(snips), jobs=jobs or None, profiles=profiles)
    if acks and out_dir is not None:
        from edi.acks import write_acks

        for path, report in zip(files, reports):
            if report.fatal is None:
                for written in write_acks(report, path, acks, out_dir):
                    click.echo(f"wrote {written}", err=True)
    if fmt == "json":
        click.echo(json.dumps([render_json(r) for r in reports], indent=1))
    else:
        for report in reports:
            for line in render_text(report, color=sys.stdout.isatty()):
                click.echo(line)
        if len(reports) > 1:
            click.echo("")
            for report in reports:
                click.echo(summary(report))
    sys.exit(2 if any(r.fatal for r in reports) else 1 if any(r.has_errors for r in reports) else 0)


@cli.command()
@click.argument("kind", type=click.Choice(["837p", "837i", "835", "999", "277ca"]))
@click.option("--claims", type=int, default=10, show_default=True, help="Number of claims.")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same bytes.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), help="File (default: stdout).")
def synth(kind: str, claims: int, seed: int, out_file: Path | None) -> None:
    """Write a deterministic, guide-valid synthetic interchange with fake people (no PHI).

    Example: edi synth 837p --claims 1000 --seed 7 --out claims.x12
    """
    from edi.synth import write_synth

    if out_file is None:
        write_synth(kind, claims, seed, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    with out_file.open("wb") as stream:
        write_synth(kind, claims, seed, stream)


def parse_snips(text: str) -> tuple[int, ...]:
    """"1-5,7" → (1, 2, 3, 4, 5, 7)."""
    chosen: set[int] = set()
    try:
        for part in text.split(","):
            low, _, high = part.strip().partition("-")
            chosen.update(range(int(low), int(high or low) + 1))
    except ValueError:
        raise click.BadParameter(f"{text!r}: use numbers and ranges like 1-5,7") from None
    if not chosen <= {1, 2, 3, 4, 5, 6, 7}:
        raise click.BadParameter(f"{text!r}: SNIP types are 1 to 7")
    return tuple(sorted(chosen))


def _open_json(file: Path) -> BinaryIO:
    try:
        return file.open("rb")
    except OSError as exc:
        raise click.BadParameter(f"{file}: {exc.strerror}") from None


def _read_source(file: Path) -> tuple[Path | bytes, str]:
    if str(file) == "-":
        return sys.stdin.buffer.read(), "<stdin>"
    if not file.is_file():
        raise click.BadParameter(f"{file}: no such file")
    return file, str(file)


def main() -> None:
    skip_final_collection()
    cli(prog_name="edi")
