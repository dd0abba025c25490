#!/usr/bin/env bash
# End-to-end benchmark of casreport over generated CAS dumps, side by side with yardsticks:
# a peer that computes the same report with simdjson On-Demand, reading through iterate_many
# (bench/reference/simdjson_report.cpp, when Debian's libsimdjson-dev and libxxhash-dev are
# installed), Python's json module (bench/reference/python_aggregator.py), and, when
# CASREPORT_DUCKDB names an installed @duckdb/node-api, DuckDB's read_ndjson doing the counting
# (bench/reference/duckdb_counts.mjs).
# The same dumps compressed (gzip -1, zstd -3) are read at N threads next to the plain ones,
# with the decompressors alone (igzip -d, from Debian's isal, and zstd -d) as the floor.
#
#   bench/run.sh [--sizes 100M,1G] [--events N] [--threads N] [--rounds N] [--no-python]
#                [--no-compressed] [--out DIR]
#
# Dumps come from ../shared/data/gen_dump.py (seed 42), are cached in DIR (default
# build/bench-data) with their compressed forms, and read once before timing, so the page
# cache is warm for every tool. Shared machines have slow and fast spells lasting seconds, so
# the tools run in turn, `rounds` times (default 5), and each row gives the best and the median
# wall time of its tool; the ratios at the end compare medians. Peak RSS is /usr/bin/time's
# maximum over the rounds. The script fails if casreport's report at N threads, or from a
# compressed form, differs from the one at 1 thread on the plain dump, and, before any timing,
# if the simdjson peer's report differs from casreport's (bench/reference/compare_reports.py).
set -euo pipefail
cd "$(dirname "$0")/.."

sizes="1G"
events=""
threads="$(nproc)"
rounds=5
python=1
compressed=1
out="build/bench-data"
usage="usage: bench/run.sh [--sizes 100M,1G] [--events N] [--threads N] [--rounds N] [--no-python] [--no-compressed] [--out DIR]"
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) sizes="$2"; shift 2 ;;
        --events) events="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        --no-python) python=0; shift ;;
        --no-compressed) compressed=0; shift ;;
        --out) out="$2"; shift 2 ;;
        *) echo "$usage" >&2; exit 1 ;;
    esac
done

gen="../shared/data/gen_dump.py"
[ -f "$gen" ] || { echo "bench/run.sh: $gen not found (the shared material)" >&2; exit 1; }
mkdir -p "$out"

echo "== building casreport (release preset)" >&2
cmake --workflow --preset release > "$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }
cli="build/release/examples/casreport"

# The peer is built as simdjson's documentation asks for speed: NDEBUG (no self-checks), and
# -march=native, since On-Demand's parsing is compiled for the kernel the compiler may assume.
simdjson_ref=""
if [ -f /usr/include/simdjson.h ] && [ -f /usr/include/xxhash.h ]; then
    simdjson_ref="$out/simdjson_report"
    if [ ! -x "$simdjson_ref" ] || [ bench/reference/simdjson_report.cpp -nt "$simdjson_ref" ]; then
        echo "== building the simdjson peer" >&2
        g++ -O3 -DNDEBUG -march=native -std=c++17 bench/reference/simdjson_report.cpp -lsimdjson \
            -o "$simdjson_ref"
    fi
else
    echo "== no simdjson peer: apt-get install libsimdjson-dev libxxhash-dev to add it" >&2
fi
duckdb_ref=""
if [ -n "${CASREPORT_DUCKDB:-}" ]; then
    command -v node > /dev/null || { echo "bench/run.sh: CASREPORT_DUCKDB is set but node is not found" >&2; exit 1; }
    duckdb_ref="bench/reference/duckdb_counts.mjs"
fi
igzip=""
if [ "$compressed" = 1 ]; then
    command -v zstd > /dev/null || { echo "bench/run.sh: zstd not found (apt-get install zstd)" >&2; exit 1; }
    if command -v igzip > /dev/null; then
        igzip="igzip"
    else
        echo "== no igzip floor: apt-get install isal to add it" >&2
    fi
fi

# timed NAME COMMAND... : one run; appends "NAME<TAB>seconds<TAB>rss_kb" to $times and keeps
# the command's stdout in $out/NAME.out (`floor` sends it to /dev/null: a decompressor's text)
timed() {
    local name="$1"; shift
    /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" > "${sink:-$out/$name.out}"
    read -r secs rss_kb < "$out/time.txt"
    printf '%s\t%s\t%s\n' "$name" "$secs" "$rss_kb" >> "$times"
}
floor() { sink=/dev/null timed "$@"; }

for size in ${sizes//,/ }; do
    if [ -n "$events" ]; then
        dump="$out/dump_${events}ev.ndjson"
        [ -f "$dump" ] || python3 "$gen" --events "$events" --seed 42 -o "$dump"
    else
        dump="$out/dump_${size}.ndjson"
        [ -f "$dump" ] || python3 "$gen" --size "$size" --seed 42 -o "$dump"
    fi
    bytes=$(stat -L -c %s "$dump")
    nevents=$(wc -l < "$dump")
    if [ "$compressed" = 1 ]; then
        [ -f "$dump.gz" ] || gzip -1 -n -c "$dump" > "$dump.gz"
        [ -f "$dump.zst" ] || zstd -3 -q -c "$dump" > "$dump.zst"
        cat "$dump.gz" "$dump.zst" > /dev/null
    fi
    cat "$dump" > /dev/null  # warm the page cache
    echo
    echo "$dump: $bytes bytes, $nevents events ($(nproc) cores, $rounds rounds)"
    if [ "$compressed" = 1 ]; then
        echo "  gzip -1: $(stat -L -c %s "$dump.gz") bytes; zstd -3: $(stat -L -c %s "$dump.zst") bytes"
    fi
    times="$out/times.tsv"
    : > "$times"
    one="casreport 1 thread"
    many="casreport $threads threads"
    simd="simdjson peer (iterate_many)"
    duck="DuckDB read_ndjson counts"
    # A peer is only timed while it computes the same report: check it first.
    if [ -n "$simdjson_ref$duckdb_ref" ]; then
        "$cli" --threads 1 --format json --month 2026-10 "$dump" > "$out/check casreport.json"
    fi
    if [ -n "$simdjson_ref" ]; then
        "$simdjson_ref" --month 2026-10 "$dump" > "$out/check peer.json"
        echo -n "  simdjson peer's report vs casreport's: "
        python3 bench/reference/compare_reports.py "$out/check casreport.json" "$out/check peer.json" ||
            { echo "  !! the simdjson peer's report differs from casreport's: not timed" >&2; exit 1; }
    fi
    if [ -n "$duckdb_ref" ]; then
        node "$duckdb_ref" "$CASREPORT_DUCKDB" "$dump" 2026-10 > "$out/check duckdb.json"
        echo -n "  DuckDB's counts vs casreport's report: "
        python3 bench/reference/compare_reports.py --subset "$out/check casreport.json" "$out/check duckdb.json" ||
            { echo "  !! DuckDB's counts differ from casreport's: not timed" >&2; exit 1; }
    fi
    gz="casreport .gz $threads threads"
    zst="casreport .zst $threads threads"
    for ((r = 0; r < rounds; ++r)); do
        timed "$one" "$cli" --threads 1 --format json --month 2026-10 "$dump"
        [ -n "$simdjson_ref" ] && timed "$simd" "$simdjson_ref" --month 2026-10 "$dump"
        [ -n "$duckdb_ref" ] && timed "$duck" node "$duckdb_ref" "$CASREPORT_DUCKDB" "$dump" 2026-10
        timed "$many" "$cli" --threads "$threads" --format json --month 2026-10 "$dump"
        if [ "$compressed" = 1 ]; then
            timed "$gz" "$cli" --threads "$threads" --format json --month 2026-10 "$dump.gz"
            [ -n "$igzip" ] && floor "igzip -d alone" "$igzip" -d -c "$dump.gz"
            timed "$zst" "$cli" --threads "$threads" --format json --month 2026-10 "$dump.zst"
            floor "zstd -d alone" zstd -d -q -c "$dump.zst"
        fi
        checks=("$many")
        [ "$compressed" = 1 ] && checks+=("$gz" "$zst")
        for other in "${checks[@]}"; do
            if ! cmp -s "$out/$one.out" "$out/$other.out"; then
                echo "  !! the report of \"$other\" differs from the one at 1 thread" >&2
                exit 1
            fi
        done
    done
    [ "$python" = 1 ] && timed "python json" python3 bench/reference/python_aggregator.py "$dump"
    python3 - "$times" "$bytes" "$nevents" "$one" "$many" "$simd" "$gz" "$zst" "$duck" <<'PY'
import statistics, sys
path, nbytes, nevents, one, many, simd, gz, zst, duck = sys.argv[1:]
nbytes, nevents = int(nbytes), int(nevents)
rows = {}
for line in open(path):
    name, secs, rss = line.rstrip("\n").split("\t")
    rows.setdefault(name, []).append((float(secs), int(rss)))
med = {}
peak = {}
print(f"  {'':30} {'best s':>8} {'median s':>9} {'MB/s':>7} {'events/s':>10} {'peak RSS':>10}")
for name, runs in rows.items():
    secs = [s for s, _ in runs]
    best, med[name] = min(secs), statistics.median(secs)
    peak[name] = max(r for _, r in runs) / 1024
    print(f"  {name:30} {best:8.2f} {med[name]:9.2f} {nbytes / med[name] / 1e6:7.0f} "
          f"{nevents / med[name]:10.0f} {peak[name]:8.1f} MiB")
print("  (MB/s and events/s of the plain dump's text; reports identical in every form and at"
      " every thread count)")
if simd in med:
    print(f"  casreport 1 thread vs simdjson peer (iterate_many): {med[simd] / med[one]:.2f}x"
          " (medians)")
if duck in med:
    print(f"  casreport 1 thread vs DuckDB read_ndjson (counts only): {med[duck] / med[one]:.2f}x"
          " (medians)")
print(f"  {many} vs 1 thread: {med[one] / med[many]:.2f}x (medians)")
for name in (gz, zst):
    if name in med:
        print(f"  {name} vs 1 thread on the plain dump: {med[one] / med[name]:.2f}x its speed"
              f" (medians); peak RSS {peak[name] - peak[one]:+.1f} MiB")
PY
done
