#!/usr/bin/env python3
"""Bytes per record in each stage of the scale-out plan (docs/scale-out.md), measured.

    bench/scale_out.py [--events N] [--files F] [--shards K] [--users U]
                       [--generator gen_dump|events] [--out DIR] [--dask]

Run it with an interpreter that has Dask for --dask (Debian: /usr/bin/python3).

Makes a month of N events of U users in F files (../shared/data/gen_dump.py, or the tests'
generator bindings/python/tests/_events.py, whose campaigns repeat their attachments; kept in
DIR, default build/scale-out-data, for the next run), then runs each stage of the plan in a
process of its own and reports its peak memory (VmHWM) above an idle process's, and the bytes
of what it hands on:

  map      one file aggregated and its state split into K shards (saved, zlib-compressed);
  reduce   one shard of every file merged (its identities), then compacted; as in a Dask task,
           every file's shard state is in memory before the merge starts;
  combine  the K compact shards merged, the report built.

The report of the plan must equal the command-line tool's over the same files. With --dask, the
plan also runs end to end on a 2-worker LocalCluster, timed. Uses build/ci (or $CASREPORT_LIBRARY
and $CASREPORT_CLI).
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
PYTHONPATH = str(ROOT / "bindings" / "python")

# Each stage: Python code run in a fresh interpreter; it prints one JSON object.
PRELUDE = """
import json, sys
import casreport
def peak_kib():
    # VmHWM, not ru_maxrss: the latter keeps the peak of the process this one was forked from.
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
"""

IDLE = PRELUDE + """
with casreport.Aggregator() as a:
    a.finish()
print(json.dumps({"peak_kib": peak_kib()}))
"""

MAP = PRELUDE + """
path, part, shards, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
with casreport.Aggregator(month=MONTH, part=part) as a:
    a.feed_file(path)
    a.finish()
    n = a.counts()
    states = a.save_state(shards=shards)
for i, s in enumerate(states):
    with open(f"{out}/part{part}.shard{i}", "wb") as f:
        f.write(s)
print(json.dumps({"peak_kib": peak_kib(), "records": n.records,
                  "identities": n.accepted + n.out_of_period,
                  "state_bytes": sum(len(s) for s in states)}))
"""

REDUCE = PRELUDE + """
shard, parts, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
# As a Dask task has them: every part's shard in memory before the merge starts.
states = []
for p in range(parts):
    with open(f"{out}/part{p}.shard{shard}", "rb") as f:
        states.append(f.read())
total = casreport.Aggregator.load_state(states[0])
for s in states[1:]:
    with casreport.Aggregator.load_state(s) as part:
        total.merge(part)
n = total.counts()
merged_peak = peak_kib()
total.compact()
compact = total.save_state()
with open(f"{out}/compact{shard}", "wb") as f:
    f.write(compact)
print(json.dumps({"peak_kib": peak_kib(), "merged_peak_kib": merged_peak,
                  "identities": n.accepted + n.out_of_period, "compact_bytes": len(compact)}))
"""

COMBINE = PRELUDE + """
shards, out = int(sys.argv[1]), sys.argv[2]
def state(s):
    with open(f"{out}/compact{s}", "rb") as f:
        return f.read()
with casreport.merge_states(state(s) for s in range(shards)) as total:
    doc = total.render("json")
    total.compact()  # equal groups of the shards become one
    combined = len(total.save_state())
with open(f"{out}/plan.json", "w", encoding="utf-8") as f:
    f.write(doc)
print(json.dumps({"peak_kib": peak_kib(), "combined_bytes": combined}))
"""


def run_stage(code: str, month: str, *args: str) -> dict:
    env = dict(os.environ, PYTHONPATH=PYTHONPATH)
    out = subprocess.run([sys.executable, "-c", f"MONTH = {month!r}\n" + code, *args],
                         env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def make_input(args, out: Path) -> tuple:
    """The files of the month, made once and kept in `out`; (paths, month)."""
    paths = [out / f"file{i}.ndjson" for i in range(args.files)]
    month = "2026-10" if args.generator == "gen_dump" else "2025-06"
    if all(p.exists() for p in paths):
        return paths, month
    if args.generator == "gen_dump":
        gen = ROOT.parent / "shared" / "data" / "gen_dump.py"
        dump = out / "dump.ndjson"
        subprocess.run([sys.executable, str(gen), "--events", str(args.events), "--users",
                        str(args.users), "--seed", "42", "-o", str(dump)], check=True)
        with open(dump, "rb") as f:
            lines = f.readlines()
        dump.unlink()
    else:
        sys.path.insert(0, str(ROOT / "bindings" / "python" / "tests"))
        from _events import month_lines
        lines = [l.encode() for l in month_lines(args.events, seed=42, users=args.users)]
    per = (len(lines) + args.files - 1) // args.files
    for i, p in enumerate(paths):
        p.write_bytes(b"".join(lines[i * per:(i + 1) * per]))
    return paths, month


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=1_200_000)
    ap.add_argument("--files", type=int, default=8)
    ap.add_argument("--shards", type=int, default=8)
    ap.add_argument("--users", type=int, default=50_000)
    ap.add_argument("--generator", choices=["gen_dump", "events"], default="gen_dump")
    ap.add_argument("--out", default=str(ROOT / "build" / "scale-out-data"))
    ap.add_argument("--dask", action="store_true")
    args = ap.parse_args()
    build = ROOT / "build" / "ci"
    os.environ.setdefault("CASREPORT_LIBRARY", str(build / "capi" / "libcasreport.so"))
    cli = os.environ.get("CASREPORT_CLI", str(build / "examples" / "casreport"))
    out = Path(args.out) / f"{args.generator}-{args.events}-{args.files}-{args.users}"
    out.mkdir(parents=True, exist_ok=True)
    paths, month = make_input(args, out)
    input_bytes = sum(p.stat().st_size for p in paths)
    idle = run_stage(IDLE, month)["peak_kib"]

    maps = [run_stage(MAP, month, str(p), str(i), str(args.shards), str(out))
            for i, p in enumerate(paths)]
    reduces = [run_stage(REDUCE, month, str(s), str(len(paths)), str(out))
               for s in range(args.shards)]
    combine = run_stage(COMBINE, month, str(args.shards), str(out))

    records = sum(m["records"] for m in maps)
    identities = sum(r["identities"] for r in reduces)
    t = time.monotonic()
    cli_json = subprocess.run([cli, "--format", "json", "--month", month, *map(str, paths)],
                              check=True, capture_output=True, text=True).stdout
    cli_seconds = time.monotonic() - t
    same = (out / "plan.json").read_text(encoding="utf-8") == cli_json

    def per(kib: float, n: int) -> float:
        return kib * 1024 / max(n, 1)

    big_map = max(maps, key=lambda m: m["peak_kib"])
    big_reduce = max(reduces, key=lambda r: r["peak_kib"])
    print(f"input: {records} records in {len(paths)} files, {input_bytes} bytes "
          f"({input_bytes / records:.0f} B/record); {identities} identities kept; "
          f"{args.shards} shards; idle process {idle} KiB")
    print(f"map      peak {big_map['peak_kib'] - idle} KiB above idle for "
          f"{big_map['identities']} identities: "
          f"{per(big_map['peak_kib'] - idle, big_map['identities']):.0f} B/identity; "
          f"saved shards {sum(m['state_bytes'] for m in maps)} bytes: "
          f"{sum(m['state_bytes'] for m in maps) / identities:.1f} B/identity")
    print(f"reduce   largest shard {big_reduce['identities']} identities "
          f"({big_reduce['identities'] / identities:.3f} of all), peak "
          f"{big_reduce['peak_kib'] - idle} KiB above idle: "
          f"{per(big_reduce['peak_kib'] - idle, big_reduce['identities']):.0f} B/identity "
          f"({per(big_reduce['merged_peak_kib'] - idle, big_reduce['identities']):.0f} until "
          f"merged, the rest compacting and saving)")
    compact = sum(r["compact_bytes"] for r in reduces)
    print(f"compact  {compact} bytes in all ({compact / identities:.2f} B/identity), "
          f"largest shard {max(r['compact_bytes'] for r in reduces)} bytes")
    print(f"combine  peak {combine['peak_kib'] - idle} KiB above idle "
          f"({per(combine['peak_kib'] - idle, identities):.0f} B/identity); the month's compact "
          f"state {combine['combined_bytes']} bytes")
    print(f"report of the plan {'equals' if same else 'DIFFERS FROM'} the command-line tool's "
          f"(which took {cli_seconds:.1f} s in one process)")

    if args.dask:
        from distributed import Client, LocalCluster
        sys.path.insert(0, PYTHONPATH)
        os.environ["PYTHONPATH"] = PYTHONPATH  # for the workers
        import casreport.dask
        with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            t = time.monotonic()
            doc = casreport.dask.render([str(p) for p in paths], client=client, format="json",
                                        shards=args.shards, month=month)
            print(f"dask     2-worker LocalCluster, {args.shards} shards: "
                  f"{time.monotonic() - t:.1f} s, report "
                  f"{'equals' if doc == cli_json else 'DIFFERS FROM'} the command-line tool's")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
