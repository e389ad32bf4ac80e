#!/usr/bin/python3
"""Synthesize one RTL top with Yosys for Xilinx 7-series and check its resource counts.

    aorta_synth.py --rtl-dir rtl --top aorta_pe --param RowW=4 --param Row=15 \
        --expect DSP=1 --max LUT=40 --max FF=64

Runs `synth_xilinx -family xc7 -noiopad` (no I/O buffers: the block is not a chip top) and
`stat`, prints one line of counts, and exits non-zero when a check fails or Yosys does.
Counted classes:
  DSP   DSP48E1
  LUT   LUT1..LUT6 (INV cells are counted apart: Yosys puts one inverter in front of every
        active-low async reset flop; Vivado folds them into one per net or into the flop)
  INV   INV
  FF    FDRE, FDSE, FDCE, FDPE
  SRL   SRL16E, SRLC32E (shift registers in LUTs: the skew and de-skew lines)
  CARRY CARRY4
  MUXF  MUXF7, MUXF8
  BRAM  RAMB18E1, RAMB36E1
"""
import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLASSES = {
    "DSP": ["DSP48E1"],
    "LUT": ["LUT1", "LUT2", "LUT3", "LUT4", "LUT5", "LUT6"],
    "INV": ["INV"],
    "FF": ["FDRE", "FDSE", "FDCE", "FDPE"],
    "SRL": ["SRL16E", "SRLC32E"],
    "CARRY": ["CARRY4"],
    "MUXF": ["MUXF7", "MUXF8"],
    "BRAM": ["RAMB18E1", "RAMB36E1"],
}


def module_files(rtl_dir, top):
    """The files of `top` and of every module below it, leaves first. As Verilator's -y: module
    m lives in rtl_dir/m.sv; instances are found as `aorta_<name> #(` or `aorta_<name> u_...(`."""
    order, seen = [], set()

    def visit(name):
        if name in seen:
            return
        seen.add(name)
        path = rtl_dir / f"{name}.sv"
        if not path.exists():
            sys.exit(f"aorta_synth: no {path} for module {name}")
        text = re.sub(r"//[^\n]*", "", path.read_text())
        for child in re.findall(r"^\s*(aorta_\w+)\s+(?:#|u_)", text, re.MULTILINE):
            if child != name:
                visit(child)
        order.append(path)

    visit(top)
    return order


def parse_stat(text):
    """Cell counts of the last statistics block (the whole design when hierarchical)."""
    blocks = text.split("Number of cells:")
    if len(blocks) < 2:
        raise ValueError("no 'Number of cells' in the stat output")
    cells = {}
    for line in blocks[-1].splitlines()[1:]:
        m = re.match(r"^\s+(\S+)\s+(\d+)\s*$", line)
        if not m:
            if cells:
                break
            continue
        cells[m.group(1)] = int(m.group(2))
    return cells


def classify(cells):
    counts = {name: sum(cells.get(c, 0) for c in kinds) for name, kinds in CLASSES.items()}
    known = {c for kinds in CLASSES.values() for c in kinds} | {"BUFG"}
    counts["other"] = sum(n for c, n in cells.items() if c not in known)
    return counts


def parse_checks(items, what):
    checks = {}
    for item in items or []:
        name, _, value = item.partition("=")
        if name not in CLASSES or not value.isdigit():
            sys.exit(f"aorta_synth: bad {what} '{item}' (want CLASS=N, CLASS one of "
                     f"{', '.join(CLASSES)})")
        checks[name] = int(value)
    return checks


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rtl-dir", required=True, type=Path)
    ap.add_argument("--top", required=True)
    ap.add_argument("--param", action="append", default=[], help="NAME=VALUE (chparam)")
    ap.add_argument("--expect", action="append", help="CLASS=N: exactly N")
    ap.add_argument("--max", action="append", help="CLASS=N: at most N")
    ap.add_argument("--min", action="append", help="CLASS=N: at least N")
    ap.add_argument("--yosys", default="yosys")
    ap.add_argument("--log", type=Path, help="keep the Yosys log here")
    args = ap.parse_args()
    expect = parse_checks(args.expect, "--expect")
    at_most = parse_checks(args.max, "--max")
    at_least = parse_checks(args.min, "--min")

    files = " ".join(str(f) for f in module_files(args.rtl_dir, args.top))
    chparams = "".join(
        f"chparam -set {p.partition('=')[0]} {p.partition('=')[2]} {args.top}; " for p in args.param)
    script = (f"read_verilog -sv {files}; {chparams}"
              f"synth_xilinx -family xc7 -noiopad -top {args.top}; stat -top {args.top}")
    with tempfile.TemporaryDirectory() as tmp:
        log = args.log or Path(tmp) / "yosys.log"
        start = time.monotonic()
        run = subprocess.run([args.yosys, "-q", "-l", str(log), "-p", script],
                             capture_output=True, text=True)
        seconds = time.monotonic() - start
        if run.returncode != 0:
            sys.stderr.write(run.stdout + run.stderr)
            sys.exit(f"aorta_synth: yosys failed ({run.returncode})")
        counts = classify(parse_stat(log.read_text()))

    params = ", ".join(args.param)
    print(f"{args.top}" + (f" ({params})" if params else "") + ": " +
          ", ".join(f"{k} {v}" for k, v in counts.items()) + f"  [yosys {seconds:.1f} s]")
    failures = []
    for name, n in expect.items():
        if counts[name] != n:
            failures.append(f"{name} = {counts[name]}, expected {n}")
    for name, n in at_most.items():
        if counts[name] > n:
            failures.append(f"{name} = {counts[name]}, at most {n} allowed")
    for name, n in at_least.items():
        if counts[name] < n:
            failures.append(f"{name} = {counts[name]}, at least {n} expected")
    for f in failures:
        print(f"FAIL: {f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
