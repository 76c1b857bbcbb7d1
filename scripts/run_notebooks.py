#!/usr/bin/env python
"""Execute the notebooks under notebooks/ and save them in place, with their outputs.

The committed outputs come from this script at the full setting: it removes the CI variables
LINNET_NOTEBOOK_DRAWS and LINNET_NOTEBOOK_MAX_N from the kernel's environment, so every notebook
runs its full study (100 draws per architecture, every table row), and starts the notebooks on an
empty generic-set cache (``LINNET_CRIT_CACHE``, a temporary folder) so that their outputs do not
depend on this machine's cache. ``--draws`` / ``--max-n`` set
them instead (for a quick look; do not commit such outputs).

    python scripts/run_notebooks.py                      # every notebook, full setting, in place
    python scripts/run_notebooks.py notebooks/02_*.ipynb # some of them
    python scripts/run_notebooks.py --draws 10 --max-n 12 --output /tmp/nb   # CI setting, elsewhere

The kernel is ``python3`` started with this interpreter (ipykernel's own kernel spec), in the
notebooks folder as working directory. Exit status 1 if any notebook fails (its partial outputs
are still written, so the failing cell can be read).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
CI_VARIABLES = ("LINNET_NOTEBOOK_DRAWS", "LINNET_NOTEBOOK_MAX_N")


def execute(path: Path, output: Path, timeout: int) -> bool:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        # no per-cell timestamps: re-running changes only what the cells print
        record_timing=False,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    start = time.perf_counter()
    ok = True
    try:
        client.execute()
    except CellExecutionError as error:
        ok = False
        print(f"FAILED {path.name}:\n{error}", file=sys.stderr)
    output.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, output)
    print(f"{'ok' if ok else 'FAILED':<6} {path.name:<36} {time.perf_counter() - start:7.1f} s -> {output}", flush=True)
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebooks/*.ipynb")
    parser.add_argument("--draws", type=int, help="set LINNET_NOTEBOOK_DRAWS (default: unset, the full 100 draws)")
    parser.add_argument("--max-n", type=int, help="set LINNET_NOTEBOOK_MAX_N (default: unset, every row)")
    parser.add_argument("--output", type=Path, help="folder for the executed copies (default: in place)")
    parser.add_argument("--timeout", type=int, default=7200, help="seconds per cell (default 7200)")
    args = parser.parse_args(argv)

    for name in CI_VARIABLES:
        os.environ.pop(name, None)  # the kernel inherits this environment
    if args.draws is not None:
        os.environ["LINNET_NOTEBOOK_DRAWS"] = str(args.draws)
    if args.max_n is not None:
        os.environ["LINNET_NOTEBOOK_MAX_N"] = str(args.max_n)
    paths = args.notebooks or sorted(NOTEBOOKS.glob("*.ipynb"))
    # An empty generic-set cache, shared by the notebooks in order (as one user running them would):
    # what the outputs say (times, paths per point, "computed" or "read from the cache") must not
    # depend on what earlier runs left in this machine's cache.
    with tempfile.TemporaryDirectory(prefix="linnet_notebooks_cache_") as cache:
        os.environ["LINNET_CRIT_CACHE"] = cache
        results = [execute(p.resolve(), (args.output / p.name) if args.output else p.resolve(), args.timeout)
                   for p in paths]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
