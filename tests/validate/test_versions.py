"""GS08 / ST03 versions: errata of a guide (005010X222A2, X223A3, X279A1 …) are accepted wherever the guide they
amend is, and read with its rules (docs/validation-rules.md); a version nobody published is still flagged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import SAMPLES, corpus_files, corpus_id
from edi.validate import validate

P837 = (SAMPLES / "837p-office-visits.x12").read_bytes()
I837 = (SAMPLES / "837i-inpatient.x12").read_bytes()
VERSION_ELEMENTS = ("GS08", "ST03")


def _with_version(data: bytes, old: bytes, new: bytes) -> bytes:
    return data.replace(b"*" + old + b"~", b"*" + new + b"~")


def _version_findings(source: Path | bytes) -> list[tuple[str, str | None, str | None]]:
    return [(f.code, f.location.element, f.value) for f in validate(source, jobs=1).findings
            if f.location.element in VERSION_ELEMENTS and f.code.startswith("snip2.")]


@pytest.mark.parametrize(("data", "base", "errata"), [
    (P837, b"005010X222A1", b"005010X222A2"), (P837, b"005010X222A1", b"005010X222"),
    (I837, b"005010X223A2", b"005010X223A3"), (I837, b"005010X223A2", b"005010X223A1")])
def test_an_errata_version_gets_the_findings_of_the_guide_it_amends(data: bytes, base: bytes,
                                                                     errata: bytes) -> None:
    """The bundled samples (clean) stay clean with GS08 and ST03 set to an errata version."""
    amended = _with_version(data, base, errata)
    assert amended.count(errata) == 2, "GS08 and ST03 both changed"
    assert [] == [(f.code, f.location.element) for f in validate(amended, jobs=1).findings]


def test_a_version_nobody_published_is_still_flagged() -> None:
    made_up = _with_version(P837, b"005010X222A1", b"005010X222A9")
    assert ("snip2.element.code", "GS08", "005010X222A9") in _version_findings(made_up)


@pytest.mark.corpus
def test_the_eligibility_errata_x279a1_is_accepted_in_gs08() -> None:
    """pyx12 has no 5010 270/271 map; its envelope map lists 005010X279, which X279A1 amends: the transaction
    gets the "no guide" warning, GS08 no error."""
    files = [p for p in corpus_files("other") if b"*005010X279A1~" in p.read_bytes()[:600]]
    assert files, "the corpus has 270/271 files in 005010X279A1"
    for path in files:
        assert [] == [f for f in _version_findings(path) if f[1] == "GS08"], corpus_id(path)


@pytest.mark.corpus
@pytest.mark.parametrize("path", [p for p in corpus_files("837p", "837i")
                                  if re.search(rb"\*005010X22[23]A[23]~", p.read_bytes()[:1000])], ids=corpus_id)
def test_linuxforhealth_errata_files_get_no_version_finding(path: Path) -> None:
    assert [] == _version_findings(path)
