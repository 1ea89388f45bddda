"""Every command, with options and inputs drawn at random (hypothesis): an exit status of 0, 1 or 2 and a message
— never a traceback. Inputs mix the samples, corpus files meant to fail, truncated and mutated copies, garbage
bytes, empty files, directories, missing paths and standard input."""

from __future__ import annotations

import contextlib
import os
import random
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import CORPUS, SAMPLES
from edi.cli import cli

SAMPLE_FILES = sorted(SAMPLES.glob("*.x12"))
BAD_FILES = sorted((CORPUS / "bad").glob("*"))[:12] if (CORPUS / "bad").is_dir() else []


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Paths a user might pass, good and bad (built once per module)."""
    folder = tmp_path_factory.mktemp("fuzz-inputs")
    rng = random.Random(9)
    made: list[Path] = []
    for sample in SAMPLE_FILES:
        data = sample.read_bytes()
        cut = folder / f"{sample.stem}.truncated.x12"
        cut.write_bytes(data[: len(data) // 2])
        mutated = bytearray(data)
        for _ in range(8):
            mutated[rng.randrange(len(mutated))] = rng.choice(b"*~:^|>\n ABZ09\x00\xff")
        (folder / f"{sample.stem}.mutated.x12").write_bytes(bytes(mutated))
        made += [cut, folder / f"{sample.stem}.mutated.x12"]
    (folder / "empty.x12").write_bytes(b"")
    (folder / "garbage.bin").write_bytes(bytes(rng.randrange(256) for _ in range(3000)))
    (folder / "not.json").write_text('{"format": "edi-x12-json/1", "children": [{"id": 5}]}')
    (folder / "models.json").write_text('{"format": "edi-models-json/1", "interchanges": [{"transactions": [1]}]}')
    made += [folder / "empty.x12", folder / "garbage.bin", folder / "not.json", folder / "models.json"]
    copies = folder / "copies"   # the samples and corpus files as copies: no command can touch the originals
    copies.mkdir()
    for original in (*SAMPLE_FILES, *BAD_FILES):
        made.append(copies / original.name)
        made[-1].write_bytes(original.read_bytes())
    return [str(p) for p in made] + [str(folder / "missing.x12"), str(folder), "-"]


def _value(param: click.Parameter, data: st.DataObject, inputs: list[str], scratch: Path) -> list[str]:
    """Command-line words for one option or argument, valid or not (outputs go to a scratch folder only)."""
    if param.name and ("out" in param.name or any("-out" in opt for opt in param.opts)):
        word = str(scratch / data.draw(st.sampled_from(["out", "out.x12", "nested/dir"])))
    elif param.name == "db":   # a ledger: a file in the scratch folder, a URL of one, or nonsense
        word = data.draw(st.sampled_from([str(scratch / "ledger.db"), f"sqlite:///{scratch}/url.db", "nope://x", ""]))
    elif isinstance(param.type, click.Choice):
        word = data.draw(st.sampled_from([*param.type.choices, "bogus"]))
    elif isinstance(param.type, click.types.IntParamType):
        word = str(data.draw(st.integers(-3, 40)))
    elif isinstance(param.type, click.Path) or param.name in ("file", "files"):
        word = data.draw(st.sampled_from(inputs))
    elif param.name == "snips":
        word = data.draw(st.sampled_from(["1-5,7", "6", "0", "1-9", "x", "2,3", ""]))
    else:
        word = data.draw(st.sampled_from(["PCN1002", "2300", "2110", "", "example-commercial", "nope", "ZZ:X", "-"]))
    if isinstance(param, click.Argument):
        return [word]
    name = param.opts[-1] if param.opts else f"--{param.name}"
    return [name] if getattr(param, "is_flag", False) else [name, word]


@settings(max_examples=int(os.environ.get("EDI_FUZZ_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_command_shows_a_traceback(inputs: list[str], data: st.DataObject, tmp_path: Path) -> None:
    name = data.draw(st.sampled_from(sorted(cli.commands)))
    command = cli.commands[name]
    words = [name]
    for param in command.params:
        required = isinstance(param, click.Argument) or param.required
        if required or data.draw(st.booleans()):
            words += _value(param, data, inputs, tmp_path)
    stdin = data.draw(st.sampled_from([b"", SAMPLE_FILES[0].read_bytes(), b"ISA*00*~", b"{}", b"\xff\xfe"]))
    before = {p: p.stat().st_mtime_ns for p in map(Path, inputs) if p.is_file()}
    with contextlib.chdir(tmp_path):   # what a command writes by default (edi.db, counter files) lands in scratch
        result = CliRunner().invoke(cli, words, input=stdin)
    assert before == {p: p.stat().st_mtime_ns for p in before}, f"edi {' '.join(words)} changed an input file"
    shown = f"edi {' '.join(words)} -> exit {result.exit_code}\n{result.output[-2000:]}"
    if os.environ.get("EDI_FUZZ_LOG"):
        with open(os.environ["EDI_FUZZ_LOG"], "a") as log:
            log.write(f"{result.exit_code} {' '.join(words)}\n")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{shown}\nraised {type(result.exception).__name__}: {result.exception}") \
            from result.exception
    assert result.exit_code in (0, 1, 2), shown
    assert "Traceback" not in result.output, shown
