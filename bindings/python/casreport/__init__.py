"""casreport: monthly security reports from Trend Micro Cloud App Security (CAS) logs.

A ctypes binding of libcasreport (no build step). The usual way::

    import casreport

    with casreport.Aggregator(month="2025-06") as agg:
        agg.feed_file("events.ndjson")
        agg.finish()
        report = agg.report()              # the JSON report as a dict
        print(agg.render("text", "en"))    # or "json", "md", "csv", "html"

or, for files at hand, ``casreport.report_files(["a.ndjson", "b.json"], month="2025-06")``.

Partial results combine across threads, processes and machines: ``save_state()`` a finished
aggregator (or pickle it), ``Aggregator.load_state(data)`` it elsewhere and ``merge()`` it into
another, or ``casreport.merge_states(states)`` them all at once. Beyond one machine,
``casreport.dask.report(paths, client=...)`` runs the whole plan on a Dask cluster, with
de-duplication sharded by record id (docs/scale-out.md). docs/python.md has more.
"""

from __future__ import annotations

import ctypes
import errno
import io
import json
import os
import re
import stat
import threading
from dataclasses import dataclass
from typing import Any, BinaryIO, Dict, Iterable, List, Optional, Union

from . import _native
from ._errors import (
    CasreportError,
    IncompatibleError,
    InputError,
    InternalError,
    InvalidArgumentError,
    IoError,
    MisuseError,
    NoMemoryError,
    Status,
    UnavailableError,
    status_name,
)

__all__ = [
    "Aggregator",
    "CasreportError",
    "Counts",
    "IncompatibleError",
    "InputError",
    "InternalError",
    "InvalidArgumentError",
    "IoError",
    "MisuseError",
    "NoMemoryError",
    "Status",
    "UnavailableError",
    "abi_version",
    "batch",
    "library_path",
    "library_version",
    "merge_states",
    "report_files",
]

__version__ = "0.1.0"

Buffer = Union[bytes, bytearray, memoryview]
PathLike = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]

_INPUT_FORMATS = {"auto": 0, "json": 1, "ndjson": 2, "jsonl": 2, "csv": 3, "cef": 4}
_EVENT_KINDS = {"security_risk": 1, "virtual_analyzer": 2, "ransomware": 3, "dlp": 4}
_TZ = re.compile(r"^([+-])(\d{2})(?::?(\d{2}))?$")
_UINT32_MAX = 2**32 - 1


def library_version() -> str:
    """The version of the loaded C library ("0.1.0")."""
    return _native.lib.casreport_version_string().decode()


def abi_version() -> int:
    """The C ABI version of the loaded library."""
    return int(_native.lib.casreport_abi_version())


def library_path() -> str:
    """Where the loaded C library was found."""
    return _native.path


@dataclass(frozen=True)
class Counts:
    """What an aggregator has read so far. Once the input has ended,
    ``records == accepted + rejected + duplicates + out_of_period``."""

    records: int
    accepted: int
    rejected: int
    duplicates: int
    out_of_period: int


def _refuse(message: str) -> InvalidArgumentError:
    return InvalidArgumentError(Status.INVALID_ARGUMENT, "invalid_argument", message)


def _tz_minutes(tz: Union[str, int]) -> int:
    """``+09:00``, ``-0530``, ``+09``, ``Z`` or ``UTC`` (as the CLI's --tz), or minutes."""
    if isinstance(tz, bool):
        raise _refuse("tz must be an offset such as '+09:00' or a number of minutes")
    if isinstance(tz, int):
        return tz
    if isinstance(tz, str):
        if tz in ("Z", "UTC"):
            return 0
        m = _TZ.match(tz)
        if m and int(m.group(2)) <= 23 and int(m.group(3) or 0) <= 59:
            minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
            return -minutes if m.group(1) == "-" else minutes
    raise _refuse(f"tz must be an offset such as '+09:00', not {tz!r}")


def _options(top_n: Optional[int] = None, month: Optional[str] = None,
             tz: Union[str, int, None] = None, dedupe: Optional[bool] = None,
             input_format: Union[str, int, None] = None,
             max_listed_rejections: Optional[int] = None,
             company_min_users: Optional[int] = None,
             individual_min_count: Optional[int] = None,
             individual_min_share_tenths: Optional[int] = None,
             file_blocking_min_count: Optional[int] = None,
             max_subjects: Optional[int] = None,
             csv_event_kind: Optional[str] = None,
             csv_columns: Union[Dict[str, str], str, None] = None,
             max_field_bytes: Optional[int] = None,
             part: Optional[int] = None) -> _native.Options:
    opts = _native.default_options()
    counts = {
        "top_n": top_n,
        "max_listed_rejections": max_listed_rejections,
        "company_min_users": company_min_users,
        "individual_min_count": individual_min_count,
        "individual_min_share_tenths": individual_min_share_tenths,
        "file_blocking_min_count": file_blocking_min_count,
        "max_subjects": max_subjects,
        "max_field_bytes": max_field_bytes,
        "part": part,
    }
    for field, value in counts.items():
        if value is None:
            continue
        # ctypes would wrap an out-of-range value silently.
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _UINT32_MAX:
            raise _refuse(f"{field} must be a whole number from 0 to {_UINT32_MAX}, not {value!r}")
        setattr(opts, field, value)
    if month is not None:
        if not isinstance(month, str):
            raise _refuse(f"month must be a string such as '2025-06', not {month!r}")
        opts.month = month.encode("utf-8")
    if tz is not None:
        minutes = _tz_minutes(tz)
        if not -(2**31) <= minutes < 2**31:
            raise _refuse(f"tz is out of range: {tz!r}")
        opts.tz_offset_minutes = minutes
    if dedupe is not None:
        opts.dedupe = 1 if dedupe else 0
    if input_format is not None:
        if isinstance(input_format, str) and input_format in _INPUT_FORMATS:
            opts.input_format = _INPUT_FORMATS[input_format]
        elif isinstance(input_format, int) and not isinstance(input_format, bool) and \
                0 <= input_format <= _UINT32_MAX:
            opts.input_format = input_format
        else:
            raise _refuse("input_format must be one of " + ", ".join(_INPUT_FORMATS) +
                          f", not {input_format!r}")
    if csv_event_kind is not None:
        if csv_event_kind not in _EVENT_KINDS:
            raise _refuse("csv_event_kind must be one of " + ", ".join(_EVENT_KINDS) +
                          f", not {csv_event_kind!r}")
        opts.csv_event_kind = _EVENT_KINDS[csv_event_kind]
    if csv_columns is not None:
        text = csv_columns if isinstance(csv_columns, str) else json.dumps(dict(csv_columns))
        opts.csv_columns_json = text.encode("utf-8")
    return opts


def _text_arg(name: str, value: Any) -> bytes:
    """A str argument as the UTF-8 bytes C takes."""
    if not isinstance(value, str):
        raise _refuse(f"{name} must be a string, not {value!r}")
    return value.encode("utf-8")


def _as_buffer(data: Buffer):
    """(argument, size) for a C `const void*`: bytes and writable buffers are passed without a
    copy, other read-only buffers are copied once."""
    if isinstance(data, bytes):
        return data, len(data)
    if not isinstance(data, (bytearray, memoryview)):
        raise TypeError(f"feed() takes bytes, bytearray or memoryview, not {type(data).__name__}")
    view = memoryview(data)
    if not view.c_contiguous:
        raise TypeError("feed() needs a contiguous buffer")
    if view.format != "B" or view.ndim != 1:
        view = view.cast("B")
    size = view.nbytes
    if size == 0:
        return None, 0
    if view.readonly:
        return view.tobytes(), size
    return (ctypes.c_char * size).from_buffer(view), size


class Aggregator:
    """One aggregation: bytes of CAS logs in, the report out.

    Options (all keyword-only, ``None`` keeps the library's default): ``top_n`` (10),
    ``month`` ("YYYY-MM"; default every event counts), ``tz`` ("+09:00", the default, or
    minutes), ``dedupe`` (True), ``input_format`` ("auto", "json", "ndjson", "csv", "cef"),
    ``max_listed_rejections`` (100), and the findings thresholds ``company_min_users`` (3),
    ``individual_min_count`` (5), ``individual_min_share_tenths`` (500),
    ``file_blocking_min_count`` (5) and ``max_subjects`` (10); for CSV exports,
    ``csv_columns`` (more header names: {"Header": "field"}, or that JSON object as text) and
    ``csv_event_kind`` ("security_risk", "virtual_analyzer", "ransomware" or "dlp": the kind of
    rows that do not say it); ``max_field_bytes`` (4096: a record with a longer field is
    rejected as field_too_long); ``part`` (0: the index of this aggregator's input among the
    parts of a split input, in file order: merges order records and listed rejections by it,
    whatever order the parts arrive in). Input compressed with gzip, zstd, xz or bzip2 is read in
    every format.

    A source that cannot be used as a whole (none of the accepted formats, corrupt compressed
    data)
    raises InputError, naming it, from the call that finds it (feed, or the call that ends the
    source); the aggregator goes on with the next source.

    Life cycle: feed (any number of times, bytes split anywhere) → finish → report/render.
    Use it as a context manager, or call close(). Each method holds a lock, so an aggregator
    may be shared between threads (calls are serialized); distinct aggregators run in
    parallel, since the library releases the GIL while it works.
    """

    def __init__(self, **options: Any) -> None:
        self._lock = threading.Lock()
        self._handle: Optional[int] = None
        opts = _options(**options)
        handle = ctypes.c_void_p()
        _native.lib.casreport_aggregator_new(ctypes.byref(opts), ctypes.byref(handle))
        self._handle = handle.value

    @classmethod
    def load_state(cls, data: Buffer) -> "Aggregator":
        """A finished aggregator restored from save_state() bytes, with the options they were
        saved with. InputError if the bytes are not a saved state."""
        arg, size = _as_buffer(data)
        handle = ctypes.c_void_p()
        _native.lib.casreport_aggregator_load(arg, size, ctypes.byref(handle))
        self = cls.__new__(cls)
        self._lock = threading.Lock()
        self._handle = handle.value
        return self

    # ---- life cycle ----

    def close(self) -> None:
        """Frees the library's aggregator. Idempotent; later calls raise MisuseError."""
        with self._lock:
            handle, self._handle = self._handle, None
            _native.lib.casreport_aggregator_free(handle)

    @property
    def closed(self) -> bool:
        return self._handle is None

    def __enter__(self) -> "Aggregator":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_handle", None) is not None and getattr(self, "_lock", None):
            self.close()

    def _live(self) -> int:
        if self._handle is None:
            raise MisuseError(Status.MISUSE, status_name(Status.MISUSE),
                              "the aggregator is closed")
        return self._handle

    # ---- input ----

    def begin_source(self, name: str) -> None:
        """Starts a new source (a file): line numbers restart at 1, its format is detected
        anew, rejections name it. Without it, the first source is called "input"."""
        encoded = name.encode("utf-8", "surrogateescape")
        if b"\0" in encoded:
            raise _refuse("a source name cannot contain NUL")
        with self._lock:
            _native.lib.casreport_aggregator_begin_source(self._live(), encoded)

    def feed(self, data: Buffer) -> None:
        """Feeds the next bytes of the current source (bytes, bytearray or memoryview of any
        size, split anywhere)."""
        arg, size = _as_buffer(data)
        with self._lock:
            _native.lib.casreport_aggregator_feed(self._live(), arg, size)

    def end_source(self) -> None:
        """Ends the current source: a truncated last record becomes a rejection."""
        with self._lock:
            _native.lib.casreport_aggregator_end_source(self._live())

    def feed_file(self, path: Union[PathLike, BinaryIO], chunk_size: Optional[int] = None, *,
                  source: Optional[str] = None, threads: int = 1) -> None:
        """Feeds a whole file as its own source, named ``source`` or the path as given.

        By default the library reads the file itself, the fast way (64 KiB reads, and with
        ``threads`` > 1, or 0 for one per core, a large JSON file split across threads: the
        report is the same for any ``threads``). With ``chunk_size``, Python reads it in
        chunks of that many bytes and feeds them one by one instead. Pipes and FIFOs are read
        to their end. OSError if the file does not exist or is a directory; IoError if it
        cannot be read (what was read counts); InputError if it cannot be used as a whole (the
        source is ended all the same, so the next file can follow).

        ``path`` may also be a file object open for reading bytes (``open(p, "rb")``,
        ``io.BytesIO``, ``gzip.open(p)``, a socket's ``makefile("rb")``...): Python reads it
        to its end in chunks of ``chunk_size`` (default 1 MiB) and leaves it open; the source
        is named ``source``, or the file's name. ``threads`` applies to paths only."""
        if hasattr(path, "read"):
            name = source
            if name is None:
                name = getattr(path, "name", None)
                name = os.fsdecode(name) if isinstance(name, (str, bytes)) else "input"
            self._feed_reader(path, name, (1 << 20) if chunk_size is None else chunk_size)
            return
        if chunk_size is None:
            if threads < 0:
                raise ValueError("threads must be 0 (one per core) or more")
            # A missing file or a directory is Python's OSError, with its path. The file is not
            # opened here: opening a FIFO and closing it would lose what its writer sends.
            if stat.S_ISDIR(os.stat(path).st_mode):
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), os.fspath(path))
            name = source.encode("utf-8") if source is not None else None
            with self._lock:
                _native.lib.casreport_aggregator_feed_file(
                    self._live(), os.fsencode(path), name, threads)
            return
        if chunk_size <= 0:
            raise ValueError("chunk_size must be positive")
        with open(path, "rb") as f:
            self._feed_reader(f, source if source is not None else os.fsdecode(path),
                              chunk_size)

    def _feed_reader(self, f: BinaryIO, name: str, chunk_size: int) -> None:
        """Feeds the binary file object ``f`` to its end as the source ``name``."""
        if chunk_size <= 0:
            raise ValueError("chunk_size must be positive")
        if isinstance(f, io.TextIOBase):
            raise TypeError("feed_file() needs a file open for bytes (mode 'rb'), not text")
        readinto = getattr(f, "readinto", None)
        buf = bytearray(chunk_size)
        view = memoryview(buf)
        self.begin_source(name)
        try:
            while True:
                if readinto is not None:
                    n = readinto(buf)
                    chunk = view[:n] if n else None
                else:
                    chunk = f.read(chunk_size)
                    if isinstance(chunk, str):
                        raise TypeError("feed_file() needs a file open for bytes (mode 'rb'), "
                                        "not text")
                if not chunk:
                    break
                self.feed(chunk)
        except InputError:
            self.end_source()  # drops the unusable source; succeeds
            raise
        self.end_source()

    def finish(self) -> None:
        """Ends the input. Afterwards feeding is MisuseError, and reports are available."""
        with self._lock:
            _native.lib.casreport_aggregator_finish(self._live())

    def reset(self) -> None:
        """Back to the empty state, keeping the options (also heals a poisoned aggregator)."""
        with self._lock:
            _native.lib.casreport_aggregator_reset(self._live())

    # ---- output ----

    def counts(self) -> Counts:
        """The input accounting so far (in any state)."""
        out = _native.Counts()
        with self._lock:
            _native.lib.casreport_aggregator_counts(self._live(), ctypes.byref(out))
        return Counts(out.records, out.accepted, out.rejected, out.duplicates, out.out_of_period)

    def render(self, format: str = "text", lang: str = "ja", *, redact: bool = False,
               top: Optional[int] = None, company_min_users: Optional[int] = None,
               individual_min_count: Optional[int] = None,
               individual_min_share_tenths: Optional[int] = None,
               file_blocking_min_count: Optional[int] = None,
               max_subjects: Optional[int] = None,
               previous: Union[Dict[str, Any], str, bytes, "os.PathLike[str]", None] = None,
               customer: Optional[str] = None, provider: Optional[str] = None,
               issued: Union[str, "datetime.date", None] = None,
               logo: Union[bytes, str, "os.PathLike[str]", None] = None,
               chromium: Optional[str] = None,
               tz: Union[str, int, None] = None) -> Union[str, bytes]:
        """The report of a finished aggregator as ``format`` ("json", "text", "md", "csv",
        "html" or "pdf") in ``lang`` ("ja" or "en"): text, or bytes for "pdf".

        Every option of a report, as the command-line tool has them: ``redact`` masks
        addresses; ``top`` and the findings thresholds rebuild the report with other settings
        than the aggregator's; ``previous`` is last month's JSON report (a dict, its text, or a
        path) for month over month; ``customer``, ``provider``, ``issued`` (a date or
        "YYYY-MM-DD") and ``logo`` (PNG or SVG bytes, or a path) name who the report is for
        and from; ``chromium`` is the program that prints PDF; ``tz`` the zone of the dates
        shown when the report has no month."""
        ro = _native.default_render_options()
        ro.format = _text_arg("format", format)
        ro.language = _text_arg("lang", lang)
        ro.redact = 1 if redact else 0
        counts = {
            "top_n": top,
            "company_min_users": company_min_users,
            "individual_min_count": individual_min_count,
            "individual_min_share_tenths": individual_min_share_tenths,
            "file_blocking_min_count": file_blocking_min_count,
            "max_subjects": max_subjects,
        }
        for field, value in counts.items():
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or \
                    not 0 <= value < _native.FROM_AGGREGATOR:
                raise _refuse(f"{field} must be a whole number from 0 to "
                              f"{_native.FROM_AGGREGATOR - 1}, not {value!r}")
            setattr(ro, field, value)
        keep = []  # buffers that must outlive the call
        if previous is not None:
            if isinstance(previous, dict):
                data = json.dumps(previous).encode("utf-8")
            elif isinstance(previous, bytes):
                data = previous
            else:
                with open(previous, "rb") as f:
                    data = f.read()
            keep.append(data)
            ro.previous_json = ctypes.cast(ctypes.c_char_p(data), ctypes.c_void_p)
            ro.previous_json_size = len(data)
        if customer is not None:
            ro.customer = _text_arg("customer", customer)
        if provider is not None:
            ro.provider = _text_arg("provider", provider)
        if issued is not None:
            ro.issued = _text_arg("issued", issued if isinstance(issued, str)
                                  else issued.isoformat())
        if logo is not None:
            if not isinstance(logo, bytes):
                with open(logo, "rb") as f:
                    logo = f.read()
            keep.append(logo)
            ro.logo = ctypes.cast(ctypes.c_char_p(logo), ctypes.c_void_p)
            ro.logo_size = len(logo)
        if chromium is not None:
            ro.chromium = _text_arg("chromium", chromium)
        if tz is not None:
            ro.tz_offset_minutes = _tz_minutes(tz)
        ptr, size = ctypes.c_void_p(), ctypes.c_size_t()
        with self._lock:
            _native.lib.casreport_aggregator_render_with(self._live(), ctypes.byref(ro),
                                                         ctypes.byref(ptr), ctypes.byref(size))
            data = _native.view(ptr, size)
        return data if format == "pdf" else data.decode("utf-8")

    def report(self, lang: str = "ja") -> Dict[str, Any]:
        """The JSON report of a finished aggregator (schema_version 1), as a dict."""
        return json.loads(self.render("json", lang))

    def merge(self, other: "Aggregator") -> None:
        """Adds the records of a finished (or loaded) aggregator. This one may be finished or
        loaded too (it stays finished; its options are kept). Records and listed rejections go
        in the order of their parts (the ``part`` option), then of arrival: parts merged in any
        order give the same report. De-duplication holds across the two. IncompatibleError,
        changing nothing, for another month, zone or de-duplication setting, another split into
        shards, or records for a compact shard; the message says which."""
        if not isinstance(other, Aggregator):
            raise TypeError(f"merge() takes an Aggregator, not {type(other).__name__}")
        if other is self:
            raise _refuse("an aggregator cannot merge itself")
        first, second = sorted((self, other), key=id)  # one lock order: no deadlock
        with first._lock, second._lock:
            _native.lib.casreport_aggregator_merge(self._live(), other._live())

    def save_state(self, shards: Optional[int] = None) -> Union[bytes, List[bytes]]:
        """The partial state of a finished aggregator, as bytes for load_state() (zlib-
        compressed, with a format version and a checksum).

        With ``shards`` (1 to 4096), a list of that many states instead, split by the hash of
        each record's de-duplication key: shard i holds exactly the records whose key hashes to
        i (rejected records and the count of duplicates found here go with shard 0). Shard i of
        every part of an input merges into one state whose de-duplication is complete, which
        compact() then makes small (docs/scale-out.md). Splitting needs an aggregator that holds
        its own input alone (MisuseError for a shard, a compact state, or a merge of parts of
        other indexes)."""
        if shards is None:
            ptr, size = ctypes.c_void_p(), ctypes.c_size_t()
            with self._lock:
                _native.lib.casreport_aggregator_save(self._live(), ctypes.byref(ptr),
                                                      ctypes.byref(size))
                return _native.view(ptr, size)
        if isinstance(shards, bool) or not isinstance(shards, int) or \
                not 1 <= shards <= _native.MAX_SHARDS:
            raise _refuse(f"shards must be a whole number from 1 to {_native.MAX_SHARDS}, "
                          f"not {shards!r}")
        ptrs = (ctypes.c_void_p * shards)()
        sizes = (ctypes.c_size_t * shards)()
        with self._lock:
            _native.lib.casreport_aggregator_save_shards(self._live(), shards, ptrs, sizes)
            return [_native.view(ctypes.c_void_p(ptrs[i]), ctypes.c_size_t(sizes[i]))
                    for i in range(shards)]

    def compact(self) -> None:
        """Drops the per-record identities of a finished aggregator whose de-duplication is
        complete (every part of the shards it holds merged) and keeps what the report needs: the
        report is unchanged, and save_state() no longer grows with the records. A compact shard
        takes no more records: merging some into it is IncompatibleError, while compact states
        of disjoint shards merge."""
        with self._lock:
            _native.lib.casreport_aggregator_compact(self._live())

    def __reduce__(self):
        """Pickling (and copy.copy) goes through the saved state: the copy is a loaded, finished
        aggregator with the same options and report. An unfinished or closed one raises
        MisuseError, as save_state() does."""
        return (_from_state, (type(self), self.save_state()))


def _from_state(cls, state: bytes) -> Aggregator:
    return cls.load_state(state)


def merge_states(states: Iterable[Buffer]) -> Aggregator:
    """One finished aggregator from saved states (save_state() bytes of the parts: in input
    order, or in any order when each part has its ``part`` index), with the options of the
    first: its report is that of one aggregator fed every part's input. InvalidArgumentError
    if there is no state; IncompatibleError if one was saved with another month, time zone or
    de-duplication setting, or its shards do not fit; InputError if one is not a saved
    state."""
    parts = iter(states)
    first = next(parts, None)
    if first is None:
        raise _refuse("merge_states() needs at least one saved state")
    total = Aggregator.load_state(first)
    try:
        for state in parts:
            with Aggregator.load_state(state) as part:
                total.merge(part)
    except BaseException:
        total.close()
        raise
    return total


def report_files(paths: Iterable[PathLike], *, lang: str = "ja", threads: int = 0,
                 **options: Any) -> Dict[str, Any]:
    """The JSON report (a dict) of the given files, each its own source, with the options of
    Aggregator; large JSON files are read on ``threads`` threads (0: one per core)."""
    with Aggregator(**options) as agg:
        for p in paths:
            agg.feed_file(p, threads=threads)
        agg.finish()
        return agg.report(lang)


def batch(tenants_dir: PathLike, out_dir: PathLike, *, month: str, jobs: int = 0,
          formats: Union[str, Iterable[str], None] = None,
          defaults: Optional[PathLike] = None, issued: Union[str, "datetime.date", None] = None,
          chromium: Optional[str] = None) -> List[Dict[str, Any]]:
    """An MSP's monthly round, as ``casreport batch`` runs it (docs/batch.md): every tenant
    folder of ``tenants_dir`` reported into ``out_dir/<month>/``, tenants ``jobs`` at a time (0:
    one per core). Returns the tenants of the round's summary.json, one dict each (``id``,
    ``name``, ``status`` "ok" or "error", counts, ``findings`` by severity, ``error``). A
    failed tenant is a row, not an exception; a round that cannot run raises."""
    opts = _native.BatchOptions()
    opts.version = _native.BATCH_OPTIONS_VERSION
    opts.tenants_dir = os.fsencode(tenants_dir)
    opts.out_dir = os.fsencode(out_dir)
    opts.month = _text_arg("month", month)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or not 0 <= jobs <= _UINT32_MAX:
        raise _refuse(f"jobs must be a whole number, not {jobs!r}")
    opts.jobs = jobs
    if formats is not None:
        opts.formats = _text_arg("formats", formats if isinstance(formats, str)
                                 else ",".join(formats))
    if defaults is not None:
        opts.defaults_path = os.fsencode(defaults)
    if issued is not None:
        opts.issued = _text_arg("issued", issued if isinstance(issued, str)
                                else issued.isoformat())
    if chromium is not None:
        opts.chromium = _text_arg("chromium", chromium)
    _native.lib.casreport_batch_run(ctypes.byref(opts), None, None)
    summary = os.path.join(os.fsdecode(out_dir), month, "summary.json")
    with open(summary, encoding="utf-8") as f:
        return json.load(f)["tenants"]
