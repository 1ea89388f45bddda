"""`from-json --models` on hand-edited JSON: one located error (the JSON path, exit 2), never a traceback, and
never X12 that says something else than the JSON."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edi.models._json import JsonError, _document, _is_lines, _lines, _Where, encode, from_document
from edi.models._stream import iter_records
from edi.x12 import tokenize

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "samples").glob("*.x12"))
OFFICE = Path(__file__).resolve().parents[2] / "samples" / "837p-office-visits.x12"
LOCATED = re.compile(r"^<json>: (line \d+: )?\$.*?: \S")


def document(sample: Path = OFFICE) -> dict[str, Any]:
    return json.loads(encode(sample))


def lines(sample: Path = OFFICE) -> list[dict[str, Any]]:
    return [json.loads(line) for line in encode(sample, lines=True).splitlines()]


def as_lines(records: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def refused(data: bytes) -> str:
    with pytest.raises(JsonError) as caught:
        from_document(data)
    message = str(caught.value)
    assert LOCATED.match(message), message
    assert "\n" not in message
    return message


def claim(doc: dict[str, Any], n: int = 1) -> dict[str, Any]:
    return doc["interchanges"][0]["groups"][0]["transactions"][0]["claims"][n]  # type: ignore[no-any-return]


CLAIM = "$.interchanges[0].groups[0].transactions[0].claims[1]"


class TestOneLocatedError:
    """Each hand edit the issue lists gets one error naming its JSON path, in both forms."""

    def test_a_number_where_a_string_belongs(self) -> None:
        doc = document()
        claim(doc)["patient_control_number"] = 5
        assert f"{CLAIM}.patient_control_number: Expected `str`, got `int`" in refused(json.dumps(doc).encode())
        records = lines()
        records[5]["claim"]["patient_control_number"] = 5
        assert "line 6: $.claim.patient_control_number: Expected `str`, got `int`" in refused(as_lines(records))

    def test_null_where_a_string_belongs(self) -> None:
        doc = document()
        claim(doc)["billing_provider"]["provider"]["last_name"] = None
        assert f"{CLAIM}.billing_provider.provider.last_name: Expected `str`, got `null`" in refused(
            json.dumps(doc).encode())

    def test_a_missing_key(self) -> None:
        doc = document()
        del claim(doc)["billing_provider"]
        assert f"{CLAIM}.billing_provider: required key missing" in refused(json.dumps(doc).encode())
        records = lines()
        del records[5]["claim"]["subscriber"]
        assert "line 6: $.claim.subscriber: required key missing" in refused(as_lines(records))

    def test_a_misspelt_key(self) -> None:
        doc = document()
        claim(doc)["total_charges"] = claim(doc).pop("total_charge")
        assert f"{CLAIM}.total_charges: no such key here" in refused(json.dumps(doc).encode())

    def test_a_delimiter_given_as_two_characters(self) -> None:
        doc = document()
        doc["interchanges"][0]["header"]["element_separator"] = "**"
        assert "$.interchanges[0].header.element_separator: the element separator must be one character" in \
            refused(json.dumps(doc).encode())
        records = lines()
        records[1]["interchange"]["segment_terminator"] = "~~"
        assert "line 2: $.interchange.segment_terminator: the segment terminator must be one character" in \
            refused(as_lines(records))

    def test_an_invalid_date(self) -> None:
        doc = document()
        claim(doc)["lines"][0]["dates"][0]["start"] = "2025-02-30"
        assert f"{CLAIM}.lines[0].dates[0].start: not a valid date (write YYYY-MM-DD)" in refused(
            json.dumps(doc).encode())

    def test_a_wrong_type_tag(self) -> None:
        records = lines()
        records[3]["transaction"]["type"] = "ProfesionalClaimTransaction"
        message = refused(as_lines(records))
        assert "line 4: $.transaction.type: Invalid value 'ProfesionalClaimTransaction'" in message
        assert "ProfessionalClaimTransaction" in message.split(";")[1]

    @pytest.mark.parametrize(("value", "char"), [("PCN1003*X~Y", "*"), ("PCN1003~Y", "~"), ("PCN:1003", ":"),
                                                  ("PCN^1003", "^")])
    def test_a_value_that_holds_a_delimiter(self, value: str, char: str) -> None:
        """The patient control number of the issue was written as real separators with exit 0."""
        doc = document()
        claim(doc, 2)["patient_control_number"] = value
        message = refused(json.dumps(doc).encode())
        assert f"$.interchanges[0].groups[0].transactions[0].claims[2].patient_control_number: {value!r} holds " \
               f"{char!r}" in message
        records = lines()
        records[6]["claim"]["patient_control_number"] = value
        assert f"line 7: $.claim.patient_control_number: {value!r} holds {char!r}" in refused(as_lines(records))

    def test_a_character_x12_cannot_carry(self) -> None:
        doc = document()
        claim(doc)["subscriber"]["member"]["name"]["last_name"] = "DOE€"
        assert "subscriber.member.name.last_name: 'DOE€' holds '€'" in refused(json.dumps(doc).encode())

    def test_a_number_that_is_not_finite(self) -> None:
        doc = document()
        claim(doc)["total_charge"] = "NaN"
        assert f"{CLAIM}.total_charge: 'NaN'" in refused(json.dumps(doc).encode())

    def test_truncated_json(self) -> None:
        data = encode(OFFICE)
        assert "invalid JSON after this point" in refused(data[:len(data) // 2])
        assert "not a record" in refused(encode(OFFICE, lines=True)[:500])

    def test_records_out_of_place(self) -> None:
        records = lines()
        assert "line 2: $.claim: a ProfessionalClaim stands outside a transaction" in refused(
            as_lines([records[0], records[5]]))

    def test_no_partial_x12_reaches_standard_output(self, tmp_path: Path) -> None:
        """The CLI writes nothing when the error is found half way."""
        import subprocess
        import sys

        doc = document()
        claim(doc, 2)["patient_control_number"] = "PCN1003*X~Y"
        path = tmp_path / "edited.json"
        path.write_text(json.dumps(doc))
        done = subprocess.run([str(Path(sys.executable).parent / "edi"), "from-json", "--models", str(path)],
                              capture_output=True)
        assert (2, b"") == (done.returncode, done.stdout)
        readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
        shown = next(line for line in readme.splitlines() if line.startswith("edited.json: $"))
        assert shown.replace("edited.json", str(path)) == done.stderr.decode().strip()  # the README's example


# -- fuzzing -------------------------------------------------------------------------------------------------
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6)


def paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [at]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*at, key))
    elif isinstance(value, list):
        for n, item in enumerate(value):
            found += paths(item, (*at, n))
    return found


def mutate(root: Any, data: st.DataObject) -> Any:
    """One random edit somewhere in ``root``: a value replaced, a key dropped or renamed, an item dropped."""
    where = data.draw(st.sampled_from(paths(root)[1:]), label="path")
    parent = root
    for step in where[:-1]:
        parent = parent[step]
    last = where[-1]
    action = data.draw(st.sampled_from(["replace", "drop", "rename"]), label="action")
    if action == "replace" or (action == "rename" and isinstance(parent, list)):
        parent[last] = data.draw(JSON_VALUES, label="value")
    elif action == "drop":
        del parent[last]
    else:
        parent[data.draw(st.text(max_size=8), label="key")] = parent.pop(last)
    return root


def check(data: bytes) -> bytes | None:
    """from-json: a located error (None) or X12 that tokenizes and reads as records."""
    try:
        written = from_document(data)
    except JsonError as exc:
        assert LOCATED.match(str(exc)), str(exc)
        return None
    list(tokenize(written))
    list(iter_records(written))
    return written


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_edit_of_the_document_gives_an_error_or_x12(sample: Path, data: st.DataObject) -> None:
    check(json.dumps(mutate(document(sample), data)).encode())


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_edit_of_json_lines_gives_an_error_or_x12(sample: Path, data: st.DataObject) -> None:
    records = lines(sample)
    kind = data.draw(st.sampled_from(["edit", "drop line", "move line", "cut"]), label="kind")
    n = data.draw(st.integers(1, len(records) - 1), label="line")
    if kind == "edit":
        records = mutate(records, data)
    elif kind == "drop line":
        del records[n]
    elif kind == "move line":
        records.insert(data.draw(st.integers(1, len(records) - 1), label="to"), records.pop(n))
    text = as_lines(records)
    if kind == "cut":
        text = text[:data.draw(st.integers(0, len(text)), label="cut at")]
    check(text)


# Values whose change leaves the structure alone: what the X12 says must then be what the JSON says.
TEXT_FIELDS = ("patient_control_number", "last_name", "first_name", "line1", "city", "originator_id",
               "payer_claim_control_number", "trace_number", "value", "description", "message", "name")
NUMBER_FIELDS = ("total_charge", "charge", "paid_amount", "amount", "units", "total_actual_provider_payment")
DATE_FIELDS = ("creation_date", "start", "statement_from", "birth_date", "payment_effective_date", "effective",
               "created")
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=10) | st.sampled_from(
    ["", " A B ", "O'BRIEN", "A*B", "A~B", "A:B", "A^B", "Ä", "€", "\n", "x" * 80])
NUMBER = st.sampled_from(["0", "12.50", "-3", "1E+2", "0.001", "", "abc", "NaN", "Infinity", "1_000", " 5"]) | \
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str) | st.integers(-10**9, 10**9)
DATE = st.dates().map(str) | st.sampled_from(["2025-02-30", "20250101", "", "2025-1-1"]) | st.none()


def records_of(text: bytes) -> list[Any]:
    """The records a JSON text holds, as plain data without ``source`` (a file's positions)."""
    where = _Where("<json>")
    head, stream = text[:1 << 16], io.BytesIO(text[1 << 16:])
    found = _lines(head, stream, where) if _is_lines(head) else _document(head, stream, where)
    return [_plain(record) for record in found]


def _plain(value: Any) -> Any:
    if isinstance(value, msgspec.Struct):
        return (type(value).__name__, {name: _plain(getattr(value, name)) for name in value.__struct_fields__
                                       if name != "source"})
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # Head, Tail
        return (type(value).__name__, *(_plain(v) for v in value))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_edited_values_are_refused_or_written_as_they_are(sample: Path, data: st.DataObject) -> None:
    """A changed name, amount or date is refused with its path, or the X12 reads back to the models the JSON
    holds, the change included."""
    records = lines(sample)
    fields = [p for p in paths(records) if p and isinstance(p[-1], str) and p[-1] in (
        *TEXT_FIELDS, *NUMBER_FIELDS, *DATE_FIELDS) and p[1] not in ("interchange", "group")]
    if not fields:
        return
    where = data.draw(st.sampled_from(fields), label="field")
    parent: Any = records
    for step in where[:-1]:
        parent = parent[step]
    name = where[-1]
    value = data.draw(TEXT if name in TEXT_FIELDS else NUMBER if name in NUMBER_FIELDS else DATE, label="value")
    parent[name] = value
    text = as_lines(records)
    written = check(text)
    if written is not None:
        again = encode(written, lines=True)
        assert records_of(text) == records_of(again)
