"""X12 on Apache Spark (the optional extra ``edi[spark]``): the ``x12`` data source and the 837 writer.

    from edi import spark as edi_spark
    session = edi_spark.session("local[2]")      # or your own SparkSession
    edi_spark.register(session)
    claims = session.read.format("x12").option("table", "claims").load("incoming/")
    edi_spark.write_837(session.read.text("encounters.jsonl"), "out/", ledger="edi.db")   # 837s by receiver, payer

Tables (``TABLES``): interchanges, groups, transactions, claims, claim_lines, diagnoses, claim_payments,
service_payments, adjustments, plb, findings — every row with its file, ISA13, GS06, ST02 and segment index, the
columns typed from the edi.models fields they hold. Nothing else in the engine imports this package.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

try:
    import pyspark  # noqa: F401
except ImportError as exc:  # pragma: no cover - the message is the point
    from edi.errors import EdiError

    raise EdiError("edi.spark needs PySpark 4: pip install 'edi[spark]' (and Java 17 on the PATH)") from exc

from edi.spark._source import NAME, SparkSourceError, X12DataSource
from edi.spark._tables import TABLES
from edi.spark._write import PayerFile, write_837

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["NAME", "TABLES", "PayerFile", "SparkSourceError", "X12DataSource", "register", "session", "write_837"]


def register(spark: SparkSession) -> None:
    """Make ``spark.read.format("x12")`` available in this session."""
    spark.dataSource.register(X12DataSource)


def session(master: str = "local[*]", app: str = "edi", **conf: Any) -> SparkSession:
    """A SparkSession whose Python workers run this interpreter (so they import this edi), its web UI off, with
    the x12 data source registered. ``conf``: more Spark settings ("spark.sql.shuffle.partitions": "4" …)."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (SparkSession.builder.master(master).appName(app).config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.session.timeZone", "UTC"))
    for key, value in conf.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    register(spark)
    return spark
