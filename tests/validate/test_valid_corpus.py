"""Every corpus file pyx12 finds valid gets no SNIP 1 or 2 error from us either (30 files; no disagreement). (SNIP 3-5 findings on those files are real data problems pyx12 does not look for:
fake NPIs, 5-digit ZIP codes, unbalanced test amounts; test_snip4.py and test_snip5.py pin them file by file.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import corpus_files, corpus_id
from edi.validate import validate
from guide.test_differential import readable_by_pyx12
from pyx12_errors import pyx12_errors

pytestmark = pytest.mark.corpus

# Where pyx12 itself reports errors on a corpus file, tests/validate/test_differential_pyx12.py checks we report
# them too, and records (DISAGREE there) the one case where pyx12 is wrong.


@pytest.mark.parametrize("path", corpus_files("837p", "837i", "835", "999", "277ca"), ids=corpus_id)
def test_files_valid_to_pyx12_have_no_syntax_or_guide_errors(path: Path, tmp_path: Path) -> None:
    readable = readable_by_pyx12(path, tmp_path)
    try:
        theirs = pyx12_errors(str(readable))
    except Exception as exc:
        pytest.skip(f"pyx12 raised {type(exc).__name__}")
    if theirs:
        pytest.skip(f"pyx12 reports {len(theirs)} error(s): not a valid file")
    ours = [f"{f.code} at segment {f.location.segment_index + 1}" for f in validate(readable, snips=(1, 2)).errors]
    assert [] == ours
