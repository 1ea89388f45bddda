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
