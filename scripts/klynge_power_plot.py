#!/usr/bin/env python3
"""Power curve of a `klynge power` JSON report (docs/power.md), drawn with matplotlib.

  klynge_power_plot.py REPORT.json -o FILE.png|FILE.svg

One panel per metric: rejection rate of the test against the premium, one line per sample
size, with the 95% Clopper-Pearson interval of each rate as error bars and alpha as a dashed
line (the rate at premium 0 is the test's size). Usually run through `klynge power --plot`.
Exit codes follow klynge's: 64 usage, 65 bad report, 66 missing input (or matplotlib not
installed), 73 output cannot be created.
"""
import argparse
import os

from klynge_plot_common import BAD_DATA, USAGE, fail, load_matplotlib, read_json_report, save


def read_report(path):
    return read_json_report(path, ["power", "settings"], "klynge power report")


def curves(rows):
    """{metric: {firms: [(premium, rate, lo, hi), ...] sorted by premium}} for rows with a test."""
    out = {}
    for row in rows:
        if row.get("rejection_rate") is None:
            continue
        lo, hi = row["rejection_ci"]
        out.setdefault(row["metric"], {}).setdefault(row["firms"], []).append(
            (row["premium"], row["rejection_rate"], lo, hi))
    for by_firms in out.values():
        for points in by_firms.values():
            points.sort()
    return out


def main():
    parser = argparse.ArgumentParser(description="Power curve of a klynge power report")
    parser.add_argument("report")
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    if os.path.splitext(args.output)[1] not in (".png", ".svg"):
        fail(USAGE, f"-o {args.output}: the picture's name must end in .png or .svg")
    report = read_report(args.report)
    data = curves(report["power"])
    if not data:
        fail(BAD_DATA, f"{args.report}: no rejection rates to draw (was --permutations 0?)")
    plt = load_matplotlib()
    settings = report["settings"]
    metrics = list(data)
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.2 * len(metrics), 3.6), squeeze=False,
                             sharey=True)
    for ax, metric in zip(axes[0], metrics):
        for firms, points in sorted(data[metric].items()):
            x = [p[0] for p in points]
            y = [p[1] for p in points]
            err = [[p[1] - p[2] for p in points], [p[3] - p[1] for p in points]]
            ax.errorbar(x, y, yerr=err, marker="o", capsize=3, label=f"{firms} firms")
        ax.axhline(settings["alpha"], color="grey", linestyle="--", linewidth=1,
                   label=f"alpha = {settings['alpha']}")
        ax.set_title(metric)
        ax.set_xlabel("premium (log growth per year)")
        ax.set_ylim(-0.02, 1.02)
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("rejection rate (95% CI)")
    axes[0][-1].legend(fontsize="small", loc="lower right")
    # The cohort design (--entry-years) compares each member over its own window: say which.
    design = ""
    if settings.get("design") == "cohort":
        first, last = settings["entry_years"]
        design = (f", cohorts {first}-{last} over [entry {settings['offset']:+d}, "
                  f"entry {settings['offset'] + settings['horizon']:+d}]")
    fig.suptitle(f"{report['power'][0]['test']}: {settings['datasets']} datasets per point, "
                 f"member share {settings['member_share']}{design}", fontsize="medium")
    fig.tight_layout()
    save(fig, args.output)


if __name__ == "__main__":
    main()
