"""`bin/demo`: the main job on the bundled samples — what each file holds, one claim's loop tree, and proof that
every file round-trips byte for byte through the tokenizer and writer and through the JSON form."""

from __future__ import annotations

import io
import sys
from pathlib import Path

from edi.errors import EdiError
from edi.inspect import file_info, from_json, inspect_lines, render_info, to_json
from edi.x12 import tokenize, write


def main(folder: str) -> int:
    files = sorted(p for p in Path(folder).iterdir() if p.suffix == ".x12")
    failures = 0
    for path in files:
        try:
            print(render_info(file_info(path)))
        except EdiError as exc:
            print(exc)
            failures += 1
    claim_file = next((p for p in files if p.name.startswith("837p")), None)
    if claim_file is not None:
        print(f"\nOne claim's loop tree ({claim_file.name}, `edi inspect --loop 2300`, first claim):")
        lines = list(inspect_lines(claim_file, loop_id="2300"))
        end = next((i for i, line in enumerate(lines[1:], 1) if line.startswith("2300")), len(lines))
        print("\n".join(lines[:end]))
    print("\nRound trips:")
    for path in files:
        data = path.read_bytes()
        by_writer = write(tokenize(data)) == data
        buf = io.StringIO()
        to_json(data, buf, name=path.name)
        by_json = from_json(buf.getvalue()) == data
        failures += not (by_writer and by_json)
        print(f"  {path.name:<28} tokenize+write {'identical' if by_writer else 'DIFFERENT'}, "
              f"to-json+from-json {'identical' if by_json else 'DIFFERENT'}")
    print(f"\n{len(files)} files, {failures} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "samples"))
