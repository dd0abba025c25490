#!/bin/sh
# A fuzzing campaign over the libFuzzer targets of the `fuzz` preset (docs/testing.md):
#
#   cmake --workflow --preset fuzz                       # build them (clang, ASan+UBSan)
#   tests/fuzz/campaign.sh [--runs N | --time SECONDS] [--max-len BYTES] [--out DIR] [TARGET...]
#
# Each target runs in turn from its seed corpus (tests/fuzz/corpus/<target>, read only) and
# its dictionary, into a working corpus in DIR (default build/fuzz-campaign/corpus/<target>),
# which later runs go on from. A crash leaves its input in DIR/crashes/: add it to
# tests/fuzz/corpus/<target>/ as crash_<what> with the fix, so that every test run replays it.
# The summary (runs, runs per second, new inputs, crashes) is printed at the end and added to
# DIR/summary.tsv, a line per target and round.
set -eu
cd "$(dirname "$0")/../.."

runs=""
time_limit=""
max_len=65536
out="build/fuzz-campaign"
bin="build/fuzz/tests"
targets=""
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --time) time_limit="$2"; shift 2 ;;
        --max-len) max_len="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) targets="$targets $1"; shift ;;
    esac
done
[ -n "$targets" ] || targets="fuzz_fast_scan fuzz_json fuzz_csv fuzz_cef fuzz_gzip fuzz_state \
fuzz_previous fuzz_render fuzz_feed fuzz_feed_render"
[ -n "$runs$time_limit" ] || runs=1000000
limit=""
[ -n "$runs" ] && limit="-runs=$runs"
[ -n "$time_limit" ] && limit="$limit -max_total_time=$time_limit"

mkdir -p "$out/crashes"
summary="$out/summary.tsv"
# Appended to, so that a campaign run in several invocations keeps every round's figures.
[ -s "$summary" ] || printf 'target\truns\texec_per_s\tnew_units\tseconds\tcrashes\n' > "$summary"
for t in $targets; do
    [ -x "$bin/$t" ] || { echo "campaign: $bin/$t not built (cmake --workflow --preset fuzz)" >&2; exit 1; }
    mkdir -p "$out/corpus/$t"
    log="$out/$t.log"
    start=$(date +%s)
    status=0
    # shellcheck disable=SC2086
    "$bin/$t" -dict="tests/fuzz/dict/$t.dict" -max_len="$max_len" $limit -print_final_stats=1 \
        -artifact_prefix="$out/crashes/$t-" "$out/corpus/$t" "tests/fuzz/corpus/$t" \
        > "$log" 2>&1 || status=$?
    secs=$(( $(date +%s) - start ))
    done_runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    units=$(sed -n 's/^stat::new_units_added: *//p' "$log")
    crashes=$(ls "$out/crashes" | grep -c "^$t-" || true)
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "${done_runs:-?}" "${rate:-?}" "${units:-?}" \
        "$secs" "$crashes" >> "$summary"
    [ "$status" -eq 0 ] || echo "campaign: $t stopped with status $status, see $log" >&2
done
column -t "$summary"
