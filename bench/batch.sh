#!/usr/bin/env bash
# The monthly round at MSP scale: `casreport batch` over N tenants of about SIZE each, next to one
# single run over the same bytes in one file, for time and peak memory.
#
#   bench/batch.sh [--tenants 200] [--size 5M] [--jobs N] [--rounds 3] [--out DIR]
#
# Tenants are made by ../shared/data/gen_dump.py (seed = tenant number), cached in DIR (default
# build/bench-batch), and read once before timing. The single run reads all of them
# concatenated, with --threads N. Each round runs the two in turn; the table gives the best and
# the median wall time and the peak RSS (/usr/bin/time) of each. The round's summary must show
# every tenant ok.
set -euo pipefail
cd "$(dirname "$0")/.."

tenants=200
size="5M"
jobs="$(nproc)"
rounds=3
out="build/bench-batch"
usage="usage: bench/batch.sh [--tenants N] [--size 5M] [--jobs N] [--rounds N] [--out DIR]"
while [ $# -gt 0 ]; do
    case "$1" in
        --tenants) tenants="$2"; shift 2 ;;
        --size) size="$2"; shift 2 ;;
        --jobs) jobs="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        *) echo "$usage" >&2; exit 1 ;;
    esac
done
gen="../shared/data/gen_dump.py"
[ -f "$gen" ] || { echo "bench/batch.sh: $gen not found (the shared material)" >&2; exit 1; }
cli="build/release/examples/casreport"
[ -x "$cli" ] || cmake --workflow --preset release >&2
[ -x /usr/bin/time ] || { echo "bench/batch.sh: needs /usr/bin/time (Debian: time)" >&2; exit 1; }

# gen_dump's --size rounds up to 20,000-line batches (about 18 MB): a tenant's size is asked as
# a number of events instead, at about 890 bytes each, among 1,000 users (a small company).
case "$size" in
    *K) size_bytes=$(( ${size%K} << 10 )) ;;
    *M) size_bytes=$(( ${size%M} << 20 )) ;;
    *G) size_bytes=$(( ${size%G} << 30 )) ;;
    *) size_bytes=$size ;;
esac
events=$(( size_bytes / 890 ))
data="$out/tenants-$tenants-$size"
if [ ! -f "$data/.done" ]; then
    rm -rf "$data"
    mkdir -p "$data"
    echo "bench/batch.sh: generating $tenants tenants of $size..." >&2
    for i in $(seq 1 "$tenants"); do
        id=$(printf "t%03d" "$i")
        mkdir -p "$data/$id"
        python3 "$gen" --events "$events" --users 1000 --seed "$i" -o "$data/$id/logs.ndjson" 2> /dev/null
    done
    touch "$data/.done"
fi
all="$out/all-$tenants-$size.ndjson"
[ -f "$all" ] || cat "$data"/*/logs.ndjson > "$all"
cat "$data"/*/logs.ndjson > /dev/null  # warm the page cache
month=2026-10
bytes=$(stat -c %s "$all")

run() {  # name, command...: appends "seconds kib" to $out/$name.times
    local name=$1; shift
    /usr/bin/time -f "%e %M" -o "$out/time.tmp" "$@" > /dev/null 2> "$out/$name.err" || {
        local rc=$?
        [ "$name" = batch ] && [ "$rc" = 3 ] || { cat "$out/$name.err" >&2; exit 1; }
    }
    cat "$out/time.tmp" >> "$out/$name.times"
}
rm -f "$out"/*.times
for r in $(seq 1 "$rounds"); do
    rm -rf "$out/reports"
    run batch "$cli" batch --month "$month" --out "$out/reports" --jobs "$jobs" --formats json \
        --issued 2026-11-01 --quiet "$data"
    run single "$cli" --month "$month" --threads "$jobs" --format json --quiet "$all"
done
failed=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['tenants_failed'])" \
    "$out/reports/$month/summary.json")
[ "$failed" = 0 ] || { echo "bench/batch.sh: $failed tenants failed" >&2; exit 1; }

stats() {  # file → "best median peak_mib"
    sort -n "$1" | awk '{t[NR]=$1; if ($2>m) m=$2} END {printf "%.2f %.2f %.1f", t[1], t[int((NR+1)/2)], m/1024}'
}
read -r b_best b_med b_rss <<< "$(stats "$out/batch.times")"
read -r s_best s_med s_rss <<< "$(stats "$out/single.times")"
printf "%d tenants x %s (%s bytes in all), %d jobs/threads, %d rounds, load %s\n" \
    "$tenants" "$size" "$bytes" "$jobs" "$rounds" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-28s %8s %8s %10s\n" "run" "best s" "median s" "peak MiB"
printf "%-28s %8s %8s %10s\n" "casreport batch" "$b_best" "$b_med" "$b_rss"
printf "%-28s %8s %8s %10s\n" "casreport, one file" "$s_best" "$s_med" "$s_rss"
awk -v b="$b_med" -v s="$s_med" 'BEGIN {printf "batch / single (medians): %.2f\n", b / s}'
