#!/usr/bin/env python3
"""The monthly report of CAS log files, through the casreport Python package.

    report.py [--month YYYY-MM] [--format text|json|...] [--lang ja|en] FILE...

Needs the casreport package on the path (pip install bindings/python, or PYTHONPATH) and the C
library (CASREPORT_LIBRARY, the build tree, or the system).
"""

import argparse
import sys

import casreport


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--month", help="report this month (YYYY-MM); default: every event")
    ap.add_argument("--format", default="text", help="text (default), json, or another format")
    ap.add_argument("--lang", default="ja", choices=["ja", "en"])
    a = ap.parse_args()
    try:
        with casreport.Aggregator(month=a.month) as agg:
            for path in a.files:
                agg.feed_file(path)
            agg.finish()
            counts = agg.counts()
            sys.stdout.write(agg.render(a.format, a.lang))
    except casreport.CasreportError as e:
        print(f"report.py: {e.name}: {e.message}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"report.py: {e}", file=sys.stderr)
        return 1
    print(f"report.py: {counts.accepted} of {counts.records} records counted", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
