"""Exceptions of the casreport package: one per status of the C library."""

from __future__ import annotations

import enum
from typing import Dict, Type


class Status(enum.IntEnum):
    """The C library's status codes (casreport.h). ``name.lower()`` is casreport_status_name()."""

    OK = 0
    INVALID_ARGUMENT = -1
    MISUSE = -2
    INPUT = -3
    INCOMPATIBLE = -4
    IO = -5
    NOMEM = -6
    BUFFER_TOO_SMALL = -7
    INTERNAL = -8
    UNAVAILABLE = -9


class CasreportError(Exception):
    """A failure reported by the library: its status ``code``, the status ``name`` and the
    library's ``message`` (casreport_last_error() of the failing call)."""

    def __init__(self, code: int, name: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.name = name
        self.message = message

    def __reduce__(self):  # keep the three fields across pickle (Dask ships exceptions)
        return (type(self), (self.code, self.name, self.message))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.name!r}, {self.message!r})"


class InvalidArgumentError(CasreportError, ValueError):
    """An argument or option the library refuses (an unknown format name, a bad month, ...)."""


class MisuseError(CasreportError):
    """A call in the wrong state: feeding a finished aggregator, asking for a report before
    finish(), using a closed aggregator or one poisoned by an earlier failure."""


class InputError(CasreportError, ValueError):
    """An input unusable as a whole, such as bytes that are not a saved state."""


class IncompatibleError(CasreportError, ValueError):
    """States that cannot merge: another month, time zone or de-duplication setting."""


class IoError(CasreportError):
    """A file could not be read or written."""


class NoMemoryError(CasreportError, MemoryError):
    """The library ran out of memory; the aggregator is poisoned until reset()."""


class InternalError(CasreportError):
    """A bug in casreport."""


class UnavailableError(CasreportError):
    """A program the call needs is not installed (PDF output needs a headless Chromium)."""


_BY_STATUS: Dict[int, Type[CasreportError]] = {
    Status.INVALID_ARGUMENT: InvalidArgumentError,
    Status.MISUSE: MisuseError,
    Status.INPUT: InputError,
    Status.INCOMPATIBLE: IncompatibleError,
    Status.IO: IoError,
    Status.NOMEM: NoMemoryError,
    Status.INTERNAL: InternalError,
    Status.UNAVAILABLE: UnavailableError,
}


def status_name(code: int) -> str:
    """The name of a status as the library gives it ("misuse"), "unknown" for others."""
    try:
        return Status(code).name.lower()
    except ValueError:
        return "unknown"


def error_for(code: int, name: str, message: str) -> CasreportError:
    """The exception for a failed status ``code``."""
    return _BY_STATUS.get(code, CasreportError)(code, name, message)
