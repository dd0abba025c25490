#!/bin/sh
# The man page and the bash completion generated from the tool's --help agree with it:
#
#   check_cli_docs.sh man|completion CASREPORT FILE
#
#   man          `man -l FILE` renders without a warning, with every long option of --help
#   completion   FILE, sourced by bash, offers exactly the long options of --help after "--",
#                and the listed values of an option that lists them
#
# The long options of --help are those that start its option entries (a line indented by four
# spaces, "-o, --output FILE" or "--month YYYY-MM"), whatever else its prose mentions.
set -eu

what=$1 cli=$2 file=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/casreport-cli-docs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

fail() {
    echo "check_cli_docs $what: $*" >&2
    exit 1
}

# The long options of the help's entries, one per line.
"$cli" --help >"$tmp/help.txt"
grep -oE -- '^    (-[[:alnum:]], )?--[a-z][a-z0-9-]*' "$tmp/help.txt" | sed 's/^.*\(--\)/\1/' |
    sort -u >"$tmp/options.txt"
[ -s "$tmp/options.txt" ] || fail "no long option in --help"

case "$what" in
man)
    LC_ALL=C.UTF-8 MANWIDTH=100 man --warnings -l "$file" >"$tmp/page.txt" 2>"$tmp/warnings.txt"
    [ ! -s "$tmp/warnings.txt" ] || { cat "$tmp/warnings.txt" >&2; fail "man warns"; }
    grep -q "^NAME" "$tmp/page.txt" || fail "no NAME section"
    while read -r option; do
        grep -qe "$option\\b" "$tmp/page.txt" || fail "the page lacks $option"
    done <"$tmp/options.txt"
    ;;
completion)
    bash -c '. "$1"; COMP_WORDS=(casreport --); COMP_CWORD=1; _casreport
             printf "%s\n" "${COMPREPLY[@]}"' sh "$file" | sort -u >"$tmp/offered.txt"
    diff -u "$tmp/options.txt" "$tmp/offered.txt" >&2 ||
        fail "offers other options than --help lists (- help, + completion)"
    bash -c '. "$1"; COMP_WORDS=(casreport --format h); COMP_CWORD=2; _casreport
             printf "%s\n" "${COMPREPLY[@]}"' sh "$file" >"$tmp/values.txt"
    [ "$(cat "$tmp/values.txt")" = html ] || fail "--format h does not complete to html"
    bash -c '. "$1" && complete -p casreport' sh "$file" >/dev/null ||
        fail "the completion is not registered for casreport"
    ;;
*)
    fail "unknown check (man or completion)"
    ;;
esac
