"""docs/encounters.md and `edi schema encounter` come from the model: every field documented with its 837
destination, and the page kept current."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
from click.testing import CliRunner

from edi.claims import encounter as model
from edi.claims._docs import field_comments, render_markdown
from edi.cli import cli
from edi.models._docs import _structs

DOCS = Path(__file__).resolve().parents[2] / "docs" / "encounters.md"


def test_docs_encounters_md_is_current() -> None:
    """docs/encounters.md is what `python -m edi.claims._docs` prints: regenerate it after changing the model."""
    assert render_markdown() + "\n" == DOCS.read_text()


def test_every_field_says_where_it_goes() -> None:
    """Each field's comment has a destination after "→" (a loop/segment/element, or "not sent")."""
    missing = [f"{cls.__name__}.{field.name}" for cls in _structs(model.Encounter, set())
               for field in msgspec.structs.fields(cls) if not field_comments(cls).get(field.name, ("", ""))[1]]
    assert [] == missing


def test_schema_command_prints_the_described_schema() -> None:
    result = CliRunner().invoke(cli, ["schema", "encounter"])
    assert 0 == result.exit_code
    schema = json.loads(result.output)
    assert "edi-encounter/1" == schema["$id"]
    line_id = schema["$defs"]["Line"]["properties"]["id"]
    assert line_id["description"].endswith("→ 2400 REF*6R line item control number (echoed by the 835)")
    assert ["id", "patient", "coverages", "billing_provider", "diagnoses", "lines"] == \
        schema["$defs"]["Encounter"]["required"]
