"""edi — an X12 EDI engine for US healthcare claims (837P, 837I, 835, 999, TA1, 277CA)."""


def skip_final_collection() -> None:
    """For command-line programs: when the process ends, skip the cyclic garbage collector's last pass over every
    object still alive (the operating system takes the memory back anyway). After a big file that pass costs
    ~15–30 ms, a few percent of a command's run. The `edi` command calls this once at start."""
    import atexit
    import gc

    atexit.register(gc.freeze)  # frozen objects are left out of the collection the interpreter runs at exit
