"""casreport beyond one machine, on Dask's distributed scheduler (docs/scale-out.md).

::

    from distributed import Client
    import casreport.dask

    with Client("tcp://scheduler:8786") as client:
        report = casreport.dask.report(paths, client=client, month="2025-06")

The plan (DESIGN section 8):

* map: each file, on a worker, is aggregated with its index in ``paths`` as its part, and its
  state is split into K shards by the hash of each record's de-duplication key
  (:func:`part_states`);
* reduce: shard i of every file is merged on one worker — its de-duplication is exact, since
  every copy of a record is in the same shard — and compacted: its per-record identities are
  dropped, its tallies kept (:func:`merge_shard`);
* combine: the K compact shards merge without identities into the report (:func:`combine`).

No task holds more than one file's or one shard's identities, and the report equals the one
``casreport`` gives for the same files in the same order, listed rejections included, whatever
order the tasks finish in. Workers need this package and ``libcasreport.so`` (the wheel has
both) and must see the files at the paths given (shared storage). ``python3 -m casreport.dask``
is the command-line form.

This module does not import Dask (Debian's ``python3-distributed``): the caller brings the
client, and the task functions need casreport alone.
"""

from __future__ import annotations

import json
import math
import os
from typing import Any, Dict, Iterable, List, Optional, Sequence, Union

import casreport
from casreport import _refuse

__all__ = ["combine", "merge_shard", "part_states", "render", "report", "shards_for"]

#: Input bytes per shard when ``shards=None``: about 4.8 million events of about 900 bytes,
#: whose identities take about 400 MiB in the task that merges their shard (docs/scale-out.md).
INPUT_BYTES_PER_SHARD = 4 << 30

PathLike = Union[str, "os.PathLike[str]"]


def shards_for(input_bytes: int) -> int:
    """The number of shards ``report`` picks for ``input_bytes`` of input: one per
    INPUT_BYTES_PER_SHARD, at least 1 and at most 4096."""
    return max(1, min(4096, math.ceil(input_bytes / INPUT_BYTES_PER_SHARD)))


def part_states(path: PathLike, part: int, shards: int, options: Dict[str, Any],
                threads: int = 1, source: Optional[str] = None) -> List[bytes]:
    """The map task: the file at ``path`` aggregated as part ``part`` (its index among the
    input's files) with the Aggregator ``options``, its state split into ``shards`` states
    (Aggregator.save_state(shards=...)). ``threads`` reads a large file on that many threads
    of the worker (0: one per core); ``source`` names the file in rejections (default: the
    path)."""
    with casreport.Aggregator(part=part, **options) as agg:
        agg.feed_file(path, threads=threads, source=source)
        agg.finish()
        return agg.save_state(shards=shards)


def merge_shard(states: Iterable[bytes]) -> bytes:
    """The reduce task: one shard's states of every part, in any order, merged and compacted;
    its compact state. Holds one part's state at a time besides the merge."""
    it = iter(states)
    first = next(it, None)
    if first is None:
        raise _refuse("merge_shard() needs at least one state")
    with casreport.Aggregator.load_state(first) as total:
        for state in it:
            with casreport.Aggregator.load_state(state) as part:
                total.merge(part)
        total.compact()
        return total.save_state()


def combine(compact_states: Iterable[bytes], format: str = "json", lang: str = "ja",
            **render_options: Any) -> Union[str, bytes]:
    """The last task: compact shards (disjoint, in any order) merged without identities, and
    the report rendered as ``format`` in ``lang`` with Aggregator.render's keywords."""
    with casreport.merge_states(compact_states) as total:
        return total.render(format, lang, **render_options)


def _input_bytes(paths: Sequence[str], client) -> int:
    """The size of the input: measured here, or by the workers for the files this process
    does not see."""
    total = 0
    elsewhere = []
    for p in paths:
        try:
            total += os.stat(p).st_size
        except OSError:
            elsewhere.append(p)
    if elsewhere:
        total += sum(client.gather(client.map(os.path.getsize, elsewhere, pure=False)))
    return total


def _render(paths: Iterable[PathLike], client, shards: Optional[int], threads: int,
            format: str, lang: str, render_options: Dict[str, Any],
            options: Dict[str, Any]) -> Union[str, bytes]:
    paths = [os.fspath(p) for p in paths]
    if not paths:
        raise _refuse("no input files")
    if "part" in options:
        raise TypeError("part is set by casreport.dask: each file's index in paths")
    casreport.Aggregator(**options).close()  # bad options fail here, before any task runs
    if shards is None:
        shards = shards_for(_input_bytes(paths, client))
    if isinstance(shards, bool) or not isinstance(shards, int) or not 1 <= shards <= 4096:
        raise _refuse(f"shards must be a whole number from 1 to 4096, not {shards!r}")
    # Workers may run elsewhere than here: a relative path is read as this process sees it,
    # and named in rejections as it was given, as the command-line tool names it.
    maps = [client.submit(part_states, os.path.abspath(p) if os.path.exists(p) else p, i, shards,
                          options, threads, p, pure=False)
            for i, p in enumerate(paths)]
    # Shard i of each part: a small task on the worker that holds the part, so that only that
    # shard travels to the worker that merges it.
    compact = []
    for s in range(shards):
        of_shard = [client.submit(_nth, m, s) for m in maps]
        compact.append(client.submit(merge_shard, of_shard))
    return client.submit(combine, compact, format, lang, **render_options).result()


def _nth(states: Sequence[bytes], i: int) -> bytes:
    return states[i]


def report(paths: Iterable[PathLike], *, client, shards: Optional[int] = None,
           lang: str = "ja", threads: int = 1, **options: Any) -> Dict[str, Any]:
    """The JSON report (a dict) of ``paths``, read in that order, computed on the Dask cluster
    of ``client`` (any ``distributed.Client``: a LocalCluster's or a real scheduler's).

    ``options`` are Aggregator's (``month``, ``tz``, ``dedupe``, ``top_n``, ...; not ``part``,
    which is each file's index). ``shards`` is the number of shards de-duplication is split
    into (None: ``shards_for`` the input's size); memory per task divides by it. ``threads``
    reads each file on that many threads of its worker. Errors of the library (an unusable
    file, a bad option) are raised here, as casreport's exceptions."""
    return json.loads(_render(paths, client, shards, threads, "json", lang, {}, options))


def render(paths: Iterable[PathLike], *, client, format: str = "text", lang: str = "ja",
           shards: Optional[int] = None, threads: int = 1,
           render_options: Optional[Dict[str, Any]] = None,
           **options: Any) -> Union[str, bytes]:
    """Like ``report``, the report rendered as ``format`` ("json", "text", "md", "csv",
    "html") with Aggregator.render's ``render_options``."""
    return _render(paths, client, shards, threads, format, lang, render_options or {}, options)
