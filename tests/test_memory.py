"""Every command that reads a whole file streams: its peak memory does not grow with the file.

Each command runs as a subprocess on a 10k-claim and a 50k-claim file; the child's peak resident set size
(os.wait4) may differ by less than 10 MiB. (Before streaming, `edi to-xml` grew by ~1 GB per 10k claims.)
The 50k-claim file is the 10k-claim interchange five times over, which costs nothing to make.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from edi.synth import write_synth

EDI = [sys.executable, "-c", "from edi.cli import main; main()"]
GROWTH_LIMIT_KIB = 10 * 1024
COMMANDS = {
    "info": ["info", "--format", "json"],
    "inspect": ["inspect"],
    "inspect --loop": ["inspect", "--loop", "2400"],
    "inspect --claim": ["inspect", "--claim", "NO-SUCH-CLAIM"],
    "to-xml": ["to-xml"],
}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("memory")
    small = folder / "10k.x12"
    with small.open("wb") as stream:
        write_synth("837p", 10_000, 1, stream)
    large = folder / "50k.x12"
    large.write_bytes(small.read_bytes() * 5)
    return {10_000: small, 50_000: large}


def _peak_kib(*commands: list[str], stdin: Path) -> list[int]:
    """Run a pipeline (each command's output into the next, the last to /dev/null); each one's peak RSS in KiB."""
    procs: list[subprocess.Popen[bytes]] = []
    with stdin.open("rb") as first:
        source: int | object = first
        for n, command in enumerate(commands):
            last = n == len(commands) - 1
            proc = subprocess.Popen([*EDI, *command, "-"], stdin=source,  # type: ignore[arg-type]
                                    stdout=subprocess.DEVNULL if last else subprocess.PIPE, stderr=subprocess.PIPE)
            if n:
                procs[-1].stdout.close()  # type: ignore[union-attr]  # the next command owns the pipe now
            source = proc.stdout
            procs.append(proc)
        peaks = []
        for proc in procs:
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            assert proc.returncode in (0, 1), proc.stderr.read().decode()  # type: ignore[union-attr]
            proc.stderr.close()  # type: ignore[union-attr]
            peaks.append(usage.ru_maxrss)  # KiB on Linux
    return peaks


@pytest.mark.parametrize("name", COMMANDS)
def test_peak_memory_does_not_grow_with_the_file(name: str, files: dict[int, Path]) -> None:
    small, large = (_peak_kib(COMMANDS[name], stdin=files[n])[0] for n in (10_000, 50_000))
    assert large - small < GROWTH_LIMIT_KIB, f"edi {name}: {small // 1024} MiB on 10k claims, {large // 1024} MiB on 50k"


@pytest.mark.parametrize("lines", [False, True], ids=["document", "json-lines"])
def test_to_json_and_from_json_do_not_grow_with_the_file(lines: bool, files: dict[int, Path]) -> None:
    flag = ["--lines"] if lines else []
    small, large = (_peak_kib(["to-json", *flag], ["from-json"], stdin=files[n]) for n in (10_000, 50_000))
    for command, before, after in zip(("to-json", "from-json"), small, large):
        assert after - before < GROWTH_LIMIT_KIB, f"edi {command}: {before // 1024} MiB on 10k, {after // 1024} MiB on 50k"
