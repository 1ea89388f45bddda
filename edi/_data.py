"""Where the engine's data lives at run time: the mappings/ folder (code tables, payer profiles, ack tables) and
the docs/ folder (`edi explain` cites the rule tables of docs/validation-rules.md).

Installed from a wheel, both ship inside the package (``edi/mappings``, ``edi/docs``); in a source checkout (and
an editable install) they are the top-level ``mappings/`` and ``docs/`` beside ``edi/``. ``$EDI_MAPPINGS``
overrides the mappings.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent


@functools.cache
def _default_mappings() -> Path:
    for candidate in (_PACKAGE / "mappings", _PACKAGE.parent / "mappings"):
        if candidate.is_dir():
            return candidate
    return _PACKAGE / "mappings"  # missing: the loaders name this path in their error


def mappings_dir() -> Path:
    """The mappings/ folder: $EDI_MAPPINGS, else the packaged copy, else the one beside the source tree."""
    override = os.environ.get("EDI_MAPPINGS")
    return Path(override) if override else _default_mappings()


def mapping_path(*parts: str) -> Path:
    """A file under mappings/, e.g. ``mapping_path("acks", "277ca-status.toml")``."""
    return mappings_dir().joinpath(*parts)


@functools.cache
def docs_dir() -> Path:
    """The docs/ folder: the packaged copy, else the one beside the source tree."""
    for candidate in (_PACKAGE / "docs", _PACKAGE.parent / "docs"):
        if candidate.is_dir():
            return candidate
    return _PACKAGE / "docs"


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file a user may have edited (a profile, a map, a policy): its table, or a MappingError naming the
    file and what is wrong (cannot be read, not UTF-8, not TOML and where)."""
    import tomllib

    from edi.errors import MappingError

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MappingError(f"cannot read: {exc.strerror or exc}", str(path)) from None
    except UnicodeDecodeError as exc:
        raise MappingError(f"not UTF-8 text (byte {exc.start}): a TOML file is expected", str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"not valid TOML: {exc}", str(path)) from None


def named_mapping(folder: str, name_or_path: str | Path, what: str) -> Path:
    """A mapping file by name (``mappings/FOLDER/NAME.toml``) or by path; a MappingError lists the names known
    when there is no such file."""
    from edi.errors import MappingError

    path = Path(name_or_path)
    if path.suffix != ".toml":
        path = mapping_path(folder, f"{name_or_path}.toml")
    if not path.is_file():
        known = sorted(p.stem for p in mapping_path(folder).glob("*.toml"))
        raise MappingError(f"no such {what}; known: {', '.join(known) or 'none'}", str(path))
    return path


class TableReader:
    """Typed values out of one table of a hand-edited TOML file; a wrong one raises a MappingError naming the file
    and the key's path (``prefix.key``). Readers of a particular file add their own kinds of value."""

    def __init__(self, data: dict[str, Any], source: str, prefix: str) -> None:
        self.data, self.source, self.prefix = data, source, prefix

    def fail(self, key: str, message: str) -> Exception:
        from edi.errors import MappingError

        return MappingError(message, self.source, f"{self.prefix}.{key}")

    def table(self, key: str) -> dict[str, Any]:
        value = self.data.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table")
        return value

    def string(self, key: str, default: str = "") -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str):
            raise self.fail(key, "must be a string")
        return value

    def strings(self, key: str, default: Sequence[str] = ()) -> list[str]:
        value = self.data.get(key, list(default))
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, "must be a list of strings")
        return value

    def boolean(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(key, "must be true or false")
        return value


def table_day(raw: str, path: Path, where: str) -> date | None:
    """A YYYY-MM-DD cell of a shipped or loaded table (blank: None); a MappingError names file and row if it is
    not a date."""
    from edi.errors import MappingError

    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise MappingError(f"{raw!r} is not a date (YYYY-MM-DD)", str(path), where) from None
