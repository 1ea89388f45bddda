#!/usr/bin/env python
"""Benchmark: whole-process time and peak memory of each tool on synthetic 835 and 837P files, side by side.

    bin/bench                                  # 1k, 10k and 100k claims; pyx12 on 1k and 10k only
    bin/bench --sizes 1k,10k --runs 5 --tools split,tokenize,pyx12-walk

Files are generated once into ``bench/out/`` (deterministic: same seed, same bytes) and reused. Each tool runs
as its own process: one warm-up run, then the median wall-clock time of ``--runs`` runs (``--large-runs`` for
files of 100k claims or more), the tools' runs interleaved. edi's modules are compiled to bytecode first, as an
installed package's are. Peak RSS is the child's own ``ru_maxrss``, read with ``os.wait4`` on that child.
The table goes to stdout and to ``bench/out/results.md``.

Most tools are the commands a user runs — ``edi info``, ``inspect``, ``to-json`` (and ``--lines``, ``--models``),
``from-json``, ``to-xml``, ``validate`` with its acknowledgments — each a whole ``edi`` process writing its output to
a file, beside the peers' commands on the same file (pyx12 ``x12xml``; LinuxForHealth reading models and dumping
them as JSON). Library drivers (bench/drivers/) time the layers under them.

To add a tool, append a :class:`Tool` to ``TOOLS``: a command template (``{python}``, ``{edi}``, ``{file}``,
``{input}``, ``{out}``), the largest file it should run on, an import or command option it needs (reported
"unavailable" when missing), and the keys of its JSON output line that must agree with other tools reporting the
same keys.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WALK_KEYS = ("claims", "claim_segments", "service_lines", "cas", "charge_total")
MODEL_KEYS = ("claims", "service_lines", "charge_total")
ENCOUNTERS_AS_OF = "2026-01-01"   # the synthetic encounters' dates of service count back from it
LFH_PYTHON = ROOT / "bench" / ".venv-lfh" / "bin" / "python"   # LinuxForHealth x12 needs pydantic 1: its own venv


@dataclass(frozen=True)
class Tool:
    name: str
    command: tuple[str, ...]               # "{python}" and "{file}" are filled in
    max_claims: int | None = None          # skip files with more claims (slow peers)
    needs: str | None = None               # "module:attribute" the tool imports; missing -> unavailable
    compare: tuple[str, ...] = ()          # JSON keys that must match other tools' values for the same file
    default: bool = True                   # run unless --tools names it (or says "all")
    peer: str = "pyx12 walk"               # the tool this one is compared with in the last column
    writes: bool = False                   # a command whose standard output is its product: kept in a file, not parsed
    ok_codes: tuple[int, ...] = (0,)       # exit statuses that mean it ran (validators exit 1 on findings)
    input: str | None = None               # "{input}": the sample converted first by this edi command, e.g. "to-json"
    option: str | None = None              # "to-json --lines": the edi command must offer this option
    kinds: tuple[str, ...] = ("835", "837p")   # the sample kinds it runs on ("encounters": coded encounters)

    @property
    def cli(self) -> bool:
        """A command people run (``--tools cli`` picks these and their peers)."""
        return self.writes or self.command[0] == "{lfh}" and "--json" in self.command or self.name == "pyx12 validate"


TOOLS = (
    Tool("bare split", ("{python}", "bench/drivers/bare_split.py", "{file}"), compare=("segments",)),
    Tool("edi tokenize", ("{python}", "bench/drivers/edi_tokenize.py", "{file}"), compare=("segments",)),
    Tool("edi loop trees", ("{python}", "bench/drivers/edi_walk.py", "{file}"), needs="edi.guide:iter_loop_trees",
         compare=WALK_KEYS),
    Tool("pyx12 walk", ("{python}", "bench/peers/pyx12_walk.py", "{file}"), max_claims=10_000,
         needs="pyx12.x12context:X12ContextReader", compare=WALK_KEYS),
    Tool("pyx12 validate", ("{python}", "bench/peers/pyx12_validate.py", "{file}"), max_claims=10_000,
         needs="pyx12.x12n_document:x12n_document", peer="pyx12 validate"),
    Tool("edi validate + 999 (1 process)", ("{python}", "bench/drivers/edi_validate.py", "{file}", "--jobs", "1"),
         needs="edi.validate:validate", peer="pyx12 validate"),
    Tool("edi validate + 999", ("{python}", "bench/drivers/edi_validate.py", "{file}"), needs="edi.validate:validate",
         peer="pyx12 validate"),
    Tool("LinuxForHealth models", ("{lfh}", "bench/peers/lfh_models.py", "{file}"), max_claims=10_000,
         compare=MODEL_KEYS, peer="LinuxForHealth models"),
    Tool("edi models (stream)", ("{python}", "bench/drivers/edi_models.py", "{file}"),
         needs="edi.models:iter_claims", compare=MODEL_KEYS, peer="LinuxForHealth models"),
    Tool("edi models + X12", ("{python}", "bench/drivers/edi_models.py", "{file}", "--write"),
         needs="edi.models:read", compare=MODEL_KEYS, peer="LinuxForHealth models"),
    # the commands a user runs, whole processes writing their output to a file
    Tool("pyx12 x12xml", ("{python}", "-m", "pyx12.scripts.x12xml", "-q", "{file}"), max_claims=10_000,
         needs="pyx12.scripts.x12xml:main", writes=True, ok_codes=(0, 1), peer="pyx12 x12xml"),
    Tool("LinuxForHealth models → JSON", ("{lfh}", "bench/peers/lfh_models.py", "{file}", "--json", "{out}"),
         max_claims=10_000, compare=MODEL_KEYS, peer="LinuxForHealth models → JSON"),
    Tool("edi info", ("{edi}", "info", "{file}"), writes=True, peer=""),
    Tool("edi inspect", ("{edi}", "inspect", "{file}"), writes=True, peer="pyx12 x12xml"),
    Tool("edi inspect --claim", ("{edi}", "inspect", "{file}", "--claim", "{last_claim}"), writes=True, peer=""),
    Tool("edi to-json", ("{edi}", "to-json", "{file}"), writes=True, peer="pyx12 x12xml"),
    Tool("edi to-json --lines", ("{edi}", "to-json", "--lines", "{file}"), writes=True, peer="pyx12 x12xml",
         option="to-json --lines"),
    Tool("edi from-json", ("{edi}", "from-json", "{input}"), writes=True, input="to-json", peer=""),
    Tool("edi to-xml", ("{edi}", "to-xml", "{file}"), writes=True, peer="pyx12 x12xml"),
    Tool("edi to-json --models", ("{edi}", "to-json", "--models", "{file}"), writes=True,
         peer="LinuxForHealth models → JSON"),
    Tool("edi from-json --models", ("{edi}", "from-json", "--models", "{input}"), writes=True,
         input="to-json --models", peer=""),
    Tool("edi validate --ack 999 --ack 277ca", ("{edi}", "validate", "{file}", "--ack", "999", "--ack", "277ca",
                                                "--out", "{out}"), writes=True, ok_codes=(0, 1), peer="pyx12 validate"),
    # claims out (issue 10): coded encounters → scrubbed, batched, checked 837P/837I files recorded in a SQLite
    # ledger (a new one each run), beside `edi synth 837p` writing as many claims; and the scrubber alone
    Tool("edi synth 837p", ("{edi}", "synth", "837p", "--claims", "{claims}", "--out", "{out}"), peer="",
         kinds=("encounters",)),
    Tool("edi claims build", ("{edi}", "claims", "build", "{file}", "--out", "{out}", "--db", "sqlite:///{out}/edi.db",
                              "--as-of", ENCOUNTERS_AS_OF, "--format", "json"), peer="edi synth 837p",
         kinds=("encounters",), compare=("encounters",)),
    Tool("edi scrub (encounters/s)", ("{python}", "bench/drivers/edi_scrub.py", "{file}"), peer="",
         kinds=("encounters",), compare=("encounters",)),
)
ALIASES = {"split": "bare split", "tokenize": "edi tokenize", "loop-trees": "edi loop trees",
           "pyx12-walk": "pyx12 walk", "pyx12-validate": "pyx12 validate", "validate": "edi validate + 999",
           "validate-1": "edi validate + 999 (1 process)", "models": "edi models (stream)", "lfh": "LinuxForHealth models",
           "x12xml": "pyx12 x12xml", "lfh-json": "LinuxForHealth models → JSON", "info": "edi info",
           "inspect": "edi inspect", "inspect-claim": "edi inspect --claim", "to-json": "edi to-json",
           "to-json-lines": "edi to-json --lines", "from-json": "edi from-json", "to-xml": "edi to-xml",
           "to-json-models": "edi to-json --models", "from-json-models": "edi from-json --models",
           "validate-acks": "edi validate --ack 999 --ack 277ca", "synth-837p": "edi synth 837p",
           "claims-build": "edi claims build", "scrub": "edi scrub (encounters/s)"}
BASELINE = "bare split"



@dataclass
class Result:
    tool: Tool
    status: str = "ok"                     # ok, unavailable, failed, skipped
    note: str = ""
    seconds: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    tree_kib: list[int] = field(default_factory=list)  # summed over the process and its children (sampled)
    output: dict[str, object] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


@dataclass(frozen=True)
class Sample:
    kind: str
    label: str
    claims: int
    path: Path

    @property
    def megabytes(self) -> float:
        return self.path.stat().st_size / 1e6


# ---- files ---------------------------------------------------------------------------------------------------

def claims_in(label: str) -> int:
    """"1k" -> 1000, "10k" -> 10000, "1m" -> 1000000, "2500" -> 2500."""
    text = label.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def ensure_sample(kind: str, label: str, seed: int, out: Path) -> Sample:
    """The cached synthetic file, generated (to a temporary name, then renamed) only when missing."""
    path = out / f"synth-{kind}-{label}-seed{seed}.{'jsonl' if kind == 'encounters' else 'x12'}"
    sample = Sample(kind, label, claims_in(label), path)
    if not path.exists():
        from edi.synth import write_encounters, write_synth

        started = time.perf_counter()
        partial = path.with_suffix(".partial")
        with partial.open("wb") as stream:
            if kind == "encounters":   # as `edi synth encounters --count N --seed S --as-of …` writes them
                write_encounters(sample.claims, seed, stream, as_of=datetime.strptime(ENCOUNTERS_AS_OF,
                                                                                      "%Y-%m-%d").date())
            else:
                # no 1000A PER in the 835: LinuxForHealth x12 rejects it (the guide requires PER*BL; pyx12 says so once)
                write_synth(kind, sample.claims, seed, stream, payer_contact=False)
        os.replace(partial, path)
        log(f"generated {path.name} ({sample.megabytes:.1f} MB) in {time.perf_counter() - started:.1f} s")
    return sample


# ---- running -------------------------------------------------------------------------------------------------

def tree_rss_kib(pid: int) -> int:
    """RSS of a process and all its descendants now, in KiB (Linux /proc; 0 elsewhere or when it is gone)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        pending.extend(int(c) for c in children)
    return total


def run_once(command: list[str], product: Path | None = None) -> tuple[float, int, int, str, str, int]:
    """(wall seconds, child's peak RSS in KiB, exit status, stdout, stderr, peak RSS of the child and the
    processes it started, summed, in KiB — sampled every 20 ms) of one whole process. With ``product``, standard
    output goes to that file (a command's output, like a user's ``> file``) and is not read back."""
    import threading

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        sink = product.open("wb") if product is not None else out
        started = time.perf_counter()
        try:
            child = subprocess.Popen(command, stdout=sink, stderr=err, cwd=ROOT)
        finally:
            if product is not None:
                sink.close()
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.02):
                peak[0] = max(peak[0], tree_rss_kib(child.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)   # rusage of this child (and, for ru_maxrss, its largest child)
        elapsed = time.perf_counter() - started
        done.set()
        sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        rss = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss   # macOS reports bytes
        return (elapsed, rss, child.returncode, out.read().decode(errors="replace"),
                err.read().decode(errors="replace"), max(peak[0], rss))


def unavailable_reason(tool: Tool, python: str) -> str | None:
    if tool.command[0] == "{lfh}" and not LFH_PYTHON.exists():
        return "bench/.venv-lfh is missing (bin/bench makes it: linuxforhealth-x12 with pydantic<2)"
    script = ROOT / tool.command[1] if len(tool.command) > 1 else None
    if script is not None and script.suffix == ".py" and not script.exists():
        return f"{tool.command[1]} does not exist yet"
    if tool.option:
        command, _, option = tool.option.rpartition(" ")
        probe = subprocess.run([edi_command(python), *command.split(), "--help"], cwd=ROOT, capture_output=True,
                               text=True)
        if option not in probe.stdout:
            return f"`edi {command}` has no {option} option yet"
    if tool.needs:
        module, _, attribute = tool.needs.partition(":")
        check = f"from {module} import {attribute}" if attribute else f"import {module}"
        probe = subprocess.run([python, "-c", check], cwd=ROOT, capture_output=True, text=True)
        if probe.returncode != 0:
            return f"cannot `{check}`"
    return None


def edi_command(python: str) -> str:
    """The ``edi`` console script installed beside the interpreter (what a user types)."""
    return str(Path(python).parent / "edi")


def measure(tool: Tool, sample: Sample, python: str, result: Result, counted: bool) -> None:
    """One whole-process run of ``tool`` on ``sample`` into ``result`` (``counted`` False: the warm-up)."""
    scratch = sample.path.parent / "scratch"
    scratch.mkdir(exist_ok=True)
    out = scratch / f"{sample.path.stem}.{tool.name.replace(' ', '_').replace('/', '_')}.out"
    fill = {"python": python, "edi": edi_command(python), "lfh": str(LFH_PYTHON), "file": str(sample.path),
            "out": str(out.with_suffix(".dir") if "--out" in tool.command else out),
            "input": str(prepared_input(tool.input, sample, python)) if tool.input else "",
            "last_claim": last_claim(sample) if "{last_claim}" in tool.command else "", "claims": str(sample.claims)}
    command = [part.format(**fill) for part in tool.command]
    product = out if tool.writes else None
    seconds, rss, status, stdout, stderr, tree = run_once(command, product)
    result.output = parse_output(stdout)
    if out.is_file():
        result.output["bytes_written"] = out.stat().st_size
        out.unlink()
    shutil.rmtree(out.with_suffix(".dir"), ignore_errors=True)
    out.with_suffix(".dir").unlink(missing_ok=True)   # a command whose --out is a file (edi synth)
    if status not in tool.ok_codes:
        result.status, result.note = "failed", f"exit {status}: {last_line(stderr or stdout)}"
    elif counted:
        result.seconds.append(seconds)
        result.rss_kib.append(rss)
        result.tree_kib.append(tree)


def prepared_input(command: str, sample: Sample, python: str) -> Path:
    """The sample converted once by an edi command (e.g. ``to-json``), as input for the command that reads it back."""
    target = sample.path.with_suffix("." + command.replace(" --", "-").replace(" ", "-") + ".json")
    if not target.exists():
        partial = target.with_suffix(".partial")
        with partial.open("wb") as sink:
            subprocess.run([edi_command(python), *command.split(), str(sample.path)], stdout=sink, check=True)
        os.replace(partial, target)
    return target


def last_claim(sample: Sample) -> str:
    """The CLM01 / CLP01 of the file's last claim (what ``inspect --claim`` looks for: the whole file is read)."""
    with sample.path.open("rb") as fh:
        fh.seek(max(0, sample.path.stat().st_size - 200_000))
        tail = fh.read().decode("latin-1")
    found = [piece.split("*")[1] for piece in tail.replace("\n", "").split("~") if piece.startswith(("CLM*", "CLP*"))]
    return found[-1] if found else "none"


def parse_output(stdout: str) -> dict[str, object]:
    try:
        whole = json.loads(stdout)          # one JSON document (edi claims build --format json)
        return whole if isinstance(whole, dict) else {}
    except json.JSONDecodeError:
        pass
    for line in reversed(stdout.strip().splitlines()):
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            continue
        return value if isinstance(value, dict) else {}
    return {}


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:160] if lines else "(no output)"


def bench_sample(sample: Sample, tools: list[Tool], python: str, runs: int,
                 unavailable: dict[str, str | None]) -> list[Result]:
    """Every tool on one file. Runs are interleaved — a warm-up of each tool, then run 1 of each, run 2 of
    each … — so that load from outside the benchmark falls on the tools alike, not on whichever ran then."""
    results = []
    for tool in tools:
        if sample.kind not in tool.kinds:
            continue
        if tool.max_claims is not None and sample.claims > tool.max_claims:
            results.append(Result(tool, "skipped", f"only run up to {tool.max_claims:,} claims"))
        elif unavailable[tool.name]:
            results.append(Result(tool, "unavailable", unavailable[tool.name] or ""))
        else:
            results.append(Result(tool))
    running = [r for r in results if r.status == "ok"]
    log(f"{sample.path.name}: {', '.join(r.tool.name for r in running)}: x{runs} each, interleaved (+1 warm-up)")
    for attempt in range(runs + 1):
        for result in running:
            if result.status == "ok":
                measure(result.tool, sample, python, result, counted=attempt > 0)
    return results


def compile_bytecode() -> None:
    """Compile edi's modules to bytecode, as pip does when it installs a package: the peers are measured from
    installed, compiled packages, while an editable install under PYTHONDONTWRITEBYTECODE (set on this project's
    machines) would otherwise compile every edi module again in every timed process (~0.13 s each)."""
    import compileall

    compileall.compile_dir(str(ROOT / "edi"), quiet=1)


def compare_counts(sample: Sample, results: list[Result]) -> tuple[list[str], list[str]]:
    """(notes, warnings) on the count keys tools report: every tool reporting a key must give the same value,
    and ``claims`` must be the number of claims the file was generated with. One note per file lists what agreed."""
    agreed, warnings = [], []
    ok = [r for r in results if r.status == "ok"]
    for key in sorted({key for r in ok for key in r.tool.compare}):
        values = {r.tool.name: r.output.get(key) for r in ok if key in r.tool.compare}
        if key in ("claims", "encounters"):
            values["generator"] = sample.claims
        if len(set(map(str, values.values()))) > 1:
            shown = ", ".join(f"{name}={value}" for name, value in values.items())
            warnings.append(f"WARNING {sample.path.name}: tools disagree on {key}: {shown}")
        elif len(values) > 1:
            agreed.append(f"{key}={next(iter(values.values()))} ({len(values)} reports)")
    notes = [f"- {sample.path.name}: counts agree: {', '.join(agreed)}"] if agreed else []
    return notes, warnings


# ---- report --------------------------------------------------------------------------------------------------

HEADER = ("| file | claims | MB | tool | median s | MB/s | peak RSS MiB | all processes MiB | × bare split | "
          "peer ÷ tool |\n|---|---:|---:|---|---:|---:|---:|---:|---:|---:|")


def table_rows(sample: Sample, results: list[Result]) -> list[str]:
    by_name = {r.tool.name: r for r in results if r.status == "ok"}
    base = by_name.get(BASELINE)
    rows = []
    for r in results:
        lead = f"| {sample.kind} {sample.label} | {sample.claims:,} | {sample.megabytes:.1f} | {r.tool.name} |"
        if r.status != "ok":
            rows.append(f"{lead} {r.status} | | | | | |")
            continue
        ratio = f"{r.median / base.median:.1f}×" if base else ""
        peer = by_name.get(r.tool.peer)
        speedup = f"{peer.median / r.median:.1f}× ({r.tool.peer})" if peer and peer is not r else ""
        rows.append(f"{lead} {r.median:.3f} | {sample.megabytes / r.median:.1f} | {max(r.rss_kib) / 1024:.0f} |"
                    f" {max(r.tree_kib) / 1024:.0f} | {ratio} | {speedup} |")
    return rows


def notes(samples_results: list[tuple[Sample, list[Result]]]) -> list[str]:
    lines = []
    for sample, results in samples_results:
        done = {r.tool.name: r for r in results if r.status == "ok"}
        split = next((r for r in results if r.tool.name == BASELINE and r.status == "ok"), None)
        if split:
            lines.append(f"- {sample.path.name}: {sample.megabytes:.2f} MB, {split.output.get('segments'):,} segments")
        for r in results:
            if r.status in ("failed", "unavailable"):
                lines.append(f"- {sample.path.name}: {r.tool.name} {r.status}: {r.note}")
            if r.status == "ok" and r.output.get("bytes_written"):
                lines.append(f"- {sample.path.name}: {r.tool.name} wrote {int(r.output['bytes_written']) / 1e6:.1f} MB")
            if r.tool.name == "edi claims build" and r.status == "ok" and "edi synth 837p" in done:
                synth = done["edi synth 837p"]
                lines.append(f"- {sample.path.name}: edi claims build takes {r.median / synth.median:.1f}× the time of "
                             f"edi synth 837p for as many claims (target ≤ 4×); peak RSS {max(r.rss_kib) / 1024:.0f} "
                             f"MiB (target ≤ 150), {max(r.tree_kib) / 1024:.0f} MiB with its check worker; "
                             f"batched {r.output.get('batched')}, held {r.output.get('held')}")
            if r.tool.name == "edi scrub (encounters/s)" and r.status == "ok":
                lines.append(f"- {sample.path.name}: the scrubber alone: {r.output.get('per_second'):,} encounters/s "
                             f"({r.output.get('findings')} findings)")
            if r.tool.name == "pyx12 validate" and r.status == "ok":
                lines.append(f"- {sample.path.name}: pyx12 validate: {r.output.get('errors')} error(s)")
    return lines


def report(args: argparse.Namespace, samples_results: list[tuple[Sample, list[Result]]], checks: list[str],
           warnings: list[str]) -> str:
    rows = [row for sample, results in samples_results for row in table_rows(sample, results)]
    when = datetime.now().strftime("%Y-%m-%d %H:%M")
    about = (f"Run {when} on {platform.machine()} with {os.cpu_count()} CPUs, Python {platform.python_version()}; "
             f"median of {args.runs} runs ({args.large_runs} at 100k claims or more) after one warm-up; "
             f"seed {args.seed}. Whole-process wall clock; peak RSS is the child's ru_maxrss (its largest process); "
             "'all processes' sums the RSS of the child and the processes it starts, sampled every 20 ms.")
    caveats = ["- The synthetic 835s leave out the 1000A PER segment, which LinuxForHealth x12 rejects; the "
               "guide requires PER*BL, so pyx12 reports it missing once per 835 transaction.",
               "- pyx12 runs only on files up to its size limit (it takes minutes on 100k claims)."]
    body = [about, "", HEADER, *rows, "", *notes(samples_results), *caveats, *checks, *warnings]
    return "\n".join(body) + "\n"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---- command line --------------------------------------------------------------------------------------------

def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bin/bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1k,10k,100k", help="claims per file, e.g. 1k,10k,100k")
    parser.add_argument("--kinds", default="835,837p,encounters", help="file kinds: 835, 837p, encounters (coded "
                        "encounters for `edi claims build`)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per tool below 100k claims")
    parser.add_argument("--large-runs", type=int, default=3, help="timed runs per tool at 100k claims or more")
    names = ", ".join(ALIASES)
    parser.add_argument("--tools", default="default", help=f"comma list of {names}; 'default', 'cli' (the "
                        "commands a user runs, with their peers) or 'all'")
    parser.add_argument("--pyx12-max", default="10k", help="largest file pyx12 runs on (claims)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic files")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out", help="where files and results go")
    return parser.parse_args(argv)


def chosen_tools(args: argparse.Namespace) -> list[Tool]:
    limit = claims_in(args.pyx12_max)
    tools = [dataclasses.replace(t, max_claims=limit if t.max_claims else None) for t in TOOLS]
    if args.tools == "all":
        return tools
    if args.tools == "cli":
        return [t for t in tools if t.cli]
    if args.tools == "default":
        return [t for t in tools if t.default]
    wanted = {ALIASES.get(name.strip(), name.strip()) for name in args.tools.split(",")}
    unknown = wanted - {t.name for t in tools}
    if unknown:
        raise SystemExit(f"unknown tool(s): {', '.join(sorted(unknown))}; choose from {', '.join(ALIASES)}")
    return [t for t in tools if t.name in wanted]


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    python, tools = sys.executable, chosen_tools(args)
    unavailable = {tool.name: unavailable_reason(tool, python) for tool in tools}
    compile_bytecode()
    samples_results: list[tuple[Sample, list[Result]]] = []
    checks: list[str] = []
    warnings: list[str] = []
    for label in args.sizes.split(","):
        for kind in args.kinds.split(","):
            sample = ensure_sample(kind.strip(), label.strip(), args.seed, args.out)
            runs = args.large_runs if sample.claims >= 100_000 else args.runs
            results = bench_sample(sample, tools, python, runs, unavailable)
            samples_results.append((sample, results))
            agreed, disagreed = compare_counts(sample, results)
            checks += agreed
            warnings += disagreed
    text = report(args, samples_results, checks, warnings)
    (args.out / "results.md").write_text(text)
    print(text)
    for warning in warnings:
        log(warning)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
