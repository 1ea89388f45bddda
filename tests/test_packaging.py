"""The package as pip installs it: every subpackage and every mappings/ folder is listed in pyproject.toml (the
list is explicit because edi.mappings comes from the top-level mappings/ folder). bin/wheel-check, run by CI,
builds the wheel and runs the README's commands from a clean environment."""

from __future__ import annotations

import tomllib
from pathlib import Path

from edi._data import mapping_path, mappings_dir

ROOT = Path(__file__).resolve().parents[1]


def _config() -> dict:  # type: ignore[type-arg]
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_every_subpackage_and_mappings_folder_is_listed() -> None:
    listed = set(_config()["packages"])
    code = {".".join(p.relative_to(ROOT).parent.parts) for p in (ROOT / "edi").rglob("__init__.py")}
    data = {"edi.mappings", "edi.docs"} | {"edi.mappings." + p.name for p in (ROOT / "mappings").iterdir() if p.is_dir()}
    assert listed == code | data, f"pyproject.toml [tool.setuptools] packages is missing {sorted(code | data - listed)}"


def test_package_data_covers_every_mappings_file() -> None:
    patterns = _config()["package-data"]["edi.mappings"]
    suffixes = {pattern.rsplit(".", 1)[1] for pattern in patterns}
    files = [p for p in (ROOT / "mappings").rglob("*") if p.is_file()]
    assert files and all(p.suffix[1:] in suffixes for p in files), \
        [str(p) for p in files if p.suffix[1:] not in suffixes]


def test_mappings_are_found_from_the_source_tree_and_typed_marker_ships() -> None:
    assert mappings_dir() == ROOT / "mappings"
    assert mapping_path("acks", "277ca-status.toml").is_file()
    assert (ROOT / "edi" / "py.typed").exists() and (ROOT / "LICENSE").read_text().lstrip().startswith("Apache License")


def test_ci_runs_the_wheel_check() -> None:
    assert "bin/wheel-check" in (ROOT / ".ci" / "run").read_text()


def test_a_hand_edited_toml_gets_one_located_error(tmp_path: Path) -> None:
    """read_toml (profiles, maps, policies, receivers): not UTF-8, not TOML, missing — each a MappingError naming
    the file (the CLI fuzz test once found `edi post --policy` on a binary file raising UnicodeDecodeError)."""
    import pytest

    from edi._data import read_toml
    from edi.errors import MappingError

    binary, broken = tmp_path / "binary.toml", tmp_path / "broken.toml"
    binary.write_bytes(b"mode = '\xff'\n")
    broken.write_text("[payer\nname = 1\n")
    with pytest.raises(MappingError, match=r"binary\.toml.*not UTF-8 text \(byte 8\)"):
        read_toml(binary)
    with pytest.raises(MappingError, match=r"broken\.toml.*not valid TOML"):
        read_toml(broken)
    with pytest.raises(MappingError, match=r"missing\.toml.*cannot read"):
        read_toml(tmp_path / "missing.toml")
    assert read_toml(mapping_path("redact.toml"))["loops"]
