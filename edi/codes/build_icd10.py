"""Build mappings/codes/icd-10-cm.txt from the public files named in mappings/codes/icd-10-cm.toml.

Run when CMS publishes a release (October, and April when there is an update)::

    pip download --no-deps -d /tmp/icd simple-icd-10-cm==1.2.0 simple-icd-10-cm==1.4.0 simple-icd-10-cm==1.5.0 drgpy==0.2.1
    python -m edi.codes.build_icd10 /tmp/icd

The wheels are read as zip files (nothing is installed or imported). Each release's codes come from its `build`
entry; a release without one is "?" (not known) for every code. See docs/code-sets.md for the line format.
"""

from __future__ import annotations

import json
import lzma
import re
import sys
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from lxml import etree

from edi._data import mapping_path
from edi.codes._icd10 import MANIFEST, TABLE, read_releases
from edi.errors import MappingError

_CODE = re.compile(r"[A-Z][0-9A-Z]{2,6}")  # QA0 (FY2026) has a letter second
EXTERNAL_CAUSES = ("V", "W", "X", "Y")  # the MS-DRG tables list no external-cause codes (V00-Y99)


class Release:
    """One release's codes: billable leaves, headers (codes with codes below them) and prefixes it cannot tell."""

    def __init__(self, billable: set[str], headers: set[str], unknown: tuple[str, ...] = (),
                 titles: Mapping[str, str] | None = None) -> None:
        self.billable, self.headers, self.unknown, self.titles = billable, headers, unknown, dict(titles or {})

    def state(self, code: str) -> str:
        if self.unknown and code.startswith(self.unknown):
            return "?"
        return "B" if code in self.billable else "N" if code in self.headers else "."


def _member(folder: Path, build: Mapping[str, Any], key: str = "member") -> bytes:
    wheel = folder / str(build["wheel"])
    try:
        with zipfile.ZipFile(wheel) as archive:
            return archive.read(str(build[key]))
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        raise MappingError(f"cannot read {build[key]} from {wheel}: {exc}", str(wheel)) from exc


def read_cms_order(data: bytes) -> Release:
    """CMS's order file: order number (5), code (7), flag 0 = header / 1 = billable, short title, long title."""
    billable, headers, titles = set(), set(), {}
    for line in data.decode("latin-1").splitlines():
        code, flag = line[6:13].strip(), line[14:15]
        if not _CODE.fullmatch(code) or flag not in "01":
            continue
        (billable if flag == "1" else headers).add(code)
        titles[code] = line[77:].strip()
    return Release(billable, headers, titles=titles)


def read_code_list(data: bytes, tabular: bytes) -> Release:
    """simple-icd-10-cm's code list (chapters, blocks and codes) with the tabular XML for titles. A block that is a
    single category ("B20") is listed under the same name as the category: it counts as the category."""
    codes = {line.strip() for line in data.decode("utf-8").splitlines()}
    codes = {code for code in codes if _CODE.fullmatch(code)}
    headers = {code[:k] for code in codes for k in range(3, len(code)) if code[:k] in codes}
    return Release(codes - headers, headers, titles=_tabular_titles(tabular, codes))


def _tabular_titles(tabular: bytes, codes: set[str]) -> dict[str, str]:
    """Each code's title: its own <desc>, or for a code made of a base and a 7th character defined by a
    <sevenChrDef> on the base or an ancestor, the base's title and the extension's ("…, initial encounter")."""
    titles: dict[str, str] = {}
    extensions: dict[str, dict[str, str]] = {}

    def walk(node: etree._Element, inherited: dict[str, str]) -> None:
        for diag in node.iterchildren("diag"):
            name = (diag.findtext("name") or "").replace(".", "")
            titles[name] = diag.findtext("desc") or ""
            defined = diag.find("sevenChrDef")
            own = {e.get("char", ""): e.text or "" for e in defined.iterchildren("extension")} if defined is not None \
                else inherited
            extensions[name] = own
            walk(diag, own)

    root = etree.fromstring(tabular)
    for chapter in root.iterchildren("chapter"):
        for section in chapter.iterchildren("section"):
            walk(section, {})
    for code in codes:
        if code not in titles and len(code) == 7:
            base = code[:6].rstrip("X")
            extension = extensions.get(base, {}).get(code[6])
            if base in titles and extension:
                titles[code] = f"{titles[base]}, {extension}"
    return titles


def read_ms_drg(data: bytes, known_headers: set[str]) -> Release:
    """drgpy's MS-DRG snapshot: every billable diagnosis code except external causes. Headers are the billable
    codes' proper prefixes; a prefix ending in the placeholder X is a header only where a release with headers
    lists it (J09X is; S0000X is not)."""
    tables = json.loads(lzma.decompress(data))
    billable = set(tables["dxmap"]) | set(tables["ccmap"])
    for codes in tables["exmap"].values():
        billable |= set(codes)
    headers = {code[:k] for code in billable for k in range(3, len(code))}
    headers = {h for h in headers if not h.endswith("X") or h in known_headers}
    return Release(billable, headers - billable, unknown=EXTERNAL_CAUSES)


def read_releases_from(folder: Path, entries: list[dict[str, Any]]) -> list[Release]:
    """Every release of the manifest, read from the wheels in ``folder`` (None-like empty release for gaps)."""
    releases: list[Release | None] = []
    builds = [entry.get("build") for entry in entries]
    for build in builds:
        if build and build["format"] == "cms-order":
            releases.append(read_cms_order(_member(folder, build)))
        elif build and build["format"] == "code-list":
            releases.append(read_code_list(_member(folder, build), _member(folder, build, "titles")))
        else:
            releases.append(None)
    known_headers = set().union(*(r.headers for r in releases if r is not None))
    out: list[Release] = []
    for build, release in zip(builds, releases, strict=True):
        if build and build["format"] == "ms-drg":
            release = read_ms_drg(_member(folder, build), known_headers)
        out.append(release if release is not None else Release(set(), set(), unknown=("",)))
    return out


def lines(releases: list[Release]) -> Iterable[str]:
    """The table's lines: code, its states (one letter when every known release agrees), " u" if unspecified."""
    codes = set().union(*(r.billable | r.headers for r in releases))
    for code in sorted(codes):
        states = "".join(r.state(code) for r in releases)
        known = set(states) - {"?"}
        compact = known.pop() if len(known) == 1 else states
        fields = [code] + ([] if compact == "B" else [compact]) + (["u"] if unspecified(_title(code, releases)) else [])
        yield " ".join(fields)


def _title(code: str, releases: list[Release]) -> str:
    """The code's title from the newest release that titles it."""
    return next((r.titles[code] for r in reversed(releases) if code in r.titles), "")


def unspecified(title: str) -> bool:
    """Whether a title says the code is unspecified. "Not applicable or unspecified" (the 7th character 0 for the
    fetus in a singleton pregnancy) does not count: it is the right code when there is one fetus."""
    return "unspecified" in title.lower().replace("not applicable or unspecified", "")


def build(folder: Path, out: Path | None = None) -> int:
    """Write the table; returns the number of codes."""
    releases, entries = read_releases(mapping_path(*MANIFEST))
    read = read_releases_from(folder, entries)
    names = ", ".join(r.name for r in releases)
    text = [f"# ICD-10-CM codes (no dots) of every release in icd-10-cm.toml, one status letter per release, in order: {names}.",
            "# B billable, N not billable (codes below it), . not a code, ? not known (judged by the nearest known releases).",
            "# A bare code is billable in every known release, 'CODE N' a category in every one; ' u': the title says unspecified.",
            "# Regenerate: python -m edi.codes.build_icd10 WHEEL_FOLDER (docs/code-sets.md)."]
    body = list(lines(read))
    path = out or mapping_path(*TABLE)
    path.write_text("\n".join(text + body) + "\n", encoding="ascii")
    return len(body)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m edi.codes.build_icd10 WHEEL_FOLDER")
    print(build(Path(sys.argv[1])), "codes written")
