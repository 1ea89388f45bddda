"""The ICD-10-CM table builder (edi.codes.build_icd10): its readers on small inputs in the sources' layouts, and —
when the source wheels are at hand ($EDI_ICD10_WHEELS, see docs/code-sets.md) — the shipped table rebuilt from them."""

from __future__ import annotations

import json
import lzma
import os
from pathlib import Path

import pytest

from edi._data import mapping_path
from edi.codes._icd10 import MANIFEST, read_releases
from edi.codes.build_icd10 import (EXTERNAL_CAUSES, Release, build, lines, read_cms_order, read_code_list,
                                   read_ms_drg, read_releases_from, unspecified)

WHEELS = Path(os.environ.get("EDI_ICD10_WHEELS", "/nonexistent"))


def test_cms_order_file_flags() -> None:
    """Order number, code, 0 (header) / 1 (billable), titles at columns 16 and 77."""
    data = (b"00001 A00     0 Cholera" + b" " * 54 + b"Cholera\n"
            b"00002 A009    1 Cholera, unspecified" + b" " * 41 + b"Cholera, unspecified\n")
    release = read_cms_order(data)
    assert ({"A009"}, {"A00"}, "Cholera, unspecified") == (release.billable, release.headers, release.titles["A009"])


TABULAR = b"""<ICD10CM.tabular><chapter><name>1</name><section id="B20">
  <diag><name>B20</name><desc>HIV disease</desc></diag></section>
  <section id="S00"><diag><name>S00</name><desc>Superficial injury of head</desc>
    <sevenChrDef><extension char="A">initial encounter</extension><extension char="S">sequela</extension></sevenChrDef>
    <diag><name>S00.0</name><desc>Superficial injury of scalp</desc>
      <diag><name>S00.00</name><desc>Unspecified superficial injury of scalp</desc></diag></diag></diag>
  </section></chapter></ICD10CM.tabular>"""


def test_a_single_category_block_is_a_code() -> None:
    """The package's code list names the block B20 and the category B20 alike: B20 is a billable code."""
    release = read_code_list(b"1\nA00-B99\nB20\nB20\nB21\nB210\n", TABULAR)
    assert ({"B20", "B210"}, {"B21"}, "HIV disease") == (release.billable, release.headers, release.titles["B20"])


def test_a_7th_character_code_is_titled_from_its_base_and_extension() -> None:
    """S00.00XA has no <desc>: its title is S00.00's and the extension S00 defines for A."""
    release = read_code_list(b"S00\nS000\nS0000\nS0000XA\n", TABULAR)
    assert "Unspecified superficial injury of scalp, initial encounter" == release.titles["S0000XA"]


def test_not_applicable_or_unspecified_fetus_is_not_unspecified() -> None:
    """The 7th character 0 (one fetus) does not make a code unspecified; an unspecified trimester does."""
    assert (False, True) == (unspecified("Maternal care for X, third trimester, not applicable or unspecified"),
                             unspecified("Maternal care for X, unspecified trimester, not applicable or unspecified"))


def test_ms_drg_tables_know_no_external_causes() -> None:
    """Billable codes from the DRG maps; headers are their prefixes (a placeholder-X prefix only if a release with
    headers lists it); V00-Y99 are not known."""
    data = lzma.compress(json.dumps({"dxmap": {"J09X1": [], "S0000XA": []}, "ccmap": {"A000": {}},
                                     "exmap": {"1": ["A001"]}}).encode())
    release = read_ms_drg(data, known_headers={"J09X"})
    assert ({"J09X1", "S0000XA", "A000", "A001"}, {"J09", "J09X", "S00", "S000", "S0000", "A00"}) == (
        release.billable, release.headers)
    assert ("?", "B", ".") == (release.state("V0001XA"), release.state("A000"), release.state("Z999"))
    assert ("V", "W", "X", "Y") == EXTERNAL_CAUSES


def test_lines_compact_states_and_flag_unspecified() -> None:
    """One letter when every known release agrees (none for billable), else one per release; ' u' from the newest
    title."""
    old = Release({"J209", "M545"}, {"J20"}, titles={"J209": "Acute bronchitis, unspecified"})
    gap = Release(set(), set(), unknown=("",))
    new = Release({"J209", "M5450", "S0000XA"}, {"J20", "M545", "M54", "S00", "S000", "S0000"},
                  titles={"S0000XA": "Unspecified superficial injury of scalp, initial encounter"})
    found = {line.split(" ")[0]: line for line in lines([old, gap, new])}
    assert ("J20 N", "J209 u", "M545 B?N", "M5450 .?B", "S0000XA .?B u") == (
        found["J20"], found["J209"], found["M545"], found["M5450"], found["S0000XA"])


@pytest.mark.skipif(not WHEELS.is_dir(), reason="set EDI_ICD10_WHEELS to a folder with the wheels named in "
                                                 "mappings/codes/icd-10-cm.toml to rebuild the table")
def test_the_shipped_table_is_what_the_sources_give(tmp_path: Path) -> None:
    """Rebuilt from the wheels, the table is byte for byte the shipped one; and the MS-DRG tables hold exactly the
    package releases' billable codes outside V00-Y99 (FY2025 and FY2026 April updates), which is why they stand in
    for FY2022-FY2024."""
    out = tmp_path / "icd-10-cm.txt"
    build(WHEELS, out)
    assert mapping_path("codes", "icd-10-cm.txt").read_text() == out.read_text()
    releases, entries = read_releases(mapping_path(*MANIFEST))
    read = dict(zip((r.name for r in releases), read_releases_from(WHEELS, entries), strict=True))
    for drg, package in (("FY2025", "FY2025 April update"), ("FY2026", "FY2026 April update")):
        outside = {c for c in read[package].billable if not c.startswith(EXTERNAL_CAUSES)}
        assert read[drg].billable == outside, drg
