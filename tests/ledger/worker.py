"""Run by the ledger tests in separate processes: concurrent reservations, first use, a kill mid-transaction.

    python worker.py reserve URL GO_FILE ROUNDS     # wait for GO_FILE, then reserve blocks; print them as JSON
    python worker.py open URL GO_FILE               # wait for GO_FILE, then open (and so migrate) the ledger
    python worker.py hang URL BATCHES               # commit BATCHES-1 batches, then hang inside the next one
    python worker.py loop URL                       # commit batches until killed
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from factory import encounter  # noqa: E402

from edi.ledger import Ledger, open_ledger  # noqa: E402

BATCH = 20


def _wait(go: str) -> None:
    while not Path(go).exists():
        time.sleep(0.005)


def _batch(ledger: Ledger, index: int, hang: bool = False) -> None:
    with ledger.transaction(run="worker") as journal:
        journal.record_encounters(encounter(index * BATCH + i, procedures=("99213", "36415", "81002"))
                                  for i in range(BATCH))
        if hang:
            print("inside", flush=True)
            time.sleep(120)
    print(f"committed {index}", flush=True)


def main() -> None:
    command, url, *rest = sys.argv[1:]
    if command == "open":
        _wait(rest[0])
        with open_ledger(url) as ledger:
            print(ledger.status().revision, flush=True)
        return
    with open_ledger(url) as ledger:
        if command == "reserve":
            _wait(rest[0])
            rng = random.Random()
            for _ in range(int(rest[1])):
                counts = {"interchange": 1, "group": rng.randint(1, 3), "transaction": rng.randint(1, 40)}
                taken = ledger.reserve_block(counts, sender="ZZ:CLINIC", receiver="ZZ:CLEARINGHOUSE")
                print(json.dumps({k: [r.start, r.stop] for k, r in taken.items()}), flush=True)
        elif command == "hang":
            for index in range(int(rest[0])):
                _batch(ledger, index, hang=index == int(rest[0]) - 1)
        elif command == "loop":
            index = 0
            while True:
                _batch(ledger, index)
                index += 1


if __name__ == "__main__":
    main()
