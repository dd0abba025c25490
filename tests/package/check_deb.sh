#!/bin/sh
# The Debian package of a build, made and opened as a user would, in a temporary folder:
#
#   check_deb.sh BUILD_DIR SOURCE_DIR
#
# `cpack -G DEB` makes casreport_<version>_<arch>.deb; its control fields (Depends from
# dpkg-shlibdeps), its contents, and, unpacked with dpkg-deb -x, the tool (which reports the
# sample as the golden report says) and a C program built with the package's pkg-config file.
set -eu

build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/casreport-deb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

fail() {
    echo "check_deb: $*" >&2
    exit 1
}

version_macro() {
    sed -n "s/^#define CASREPORT_$1 \\([0-9]*\\)\$/\\1/p" "$src/include/casreport/version.h"
}
version=$(version_macro VERSION_MAJOR).$(version_macro VERSION_MINOR).$(version_macro VERSION_PATCH)
abi=$(version_macro ABI_VERSION)
deb="$tmp/casreport_${version}_$(dpkg --print-architecture).deb"

cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp" >"$tmp/cpack.log" 2>&1 ||
    { cat "$tmp/cpack.log" >&2; fail "cpack failed"; }
[ -f "$deb" ] || { ls "$tmp" >&2; fail "no $(basename "$deb")"; }

# Control fields.
[ "$(dpkg-deb -f "$deb" Package)" = casreport ] || fail "Package is not casreport"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "Version is not $version"
depends=$(dpkg-deb -f "$deb" Depends)
for dependency in "libc6 (>= " "libstdc++6 (>= " "libisal2 (>= " "libzstd1 (>= "; do
    case "$depends" in
    *"$dependency"*) ;;
    *) fail "Depends ($depends) lacks $dependency...)" ;;
    esac
done
dpkg-deb --ctrl-tarfile "$deb" | tar -t | grep -qx "./shlibs" || fail "no shlibs file"

# Contents.
dpkg-deb -c "$deb" | awk '{print $6}' >"$tmp/contents.txt"
for path in ./usr/bin/casreport ./usr/include/casreport.h ./usr/include/casreport/casreport.hpp \
    ./usr/include/casreport/version.h ./usr/share/man/man1/casreport.1 \
    ./usr/share/bash-completion/completions/casreport ./usr/share/doc/casreport/copyright; do
    grep -qx "$path" "$tmp/contents.txt" || fail "the package lacks $path"
done
for name in libcasreport.so "libcasreport.so.$abi" libcasreport_core.a \
    cmake/casreport/casreportConfig.cmake cmake/casreport/casreportConfigVersion.cmake \
    pkgconfig/casreport.pc; do
    grep -qE "^\./usr/lib/([^/]+/)?$name\$" "$tmp/contents.txt" ||
        fail "the package lacks /usr/lib/.../$name"
done

# Unpacked: the tool runs and reports the sample as the golden report says.
root="$tmp/root"
dpkg-deb -x "$deb" "$root"
"$root/usr/bin/casreport" --version | grep -q "^casreport $version\$" || fail "casreport --version"
(cd "$src/examples/data" &&
    "$root/usr/bin/casreport" --format json --month 2025-06 sample.ndjson >"$tmp/report.json")
cmp "$tmp/report.json" "$src/tests/golden/bundled_sample/expected.json" ||
    fail "the packaged tool's report of the sample differs from the golden one"

# A C program built with the package's pkg-config file alone (its prefix moved to the unpacked
# tree), run against the package's library.
pc=$(find "$root/usr/lib" -name casreport.pc)
grep -qx "prefix=/usr" "$pc" || fail "casreport.pc does not say prefix=/usr"
libdir=$(dirname "$(dirname "$pc")")
cc -std=c99 -o "$tmp/minimal" "$src/examples/c/minimal.c" $(PKG_CONFIG_PATH=$(dirname "$pc") \
    pkg-config --define-variable=prefix="$root/usr" --cflags --libs casreport) ||
    fail "building with pkg-config failed"
LD_LIBRARY_PATH="$libdir" "$tmp/minimal" "$src/examples/data/sample.ndjson" 2025-06 \
    >"$tmp/out.txt"
grep -q "44 records = 41 counted" "$tmp/out.txt" || { cat "$tmp/out.txt" >&2; fail "minimal"; }
