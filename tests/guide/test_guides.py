"""The guides compiled from pyx12's maps: complete, named, unambiguous, cached."""

from __future__ import annotations

import pickle

import pytest

from edi.guide import (NAMED, LoopSpec, SegmentSpec, TransactionSpec, control_guide, guide_for, guide_named,
                       load_guide, map_name_for)

from edi.guide._loader import compile_guide, map_dir

SUPPORTED = sorted(set(NAMED.values()))


@pytest.mark.parametrize("version", SUPPORTED)
def test_every_supported_guide_loads_with_an_st_loop(version: str) -> None:
    guide = guide_for(version)
    assert guide is not None and guide.loop("ST_LOOP") is not None


def test_selection_by_version_and_transaction_set() -> None:
    assert "837.5010.X222.A1.xml" == map_name_for("005010X222A1", "837")
    assert "837Q3.I.5010.X223.A1.xml" == map_name_for("005010X223A2", "837")
    assert "837Q3.I.5010.X223.A1.xml" == map_name_for("005010X223A3", "837"), "errata read as X223A2"
    assert "835.5010.X221.A1.xml" == map_name_for("005010X221A1", "835")
    assert "277.5010.X214.xml" == map_name_for("005010X214", "277")
    assert map_name_for("005010X279A1", "271") is None
    assert map_name_for("005010X222A1", "835") is None, "ST01 must agree with the guide"


def test_names_come_from_the_guide() -> None:
    """Checked against the 837P implementation guide (005010X222A1), loop 2300 and CLM."""
    guide = guide_named("837p")
    claim = guide.loop("2300")
    assert claim is not None and "2300 CLAIM INFORMATION" == claim.title
    clm = claim.children[0]
    assert isinstance(clm, SegmentSpec) and "CLM" == clm.id
    assert "CLM01 Patient Control Number" == clm.elements[0].title
    assert ("R", "AN", 1, 38) == (clm.elements[0].usage, clm.elements[0].data_type, clm.elements[0].min_len,
                                  clm.elements[0].max_len)
    clm05 = clm.element(5)
    assert clm05 is not None and clm05.is_composite and "CLM05-02" == clm05.components[1].id
    assert frozenset({"B"}) == clm05.components[1].codes
    assert "pos" == clm05.components[0].external


def test_835_claim_and_service_loops() -> None:
    guide = guide_named("835")
    assert "2100 CLAIM PAYMENT INFORMATION" == guide.loop("2100").title  # type: ignore[union-attr]
    svc = guide.loop("2110").children[0]  # type: ignore[union-attr]
    assert isinstance(svc, SegmentSpec) and "SVC" == svc.id and svc.key is not None and 1 == svc.key[1]


@pytest.mark.parametrize("version", SUPPORTED)
def test_sibling_loops_are_told_apart_by_their_first_segment(version: str) -> None:
    """Two sibling loops that start with the same segment must differ in the qualifier codes that start them."""
    guide = guide_for(version)
    assert guide is not None
    for loop in guide.root.walk_loops():
        seen: dict[str, list[frozenset[str] | None]] = {}
        for child in loop.children:
            if isinstance(child, LoopSpec) and child.children and isinstance(child.children[0], SegmentSpec):
                first = child.children[0]
                codes = first.key[2] if first.key else None
                for other in seen.get(first.id, []):
                    assert codes is not None and other is not None and not (codes & other), (
                        f"{guide.map_name}: children of {loop.id} starting with {first.id} are ambiguous")
                seen.setdefault(first.id, []).append(codes)


def test_compiled_specs_are_cached_and_equal_to_a_fresh_compile(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("EDI_CACHE_DIR", str(tmp_path))
    load_guide.cache_clear()
    first = load_guide("835.5010.X221.A1.xml")
    assert list(tmp_path.glob("835*.pickle")), "the compiled guide was written to the cache"
    load_guide.cache_clear()
    again = load_guide("835.5010.X221.A1.xml")
    assert again == first == compile_guide(map_dir() / "835.5010.X221.A1.xml")
    assert pickle.loads(pickle.dumps(first)) == first
    load_guide.cache_clear()


def test_code_tables_come_from_the_disk_cache(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """maps.xml and codes.xml are parsed once, then read back pickled (no lxml at start-up); a broken cache file
    is rebuilt, never trusted."""
    from edi.guide._loader import from_disk_cache
    from edi.guide._select import _read_maps
    from edi.validate._elements import _read_codes

    monkeypatch.setenv("EDI_CACHE_DIR", str(tmp_path))
    for name, read in (("maps.xml", _read_maps), ("codes.xml", _read_codes)):
        builds: list[int] = []

        def build() -> dict:  # type: ignore[type-arg]
            builds.append(1)
            return read()  # type: ignore[no-any-return]

        fresh = from_disk_cache(map_dir() / name, build, dict)
        assert fresh and from_disk_cache(map_dir() / name, build, dict) == fresh and len(builds) == 1
        for cached in tmp_path.glob(f"{name.split('.')[0]}-*.pickle"):
            cached.write_bytes(b"not a pickle")
        assert from_disk_cache(map_dir() / name, build, dict) == fresh and len(builds) == 2
    assert "005010X222A1" in _read_maps() and "states" in _read_codes()


@pytest.mark.parametrize("guide", [control_guide(), *(guide_named(name) for name in sorted(NAMED))],
                         ids=lambda g: g.map_name)
def test_isa11_is_named_as_in_5010(guide: TransactionSpec) -> None:
    """In 00501 ISA11 is data element I65, Repetition Separator; several pyx12 maps keep 4010's name (I10,
    Interchange Control Standards Identifier)."""
    (isa,) = [n for n in guide.nodes if isinstance(n, SegmentSpec) and n.id == "ISA"]
    isa11 = isa.elements[10]
    assert ("ISA11", "I65", "Repetition Separator") == (isa11.id, isa11.data_ele, isa11.name)
    assert not isa11.codes, "4010's code U (U.S. EDI community) is no 5010 repetition separator"


def test_the_4010_envelope_keeps_its_own_isa11() -> None:
    spec = compile_guide(map_dir() / "x12.control.00401.xml")
    (isa,) = [n for n in spec.nodes if isinstance(n, SegmentSpec) and n.id == "ISA"]
    assert ("I10", "Interchange Control Standards Identifier") == (isa.elements[10].data_ele, isa.elements[10].name)
