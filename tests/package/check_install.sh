#!/bin/sh
# Installs a build of casreport the way a user does, into a new temporary folder outside the
# source tree, then checks one way of using it:
#
#   check_install.sh layout|cmake-c|cmake-cxx|pkg-config BUILD_DIR SOURCE_DIR
#
#   layout      the installed files, the SONAME chain, and no path of the source or build tree
#               in the installed text files (the package is relocatable)
#   cmake-c     examples/c/minimal.c built through find_package(casreport), casreport::casreport
#   cmake-cxx   a C++ program built through find_package(casreport), casreport::core
#   pkg-config  examples/c/minimal.c built with `pkg-config --cflags --libs casreport` only
#
# Each consumer is copied to the temporary folder and run on examples/data/sample.ndjson.
set -eu

what=$1
build=$(cd "$2" && pwd)
src=$(cd "$3" && pwd)
here="$src/tests/package"
sample="$src/examples/data/sample.ndjson"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/casreport-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log"

fail() {
    echo "check_install $what: $*" >&2
    exit 1
}

lib=$(find "$prefix" -name libcasreport.so)
[ -n "$lib" ] || fail "no libcasreport.so under $prefix"
libdir=$(dirname "$lib")

# A consumer project of tests/package, copied next to the installed prefix, configured against
# it alone (and the extra arguments), built.
cmake_consumer() {
    project=$1
    shift
    rm -rf "$tmp/consumer"
    cp -R "$here/$project" "$tmp/consumer"
    cp "$src/examples/c/minimal.c" "$tmp/consumer/"
    cmake -S "$tmp/consumer" -B "$tmp/consumer/build" -G Ninja \
        -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF "$@" \
        >"$tmp/configure.log" 2>&1 || { cat "$tmp/configure.log" >&2; fail "configure failed"; }
    cmake --build "$tmp/consumer/build" >"$tmp/build.log" 2>&1 ||
        { cat "$tmp/build.log" >&2; fail "build failed"; }
}

# The program ran and counted the sample as the golden report does.
expect_counts() {
    grep -q "44 records = 41 counted" "$1" || { cat "$1" >&2; fail "unexpected output"; }
}

# The program loads the installed library, not the one of the build tree.
expect_installed_library() {
    LD_LIBRARY_PATH="${2:-}" ldd "$1" >"$tmp/ldd.txt"
    grep -q "libcasreport.so.* => $libdir/libcasreport.so" "$tmp/ldd.txt" ||
        { cat "$tmp/ldd.txt" >&2; fail "$1 does not load $libdir/libcasreport.so"; }
}

case "$what" in
layout)
    version_macro() {
        sed -n "s/^#define CASREPORT_$1 \([0-9]*\)\$/\1/p" "$prefix/include/casreport/version.h"
    }
    abi=$(version_macro ABI_VERSION)
    minor_patch=$(version_macro VERSION_MINOR).$(version_macro VERSION_PATCH)
    for f in include/casreport.h include/casreport/casreport.hpp include/casreport/version.h \
        bin/casreport share/man/man1/casreport.1 share/bash-completion/completions/casreport \
        share/doc/casreport/LICENSE; do
        [ -f "$prefix/$f" ] || fail "$f is not installed"
    done
    for f in libcasreport_core.a cmake/casreport/casreportConfig.cmake \
        cmake/casreport/casreportConfigVersion.cmake cmake/casreport/casreportTargets.cmake \
        cmake/casreport/casreportCoreTargets.cmake pkgconfig/casreport.pc; do
        [ -f "$libdir/$f" ] || fail "$libdir/$f is not installed"
    done
    # libcasreport.so -> .so.<ABI> (the SONAME) -> .so.<ABI>.<minor>.<patch>
    [ "$(readlink "$libdir/libcasreport.so")" = "libcasreport.so.$abi" ] ||
        fail "libcasreport.so does not point to libcasreport.so.$abi"
    [ "$(readlink "$libdir/libcasreport.so.$abi")" = "libcasreport.so.$abi.$minor_patch" ] ||
        fail "libcasreport.so.$abi does not point to libcasreport.so.$abi.$minor_patch"
    objdump -p "$libdir/libcasreport.so.$abi.$minor_patch" |
        grep -q "SONAME *libcasreport.so.$abi\$" || fail "the SONAME is not libcasreport.so.$abi"
    grep -q "add_executable(casreport::cli IMPORTED)" \
        "$libdir/cmake/casreport/casreportTargets.cmake" || fail "casreport::cli is not exported"
    # No private header is installed.
    [ -z "$(find "$prefix/include" -name '*_impl.hpp')" ] || fail "private headers installed"
    # Relocatable: the text files name neither this checkout nor its build folder.
    if grep -rl -e "$src" -e "$build" "$prefix/include" "$libdir/cmake" "$libdir/pkgconfig"; then
        fail "installed files name the source or build tree"
    fi
    grep -qx "prefix=$prefix" "$libdir/pkgconfig/casreport.pc" ||
        fail "casreport.pc does not name the prefix it was installed to"
    ;;
cmake-c)
    # A C program needs no decompressors' development files, which only the C++ core links.
    cmake_consumer cmake_c -DCMAKE_DISABLE_FIND_PACKAGE_BZip2=ON \
        -DCMAKE_DISABLE_FIND_PACKAGE_LibLZMA=ON
    "$tmp/consumer/build/minimal" "$sample" 2025-06 >"$tmp/out.txt"
    expect_counts "$tmp/out.txt"
    expect_installed_library "$tmp/consumer/build/minimal"
    ;;
cmake-cxx)
    # Without libbz2, the component core is not found, and the message says what is missing.
    if (cmake_consumer cmake_cxx -DCMAKE_DISABLE_FIND_PACKAGE_BZip2=ON) 2>/dev/null; then
        fail "the component core was found without libbz2"
    fi
    grep -q "BZip2" "$tmp/configure.log" || { cat "$tmp/configure.log" >&2; fail "no word of libbz2"; }
    cmake_consumer cmake_cxx
    "$tmp/consumer/build/report" "$sample" 2025-06 >"$tmp/out.txt"
    expect_counts "$tmp/out.txt"
    grep -q "Cloud App Security" "$tmp/out.txt" || fail "no text report"
    ;;
pkg-config)
    mkdir "$tmp/consumer"
    cp "$here/pkg_config/build.sh" "$src/examples/c/minimal.c" "$tmp/consumer/"
    (cd "$tmp/consumer" && PKG_CONFIG_PATH="$libdir/pkgconfig" ./build.sh) ||
        fail "build with pkg-config failed"
    # A library outside the system's path is found through LD_LIBRARY_PATH, as users do.
    LD_LIBRARY_PATH="$libdir" "$tmp/consumer/minimal" "$sample" 2025-06 >"$tmp/out.txt"
    expect_counts "$tmp/out.txt"
    expect_installed_library "$tmp/consumer/minimal" "$libdir"
    ;;
*)
    fail "unknown check (layout, cmake-c, cmake-cxx or pkg-config)"
    ;;
esac
