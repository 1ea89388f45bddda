"""The lossless JSON form: both forms round-trip, and hand-edited JSON gives one located error, never a traceback
and never corrupt X12 (what is accepted tokenizes back to exactly the segments the JSON holds)."""

from __future__ import annotations

import copy
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SAMPLES
from edi.cli import cli
from edi.inspect import JsonInputError, from_json, to_document, to_json
from edi.x12 import tokenize

P837 = SAMPLES / "837p-office-visits.x12"
R835 = SAMPLES / "835-remittance.x12"
Path_ = list[Any]


def _lines(path: Path) -> list[dict[str, Any]]:
    out = io.BytesIO()
    to_json(path, out, lines=True)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def _find(node: Any, seg_id: str, path: Path_ | None = None) -> Path_ | None:
    """The path (keys and indexes) of the first segment with this id."""
    path = path or []
    if isinstance(node, dict):
        if node.get("id") == seg_id:
            return path
        for n, child in enumerate(node.get("children", [])):
            found = _find(child, seg_id, [*path, "children", n])
            if found is not None:
                return found
    return None


def _at(document: Any, path: Path_) -> Any:
    for key in path:
        document = document[key]
    return document


def _json_path(path: Path_) -> str:
    return "$" + "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in path)


def _refused(document: Any) -> JsonInputError:
    with pytest.raises(JsonInputError) as caught:
        from_json(json.dumps(document))
    return caught.value


class TestRoundTrip:
    @pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.x12")), ids=lambda p: p.name)
    def test_both_forms_give_back_the_bytes(self, path: Path) -> None:
        for lines in (False, True):
            out = io.BytesIO()
            to_json(path, out, lines=lines)
            assert path.read_bytes() == from_json(out.getvalue()), f"lines={lines}"

    def test_the_lines_form_is_a_header_then_one_envelope_segment_or_transaction_a_line(self) -> None:
        values = _lines(R835)
        assert {"format": "edi-x12-json/1"} == values[0]
        assert ["ISA", "GS", None, "GE", "IEA"] == [v.get("id") for v in values[1:]]
        transaction = values[3]
        assert ("835", "0001", "005010X221A1") == (transaction["transaction"], transaction["control"], transaction["guide"])
        assert {"element": "*", "component": ":", "repetition": "^", "segment": "~", "line_break": "\n"} == values[1]["delimiters"]

    def test_the_document_keeps_the_edi_x12_json_1_layout(self) -> None:
        document = to_document(R835)
        interchange = document["children"][0]
        assert ("edi-x12-json/1", "000003001") == (document["format"], interchange["interchange"])
        group = interchange["children"][1]
        transaction = group["children"][1]
        assert ("3001", "835.5010.X221.A1.xml") == (group["group"], transaction["map"])
        clp = _at(document, _find(document, "CLP"))  # type: ignore[arg-type]
        assert {"id": "CLP", "elements": ["PCN1001", "1", "235", "125.22", "31.31", "12", "EXHP2501150001", "11", "1"],
                "tail": "~\n", "name": "Claim Payment Information"} == clp

    def test_cli_reads_standard_input_in_both_directions(self) -> None:
        runner = CliRunner()
        for flag in ([], ["--lines"]):
            as_json = runner.invoke(cli, ["to-json", *flag, "-"], input=R835.read_bytes())
            back = runner.invoke(cli, ["from-json", "-"], input=as_json.stdout_bytes)
            assert (0, R835.read_bytes()) == (back.exit_code, back.stdout_bytes)


class TestHandEditedJson:
    """One error naming the JSON path; the CLI exits 2 with it on one line."""

    def setup_method(self) -> None:
        self.document = to_document(P837)
        self.clm = _find(self.document, "CLM")
        assert self.clm is not None

    def test_a_value_holding_the_element_separator_is_refused_with_its_path_and_character(self) -> None:
        _at(self.document, self.clm)["elements"][0] = "PCN1003*X"
        error = _refused(self.document)
        assert _json_path([*self.clm, "elements", 0]) == error.where
        assert "'PCN1003*X' contains the element separator '*'" in error.reason

    def test_a_value_holding_the_terminator_is_refused(self) -> None:
        _at(self.document, self.clm)["elements"][0] = "PCN1003X~Y"
        error = _refused(self.document)
        assert _json_path([*self.clm, "elements", 0]) == error.where and "segment terminator '~'" in error.reason

    def test_a_missing_key(self) -> None:
        del _at(self.document, self.clm)["tail"]
        error = _refused(self.document)
        assert (_json_path(self.clm), "segment CLM has no 'tail'") == (error.where, error.reason)

    @pytest.mark.parametrize("value, shown", [(42, "a number (42)"), (None, "null"), (True, "true/false"),
                                              (["A"], "an array")])
    def test_a_number_null_or_array_where_an_element_belongs(self, value: Any, shown: str) -> None:
        _at(self.document, self.clm)["elements"][1] = value
        error = _refused(self.document)
        assert (_json_path([*self.clm, "elements", 1]), f"an element must be text, found {shown}") == (error.where, error.reason)

    def test_null_where_the_tail_belongs(self) -> None:
        _at(self.document, self.clm)["tail"] = None
        error = _refused(self.document)
        assert (_json_path([*self.clm, "tail"]), "must be text, found null") == (error.where, error.reason)

    def test_a_delimiter_given_as_two_characters(self) -> None:
        self.document["children"][0]["delimiters"]["element"] = "**"
        error = _refused(self.document)
        assert ("$.children[0].delimiters.element", "must be one character, found '**'") == (error.where, error.reason)

    def test_delimiters_that_differ_from_the_isa_are_refused(self) -> None:
        self.document["children"][0]["delimiters"]["component"] = ">"
        error = _refused(self.document)
        assert "$.children[0].children[0]" == error.where and "the ISA declares" in error.reason

    def test_wrong_nesting(self) -> None:
        group = self.document["children"][0]["children"][1]
        group["children"] = {"id": "GS"}
        error = _refused(self.document)
        assert ("$.children[0].children[1].children", "'children' must be an array, found an object") == (
            error.where, error.reason)

    def test_a_child_that_is_neither_segment_nor_container(self) -> None:
        self.document["children"][0]["children"][1]["children"].insert(1, {"name": "lost"})
        error = _refused(self.document)
        assert "$.children[0].children[1].children[1]" == error.where and "neither a segment" in error.reason

    def test_a_character_iso_8859_1_cannot_hold(self) -> None:
        _at(self.document, self.clm)["elements"][0] = "PCN€"
        error = _refused(self.document)
        assert _json_path([*self.clm, "elements", 0]) == error.where and "U+20AC" in error.reason

    def test_an_unterminated_segment_before_the_end(self) -> None:
        _at(self.document, self.clm)["tail"] = ""
        error = _refused(self.document)
        assert _json_path([*self.clm, "tail"]) == error.where and "segment terminator '~'" in error.reason

    def test_not_json_names_where_the_reader_was(self) -> None:
        text = json.dumps(self.document)
        with pytest.raises(JsonInputError) as caught:
            from_json(text[: len(text) // 2])
        assert caught.value.reason.startswith("not valid JSON") and caught.value.where.startswith("$.children[0]")

    def test_json_lines_errors_name_the_line(self) -> None:
        values = _lines(P837)
        values[2]["elements"][0] = "H*C"  # line 3 is the GS
        text = "\n".join(json.dumps(v) for v in values)
        with pytest.raises(JsonInputError) as caught:
            from_json(text)
        assert "line 3: $.elements[0]" == caught.value.where

    def test_the_cli_gives_one_line_and_exit_2(self, tmp_path: Path) -> None:
        _at(self.document, self.clm)["elements"][0] = "PCN1003*X~Y"
        edited = tmp_path / "edited.json"
        edited.write_text(json.dumps(self.document))
        result = CliRunner().invoke(cli, ["from-json", str(edited)])
        assert 2 == result.exit_code
        assert [f"{edited}: {_json_path([*self.clm, 'elements', 0])}: 'PCN1003*X~Y' contains the element "
                "separator '*', which would split the segment; remove it or choose other delimiters"] == (
            result.stderr.strip().splitlines())

    def test_a_wrong_format_is_refused_before_anything_is_read(self) -> None:
        self.document["format"] = "edi-x12-json/9"
        error = _refused({"format": "edi-x12-json/9", "children": self.document["children"]})
        assert ("$.format", "not an edi-x12-json/1 document: its format is 'edi-x12-json/9'") == (error.where, error.reason)


# -- fuzzing ---------------------------------------------------------------------------------------------------
JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                           | st.text(max_size=6),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                           max_leaves=6)
# Text that tends to hit the rules: delimiters, terminators, whitespace, characters beyond ISO-8859-1.
TRICKY_TEXT = st.text(alphabet=st.sampled_from("AZ09 *~:^>|\n\r\t\x00\x85é€ISAEB"), max_size=8)
KEYS = ["id", "elements", "tail", "lead", "delimiters", "children", "format", "name", "element", "segment",
        "component", "repetition", "line_break"]


def _nodes(node: Any, path: Path_) -> list[Path_]:
    """Every path into a JSON value (objects, arrays and their members)."""
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _nodes(value, [*path, key])
    elif isinstance(node, list):
        for n, value in enumerate(node):
            found += _nodes(value, [*path, n])
    return found


@st.composite
def mutated(draw: st.DrawFn, base: Any) -> Any:
    """A copy of ``base`` with one to three random edits: a value replaced (by any JSON or tricky text), a key
    dropped or added, an array item removed or duplicated."""
    document = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        paths = _nodes(document, [])
        path = draw(st.sampled_from(paths))
        kind = draw(st.sampled_from(["replace", "text", "drop", "add", "duplicate"]))
        if not path:
            continue
        parent, key = _at(document, path[:-1]), path[-1]
        if kind == "replace":
            parent[key] = draw(JSON_VALUES)
        elif kind == "text":
            parent[key] = draw(TRICKY_TEXT)
        elif kind == "drop":
            del parent[key]
        elif kind == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(KEYS))] = draw(JSON_VALUES | TRICKY_TEXT)
        elif kind == "duplicate" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
    return document


def _segments_in(node: Any) -> list[tuple[str, ...]]:
    """The segments a (valid) JSON value holds, in order, as (id, *elements)."""
    if isinstance(node, list):
        return [seg for child in node for seg in _segments_in(child)]
    if "id" in node:
        return [(node["id"], *node["elements"])]
    return _segments_in(node.get("children", []))


def _accepted_or_located(text: str, expected: Any) -> None:
    try:
        data = from_json(text)
    except JsonInputError as error:
        assert error.where.startswith(("$", "line ")) and error.reason
        return
    assert [(s.id, *s.elements[1:]) for s in tokenize(data)] == _segments_in(expected)


DOCUMENT = to_document(R835)
LINES = _lines(SAMPLES / "999-ack.x12")
# EDI_FUZZ_EXAMPLES=5000 for a longer run than the suite's
FUZZ = settings(max_examples=int(os.environ.get("EDI_FUZZ_EXAMPLES", "300")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(mutated(DOCUMENT))
def test_a_mutated_document_gives_a_located_error_or_the_same_segments(document: Any) -> None:
    _accepted_or_located(json.dumps(document), document)


@FUZZ
@given(mutated(LINES))
def test_mutated_json_lines_give_a_located_error_or_the_same_segments(values: Any) -> None:
    _accepted_or_located("\n".join(json.dumps(v) for v in values), values)


@FUZZ
@given(st.one_of(JSON_VALUES.map(json.dumps), st.text(max_size=40),
                 st.integers(0, 2000).map(lambda n: json.dumps(DOCUMENT)[:n])))
def test_any_text_gives_a_located_error_or_x12(text: str) -> None:
    try:
        from_json(text)
    except JsonInputError as error:
        assert error.where and error.reason
