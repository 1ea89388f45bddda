"""Spark bench: synthetic 837P claims (files from `edi synth`) read and validated by the x12 data source on
local[1] and local[2], against one `edi validate --jobs 1` process over the same files; rows/s for each.

    bin/bench spark                        # 100k claims in 10 files; results in bench/out/spark.md
    bin/bench spark --claims 20000 --files 4

Each Spark run is a process of its own (a SparkSession's master is fixed once it starts); its start-up (JVM and
session, ~10 s) is timed apart from its two jobs: counting the findings table (every file validated: the work
`edi validate` does) and counting the claims table (every claim read into models and turned into a row). The
load average before each run is reported too: on a shared machine, other work takes cores from local[2].
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EDI = [sys.executable, "-m", "edi.cli"] if not (ROOT / ".venv" / "bin" / "edi").exists() else [str(ROOT / ".venv/bin/edi")]


def files_for(claims: int, files: int, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    each = claims // files
    paths = []
    for n in range(files):
        path = folder / f"synth-837p-{each}-{n + 1}.x12"
        if not path.exists():
            subprocess.run([*EDI, "synth", "837p", "--claims", str(each), "--seed", str(n + 1), "--out", str(path)],
                           check=True)
        paths.append(path)
    return paths


def spark_job(master: str, paths: list[str], split_bytes: str = "") -> dict[str, float]:
    started = time.perf_counter()
    from edi import spark as edi_spark

    spark = edi_spark.session(master, "edi-bench")
    spark.sparkContext.setLogLevel("ERROR")
    ready = time.perf_counter()
    source = ",".join(paths)
    options = {"split_bytes": split_bytes} if split_bytes else {}
    findings = spark.read.format("x12").options(table="findings", **options).load(source).count()
    validated = time.perf_counter()
    claims = spark.read.format("x12").options(table="claims", **options).load(source).count()
    done = time.perf_counter()
    spark.stop()
    return {"startup": ready - started, "findings_s": validated - ready, "claims_s": done - validated,
            "claims": claims, "findings": findings}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--split-bytes", default="", help="the data source's split_bytes option (default: its own, "
                        "2 MiB; a number above the largest file reads each file in one task)")
    parser.add_argument("--job", help=argparse.SUPPRESS)        # internal: run one Spark job (MASTER) and print JSON
    parser.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.job:
        print(json.dumps(spark_job(args.job, args.paths, args.split_bytes)))
        return
    paths = files_for(args.claims, args.files, ROOT / "bench" / "out" / "spark")
    claims = args.files * (args.claims // args.files)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    subprocess.run([*EDI, "validate", "--jobs", "1", *map(str, paths)], stdout=subprocess.DEVNULL, check=False)
    single = time.perf_counter() - started
    split = f", split_bytes {args.split_bytes}" if args.split_bytes else ""
    lines = [f"# Spark bench: {claims:,} synthetic 837P claims in {args.files} files ({os.cpu_count()} cores{split})", "",
             "| run | load avg before | start-up s | validate: s | claims/s | read claims table: s | claims/s |",
             "|---|---:|---:|---:|---:|---:|---:|",
             f"| edi validate --jobs 1 (one process) | {load:.1f} | | {single:.1f} | {claims / single:,.0f} | | |"]
    found = {}
    for master in ("local[1]", "local[2]"):
        load = os.getloadavg()[0]
        out = subprocess.run([sys.executable, __file__, "--job", master, "--split-bytes", args.split_bytes,
                              *map(str, paths)], capture_output=True,
                             text=True, check=True, env={**os.environ, "PYSPARK_PYTHON": sys.executable})
        run = found[master] = json.loads(out.stdout.strip().splitlines()[-1])
        assert run["claims"] == claims, f"{master} read {run['claims']} claims, not {claims}"
        lines.append(f"| Spark {master} | {load:.1f} | {run['startup']:.1f} | {run['findings_s']:.1f} | "
                     f"{claims / run['findings_s']:,.0f} | {run['claims_s']:.1f} | {claims / run['claims_s']:,.0f} |")
    one, two = found["local[1]"], found["local[2]"]
    lines += ["", f"Scaling local[1] → local[2]: validate {one['findings_s'] / two['findings_s']:.2f}x, read "
              f"{one['claims_s'] / two['claims_s']:.2f}x; Spark local[2] validating against one `edi validate` "
              f"process: {single / two['findings_s']:.2f}x (start-up left out)."]
    text = "\n".join(lines) + "\n"
    (ROOT / "bench" / "out").mkdir(exist_ok=True)
    (ROOT / "bench" / "out" / f"spark{'-' + args.split_bytes if args.split_bytes else ''}.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
