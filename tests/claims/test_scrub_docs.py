"""docs/scrub-edits.md comes from the edit registry and is kept current; every edit says what it prevents."""

from __future__ import annotations

import re
from pathlib import Path

from edi.claims.scrub import EDITS
from edi.claims.scrub._docs import render_markdown

DOCS = Path(__file__).resolve().parents[2] / "docs" / "scrub-edits.md"


def test_docs_scrub_edits_md_is_current() -> None:
    """docs/scrub-edits.md is what `python -m edi.claims.scrub._docs` prints: regenerate it after changing an edit."""
    assert render_markdown() + "\n" == DOCS.read_text()


def test_every_edit_is_documented_with_a_denial_and_its_data() -> None:
    for e in EDITS.values():
        assert re.fullmatch(r"(CO|OA|PI|PR)-[A-Z0-9]{1,3}", e.prevents), e.code
        assert e.summary.endswith(".") and e.data, e.code
        assert f"| `{e.code}` |" in DOCS.read_text(), e.code
        assert e.code.split(".")[0] == e.root_cause.value, e.code
