#!/usr/bin/env python3
"""Times two commands in turn (A B A B ...) for scripts/bench-ingest.sh.

    bench_ingest_time.py --bytes N [--runs 5] --a 'CMD A' --b 'CMD B'

Each command is split like a shell would split it (no shell runs it). After one warm-up run
of each, every run records wall seconds (perf_counter around the whole process), user+sys CPU
seconds of the child (the change in os.times() children totals), and any key=value lines the command printed. Prints per command
the median/min/max wall, median CPU, MB/s of the median, the medians of the key=value figures,
and the median of the pairwise ratios B/A (how many times faster A is).
"""
import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time


def run_once(argv):
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    return wall, proc.returncode, out.decode(errors="replace"), err.decode(errors="replace")


def cpu_children():
    r = os.times()
    return r.children_user + r.children_system


def figures(text):
    found = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            try:
                found[key.strip()] = float(value)
            except ValueError:
                pass
    return found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--a", required=True)
    ap.add_argument("--b", required=True)
    ap.add_argument("--name-a", default="A")
    ap.add_argument("--name-b", default="B")
    ap.add_argument("--bytes", type=float, required=True)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    cmds = {"a": shlex.split(args.a), "b": shlex.split(args.b)}
    names = {"a": args.name_a, "b": args.name_b}
    results = {"a": [], "b": []}
    for rnd in range(args.runs + 1):  # round 0 is the warm-up
        for key in ("a", "b"):
            c0 = cpu_children()
            wall, rc, out, err = run_once(cmds[key])
            cpu = cpu_children() - c0
            if rc != 0:
                sys.exit(f"{names[key]} failed (exit {rc}): {' '.join(cmds[key])}\n{err.strip()}")
            if rnd > 0:
                results[key].append((wall, cpu, figures(out)))

    mb = args.bytes / 1e6
    print(f"file: {mb:.1f} MB; {args.runs} runs each after one warm-up, alternating")
    width = max(len(n) for n in names.values())
    print(f"{'command':<{width}} {'wall median':>12} {'min':>8} {'max':>8} {'cpu median':>11} {'MB/s':>8}")
    medians = {}
    for key in ("a", "b"):
        walls = [w for w, _, _ in results[key]]
        cpus = [c for _, c, _ in results[key]]
        med = statistics.median(walls)
        medians[key] = med
        print(f"{names[key]:<{width}} {med:>11.3f}s {min(walls):>7.3f}s {max(walls):>7.3f}s "
              f"{statistics.median(cpus):>10.3f}s {mb / med:>8.1f}")
    for key in ("a", "b"):
        keys = sorted({k for _, _, f in results[key] for k in f if k.endswith("_s")})
        for k in keys:
            med = statistics.median([f[k] for _, _, f in results[key] if k in f])
            line = f"  {names[key]}: {k} (in-process) median {med:.3f}s"
            if k in ("read_s", "read_csv_s") and med > 0:
                line += f" = {mb / med:.1f} MB/s"
            print(line)
    ratios = [b[0] / a[0] for a, b in zip(results["a"], results["b"])]
    print(f"{names['a']} is {statistics.median(ratios):.2f}x faster than {names['b']} "
          f"(median of pairwise wall ratios {names['b']}/{names['a']}; "
          f"min {min(ratios):.2f}, max {max(ratios):.2f})")
    inner = [f.get("read_csv_s") for _, _, f in results["b"]]
    if all(v is not None for v in inner):
        strict = [v / a[0] for v, a in zip(inner, results["a"])]
        print(f"{names['a']} (whole process) vs {names['b']} read_csv call alone: "
              f"{statistics.median(strict):.2f}x (median of pairwise ratios)")


if __name__ == "__main__":
    main()
