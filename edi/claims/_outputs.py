"""The build's JSON outputs, streamed: each entry is written when it is known, so a 100,000-claim build never holds
its manifest or its held claims in memory. A file is written under a temporary name and given its own when the
build ends (a killed build leaves ``.NAME.partial`` files, never a half-written ``manifest.json``)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


class JsonArrayFile:
    """``{"<key>": [entry, entry, …], <closing fields>}`` written entry by entry."""

    def __init__(self, path: Path, key: str) -> None:
        self.path = path
        self.partial = path.with_name(f".{path.name}.partial")
        self.stream = self.partial.open("w", encoding="utf-8")
        self.stream.write(f'{{"{key}": [')
        self.count = 0

    def add(self, entry: dict[str, Any]) -> None:
        self.stream.write(("\n " if self.count == 0 else ",\n ") + json.dumps(entry, ensure_ascii=False, default=str))
        self.count += 1

    def close(self, **closing: Any) -> None:
        """End the array, add ``closing`` fields, and give the file its name."""
        self.stream.write("\n]" if self.count else "]")
        for name, value in closing.items():
            self.stream.write(f',\n"{name}": ' + json.dumps(value, ensure_ascii=False, indent=1, default=str))
        self.stream.write("}\n")
        self.stream.close()
        os.replace(self.partial, self.path)

    def abandon(self) -> None:
        self.stream.close()
