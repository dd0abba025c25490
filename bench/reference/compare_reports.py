#!/usr/bin/env python3
"""Checks that a peer's report of a dump equals casreport's JSON report of the same dump.

    compare_reports.py [--subset] CASREPORT.json PEER.json

Every member of either report is compared, field by field and element by element, except those
only casreport writes because they are presentation or provenance rather than counting: the
schema version, generator and period block, the list of rejected records (the peer counts them
but does not keep their lines), and each finding's title and actions (words chosen from the
rule). Numbers compare by value (25 equals 25.0). Exits 0 when equal, 1 with every difference
listed otherwise, 2 on a usage or file error. With --subset, members the peer does not write
are left out (for a peer that computes part of the report); every member it writes is compared.
Python 3 standard library only.
"""
import json
import sys

# Paths only casreport writes; `*` matches any list index.
NOT_COMPARED = {
    ("schema_version",),
    ("generator",),
    ("period",),
    ("input", "rejections"),
    ("findings", "*", "title"),
    ("findings", "*", "actions"),
}


def skipped(path):
    generic = tuple("*" if isinstance(p, int) else p for p in path)
    return generic in NOT_COMPARED


def show(path):
    text = ""
    for p in path:
        text += f"[{p}]" if isinstance(p, int) else (f".{p}" if text else p)
    return text or "(report)"


def brief(value):
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 120 else text[:117] + "..."


def compare(ours, peer, path, diffs, counted, subset=False):
    if isinstance(ours, dict) and isinstance(peer, dict):
        for key in list(ours) + [k for k in peer if k not in ours]:
            sub = path + (key,)
            if skipped(sub) or (subset and key not in peer):
                continue
            if key not in peer:
                diffs.append(f"{show(sub)}: casreport {brief(ours[key])}, the peer has no such member")
            elif key not in ours:
                diffs.append(f"{show(sub)}: the peer {brief(peer[key])}, casreport has no such member")
            else:
                compare(ours[key], peer[key], sub, diffs, counted, subset)
    elif isinstance(ours, list) and isinstance(peer, list):
        if len(ours) != len(peer):
            diffs.append(f"{show(path)}: casreport has {len(ours)} elements, the peer {len(peer)}")
        for i, (a, b) in enumerate(zip(ours, peer)):
            compare(a, b, path + (i,), diffs, counted, subset)
    elif isinstance(ours, bool) or isinstance(peer, bool):
        if ours is not peer:
            diffs.append(f"{show(path)}: casreport {brief(ours)}, the peer {brief(peer)}")
    elif isinstance(ours, (int, float)) and isinstance(peer, (int, float)):
        counted[0] += 1
        if ours != peer:
            diffs.append(f"{show(path)}: casreport {ours}, the peer {peer}")
    elif ours != peer:
        diffs.append(f"{show(path)}: casreport {brief(ours)}, the peer {brief(peer)}")


def main(argv):
    subset = "--subset" in argv[1:]
    argv = [a for a in argv if a != "--subset"]
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            ours = json.load(f)
        with open(argv[2], encoding="utf-8") as f:
            peer = json.load(f)
    except (OSError, ValueError) as e:
        print(f"compare_reports.py: {e}", file=sys.stderr)
        return 2
    diffs = []
    counted = [0]
    compare(ours, peer, (), diffs, counted, subset)
    if diffs:
        print(f"the reports differ in {len(diffs)} places ({argv[1]} vs {argv[2]}):", file=sys.stderr)
        for d in diffs[:50]:
            print("  " + d, file=sys.stderr)
        if len(diffs) > 50:
            print(f"  ... and {len(diffs) - 50} more", file=sys.stderr)
        return 1
    what = "the peer's members" if subset else "every name"
    print(f"equal: {counted[0]} numbers and {what} compared")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
