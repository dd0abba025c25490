"""Builds the casreport wheel with libcasreport inside, standard library only.

    native_wheel.py --library LIB --version X.Y.Z --license LICENSE --out DIR [--strip STRIP]

Stages a copy of this package (pyproject.toml, _build/, casreport/) in a temporary folder,
puts LIB there as casreport/_lib/libcasreport.so (stripped of what linking does not need, when
STRIP is given), and calls the build backend (casreport_build.py) on it: the wheel, tagged for
this platform, lands in DIR. `cmake --build <build> --target wheel` runs this (cmake/wheel.cmake);
the package then loads its own copy of the library from any folder.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # bindings/python


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--library", required=True, help="the libcasreport.so to ship")
    ap.add_argument("--version", required=True, help="the library's version (CMake's)")
    ap.add_argument("--license", required=True, help="the LICENSE file to ship")
    ap.add_argument("--out", required=True, help="the folder the wheel is written to")
    ap.add_argument("--strip", help="the strip program")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="casreport-wheel.") as tmp:
        stage = Path(tmp) / "python"
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "_lib")
        stage.mkdir()
        shutil.copy2(ROOT / "pyproject.toml", stage)
        shutil.copytree(ROOT / "_build", stage / "_build", ignore=ignore)
        shutil.copytree(ROOT / "casreport", stage / "casreport", ignore=ignore)
        shutil.copyfile(args.license, stage / "LICENSE")
        lib = stage / "casreport" / "_lib" / "libcasreport.so"
        lib.parent.mkdir()
        shutil.copyfile(args.library, lib)
        if args.strip:
            subprocess.run([args.strip, "--strip-unneeded", str(lib)], check=True)

        spec = importlib.util.spec_from_file_location(
            "casreport_build", stage / "_build" / "casreport_build.py")
        backend = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(backend)
        init = (stage / "casreport" / "__init__.py").read_text(encoding="utf-8")
        versions = {
            "bindings/python/pyproject.toml": backend._project()[1],
            "casreport.__version__": re.search(r'^__version__ = "([^"]*)"', init, re.M).group(1),
        }
        for where, version in versions.items():
            if version != args.version:
                print(f"native_wheel: {where} says version {version}, the library "
                      f"{args.version}: make them agree", file=sys.stderr)
                return 1
        Path(args.out).mkdir(parents=True, exist_ok=True)
        name = backend.build_wheel(args.out)
    print(f"native_wheel: {Path(args.out) / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
