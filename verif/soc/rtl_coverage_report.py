#!/usr/bin/python3
"""Merge the SoC's Verilator coverage files and report line and toggle coverage.

    rtl_coverage_report.py --dat-dir DIR --out OUT --rtl-dir rtl

Reads every DIR/*.dat (one per device the per-op suite ran, written by the coverage build of the
SoC, verif/soc/rtl_trace.h), writes OUT/merged.dat (verilator_coverage -write), OUT/annotated/
(verilator_coverage --annotate: each source with the count of every point) and OUT/summary.txt:
covered / total points per kind (line, toggle) in all and per RTL file, printed as well.
A point is covered when its count is non-zero. Exits non-zero when there are no files or
verilator_coverage fails.
"""
import argparse
import collections
import glob
import os
import subprocess
import sys


def points(path):
    """(kind, file, count) of every point of a coverage file. Lines are C '<key>' <count>; the
    key holds fields as \\x01<name>\\x02<value>; 'page' is v_<kind>/<module>, 'f' the file."""
    with open(path, encoding="latin-1") as f:
        for line in f:
            if not line.startswith("C '"):
                continue
            key, _, count = line[3:].rstrip("\n").rpartition("' ")
            fields = dict(item.split("\x02", 1) for item in key.split("\x01") if "\x02" in item)
            kind = fields.get("page", "v_other/").split("/")[0].removeprefix("v_")
            yield kind, fields.get("f", "?"), int(count)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dat-dir", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--rtl-dir", required=True)
    ap.add_argument("--verilator-coverage", default="verilator_coverage")
    args = ap.parse_args()
    dats = sorted(glob.glob(os.path.join(args.dat_dir, "*.dat")))
    if not dats:
        sys.exit(f"rtl_coverage_report: no coverage files in {args.dat_dir}")
    merged = os.path.join(args.out, "merged.dat")
    annotated = os.path.join(args.out, "annotated")
    for cmd in ([args.verilator_coverage, "--write", merged] + dats,
                [args.verilator_coverage, "--annotate", annotated, merged]):
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            sys.stderr.write(run.stdout + run.stderr)
            sys.exit(f"rtl_coverage_report: {cmd[0]} failed ({run.returncode})")

    total = collections.Counter()
    covered = collections.Counter()
    for kind, path, count in points(merged):
        name = os.path.relpath(path, os.path.dirname(os.path.abspath(args.rtl_dir)))
        for key in ((kind, "all"), (kind, name)):
            total[key] += 1
            covered[key] += count > 0
    kinds = sorted({k for k, _ in total})
    files = sorted({f for _, f in total if f != "all"})
    lines = [f"RTL coverage of the per-op suite ({len(dats)} device runs, {merged})", ""]
    lines.append(f"{'file':<44}" + "".join(f"{k:>26}" for k in kinds))
    for f in ["all"] + files:
        row = f"{f:<44}"
        for k in kinds:
            t, c = total[(k, f)], covered[(k, f)]
            row += f"{c:>9} / {t:<6} {100.0 * c / t if t else 0:5.1f} %" if t else f"{'-':>26}"
        lines.append(row)
    text = "\n".join(lines) + "\n"
    with open(os.path.join(args.out, "summary.txt"), "w") as f:
        f.write(text)
    print(text, end="")
    print(f"annotated sources: {annotated}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
