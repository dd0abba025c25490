"""python3 -m casreport.dask: the report of log files, computed on a Dask cluster.

    python3 -m casreport.dask --scheduler tcp://scheduler:8786 --month 2025-06 logs/*.ndjson.gz

Without --scheduler, a cluster of local worker processes is started for the run (--workers).
The files are read by the workers, at the paths given: on a real cluster, they must be on
storage every worker sees. docs/scale-out.md has the details.
"""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional

import casreport
import casreport.dask


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python3 -m casreport.dask",
        description="The monthly report of CAS log files, computed on a Dask cluster: each file "
                    "on a worker, de-duplication sharded by record id.")
    p.add_argument("files", nargs="+", metavar="FILE", help="log files, in order")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="the Dask scheduler (tcp://host:8786); default: local workers")
    p.add_argument("--workers", type=int, default=2, metavar="N",
                   help="local worker processes when there is no --scheduler (default 2)")
    p.add_argument("--shards", type=int, metavar="K",
                   help="shards of de-duplication (default: from the input's size)")
    p.add_argument("--month", metavar="YYYY-MM", help="the month to report")
    p.add_argument("--tz", metavar="+HH:MM", help="time zone of the month (default +09:00)")
    p.add_argument("--top", type=int, metavar="N", help="rows of each top-users table")
    p.add_argument("--no-dedupe", action="store_true", help="count repeated events")
    p.add_argument("--input-format", choices=["auto", "json", "ndjson", "csv", "cef"])
    p.add_argument("--threads", type=int, default=1, metavar="N",
                   help="threads reading each file on its worker (0: one per core)")
    p.add_argument("--format", default="text", choices=["json", "text", "md", "csv", "html"])
    p.add_argument("--lang", default="ja", choices=["ja", "en"])
    p.add_argument("-o", "--output", metavar="OUT", help="write the report here, not stdout")
    return p


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    options = {}
    if args.month is not None:
        options["month"] = args.month
    if args.tz is not None:
        options["tz"] = args.tz
    if args.top is not None:
        options["top_n"] = args.top
    if args.no_dedupe:
        options["dedupe"] = False
    if args.input_format is not None:
        options["input_format"] = args.input_format
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        print("casreport.dask: Dask's distributed scheduler is not installed "
              "(Debian: apt-get install python3-distributed)", file=sys.stderr)
        return 1
    cluster = None
    try:
        if args.scheduler is None:
            cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1,
                                   dashboard_address=None)
        with Client(args.scheduler or cluster) as client:
            document = casreport.dask.render(args.files, client=client, format=args.format,
                                             lang=args.lang, shards=args.shards,
                                             threads=args.threads, **options)
    except (casreport.CasreportError, OSError, ValueError) as e:
        print(f"casreport.dask: {e}", file=sys.stderr)
        return 1
    finally:
        if cluster is not None:
            cluster.close()
    if args.output is None:
        sys.stdout.write(document)
        sys.stdout.flush()
    else:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(document)
    return 0


if __name__ == "__main__":
    sys.exit(main())
