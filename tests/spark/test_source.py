"""The x12 data source in Spark local mode: its DataFrames hold what edi.models reads from the shared corpus's
837 and 835 files, and its findings what edi validate finds. One local[2] SparkSession serves them all (starting
one takes ~10 s); they are skipped, with the reason shown, when PySpark (pip install -e '.[spark]') or Java 17 is
missing — bin/test installs the extra."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import importlib.util
import shutil
from collections.abc import Iterator

import pytest

from conftest import CORPUS, SAMPLES, corpus_files
from edi.models import read
from edi.models.claim import ClaimTransaction
from edi.models.remittance import Remittance

def _missing() -> str | None:
    if importlib.util.find_spec("pyspark") is None:
        return "PySpark is not installed (pip install -e '.[spark]'): the Spark tests are SKIPPED"
    if shutil.which("java") is None:
        return "no java on the PATH (Spark needs Java 17: apt-get install openjdk-17-jre-headless): SKIPPED"
    return None


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    missing = _missing()
    if missing:
        pytest.skip(missing)
    from edi import spark as edi_spark

    session = edi_spark.session("local[2]", "edi-tests", **{"spark.sql.shuffle.partitions": "2"})
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


CLAIM_FILES = corpus_files("837p", "837i")
REMITTANCE_FILES = corpus_files("835")
MULTIPLE = CORPUS / "835" / "X12Parser__835_WithMultipleInterchanges.txt"


def load(spark: Any, table: str, *paths: Path, **options: str) -> Any:
    reader = spark.read.format("x12").option("table", table)
    for key, value in options.items():
        reader = reader.option(key, value)
    return reader.load(",".join(str(p) for p in paths))


def folders(file: str) -> str:
    """A written file's receiver=…/payer=… folders."""
    return "/".join(Path(file).parts[-3:-1])


def rows(df: Any, *columns: str) -> Counter[tuple[Any, ...]]:
    return Counter(tuple(tuple(v) if isinstance(v, list) else v for v in row) for row in df.select(*columns).collect())


def models(paths: list[Path], kind: type) -> list[tuple[str, Any]]:
    return [(str(p), m) for p in paths for m in read(p) if isinstance(m, kind)]


def test_remittance_sample_by_hand(spark: Any) -> None:
    df = load(spark, "claim_payments", SAMPLES / "835-remittance.x12")
    # the file's four CLP segments (lines 20, 44, 51, 63): CLP01, CLP02, CLP04, and ST02 0001 of ISA13 000003001
    assert rows(df, "isa13", "st02", "patient_control_number", "status_code", "paid_amount") == Counter({
        ("000003001", "0001", "PCN1001", "1", Decimal("125.22")): 1, ("000003001", "0001", "PCN0987", "4", 0): 1,
        ("000003001", "0001", "PCN0950", "22", Decimal("-76")): 1, ("000003001", "0001", "PCN1003", "2", 18): 1})
    # 125.22 + 0 - 76 + 18 = 67.22
    assert df.groupBy().sum("paid_amount").first()[0] == Decimal("67.22")
    plb = load(spark, "plb", SAMPLES / "835-remittance.x12")
    # line 81: PLB*1234567893*20251231*WO:OVERPAY20241105*25*L6:PCN1003*-0.42
    assert rows(plb, "provider_id", "position", "reason", "reference", "amount") == Counter({
        ("1234567893", 1, "WO", "OVERPAY20241105", 25): 1, ("1234567893", 2, "L6", "PCN1003", Decimal("-0.42")): 1})


@pytest.mark.corpus
def test_claim_counts_are_the_manifests(spark: Any) -> None:
    manifest = {}
    for line in (CORPUS / "MANIFEST.tsv").read_text().splitlines()[1:]:
        cells = line.split("\t")
        manifest[str(CORPUS / cells[0])] = int(cells[7])
    claims = load(spark, "claims", *CLAIM_FILES).groupBy("file").count().collect()
    payments = load(spark, "claim_payments", *REMITTANCE_FILES).groupBy("file").count().collect()
    counted = {row["file"]: row["count"] for row in [*claims, *payments]}
    expected = {str(p): manifest[str(p)] for p in [*CLAIM_FILES, *REMITTANCE_FILES] if manifest.get(str(p))}
    assert counted == expected


@pytest.mark.corpus
def test_837_tables_hold_what_the_models_read(spark: Any) -> None:
    transactions = models(CLAIM_FILES, ClaimTransaction)
    claims = [(f, m, c) for f, m in transactions for c in m.claims]
    assert rows(load(spark, "claims", *CLAIM_FILES), "file", "st02", "segment_index", "kind", "patient_control_number",
                "total_charge", "facility_code", "payer.id", "billing_provider.provider.id", "subscriber.member.name.id") \
        == Counter((f, m.envelope.control, c.source.segment, "837I" if c.INSTITUTIONAL else "837P",
                    c.patient_control_number, c.total_charge, c.facility_code, c.payer.id if c.payer else None,
                    c.billing_provider.provider.id if c.billing_provider.provider else None,
                    c.subscriber.member.name.id if c.subscriber.member else None) for f, m, c in claims)
    assert rows(load(spark, "claim_lines", *CLAIM_FILES), "file", "patient_control_number", "position",
                "procedure_code", "procedure_modifiers", "charge", "units", "revenue_code") \
        == Counter((f, c.patient_control_number, n, line.procedure_code, line.procedure_modifiers, line.charge,
                    line.units, line.revenue_code) for f, _, c in claims for n, line in enumerate(c.lines, 1))
    assert rows(load(spark, "diagnoses", *CLAIM_FILES), "file", "patient_control_number", "position", "qualifier",
                "code") \
        == Counter((f, c.patient_control_number, n, h.qualifier, h.code)
                   for f, _, c in claims for n, h in enumerate(c.health_care_codes, 1))


@pytest.mark.corpus
def test_835_tables_hold_what_the_models_read(spark: Any) -> None:
    remittances = models(REMITTANCE_FILES, Remittance)
    claims = [(f, m, c) for f, m in remittances for c in m.claims]
    assert rows(load(spark, "claim_payments", *REMITTANCE_FILES), "file", "st02", "segment_index", "payer_name",
                "trace_number", "patient_control_number", "status_code", "total_charge", "paid_amount") \
        == Counter((f, m.envelope.control, c.source.segment, m.payer.last_name if m.payer else None, m.trace_number,
                    c.patient_control_number, c.status_code, c.total_charge, c.paid_amount) for f, m, c in claims)
    assert rows(load(spark, "service_payments", *REMITTANCE_FILES), "file", "patient_control_number", "position",
                "procedure.code", "charge", "paid_amount") \
        == Counter((f, c.patient_control_number, n, s.procedure.code if s.procedure else None, s.charge, s.paid_amount)
                   for f, _, c in claims for n, s in enumerate(c.services, 1))
    expected = Counter()
    for f, _, c in claims:
        expected.update((f, c.patient_control_number, "claim", None, a.group, a.reason, a.amount)
                        for a in c.adjustments)
        expected.update((f, c.patient_control_number, "service", n, a.group, a.reason, a.amount)
                        for n, s in enumerate(c.services, 1) for a in s.adjustments)
    assert rows(load(spark, "adjustments", *REMITTANCE_FILES), "file", "patient_control_number", "level",
                "service_position", "group", "reason", "amount") == expected
    assert rows(load(spark, "plb", *REMITTANCE_FILES), "file", "provider_id", "reason", "amount") \
        == Counter((f, p.provider_id, i.reason, i.amount) for f, m, _ in {(f, m, 0) for f, m in remittances}
                   for p in m.provider_adjustments for i in p.items)


@pytest.mark.corpus
def test_a_file_is_split_across_tasks_by_transaction(spark: Any) -> None:
    whole = load(spark, "claim_payments", MULTIPLE)
    split = load(spark, "claim_payments", MULTIPLE, split_bytes="4000", parallelism="64")
    size = MULTIPLE.stat().st_size
    assert split.rdd.getNumPartitions() == 1 + size // 4000 > 1 and whole.rdd.getNumPartitions() == 1
    columns = ("isa13", "st02", "segment_index", "patient_control_number", "paid_amount")
    assert rows(split, *columns) == rows(whole, *columns)
    assert whole.count() == 56   # the manifest: 56 CLP in its 3 interchanges


@pytest.mark.corpus
def test_envelope_tables(spark: Any) -> None:
    # the manifest: 3 ISA / 3 GS / 3 ST, no ST03
    assert load(spark, "interchanges", MULTIPLE).count() == 3
    assert load(spark, "groups", MULTIPLE).select("functional_id").distinct().collect()[0][0] == "HP"
    transactions = load(spark, "transactions", MULTIPLE).collect()
    assert [(t["set_id"], t["guide"]) for t in transactions] == [("835", "")] * 3
    assert all(t["st02"] == t["control"] for t in transactions)


@pytest.mark.corpus
@pytest.mark.parametrize("split_bytes", ["2097152", "8192"])
def test_findings_are_edi_validates(spark: Any, split_bytes: str) -> None:
    """All the corpus's 837, 835 and bad files in one read — whole, then with every file over 8 KiB split by
    transaction into tasks (plus its file-rule task) — give edi validate's findings over the same files: those of
    each file, an ISA13 that an earlier file of the run used, and a file that cannot be read as one finding."""
    from edi.validate import validate_files
    from edi.validate._tasks import UNREADABLE

    paths = [*CLAIM_FILES, *REMITTANCE_FILES, *corpus_files("bad")]
    expected: Counter[tuple[Any, ...]] = Counter()
    for report in validate_files(paths, jobs=1, names=[str(p) for p in paths]):
        for finding in report.findings:
            d = finding.as_dict()
            key = (d["file"], d["code"], d["snip"], d["severity"], d["segment"] - 1, d["element"], d["message"])
            expected[key] += 1
        if report.fatal:
            expected[(report.file, UNREADABLE, 1, "error", report.fatal_at.index, None, report.fatal)] += 1
    df = load(spark, "findings", *paths, split_bytes=split_bytes, parallelism="64")
    found = rows(df, "file", "code", "snip", "severity", "segment_index", "element", "message")
    assert found == expected
    codes = Counter(key[1] for key in expected.elements())
    assert codes["snip1.envelope.isa13.duplicate"] > 0 and codes[UNREADABLE] > 0 and len(codes) > 20
    if split_bytes == "8192":   # files read in parts: at least one with several transactions
        transactions = load(spark, "transactions", *paths, mode="DROPMALFORMED")
        assert transactions.groupBy("file").count().where("count > 2").count() > 0


def test_a_split_file_gives_its_file_rule_findings_once(spark: Any, tmp_path: Path) -> None:
    """Claim ids and trace numbers repeated in transactions that different tasks read (edi.validate._tasks)."""
    from edi.validate import validate
    from validate.test_tasks import copies, one_transaction

    def repeat_first_claim(body: str, n: int) -> str:
        return body if n == 1 else body.replace("CLM*PCN", f"CLM*P{n}N").replace(f"CLM*P{n}N1001*", "CLM*PCN1001*")

    (tmp_path / "dup.x12").write_text(copies(one_transaction("837p"), 6, repeat_first_claim), "latin-1")
    (tmp_path / "trn.x12").write_text(copies(one_transaction("835"), 5), "latin-1")
    for name, code, count in (("dup.x12", "snip4.claim.clm01_duplicate", 5), ("trn.x12", "snip4.trace.duplicate", 4)):
        path = tmp_path / name
        df = load(spark, "findings", path, split_bytes="2048", parallelism="64")
        assert df.rdd.getNumPartitions() > 3
        expected = Counter((f.code, f.location.segment_index, f.message) for f in validate(path, jobs=1).findings)
        assert rows(df, "code", "segment_index", "message") == expected
        assert sum(n for (c, _, _), n in expected.items() if c == code) == count


def test_table_option_is_checked(spark: Any) -> None:
    with pytest.raises(Exception, match="no table of the x12 data source"):
        load(spark, "claimz", SAMPLES / "835-remittance.x12").schema  # noqa: B018
    with pytest.raises(Exception, match="option max_parts: '0' is not a whole number of 1 or more"):
        load(spark, "claims", SAMPLES / "835-remittance.x12", max_parts="0").count()
    with pytest.raises(Exception, match="no file there"):
        load(spark, "claims", SAMPLES / "nothing-here.x12").collect()


def test_columns_are_unique_and_typed_from_the_models() -> None:
    pytest.importorskip("pyspark")
    from pyspark.sql import types as T

    from edi.spark import TABLES

    for table in TABLES.values():
        names = [f.name for f in table.schema.fields]
        assert len(names) == len(set(names)), table.name
    claims = {f.name: f.dataType for f in TABLES["claims"].schema.fields}
    assert claims["total_charge"] == T.DecimalType(38, 18)      # Claim.total_charge: Decimal | None
    assert claims["admission_type"] == T.StringType()           # InstitutionalClaim's own field
    assert claims["related_causes"] == T.ArrayType(T.StringType())   # ProfessionalClaim: tuple[str, ...]
    assert isinstance(claims["payer"], T.StructType)
    assert "extra" not in claims and "unheld" not in claims and "lines" not in claims


def test_encounters_are_written_back_as_837s_by_payer(spark: Any, tmp_path: Path) -> None:
    from edi import spark as edi_spark

    encounters = spark.read.text(str(SAMPLES / "encounters" / "encounters.jsonl"))
    ledger = str(tmp_path / "edi.db")
    first = edi_spark.write_837(encounters, tmp_path / "out", ledger=ledger)
    again = edi_spark.write_837(encounters, tmp_path / "out", ledger=ledger)
    # the file's two encounters: J20250110A billed to EXHP1 (its first coverage), J20250110B to EXBLUE
    assert [(f.receiver, f.payer, f.claims, f.transactions) for f in first] == [
        ("example-clearinghouse", "EXBLUE", 1, 1), ("example-clearinghouse", "EXHP1", 1, 1)]
    # ISA13s from the ledger's counter: 1 and 2 in the first run, 3 and 4 in the second, never one twice
    assert sorted(int(f.isa13) for f in [*first, *again]) == [1, 2, 3, 4]
    claims = load(spark, "claims", tmp_path / "out").collect()
    assert Counter((folders(c["file"]), c["patient_control_number"], c["payer"]["id"]) for c in claims) == Counter({
        ("receiver=example-clearinghouse/payer=EXHP1", "J20250110A", "EXHP1"): 2,
        ("receiver=example-clearinghouse/payer=EXBLUE", "J20250110B", "EXBLUE"): 2})
    findings = load(spark, "findings", tmp_path / "out").where("severity = 'error'").count()
    assert findings == 0


@pytest.mark.corpus
def test_the_denials_example(spark: Any) -> None:
    import importlib.util as loader

    spec = loader.spec_from_file_location("denials_by_payer", Path(__file__).parents[2] / "examples" /
                                          "denials_by_payer.py")
    assert spec is not None and spec.loader is not None
    example = loader.module_from_spec(spec)
    spec.loader.exec_module(example)
    rates = {r["payer"]: (r["claims"], r["denied"], r["denial_rate"])
             for r in example.denial_rates(spark, str(MULTIPLE)).collect()}
    # the manifest: 56 CLP, CLP02 1 x39, 2 x1, 4 x16 (masked payer name); 16 / 56 = 0.2857…
    assert rates == {"XXXXXXXX XXXXXXXX": (56, 16, 0.286)}
    causes = example.denied_adjustments(spark, str(MULTIPLE)).collect()
    assert sum(r["adjustments"] for r in causes) == load(spark, "adjustments", MULTIPLE).where("status_code = '4'").count()
    assert {r["root_cause"] for r in causes} <= {"coding", "billing", "credentialing", "coverage"}


def test_sixty_encounters_of_four_payers_and_both_claim_types(spark: Any, tmp_path: Path) -> None:
    from datetime import date

    from edi import spark as edi_spark
    from edi.synth import write_encounters

    source = tmp_path / "encounters.jsonl"
    with source.open("wb") as stream:
        write_encounters(60, 1, stream, as_of=date(2025, 2, 3))
    files = edi_spark.write_837(spark.read.text(str(source)), tmp_path / "out", ledger=str(tmp_path / "edi.db"))
    # the billed payers of `edi synth encounters --count 60 --seed 1` (professional + institutional):
    # EXBLUE 12 + 2, EXHP1 16 + 6, EXMCD 6 + 2, EXMCR 16 + 0; 60 in all
    assert [(f.payer, f.claims) for f in files] == [("EXBLUE", 14), ("EXHP1", 22), ("EXMCD", 8), ("EXMCR", 16)]
    assert sorted(int(f.isa13) for f in files) == [1, 2, 3, 4]
    kinds = Counter((folders(r["file"]).removeprefix("receiver=example-clearinghouse/"), r["kind"], r["payer"]["id"])
                    for r in load(spark, "claims", tmp_path / "out").collect())
    assert kinds == Counter({("payer=EXBLUE", "837P", "EXBLUE"): 12, ("payer=EXBLUE", "837I", "EXBLUE"): 2,
                             ("payer=EXHP1", "837P", "EXHP1"): 16, ("payer=EXHP1", "837I", "EXHP1"): 6,
                             ("payer=EXMCD", "837P", "EXMCD"): 6, ("payer=EXMCD", "837I", "EXMCD"): 2,
                             ("payer=EXMCR", "837P", "EXMCR"): 16})
    # one GS per claim type in a file: 2 + 2 + 2 + 1 groups, GS06 1–7 from the ledger
    groups = load(spark, "groups", tmp_path / "out").collect()
    assert sorted(int(g["control"]) for g in groups) == list(range(1, 8))
    errors = load(spark, "findings", tmp_path / "out").where("severity = 'error'").select("code").collect()
    assert errors == []



def sixty_encounters(spark: Any, tmp_path: Path) -> Any:
    """`edi synth encounters --count 60 --seed 1`: EXBLUE 14, EXHP1 22, EXMCD 8, EXMCR 16 billed (see above)."""
    from datetime import date

    from edi.synth import write_encounters

    source = tmp_path / "encounters.jsonl"
    with source.open("wb") as stream:
        write_encounters(60, 1, stream, as_of=date(2025, 2, 3))
    return spark.read.text(str(source))


def receiver_toml(tmp_path: Path, key: str, **changes: str) -> Path:
    """mappings/receivers/example-clearinghouse.toml as ``tmp_path/KEY.toml``, each ``old=new`` line changed."""
    text = (Path(__file__).parents[2] / "mappings" / "receivers" / "example-clearinghouse.toml").read_text()
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / f"{key}.toml"
    path.write_text(text)
    return path


def test_files_hold_at_most_the_receivers_claims_per_file(spark: Any, tmp_path: Path) -> None:
    from edi import spark as edi_spark

    small = receiver_toml(tmp_path, "small-files", **{"max_claims_per_file = 5000": "max_claims_per_file = 5"})
    encounters = sixty_encounters(spark, tmp_path)
    files = edi_spark.write_837(encounters, tmp_path / "out", ledger=str(tmp_path / "edi.db"), receiver=small)
    assert all(f.receiver == "small-files" and 1 <= f.claims <= 5 for f in files)
    assert [(f.receiver, f.payer, f.path) for f in files] == sorted((f.receiver, f.payer, f.path) for f in files)
    by_payer: Counter[str] = Counter()
    for f in files:
        by_payer[f.payer] += f.claims
        assert folders(f.path) == f"receiver=small-files/payer={f.payer}"
    assert by_payer == Counter({"EXBLUE": 14, "EXHP1": 22, "EXMCD": 8, "EXMCR": 16})
    # at least ceil(claims / 5) files each: EXBLUE 3, EXHP1 5, EXMCD 2, EXMCR 4
    files_of = Counter(f.payer for f in files)
    assert all(files_of[p] >= n for p, n in {"EXBLUE": 3, "EXHP1": 5, "EXMCD": 2, "EXMCR": 4}.items())
    # one ISA13 a file, from one sender–receiver pair's counter: 1 to the number of files
    assert sorted(int(f.isa13) for f in files) == list(range(1, len(files) + 1))
    claims = load(spark, "claims", tmp_path / "out").collect()
    ids = Counter(c["patient_control_number"] for c in claims)
    assert len(ids) == 60 and set(ids.values()) == {1}
    per_file = Counter(c["file"] for c in claims)
    assert per_file == Counter({f.path: f.claims for f in files})
    assert {r["isa13"] for r in load(spark, "interchanges", tmp_path / "out").collect()} == {f.isa13 for f in files}
    # the same encounters again (a new ledger, so the same numbers too): the same claims share the same files
    again = edi_spark.write_837(encounters, tmp_path / "again", ledger=str(tmp_path / "again.db"), receiver=small)

    def grouping(folder: Path) -> set[frozenset[str]]:
        claims_of: dict[str, set[str]] = {}
        for c in load(spark, "claims", folder).collect():
            claims_of.setdefault(c["file"], set()).add(c["patient_control_number"])
        return {frozenset(ids) for ids in claims_of.values()}

    assert grouping(tmp_path / "out") == grouping(tmp_path / "again")
    assert len(again) == len(files)


def test_payers_are_routed_to_their_receivers(spark: Any, tmp_path: Path) -> None:
    from edi import spark as edi_spark

    gateway = receiver_toml(tmp_path, "medicare-gateway", **{'receiver = "ZZ:EXCH"': 'receiver = "ZZ:EXMCRGW"',
                                                             'id = "EXCH"': 'id = "EXMCRGW"'})
    files = edi_spark.write_837(sixty_encounters(spark, tmp_path), tmp_path / "out", ledger=str(tmp_path / "edi.db"),
                                receiver={"EXMCR": str(gateway), "*": "example-clearinghouse"})
    assert [(f.receiver, f.payer, f.claims) for f in files] == [
        ("example-clearinghouse", "EXBLUE", 14), ("example-clearinghouse", "EXHP1", 22),
        ("example-clearinghouse", "EXMCD", 8), ("medicare-gateway", "EXMCR", 16)]
    assert folders(files[-1].path) == "receiver=medicare-gateway/payer=EXMCR"
    # each sender–receiver pair has its own counters: ISA13 1–3 to EXCH (three payers), 1 to EXMCRGW
    interchanges = sorted((folders(r["file"]), r["sender_id"].strip(), r["receiver_id"].strip(), int(r["control"]))
                          for r in load(spark, "interchanges", tmp_path / "out").collect())
    assert [i[:3] for i in interchanges] == [("receiver=example-clearinghouse/payer=EXBLUE", "EXBILL", "EXCH"),
                                             ("receiver=example-clearinghouse/payer=EXHP1", "EXBILL", "EXCH"),
                                             ("receiver=example-clearinghouse/payer=EXMCD", "EXBILL", "EXCH"),
                                             ("receiver=medicare-gateway/payer=EXMCR", "EXBILL", "EXMCRGW")]
    assert sorted(i[3] for i in interchanges[:3]) == [1, 2, 3] and interchanges[3][3] == 1
    assert {int(f.isa13) for f in files[:3]} == {1, 2, 3} and files[3].isa13 == "000000001"
    # GS06: 2 + 2 + 2 groups (837P and 837I) to EXCH, 1 (837P only) to EXMCRGW
    groups = Counter((folders(g["file"]).split("/")[0], int(g["control"]))
                     for g in load(spark, "groups", tmp_path / "out").collect())
    assert groups == Counter({**{("receiver=example-clearinghouse", n): 1 for n in range(1, 7)},
                              ("receiver=medicare-gateway", 1): 1})
    payers = Counter((folders(c["file"]), c["payer"]["id"]) for c in load(spark, "claims", tmp_path / "out").collect())
    assert payers[("receiver=medicare-gateway/payer=EXMCR", "EXMCR")] == 16 and sum(payers.values()) == 60

def test_a_payer_without_a_receiver_is_an_error_before_any_file(spark: Any, tmp_path: Path) -> None:
    from edi import spark as edi_spark
    from edi.errors import EdiError

    encounters = spark.read.text(str(SAMPLES / "encounters" / "encounters.jsonl"))   # EXHP1 and EXBLUE
    with pytest.raises(EdiError, match=r"payer EXBLUE: no receiver for it.*'EXBLUE'.*'\*'"):
        edi_spark.write_837(encounters, tmp_path / "out", ledger=str(tmp_path / "edi.db"),
                            receiver={"EXHP1": "example-clearinghouse"})
    assert not (tmp_path / "out").exists() and not (tmp_path / "edi.db").exists()


def test_receivers_of_payers(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    from edi.errors import EdiError
    from edi.spark._write import buckets, receivers_of

    assert {p: r.key for p, r in receivers_of(None, ["EXHP1"]).items()} == {"EXHP1": "example-clearinghouse"}
    gateway = receiver_toml(tmp_path, "gateway", **{'receiver = "ZZ:EXCH"': 'receiver = "ZZ:EXGW"'})
    routed = receivers_of({"EXMCR": gateway, "*": "example-clearinghouse"}, ["EXMCR", "EXHP1"])
    assert {p: r.pair for p, r in routed.items()} == {"EXMCR": ("ZZ:EXBILL", "ZZ:EXGW"),
                                                      "EXHP1": ("ZZ:EXBILL", "ZZ:EXCH")}
    # the same profile by name and by path is one receiver; a different one of the same name is an error
    same = receiver_toml(tmp_path, "example-clearinghouse")
    assert len({r.key for r in receivers_of({"A": same, "*": "example-clearinghouse"}, ["A", "B"]).values()}) == 1
    (tmp_path / "other").mkdir()
    other = receiver_toml(tmp_path / "other", "gateway", **{'receiver = "ZZ:EXCH"': 'receiver = "ZZ:EXGW2"'})
    with pytest.raises(EdiError, match="also named 'gateway'"):
        receivers_of({"A": gateway, "B": other}, ["A", "B"])
    with pytest.raises(EdiError, match="payer B: no receiver"):
        receivers_of({"A": gateway}, ["A", "B"])
    # buckets of 0.8 of a file: 4000 encounters a task at 5000 claims a file
    assert [buckets(n, 5000) for n in (1, 4000, 4001, 1_000_000)] == [1, 1, 2, 250]
    assert [buckets(n, 5) for n in (14, 22, 8, 16)] == [4, 6, 2, 4]

def test_paths_and_partitions(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    from edi.spark import TABLES
    from edi.spark._source import files_of, plan

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / ".hidden").write_bytes(b"x")
    for name, size in (("a/1.x12", 300), ("a/2.x12", 300), ("b.x12", 900), ("c.txt", 50)):
        (tmp_path / name).write_bytes(b"x" * size)
    d = str(tmp_path)
    assert files_of(f"{d}/a") == [f"{d}/a/1.x12", f"{d}/a/2.x12"]            # hidden files left out
    assert files_of(f"{d}/*.x12,{d}/a") == [f"{d}/b.x12", f"{d}/a/1.x12", f"{d}/a/2.x12"]
    files = files_of(f"{d}/a,{d}/b.x12,{d}/c.txt")
    # split at 500 bytes: 300 + 300 > 500, so a/1 and a/2 do not share a task; b.x12 (900 bytes) is read in
    # 1 + 900 // 500 = 2 parts, a task each; a/2 and c.txt share one (300 + 50 ≤ 500)
    assert plan(TABLES["claims"], files, 500, parallelism=64) == [
        [(f"{d}/a/1.x12", 0, 1)], [(f"{d}/b.x12", 0, 2)], [(f"{d}/b.x12", 1, 2)],
        [(f"{d}/a/2.x12", 0, 1), (f"{d}/c.txt", 0, 1)]]
    # the findings split b.x12 alike, plus its file-rule task (FILE_TASK = -1); the envelope tables read it whole
    assert plan(TABLES["findings"], files, 500, parallelism=64) == [
        [(f"{d}/a/1.x12", 0, 1)], [(f"{d}/b.x12", 0, 2)], [(f"{d}/b.x12", 1, 2)], [(f"{d}/b.x12", -1, 2)],
        [(f"{d}/a/2.x12", 0, 1), (f"{d}/c.txt", 0, 1)]]
    assert plan(TABLES["groups"], files, 500, parallelism=64) == [
        [(f"{d}/a/1.x12", 0, 1)], [(f"{d}/a/2.x12", 0, 1)], [(f"{d}/b.x12", 0, 1)], [(f"{d}/c.txt", 0, 1)]]
    # at 100 bytes b.x12 would be 1 + 900 // 100 = 10 parts: max_parts 4 caps it (each part passes over the
    # bytes before its own, so parts are not free)
    capped = plan(TABLES["claims"], files, 100, max_parts=4, parallelism=64)
    assert [part for parts in capped for part in parts if part[0].endswith("b.x12")] == \
        [(f"{d}/b.x12", k, 4) for k in range(4)]
    # on 1 core the read's 1,550 bytes are 4 tasks of ~387: b.x12 (900) in 1 + 900 // 387 = 3 parts, the others
    # whole — splitting where there are enough files for the cores only costs
    one_core = plan(TABLES["claims"], files, 100, parallelism=1)
    assert [part for parts in one_core for part in parts if part[0].endswith("b.x12")] == \
        [(f"{d}/b.x12", k, 3) for k in range(3)]


@pytest.mark.corpus
def test_findings_rows_are_the_edi_validate_commands_json(spark: Any) -> None:
    import json

    from click.testing import CliRunner

    from edi.cli import cli

    compared = 0
    for path in [MULTIPLE, *corpus_files("bad")[:4]]:
        result = CliRunner().invoke(cli, ["validate", "--format", "json", "--jobs", "1", str(path)])
        (report,) = json.loads(result.output)
        expected = Counter((f["interchange"], f["group"], f["transaction"], f["segment"] - 1, f["snip"], f["code"],
                            f["severity"], f["message"], f["claim"], f["line"], f["offset"], f["segment_id"],
                            f["loop"], f["element"], f["element_name"], f["segment_text"], f["value"], f["ik304"],
                            f["ik403"], f["ta1_note"],
                            json.dumps(f["details"], sort_keys=True) if "details" in f else None)
                           for f in report["findings"])
        if report["fatal"]:   # `edi validate` gives it as the report's "fatal"; the table as a finding
            expected[(None, None, None, 0, 1, "snip1.file.unreadable", "error", report["fatal"], None, 1, 0, "", "",
                      None, None, "", None, None, None, None, None)] += 1
        df = load(spark, "findings", path)
        found = rows(df, "isa13", "gs06", "st02", "segment_index", "snip", "code", "severity", "message", "claim",
                     "line", "offset", "segment_id", "loop", "element", "element_name", "segment_text", "value",
                     "ik304", "ik403", "ta1_note", "details")
        assert found == expected, path.name
        compared += sum(expected.values())
    assert compared > 5


def test_a_file_that_cannot_be_read_fails_the_read_or_is_left_out_as_asked(spark: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.x12"
    bad.write_text("ISA*00*   garbage")
    good = SAMPLES / "835-remittance.x12"
    with pytest.raises(Exception, match=r"bad\.x12: segment 1 .*the ISA has 2 element separators.*DROPMALFORMED"):
        load(spark, "claim_payments", good, bad).count()
    dropped = load(spark, "claim_payments", good, bad, mode="dropmalformed")
    assert dropped.count() == load(spark, "claim_payments", good).count() > 0
    assert rows(load(spark, "findings", good, bad), "file", "code") == Counter({(str(bad), "snip1.file.unreadable"): 1})
    with pytest.raises(Exception, match="option mode: 'lenient' is not one of FAILFAST, DROPMALFORMED"):
        load(spark, "claims", good, mode="lenient").count()
