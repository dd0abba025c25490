"""A PEP 517 build backend for the casreport package, standard library only.

The package is pure Python (ctypes), so building it is zipping files. Having no build
requirements lets `pip install bindings/python` work offline, where pip's isolated build
environment could not download setuptools.

Wheels hold casreport/*.py, py.typed, the LICENSE and, when a packager has copied the C
library into casreport/_lib/ (native_wheel.py does), that library (the wheel is then tagged
for this platform).
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import sysconfig
import tarfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "casreport"


# The package's LICENSE: beside pyproject.toml in a staged copy or an sdist, else at the root
# of the source checkout.
LICENSE_FILES = [ROOT / "LICENSE", ROOT.parent.parent / "LICENSE"]


def _project():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    table = text.split("[project]", 1)[1].split("\n[", 1)[0]
    fields = dict(re.findall(r'^(\w[\w-]*)\s*=\s*"([^"]*)"', table, re.M))
    license_table = re.search(r'^license\s*=\s*\{\s*text\s*=\s*"([^"]*)"\s*\}', table, re.M)
    return fields["name"], fields["version"], fields.get("description", ""), \
        fields.get("requires-python", ""), license_table.group(1) if license_table else ""


def _license_file():
    return next((p for p in LICENSE_FILES if p.is_file()), None)


def _metadata() -> str:
    name, version, summary, requires_python, license_name = _project()
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    if summary:
        lines.append(f"Summary: {summary}")
    if license_name:
        lines.append(f"License: {license_name}")
        if license_name == "Apache-2.0":
            lines.append("Classifier: License :: OSI Approved :: Apache Software License")
    if requires_python:
        lines.append(f"Requires-Python: {requires_python}")
    return "\n".join(lines) + "\n"


def _package_files():
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            yield path


def _record_line(arcname: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{arcname},sha256={digest},{len(data)}"


def _write_wheel(wheel_directory: str, files) -> str:
    """files: (arcname, bytes) pairs of the wheel's payload."""
    name, version = _project()[:2]
    files = list(files)
    native = any(a.startswith("casreport/_lib/") for a, _ in files)
    tag = "py3-none-" + (sysconfig.get_platform().replace("-", "_").replace(".", "_")
                         if native else "any")
    dist_info = f"{name}-{version}.dist-info"
    license_file = _license_file()
    if license_file:
        files.append((f"{dist_info}/LICENSE", license_file.read_bytes()))
    wheel = ("Wheel-Version: 1.0\nGenerator: casreport_build\n"
             f"Root-Is-Purelib: {'false' if native else 'true'}\nTag: {tag}\n")
    files += [(f"{dist_info}/METADATA", _metadata().encode()),
              (f"{dist_info}/WHEEL", wheel.encode())]
    record = [_record_line(a, d) for a, d in files] + [f"{dist_info}/RECORD,,"]
    files.append((f"{dist_info}/RECORD", ("\n".join(record) + "\n").encode()))
    filename = f"{name}-{version}-{tag}.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w",
                         zipfile.ZIP_DEFLATED) as zf:
        for arcname, data in files:
            info = zipfile.ZipInfo(arcname, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if arcname.endswith(".so") else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return filename


# ---- PEP 517 ----

def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory,
                        ((p.relative_to(ROOT).as_posix(), p.read_bytes())
                         for p in _package_files()))


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """PEP 660: a wheel whose .pth file puts this source tree on sys.path."""
    return _write_wheel(wheel_directory, [("casreport_editable.pth", f"{ROOT}\n".encode())])


def build_sdist(sdist_directory, config_settings=None):
    name, version = _project()[:2]
    base = f"{name}-{version}"
    filename = f"{base}.tar.gz"
    members = [ROOT / "pyproject.toml", Path(__file__).resolve()]
    members += [p for p in _package_files() if "_lib" not in p.relative_to(PACKAGE).parts]
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz") as tar:
        for path in members:
            tar.add(path, arcname=f"{base}/{path.relative_to(ROOT).as_posix()}",
                    recursive=False)
        license_file = _license_file()
        if license_file:
            tar.add(license_file, arcname=f"{base}/LICENSE", recursive=False)
        pkg_info = _metadata().encode()
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        info.size = len(pkg_info)
        info.mtime = int(time.time())
        tar.addfile(info, io.BytesIO(pkg_info))
    return filename
