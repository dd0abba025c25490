"""The only ctypes file: finds libcasreport, checks its ABI, declares every C function once.

The library is looked for, in this order:
  1. the path in the environment variable CASREPORT_LIBRARY (if set, nothing else is tried);
  2. casreport/_lib/ beside this package (a copy installed with the package);
  3. build/{release,ci,dev}/capi/ of the source checkout this package sits in, if it does;
  4. the system's search path (ctypes.util.find_library("casreport")).
The first library that loads and reports the expected ABI version wins. Otherwise ImportError
names every path tried and why each failed.

Each declaration quotes its C prototype (capi/include/casreport.h). Functions returning a
casreport_status raise a CasreportError subclass, with the message of casreport_last_error()
read on the same thread, right after the failing call.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from ctypes import POINTER, c_char_p, c_int32, c_size_t, c_uint32, c_uint64, c_void_p
from pathlib import Path
from typing import List, Optional, Tuple

from ._errors import error_for

#: The C ABI version this package is written for (CASREPORT_ABI_VERSION).
ABI_VERSION = 1
#: The casreport_options version this package fills (CASREPORT_OPTIONS_VERSION it knows).
OPTIONS_VERSION = 3

#: CASREPORT_MAX_SHARDS: the most shards a state is split into.
MAX_SHARDS = 4096

ENV_LIBRARY = "CASREPORT_LIBRARY"

if sys.platform == "darwin":
    _FILE_NAME = "libcasreport.dylib"
elif sys.platform == "win32":
    _FILE_NAME = "casreport.dll"
else:
    _FILE_NAME = "libcasreport.so"


class Options(ctypes.Structure):
    """casreport_options, version 3 (fields are only ever appended)."""

    _fields_ = [
        ("version", c_uint32),
        ("top_n", c_uint32),
        ("month", c_char_p),
        ("tz_offset_minutes", c_int32),
        ("dedupe", c_uint32),
        ("input_format", c_uint32),
        ("max_listed_rejections", c_uint32),
        ("company_min_users", c_uint32),
        ("individual_min_count", c_uint32),
        ("individual_min_share_tenths", c_uint32),
        ("file_blocking_min_count", c_uint32),
        ("max_subjects", c_uint32),
        ("csv_event_kind", c_uint32),
        ("csv_columns_json", c_char_p),
        # version 2
        ("max_field_bytes", c_uint32),
        # version 3
        ("part", c_uint32),
    ]


#: The casreport_render_options version this package fills.
RENDER_OPTIONS_VERSION = 1

#: CASREPORT_FROM_AGGREGATOR: a report-time setting left as the aggregator's.
FROM_AGGREGATOR = 0xFFFFFFFF


class RenderOptions(ctypes.Structure):
    """casreport_render_options, version 1 (fields are only ever appended)."""

    _fields_ = [
        ("version", c_uint32),
        ("format", c_char_p),
        ("language", c_char_p),
        ("redact", c_uint32),
        ("top_n", c_uint32),
        ("company_min_users", c_uint32),
        ("individual_min_count", c_uint32),
        ("individual_min_share_tenths", c_uint32),
        ("file_blocking_min_count", c_uint32),
        ("max_subjects", c_uint32),
        ("previous_json", c_void_p),
        ("previous_json_size", c_size_t),
        ("customer", c_char_p),
        ("provider", c_char_p),
        ("issued", c_char_p),
        ("logo", c_void_p),
        ("logo_size", c_size_t),
        ("chromium", c_char_p),
        ("tz_offset_minutes", c_int32),
    ]


#: The casreport_batch_options version this package fills.
BATCH_OPTIONS_VERSION = 1


class BatchOptions(ctypes.Structure):
    """casreport_batch_options, version 1 (fields are only ever appended)."""

    _fields_ = [
        ("version", c_uint32),
        ("tenants_dir", c_char_p),
        ("out_dir", c_char_p),
        ("month", c_char_p),
        ("jobs", c_uint32),
        ("formats", c_char_p),
        ("defaults_path", c_char_p),
        ("issued", c_char_p),
        ("chromium", c_char_p),
    ]


class Counts(ctypes.Structure):
    """casreport_counts (frozen)."""

    _fields_ = [
        ("records", c_uint64),
        ("accepted", c_uint64),
        ("rejected", c_uint64),
        ("duplicates", c_uint64),
        ("out_of_period", c_uint64),
    ]


_STATUS = object()  # marks functions that return a casreport_status

# One declaration per C function: name, argument types, result type.
_DECLARATIONS = [
    # const char* casreport_last_error(void);
    ("casreport_last_error", [], c_char_p),
    # const char* casreport_status_name(casreport_status status);
    ("casreport_status_name", [c_int32], c_char_p),
    # uint32_t casreport_version_number(void);
    ("casreport_version_number", [], c_uint32),
    # const char* casreport_version_string(void);
    ("casreport_version_string", [], c_char_p),
    # uint32_t casreport_abi_version(void);
    ("casreport_abi_version", [], c_uint32),
    # casreport_status casreport_options_init(casreport_options* opts, uint32_t version);
    ("casreport_options_init", [POINTER(Options), c_uint32], _STATUS),
    # size_t casreport_options_struct_size(void);
    ("casreport_options_struct_size", [], c_size_t),
    # casreport_status casreport_render_options_init(casreport_render_options* opts,
    #                                                uint32_t version);
    ("casreport_render_options_init", [POINTER(RenderOptions), c_uint32], _STATUS),
    # size_t casreport_render_options_struct_size(void);
    ("casreport_render_options_struct_size", [], c_size_t),
    # casreport_status casreport_aggregator_render_with(casreport_aggregator* agg,
    #                                                   const casreport_render_options* opts,
    #                                                   const void** out, size_t* out_len);
    ("casreport_aggregator_render_with",
     [c_void_p, POINTER(RenderOptions), POINTER(c_void_p), POINTER(c_size_t)], _STATUS),
    # casreport_status casreport_batch_run(const casreport_batch_options* opts,
    #                                      uint32_t* tenants, uint32_t* failed);
    ("casreport_batch_run", [POINTER(BatchOptions), POINTER(c_uint32), POINTER(c_uint32)],
     _STATUS),
    # size_t casreport_counts_struct_size(void);
    ("casreport_counts_struct_size", [], c_size_t),
    # casreport_status casreport_aggregator_new(const casreport_options* opts,
    #                                           casreport_aggregator** out);
    ("casreport_aggregator_new", [POINTER(Options), POINTER(c_void_p)], _STATUS),
    # void casreport_aggregator_free(casreport_aggregator* agg);
    ("casreport_aggregator_free", [c_void_p], None),
    # casreport_status casreport_aggregator_reset(casreport_aggregator* agg);
    ("casreport_aggregator_reset", [c_void_p], _STATUS),
    # casreport_status casreport_aggregator_begin_source(casreport_aggregator* agg,
    #                                                    const char* name);
    ("casreport_aggregator_begin_source", [c_void_p, c_char_p], _STATUS),
    # casreport_status casreport_aggregator_feed(casreport_aggregator* agg, const void* data,
    #                                            size_t size);
    ("casreport_aggregator_feed", [c_void_p, c_void_p, c_size_t], _STATUS),
    # casreport_status casreport_aggregator_feed_file(casreport_aggregator* agg, const char* path,
    #                                                 const char* source, uint32_t threads);
    ("casreport_aggregator_feed_file", [c_void_p, c_char_p, c_char_p, c_uint32], _STATUS),
    # casreport_status casreport_aggregator_end_source(casreport_aggregator* agg);
    ("casreport_aggregator_end_source", [c_void_p], _STATUS),
    # casreport_status casreport_aggregator_finish(casreport_aggregator* agg);
    ("casreport_aggregator_finish", [c_void_p], _STATUS),
    # casreport_status casreport_aggregator_counts(const casreport_aggregator* agg,
    #                                              casreport_counts* out);
    ("casreport_aggregator_counts", [c_void_p, POINTER(Counts)], _STATUS),
    # casreport_status casreport_aggregator_report_json(casreport_aggregator* agg,
    #                                                   const char** out, size_t* out_len);
    ("casreport_aggregator_report_json", [c_void_p, POINTER(c_void_p), POINTER(c_size_t)],
     _STATUS),
    # casreport_status casreport_aggregator_render(casreport_aggregator* agg, const char* format,
    #                                              const char* language, const char** out,
    #                                              size_t* out_len);
    ("casreport_aggregator_render",
     [c_void_p, c_char_p, c_char_p, POINTER(c_void_p), POINTER(c_size_t)], _STATUS),
    # casreport_status casreport_aggregator_merge(casreport_aggregator* agg,
    #                                             const casreport_aggregator* other);
    ("casreport_aggregator_merge", [c_void_p, c_void_p], _STATUS),
    # casreport_status casreport_aggregator_save(casreport_aggregator* agg, const void** out,
    #                                            size_t* out_len);
    ("casreport_aggregator_save", [c_void_p, POINTER(c_void_p), POINTER(c_size_t)], _STATUS),
    # casreport_status casreport_aggregator_load(const void* data, size_t size,
    #                                            casreport_aggregator** out);
    ("casreport_aggregator_load", [c_void_p, c_size_t, POINTER(c_void_p)], _STATUS),
    # casreport_status casreport_aggregator_save_shards(casreport_aggregator* agg,
    #                                                   uint32_t shards, const void** out,
    #                                                   size_t* out_len);
    ("casreport_aggregator_save_shards",
     [c_void_p, c_uint32, POINTER(c_void_p), POINTER(c_size_t)], _STATUS),
    # casreport_status casreport_aggregator_compact(casreport_aggregator* agg);
    ("casreport_aggregator_compact", [c_void_p], _STATUS),
]


def _candidates() -> List[str]:
    explicit = os.environ.get(ENV_LIBRARY)
    if explicit:
        return [explicit]
    here = Path(__file__).resolve().parent
    paths = [here / "_lib" / _FILE_NAME]
    checkout = here.parent.parent.parent
    if (checkout / "capi" / "include" / "casreport.h").is_file():
        # Not the asan build: it loads only into a process started with the ASan runtime.
        paths += [checkout / "build" / p / "capi" / _FILE_NAME for p in ("release", "ci", "dev")]
    found = [str(p) for p in paths]
    system = ctypes.util.find_library("casreport")
    if system:
        found.append(system)
    return found


def _open(path: str) -> ctypes.CDLL:
    lib = ctypes.CDLL(path)
    lib.casreport_abi_version.argtypes = []
    lib.casreport_abi_version.restype = c_uint32
    abi = lib.casreport_abi_version()
    if abi != ABI_VERSION:
        raise OSError(f"its C ABI version is {abi}, this package needs {ABI_VERSION}")
    return lib


def _load() -> Tuple[ctypes.CDLL, str]:
    tried = []
    for path in _candidates():
        if os.sep in path and not os.path.exists(path):
            tried.append(f"{path}: no such file")
            continue
        try:
            return _open(path), path
        except (OSError, AttributeError) as e:
            tried.append(f"{path}: {e}")
    if not os.environ.get(ENV_LIBRARY):
        tried.append(f"(set {ENV_LIBRARY} to the full path of {_FILE_NAME} to choose one)")
    raise ImportError("casreport: cannot load the casreport C library; tried:\n  " +
                      "\n  ".join(tried))


def _check(result: int, func, arguments):
    if result != 0:
        raise error_for(result, lib.casreport_status_name(result).decode(),
                        lib.casreport_last_error().decode("utf-8", "replace"))
    return result


lib, path = _load()

for _name, _argtypes, _restype in _DECLARATIONS:
    _f = getattr(lib, _name)
    _f.argtypes = _argtypes
    if _restype is _STATUS:
        _f.restype = c_int32
        _f.errcheck = _check
    else:
        _f.restype = _restype

if ctypes.sizeof(Counts) != lib.casreport_counts_struct_size() or \
        ctypes.sizeof(Options) > lib.casreport_options_struct_size() or \
        ctypes.sizeof(RenderOptions) > lib.casreport_render_options_struct_size():
    raise ImportError(f"casreport: {path} does not have the struct layout this package mirrors")


def default_options() -> Options:
    """The library's default options (casreport_options_init)."""
    opts = Options()
    lib.casreport_options_init(ctypes.byref(opts), OPTIONS_VERSION)
    return opts


def default_render_options() -> RenderOptions:
    """The library's default render options (casreport_render_options_init)."""
    opts = RenderOptions()
    lib.casreport_render_options_init(ctypes.byref(opts), RENDER_OPTIONS_VERSION)
    return opts


def view(ptr: c_void_p, size: c_size_t) -> bytes:
    """A copy of a view the library returned (pointer and length; the length decides, so
    embedded NUL bytes are kept)."""
    return ctypes.string_at(ptr.value, size.value) if size.value else b""


