#!/bin/sh
# The Python wheel of a build, installed as a user would, offline, in a new virtual environment:
#
#   check_wheel.sh BUILD_DIR SOURCE_DIR PYTHON
#
# `cmake --build BUILD_DIR --target wheel` makes BUILD_DIR/dist/casreport-<version>-py3-none-
# <platform>.whl; in a folder outside the source tree, with nothing pointing at the build,
# pip/install.sh installs it with no index into a venv made by PYTHON and runs
# examples/python/report.py on the sample; and `import casreport` loads the library inside the
# wheel.
set -eu

build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
python=$3
here="$src/tests/package"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/casreport-wheel.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

fail() {
    echo "check_wheel: $*" >&2
    exit 1
}

version_macro() {
    sed -n "s/^#define CASREPORT_$1 \\([0-9]*\\)\$/\\1/p" "$src/include/casreport/version.h"
}
version=$(version_macro VERSION_MAJOR).$(version_macro VERSION_MINOR).$(version_macro VERSION_PATCH)

cmake --build "$build" --target wheel >"$tmp/build.log" 2>&1 ||
    { cat "$tmp/build.log" >&2; fail "the wheel target failed"; }
set -- "$build"/dist/casreport-"$version"-py3-none-*.whl
[ $# -eq 1 ] && [ -f "$1" ] || fail "not one casreport-$version wheel in $build/dist: $*"
wheel=$1
case "$wheel" in
*-py3-none-linux_*.whl | *-py3-none-manylinux*.whl) ;;
*) fail "$wheel is not tagged for this platform" ;;
esac

# Elsewhere, with nothing that points to the build or the sources.
mkdir "$tmp/elsewhere"
cp "$wheel" "$here/pip/install.sh" "$src/examples/python/report.py" \
    "$src/examples/data/sample.ndjson" "$tmp/elsewhere/"
cd "$tmp/elsewhere"
unset CASREPORT_LIBRARY PYTHONPATH
PATH="$(dirname "$python"):$PATH" PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    sh install.sh >"$tmp/report.txt" 2>"$tmp/stderr.txt" ||
    { cat "$tmp/stderr.txt" >&2; fail "pip/install.sh failed"; }
if ! grep -q "41 of 44 records counted" "$tmp/stderr.txt" ||
    ! grep -q "Cloud App Security" "$tmp/report.txt"; then
    cat "$tmp/stderr.txt" "$tmp/report.txt" >&2
    fail "report.py did not report the sample"
fi
venv/bin/python - "$tmp/elsewhere/venv" <<'PY' || fail "the installed package is not self-contained"
import importlib.metadata
import sys

import casreport

venv = sys.argv[1]
assert casreport.library_path().startswith(venv + "/"), casreport.library_path()
assert casreport.library_version() == casreport.__version__
dist = importlib.metadata.distribution("casreport")
assert dist.metadata["License"] == "Apache-2.0", dist.metadata["License"]
assert any(str(f).endswith(".dist-info/LICENSE") for f in dist.files), "no LICENSE"
PY
