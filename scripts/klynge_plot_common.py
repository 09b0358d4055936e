"""What klynge's plotting scripts (klynge_plot.py, klynge_power_plot.py) share: klynge's exit
codes, one-line errors, matplotlib without a display, reading a JSON report, and saving a
picture atomically (temporary name, then rename: never a half-written file)."""
import json
import os
import sys

USAGE, BAD_DATA, NO_INPUT, CANT_CREATE = 64, 65, 66, 73


def fail(code, message):
    print(f"klynge: error: {message}", file=sys.stderr)
    sys.exit(code)


def load_matplotlib():
    try:
        import matplotlib
        matplotlib.use("Agg")  # files only: no display needed (Slurm nodes, CI)
        import matplotlib.pyplot as plt
        return plt
    except ImportError as e:
        fail(NO_INPUT, f"plots need matplotlib ({e}); install it: apt-get install python3-matplotlib")


def read_json_report(path, required, what):
    """The report at `path`, which must be a JSON object with every key of `required`."""
    try:
        with open(path, encoding="utf-8") as f:
            report = json.load(f)
    except OSError as e:
        fail(NO_INPUT, f"{path}: cannot read: {e.strerror}")
    except json.JSONDecodeError as e:
        fail(BAD_DATA, f"{path}: not a JSON report: {e}")
    if not isinstance(report, dict) or any(k not in report for k in required):
        fail(BAD_DATA, f"{path}: not a {what} (no " + " or ".join(f'"{k}"' for k in required) + ")")
    return report


def save(fig, path):
    ext = os.path.splitext(path)[1].lower()
    tmp = f"{path}.tmp.{os.getpid()}{ext}"
    # Raster images stop at 2^16 pixels a side: a forest plot of some 1 400 rows is taller than
    # that at 150 dpi, so a tall figure is drawn at a lower resolution (SVG has no limit).
    dpi = 150
    if ext != ".svg":
        dpi = max(1, min(150, int(60000 / max(fig.get_size_inches()))))
        if dpi < 150:
            print(f"klynge plot: note: {path} is drawn at {dpi} dpi to stay within the image size "
                  "limit; an .svg keeps every row sharp", file=sys.stderr)
    try:
        fig.savefig(tmp, format=ext[1:], bbox_inches="tight", dpi=dpi)
        os.replace(tmp, path)
    except OSError as e:
        try:
            os.remove(tmp)
        except OSError:
            pass
        fail(CANT_CREATE, f"{path}: cannot create: {e.strerror}")
