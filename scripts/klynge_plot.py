#!/usr/bin/env python3
"""Plots of a `klynge analyze` JSON report (docs/report-schema.md), drawn with matplotlib.

  klynge_plot.py REPORT.json -o FILE.png|FILE.svg [--statistic S] [--cohort C] [--interval M]
      Forest plot: one row per metric x cohort (x cluster or --by value in a batch) with the
      estimate, its bootstrap interval, a zero line and the group sizes.
  klynge_plot.py REPORT.json -o FILE.png|FILE.svg --replicates REPS.csv[.gz] --result INDEX
      Replicate distribution of results[INDEX]: histogram of its bootstrap replicates (from
      `analyze --save-replicates`) with the observed value and the interval marked.

Usually run through `klynge plot` or `klynge analyze --plot`. Exit codes follow klynge's:
64 usage, 65 bad report or replicates file, 66 missing input (or matplotlib not installed),
73 output cannot be created.
"""
import argparse
import csv
import gzip
import json
import math
import os
import sys

from klynge_plot_common import (BAD_DATA, NO_INPUT, USAGE, fail, load_matplotlib, read_json_report,
                                save)


def read_report(path):
    report = read_json_report(path, ["results"], "klynge report")
    version = report.get("schema_version")
    if not isinstance(version, str) or version.split(".")[0] != "1":
        print(f"klynge plot: warning: {path}: schema_version {json.dumps(version)} is not 1.x, "
              "the layout this plot reads (docs/report-schema.md); drawing what it can",
              file=sys.stderr)
    return report


def comparison_of(row):
    """The batch value of a result row ("" outside batches)."""
    if "cluster" in row:
        return str(row["cluster"])
    if "by" in row:
        return str(row["by"]["value"])
    return ""


def cohort_text(c):
    return str(c)


def scale_of(report, statistic):
    """Differences of rates are shown in percentage points, like the console table."""
    if statistic == "welch_t":
        return 1.0, "Welch t"
    growth = report.get("design", {}).get("growth", "log")
    if growth == "level" and statistic != "agg_diff":
        return 1.0, "member - control"
    return 100.0, "member - control (percentage points)"


def interval_of(row, methods):
    """The first method of `methods` with an ok interval: (method, low, high) or None."""
    ci = row.get("ci", {})
    for m in methods:
        iv = ci.get(m)
        if iv and iv.get("status") == "ok" and iv.get("low") is not None:
            return m, iv["low"], iv["high"]
    return None


def interval_methods(report, chosen):
    if chosen:
        return [chosen]
    listed = report.get("settings", {}).get("ci", [])
    preferred = [m for m in ("percentile", "bca") if m in listed]
    return preferred + [m for m in listed if m not in preferred]


def forest(report, args, plt):
    statistics = report.get("settings", {}).get("statistics") or ["mean_diff"]
    statistic = args.statistic or statistics[0]
    rows = [r for r in report["results"] if r.get("statistic") == statistic
            and (args.cohort is None or cohort_text(r["cohort"]) == args.cohort)]
    if not rows:
        fail(USAGE, f"the report has no results for statistic {statistic}"
                    + (f" and cohort {args.cohort}" if args.cohort else ""))
    methods = interval_methods(report, args.interval)
    scale, axis_label = scale_of(report, statistic)
    level = report.get("settings", {}).get("level")

    labels, estimates, lows, highs, sizes, used = [], [], [], [], [], set()
    for r in rows:
        parts = [comparison_of(r), r["metric"], f"cohort {cohort_text(r['cohort'])}"]
        labels.append("  ".join(p for p in parts if p))
        est = r.get("estimate")
        estimates.append(math.nan if est is None else est * scale)
        iv = interval_of(r, methods)
        if iv:
            used.add(iv[0])
            lows.append(iv[1] * scale)
            highs.append(iv[2] * scale)
        else:
            lows.append(math.nan)
            highs.append(math.nan)
        sizes.append(f"{r.get('n_member', '?')} / {r.get('n_control', '?')}")

    n = len(rows)
    fig, ax = plt.subplots(figsize=(8.5, 1.2 + 0.32 * n))
    y = list(range(n))[::-1]
    for yi, lo, hi in zip(y, lows, highs):
        if not math.isnan(lo):
            ax.plot([lo, hi], [yi, yi], color="#1f4e79", linewidth=1.6)
    ax.plot(estimates, y, "o", color="#1f4e79", markersize=4.5)
    ax.axvline(0.0, color="#888888", linewidth=0.9, linestyle="--")
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_xlabel(axis_label)
    ax.set_ylim(-0.7, n - 0.3)
    # Group sizes (members / controls) in a column at the right edge.
    for yi, text in zip(y, sizes):
        ax.annotate(text, xy=(1.01, yi), xycoords=("axes fraction", "data"), va="center",
                    fontsize=7, color="#444444")
    ax.annotate("members / controls", xy=(1.01, n - 0.3), xycoords=("axes fraction", "data"),
                va="bottom", fontsize=7, color="#444444")
    if used:
        pct = f"{level * 100:g}% " if level else ""
        title = f"{statistic}: estimate and {pct}{', '.join(sorted(used))} interval"
    else:  # e.g. every interval undefined: the estimates alone, and the title says so
        title = f"{statistic}: estimates (the report has no interval to draw)"
    ax.set_title(title, fontsize=10)
    ax.grid(axis="x", color="#eeeeee")
    return fig


def open_text(path):
    return gzip.open(path, "rt", encoding="utf-8", newline="") if path.endswith(".gz") else \
        open(path, encoding="utf-8", newline="")


def replicate_values(path, row):
    want = (row["metric"], cohort_text(row["cohort"]), row["statistic"])
    batch = comparison_of(row)
    values = []
    try:
        with open_text(path) as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if not header or header[-5:] != ["metric", "cohort", "statistic", "replicate", "value"]:
                fail(BAD_DATA, f"{path}: not a --save-replicates file (header {header})")
            by = len(header) == 6
            for fields in reader:
                if len(fields) != len(header):
                    fail(BAD_DATA, f"{path}:{reader.line_num}: expected {len(header)} fields")
                if by and fields[0] != batch:
                    continue
                if tuple(fields[-5:-2]) == want and fields[-1] != "NA":
                    value = float(fields[-1])
                    if not math.isfinite(value):
                        fail(BAD_DATA, f"{path}:{reader.line_num}: value {fields[-1]!r} is not "
                                       "finite (a missing replicate is NA)")
                    values.append(value)
    except OSError as e:
        fail(NO_INPUT, f"{path}: cannot read: {e.strerror}")
    except (ValueError, EOFError, gzip.BadGzipFile) as e:
        fail(BAD_DATA, f"{path}: {e}")
    return values


def replicate_histogram(report, args, plt):
    results = report["results"]
    if not 0 <= args.result < len(results):
        fail(USAGE, f"--result {args.result}: the report has results 0..{len(results) - 1}")
    row = results[args.result]
    values = replicate_values(args.replicates, row)
    if not values:
        fail(BAD_DATA, f"{args.replicates}: no replicates for result {args.result} "
                       f"({row['metric']}, cohort {row['cohort']}, {row['statistic']})")
    scale, axis_label = scale_of(report, row["statistic"])
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.hist([v * scale for v in values], bins=min(60, max(10, len(values) // 25)),
            color="#9dc3e6", edgecolor="#5b8db8", linewidth=0.4)
    if row.get("estimate") is not None:
        ax.axvline(row["estimate"] * scale, color="#c00000", linewidth=1.6,
                   label=f"observed {row['estimate'] * scale:.3g}")
    iv = interval_of(row, interval_methods(report, args.interval))
    if iv:
        for end in iv[1:]:
            ax.axvline(end * scale, color="#1f4e79", linewidth=1.2, linestyle="--")
        level = report.get("settings", {}).get("level", 0.95)
        ax.axvspan(iv[1] * scale, iv[2] * scale, color="#1f4e79", alpha=0.08,
                   label=f"{level * 100:g}% {iv[0]} [{iv[1] * scale:.3g}, {iv[2] * scale:.3g}]")
    where = "  ".join(p for p in [comparison_of(row), row["metric"], f"cohort {row['cohort']}"] if p)
    ax.set_title(f"{where}: {row['statistic']}, {len(values)} bootstrap replicates", fontsize=10)
    ax.set_xlabel(axis_label)
    ax.set_ylabel("replicates")
    ax.legend(fontsize=8)
    return fig


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report")
    parser.add_argument("-o", "--output", required=True, help="FILE.png or FILE.svg")
    parser.add_argument("--statistic", help="forest plot: which statistic (default: the first)")
    parser.add_argument("--cohort", help="forest plot: only this cohort (e.g. all: the aggregates)")
    parser.add_argument("--interval", help="interval method (default: percentile, bca, then any)")
    parser.add_argument("--replicates", help="--save-replicates file: draw a replicate histogram")
    parser.add_argument("--result", type=int, help="with --replicates: index into results")
    try:
        args = parser.parse_args()
    except SystemExit as e:
        sys.exit(0 if e.code == 0 else USAGE)
    ext = os.path.splitext(args.output)[1].lower()
    if ext not in (".png", ".svg"):
        fail(USAGE, f"-o {args.output}: the picture's name must end in .png or .svg")
    if (args.replicates is None) != (args.result is None):
        fail(USAGE, "--replicates and --result go together (the histogram of one result)")
    report = read_report(args.report)
    plt = load_matplotlib()
    try:
        fig = replicate_histogram(report, args, plt) if args.replicates else forest(report, args,
                                                                                     plt)
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        # An edited or foreign report: one line and 65, not a traceback and 70.
        fail(BAD_DATA, f"{args.report}: a result lacks a field or has one of the wrong type "
                       f"({type(e).__name__}: {e}); is it a klynge analyze report?")
    save(fig, args.output)


if __name__ == "__main__":
    main()
