"""Denial rate by payer, and what the denials were for (CARC) and who can fix them (root cause), over a folder of
835s — a Spark job on the x12 data source (pip install -e '.[spark]'; Java 17).

    .venv/bin/python examples/denials_by_payer.py ../shared/corpus/835 [--master local[2]]

A claim is denied when its CLP02 is 4; reversals (CLP02 22) are left out of the rate. The root cause of an
adjustment comes from the routing table in mappings/posting/denials.toml (CAS group + CARC → coding, billing,
credentialing or coverage), the one `edi post` routes denials with.
"""

from __future__ import annotations

import argparse

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StringType

from edi import spark as edi_spark

PAYER = F.coalesce(F.nullif(F.col("payer_name"), F.lit("")), F.col("payer_id"))   # N1*PR N102, else N104


def root_cause(group, carc):  # type: ignore[no-untyped-def]  (a plain UDF: pyspark reads type hints as pandas UDFs)
    """coding, billing, credentialing or coverage for a CAS group and CARC (None without a CARC)."""
    from edi.posting._rules import route   # on the executors: the table is read once per worker

    return route(group or "", carc or "").root_cause if carc else None


def denial_rates(spark: SparkSession, path: str) -> DataFrame:
    """Per payer: claims (reversals left out), denied (CLP02 = 4), charged, denial_rate."""
    payments = spark.read.format("x12").option("table", "claim_payments").load(path).where("status_code != '22'")
    return (payments.withColumn("payer", PAYER).groupBy("payer")
            .agg(F.count("*").alias("claims"), F.sum(F.when(F.col("status_code") == "4", 1).otherwise(0))
                 .alias("denied"), F.sum("total_charge").cast("decimal(18,2)").alias("charged"))
            .withColumn("denial_rate", F.round(F.col("denied") / F.col("claims"), 3))
            .orderBy(F.desc("denial_rate"), "payer"))


def denied_adjustments(spark: SparkSession, path: str) -> DataFrame:
    """The denied claims' CAS adjustments by payer, group, CARC and root cause: how many, how much."""
    cause = F.udf(root_cause, StringType())
    denied = (spark.read.format("x12").option("table", "adjustments").load(path).where("status_code = '4'")
              .withColumn("payer", PAYER).withColumn("root_cause", cause("group", "reason")))
    return (denied.groupBy("payer", "group", "reason", "root_cause")
            .agg(F.count("*").alias("adjustments"), F.sum("amount").cast("decimal(18,2)").alias("amount"))
            .orderBy("payer", F.desc("adjustments"), "reason"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="835 files: a file, a folder or a glob")
    parser.add_argument("--master", default="local[2]")
    args = parser.parse_args()
    spark = edi_spark.session(args.master, "denials-by-payer")
    spark.sparkContext.setLogLevel("ERROR")
    print("Denial rate by payer (CLP02 = 4; reversals left out)")
    denial_rates(spark, args.path).show(50, truncate=False)
    print("What the denied claims' adjustments were for: by payer, CAS group, CARC and root cause")
    denied_adjustments(spark, args.path).show(50, truncate=False)
    spark.stop()


if __name__ == "__main__":
    main()
