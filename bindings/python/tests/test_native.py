"""The loader and the declarations: finding the library, the ABI check, mirrored structs and
enums, versions, and the package build."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import subprocess
import sys
import tempfile
import unittest
import zipfile
from pathlib import Path

import casreport
from casreport import _native

from _support import ROOT

PACKAGE_DIR = ROOT / "bindings" / "python"


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    full_env = dict(os.environ)
    full_env.update(env)
    return subprocess.run([sys.executable, "-c", code], env=full_env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, check=False)


class Loader(unittest.TestCase):
    def test_uses_the_library_named_by_the_environment(self) -> None:
        expected = os.environ.get(_native.ENV_LIBRARY)
        if expected:
            self.assertEqual(casreport.library_path(), expected)
        self.assertTrue(Path(casreport.library_path()).name.startswith("libcasreport"))

    def test_a_missing_library_is_an_import_error_naming_the_path(self) -> None:
        done = run_python("import casreport", CASREPORT_LIBRARY="/nonexistent/libcasreport.so")
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("ImportError", done.stderr)
        self.assertIn("/nonexistent/libcasreport.so: no such file", done.stderr)

    def test_a_library_that_is_not_casreport_is_refused(self) -> None:
        # libc loads, but has no casreport_abi_version.
        done = run_python("import casreport",
                          CASREPORT_LIBRARY=ctypes.util.find_library("c") or "libc.so.6")
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("ImportError", done.stderr)
        self.assertIn("casreport_abi_version", done.stderr)

    def test_abi_and_versions(self) -> None:
        self.assertEqual(casreport.abi_version(), _native.ABI_VERSION)
        self.assertEqual(casreport.library_version(), casreport.__version__)
        number = _native.lib.casreport_version_number()
        major, minor, patch = (int(x) for x in casreport.library_version().split("."))
        self.assertEqual(number, major * 10000 + minor * 100 + patch)
        pyproject = (PACKAGE_DIR / "pyproject.toml").read_text(encoding="utf-8")
        self.assertIn(f'version = "{casreport.__version__}"', pyproject)
        header = (ROOT / "include" / "casreport" / "version.h").read_text(encoding="utf-8")
        abi = re.search(r"#define CASREPORT_ABI_VERSION (\d+)", header)
        self.assertIsNotNone(abi)
        self.assertEqual(int(abi.group(1)), _native.ABI_VERSION)


class Mirrors(unittest.TestCase):
    def test_struct_sizes(self) -> None:
        self.assertEqual(ctypes.sizeof(_native.Options),
                         _native.lib.casreport_options_struct_size())
        self.assertEqual(ctypes.sizeof(_native.Counts),
                         _native.lib.casreport_counts_struct_size())

    def test_status_names(self) -> None:
        for status in casreport.Status:
            self.assertEqual(_native.lib.casreport_status_name(status).decode(),
                             status.name.lower())
        self.assertEqual(_native.lib.casreport_status_name(-99).decode(), "unknown")

    def test_status_codes_match_the_header(self) -> None:
        header = (ROOT / "capi" / "include" / "casreport.h").read_text(encoding="utf-8")
        codes = dict(re.findall(r"#define CASREPORT_(OK|E_\w+) \(?(-?\d+)\)?", header))
        self.assertEqual({k.removeprefix("E_"): int(v) for k, v in codes.items()},
                         {s.name: int(s) for s in casreport.Status})

    def test_default_options_are_the_library_defaults(self) -> None:
        o = _native.default_options()
        self.assertEqual(o.version, _native.OPTIONS_VERSION)
        self.assertEqual((o.top_n, o.month, o.tz_offset_minutes, o.dedupe, o.input_format),
                         (10, None, 540, 1, 0))
        self.assertEqual(o.max_listed_rejections, 100)
        self.assertEqual((o.csv_event_kind, o.csv_columns_json), (0, None))

    def test_options_version_is_checked(self) -> None:
        o = _native.default_options()
        o.version = _native.OPTIONS_VERSION + 1
        handle = ctypes.c_void_p()
        with self.assertRaises(casreport.InvalidArgumentError):
            _native.lib.casreport_aggregator_new(ctypes.byref(o), ctypes.byref(handle))
        self.assertIsNone(handle.value)

    def test_every_declared_function_is_exported(self) -> None:
        listed = (ROOT / "tests" / "abi" / "exported_symbols.txt").read_text(encoding="utf-8")
        exported = {line for line in listed.splitlines() if line and not line.startswith("#")}
        declared = {name for name, _, _ in _native._DECLARATIONS}
        self.assertEqual(declared, exported)


class Package(unittest.TestCase):
    def test_the_backend_builds_a_pure_wheel_offline(self) -> None:
        sys.path.insert(0, str(PACKAGE_DIR / "_build"))
        try:
            import casreport_build
        finally:
            sys.path.pop(0)
        self.assertEqual(casreport_build.get_requires_for_build_wheel(), [])
        with tempfile.TemporaryDirectory() as out:
            name = casreport_build.build_wheel(out)
            self.assertEqual(name, f"casreport-{casreport.__version__}-py3-none-any.whl")
            with zipfile.ZipFile(Path(out) / name) as whl:
                names = set(whl.namelist())
                self.assertIsNone(whl.testzip())
                record = whl.read(f"casreport-{casreport.__version__}.dist-info/RECORD").decode()
        for f in ("casreport/__init__.py", "casreport/_native.py", "casreport/_errors.py",
                  "casreport/py.typed"):
            self.assertIn(f, names)
            self.assertIn(f + ",sha256=", record)
        self.assertFalse(any("__pycache__" in n for n in names))


if __name__ == "__main__":
    unittest.main()
