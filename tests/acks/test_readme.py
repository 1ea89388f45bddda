"""The README's acknowledgment example is true: its commands, run on the broken claim file it describes, print
what it shows."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

from conftest import ROOT, SAMPLES

README = (ROOT / "README.md").read_text()
SHOWN_DATE = "20250201"   # the README shows acknowledgments made on this day


def _ack_blocks() -> list[list[str]]:
    blocks = re.findall(r"```\n(\$ edi validate (?:nocity|broken)\.x12 --ack.*?)```", README, re.S)
    return [block.strip("\n").split("\n") for block in blocks]


def _files(folder: Path) -> None:
    """broken.x12 as the README's report shows it: a rendering NPI mistyped, CLM02 245 for 235; nocity.x12 the
    same with the subscriber's city (N401) removed too."""
    data = (SAMPLES / "837p-office-visits.x12").read_bytes()
    broken = data.replace(b"N4*SPRINGFIELD*IL*62704~", b"N4**IL*62704~", 1).replace(
        b"XX*1234567901~", b"XX*1234567902~", 1).replace(b"CLM*PCN1001*235*", b"CLM*PCN1001*245*", 1)
    (folder / "nocity.x12").write_bytes(broken)
    (folder / "broken.x12").write_bytes(broken.replace(b"N4**IL*62704~", b"N4*SPRINGFIELD*IL*62704~", 1))


def test_the_readme_acknowledgment_example_is_what_the_commands_print(tmp_path: Path) -> None:
    blocks = _ack_blocks()
    assert 2 == len(blocks), "the README shows the file without its city and the broken file acknowledged"
    _files(tmp_path)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    today = date.today().strftime("%Y%m%d")
    for block in blocks:
        commands = [i for i, line in enumerate(block) if line.startswith("$ ")]
        for at, end in zip(commands, [*commands[1:], len(block)]):
            run = subprocess.run(["bash", "-c", block[at][2:]], cwd=tmp_path, env=env, capture_output=True,
                                 text=True, timeout=120)
            printed = (run.stderr + run.stdout).replace(today, SHOWN_DATE).strip("\n").split("\n")
            assert block[at + 1:end] == printed, block[at]
