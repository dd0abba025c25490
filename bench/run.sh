#!/usr/bin/env bash
# End-to-end benchmark of casreport over generated CAS dumps, side by side with yardsticks:
# a simdjson On-Demand aggregator (bench/reference/simdjson_aggregator.cpp, when Debian's
# libsimdjson-dev is installed) and Python's json module (bench/reference/python_aggregator.py).
#
#   bench/run.sh [--sizes 100M,1G] [--events N] [--threads N] [--no-python] [--out DIR]
#
# Dumps come from ../shared/data/gen_dump.py (seed 42), are cached in DIR (default
# build/bench-data) and read once before timing, so the page cache is warm for every tool.
# Prints, per dump and tool: seconds, MB/s, events/s and peak RSS (/usr/bin/time), and checks
# that casreport's report is the same at 1 thread and at N.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes="1G"
events=""
threads="$(nproc)"
python=1
out="build/bench-data"
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) sizes="$2"; shift 2 ;;
        --events) events="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        --no-python) python=0; shift ;;
        --out) out="$2"; shift 2 ;;
        *) echo "usage: bench/run.sh [--sizes 100M,1G] [--events N] [--threads N] [--no-python] [--out DIR]" >&2; exit 1 ;;
    esac
done

gen="../shared/data/gen_dump.py"
[ -f "$gen" ] || { echo "bench/run.sh: $gen not found (the shared material)" >&2; exit 1; }
mkdir -p "$out"

echo "== building casreport (release preset)" >&2
cmake --workflow --preset release > "$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }
cli="build/release/examples/casreport"

simdjson_ref=""
if [ -f /usr/include/simdjson.h ]; then
    simdjson_ref="$out/simdjson_aggregator"
    if [ ! -x "$simdjson_ref" ] || [ bench/reference/simdjson_aggregator.cpp -nt "$simdjson_ref" ]; then
        echo "== building the simdjson yardstick" >&2
        g++ -O3 -std=c++17 bench/reference/simdjson_aggregator.cpp -lsimdjson -o "$simdjson_ref"
    fi
else
    echo "== no simdjson yardstick: apt-get install libsimdjson-dev to add it" >&2
fi

# run NAME COMMAND... : prints one result row; the command's stdout goes to $out/NAME.out
run() {
    local name="$1"; shift
    /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" > "$out/$name.out"
    read -r secs rss_kb < "$out/time.txt"
    awk -v n="$name" -v s="$secs" -v b="$bytes" -v e="$nevents" -v r="$rss_kb" 'BEGIN {
        printf "  %-28s %8.2f s %9.0f MB/s %11.0f events/s %8.1f MiB\n", n, s, b / s / 1e6, e / s, r / 1024 }'
}

for size in ${sizes//,/ }; do
    if [ -n "$events" ]; then
        dump="$out/dump_${events}ev.ndjson"
        [ -f "$dump" ] || python3 "$gen" --events "$events" --seed 42 -o "$dump"
    else
        dump="$out/dump_${size}.ndjson"
        [ -f "$dump" ] || python3 "$gen" --size "$size" --seed 42 -o "$dump"
    fi
    bytes=$(stat -c %s "$dump")
    nevents=$(wc -l < "$dump")
    cat "$dump" > /dev/null  # warm the page cache
    echo
    echo "$dump: $bytes bytes, $nevents events ($(nproc) cores)"
    run "casreport 1 thread" "$cli" --threads 1 --format json --month 2026-10 "$dump"
    run "casreport $threads threads" "$cli" --threads "$threads" --format json --month 2026-10 "$dump"
    if ! cmp -s "$out/casreport 1 thread.out" "$out/casreport $threads threads.out"; then
        echo "  !! the reports at 1 and $threads threads differ" >&2
        exit 1
    fi
    echo "  (reports at 1 and $threads threads identical)"
    [ -n "$simdjson_ref" ] && run "simdjson On-Demand (1 thread)" "$simdjson_ref" "$dump"
    [ "$python" = 1 ] && run "python json (1 thread)" python3 bench/reference/python_aggregator.py "$dump"
done
