"""One large solve through the Dask executor on a local cluster, streamed to disk.

Starts a ``distributed.LocalCluster`` of ``--workers`` single-threaded worker processes, runs
:func:`linnet_crit.solve_to_file` on it (cold, cache off) and prints the count, completeness, the
check against the closed form Σ_r C(d,r)·C(p,r)·4^r for H = 1 (computed here, never given to the
engine), paths, wall seconds, the size of the stream file and the peak resident memory of every
worker and of this process. It then reads the file back line by line with ``show`` (bounded
memory) to confirm the summary. Exit status 1 when the result is INCOMPLETE or the count differs
from the closed form.

Run: ``python benchmarks/bench_cluster.py --widths 1,7,7 --workers 2`` (needs ``pip install
".[dask]"``). On a real cluster, pass ``--scheduler tcp://HOST:8786`` instead of starting one.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import closed_form  # noqa: E402  (one home for the closed form of the benchmarks)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widths", default="1,7,7")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-memory", default="8GB", help="memory limit of each local worker")
    parser.add_argument("--scheduler", default=None, help="an existing cluster's address instead of a local one")
    parser.add_argument("--max-memory", type=int, default=2**33, help="bytes a unit may take (--max-memory of solve)")
    parser.add_argument("--max-paths", type=int, default=0,
                        help="solve's max_paths (default 0: none — the proved bound for 1,7,7, ~1e11 paths, "
                             "is far above the ~1e5 it tracks)")
    parser.add_argument("--out", default=None, help="stream file (default: a temporary .jsonl, removed at the end)")
    parser.add_argument("--cache", default="off",
                        help="LINNET_CRIT_CACHE for the run (default off: a cold solve; a folder keeps the "
                             "generic solution set of a long run that fails later)")
    args = parser.parse_args(argv)
    os.environ["LINNET_CRIT_CACHE"] = args.cache
    from distributed import Client, LocalCluster

    from linnet_crit import random_instance, solve_to_file
    from linnet_crit.readwrite import show

    widths = tuple(int(w) for w in args.widths.split(","))
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp()) / f"{args.widths.replace(',', '_')}.jsonl"
    cluster = None
    if args.scheduler is None:
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                               memory_limit=args.worker_memory, dashboard_address=None)
    with Client(args.scheduler or cluster) as client:
        t0 = time.perf_counter()
        result = solve_to_file(random_instance(widths, samples=1, seed=args.seed), out, seed=args.seed,
                               executor="dask", scheduler=client, max_memory=args.max_memory,
                               max_paths=args.max_paths or None, progress=False)
        wall = time.perf_counter() - t0
        workers = client.run(_peak_mb)
    if cluster is not None:
        cluster.close()
    expected = closed_form(widths)
    summary = result.to_dict()
    print(str(result).splitlines()[0])
    print(f"widths {args.widths}: {summary['n_solutions']} points, complete {summary['complete']}, "
          f"{summary['n_paths_tracked']} paths, {wall:.1f} s wall, stream {out.stat().st_size / 2**20:.1f} MB ({out})")
    if expected is not None:
        print(f"closed form Σ_r C(d,r)C(p,r)4^r = {expected}: " + ("equal" if expected == summary["n_solutions"] else "MISMATCH"))
    for address, mb in sorted(workers.items()):
        print(f"peak RSS of worker {address}: {mb:.0f} MB")
    print(f"peak RSS of this process: {_peak_mb():.0f} MB")
    t0 = time.perf_counter()
    shown = show(out)
    print(f"show read the stream back in {time.perf_counter() - t0:.1f} s; first line: {shown.splitlines()[0]}")
    ok = summary["complete"] and (expected is None or expected == summary["n_solutions"])
    if not args.out:  # a temporary stream of 1,7,7 is 2 GB: do not leave it behind
        shutil.rmtree(out.parent)
        print(f"removed the temporary stream {out}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
