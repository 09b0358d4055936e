#!/usr/bin/env python3
"""Peer reference values for klynge's bootstrap intervals (DESIGN.md §5 tier 2).

Writes tests/data/peers/bootstrap_reference.json: for small two-sample cases (Efron &
Tibshirani's mouse data and a skewed case with unequal group sizes), the mean difference
treated - control, its jackknife BCa acceleration (deterministic; scipy.stats.bootstrap's
multi-sample definition, checked against scipy's own _bca_interval), and percentile, basic,
normal and BCa endpoints at levels 0.90 and 0.95 from B = 10^6 resamples (independent
resampling within each group, fixed seed), with their Monte Carlo standard errors:

  * "klynge": klynge's definitions (docs/intervals.md) applied to numpy replicates: R boot's
    (B+1)p order statistics with normal-scale interpolation, z0 with mid-rank ties.
    mc_se = sd over 10 batches of 10^5 / sqrt(10) (empirical);
    mc_se_formula = klynge's analytic Monte Carlo error on the full 10^6.
  * "scipy_native": scipy.stats.bootstrap itself (its np.percentile convention), own seed.
  * "r_boot": scripts/peers/bootstrap_reference.R (R boot's boot.ci, and klynge's definitions
    on R's replicates), when Rscript with the boot package is installed.

Run:  /usr/bin/python3 scripts/peers/bootstrap_reference.py   (Debian python3-scipy; ~1 min)
"""
import datetime
import json
import math
import os
import platform
import shutil
import subprocess
import sys

import numpy as np
import scipy
from scipy import stats
from scipy.special import ndtr, ndtri
from scipy.stats import _resampling

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "data", "peers", "bootstrap_reference.json")

# The same data are typed into bootstrap_reference.R.
CASES = [
    {
        "name": "mouse",
        "note": "Efron & Tibshirani (1993) Table 2.1: survival days, treatment vs control",
        "treated": [94, 197, 16, 38, 99, 141, 23],
        "control": [52, 104, 146, 10, 51, 30, 40, 27, 46],
        "seed": 20261127,
    },
    {
        "name": "skewed_unequal",
        "note": "made-up growth rates (%), right-skewed, 12 members vs 20 non-members",
        "treated": [2.1, -0.8, 5.6, 1.2, 14.9, 3.3, 0.4, 7.8, -2.5, 22.6, 1.9, 4.4],
        "control": [1.0, -1.7, 0.6, 2.8, -0.3, 3.9, 0.1, -4.2, 1.5, 9.7, 0.9, -0.6, 2.2, 0.0,
                    5.1, -1.1, 1.8, 0.7, 12.3, -2.9],
        "seed": 20261128,
    },
]
B = 1_000_000
BATCHES = 10
LEVELS = [0.90, 0.95]
METHODS = ["percentile", "basic", "normal", "bca"]


# ---- klynge's definitions (docs/intervals.md), written independently of the C++ ----------------
def norm_inter(t, p):
    """R boot's boot:::norm.inter on sorted t: the (R+1)p-th order statistic, normal-scale
    interpolation between neighbours, extremes beyond."""
    r = len(t)
    rk = (r + 1) * p
    k = math.floor(rk)
    if k <= 0:
        return float(t[0])
    if k >= r:
        return float(t[-1])
    if k == rk:
        return float(t[k - 1])
    z, zk, zk1 = ndtri(p), ndtri(k / (r + 1)), ndtri((k + 1) / (r + 1))
    return float(t[k - 1] + (z - zk) / (zk1 - zk) * (t[k] - t[k - 1]))


def quantile_slope(t, p):
    r = len(t)
    pmin, pmax = 1 / (r + 1), r / (r + 1)
    pc = min(max(p, pmin), pmax)
    d = math.sqrt(pc * (1 - pc) / r)
    lo, hi = max(pc - d, pmin), min(pc + d, pmax)
    return (norm_inter(t, hi) - norm_inter(t, lo)) / (hi - lo)


def quantile_mc_se(t, p):
    r = len(t)
    pc = min(max(p, 1 / (r + 1)), r / (r + 1))
    return math.sqrt(pc * (1 - pc) / r) * quantile_slope(t, p)


def normal_mc_se(t, z):
    n = len(t)
    d = t - t.mean()
    m2, m3, m4 = (d**2).mean(), (d**3).mean(), (d**4).mean()
    vm, vs, c = m2 / n, (m4 - m2 * m2) / (4 * m2 * n), m3 / (2 * math.sqrt(m2) * n)
    return math.sqrt(vm + z * z * vs + 2 * z * c), math.sqrt(vm + z * z * vs - 2 * z * c)


def bca_mc_se(t, p_adj, share, a, z):
    r = len(t)
    p = min(max(p_adj, 1 / (r + 1)), r / (r + 1))
    z0 = ndtri(share)
    w = z0 + z
    den = 1 - a * w
    zp = ndtri(p_adj)
    g = math.exp(-0.5 * (zp * zp - z0 * z0)) * (1 + 1 / den**2)
    v = p * (1 - p) + g * g * share * (1 - share) - 2 * g * (min(p, share) - p * share)
    return quantile_slope(t, p_adj) * math.sqrt(max(v, 0) / r)


def klynge_intervals(t_unsorted, est, a, level):
    """All four intervals by klynge's definitions, with the analytic Monte Carlo errors."""
    t = np.sort(t_unsorted)
    r = len(t)
    pl, ph = (1 - level) / 2, (1 + level) / 2
    out = {}
    ql, qh = norm_inter(t, pl), norm_inter(t, ph)
    sl, sh = quantile_mc_se(t, pl), quantile_mc_se(t, ph)
    out["percentile"] = dict(low=ql, high=qh, mc_se_formula_low=sl, mc_se_formula_high=sh)
    out["basic"] = dict(low=2 * est - qh, high=2 * est - ql, mc_se_formula_low=sh,
                        mc_se_formula_high=sl)
    mean, se = float(t.mean()), float(t.std(ddof=1))
    bias = mean - est
    z = float(ndtri(ph))
    nl, nh = normal_mc_se(t, z)
    out["normal"] = dict(low=est - bias - z * se, high=est - bias + z * se,
                         mc_se_formula_low=nl, mc_se_formula_high=nh)
    below = int(np.sum(t < est))
    ties = int(np.sum(t == est))
    share = (below + 0.5 * ties) / r
    z0 = float(ndtri(share))
    zs = [float(ndtri(pl)), float(ndtri(ph))]
    padj = [float(ndtr(z0 + (z0 + zz) / (1 - a * (z0 + zz)))) for zz in zs]
    out["bca"] = dict(low=norm_inter(t, padj[0]), high=norm_inter(t, padj[1]),
                      mc_se_formula_low=bca_mc_se(t, padj[0], share, a, zs[0]),
                      mc_se_formula_high=bca_mc_se(t, padj[1], share, a, zs[1]),
                      z0=z0, adjusted_levels=padj, ties_with_estimate=ties)
    return out


def acceleration(treated, control):
    """scipy's multi-sample jackknife acceleration (Efron & Tibshirani eq. 15.36)."""
    jt = [(sum(treated) - x) / (len(treated) - 1) - np.mean(control) for x in treated]
    jc = [np.mean(treated) - (sum(control) - y) / (len(control) - 1) for y in control]
    num = den = 0.0
    for jack in (np.array(jt), np.array(jc)):
        n = len(jack)
        u = (n - 1) * (jack.mean() - jack)
        num += np.sum(u**3) / n**3
        den += np.sum(u**2) / n**2
    return float(num / (6 * den**1.5)), [float(v) for v in jt], [float(v) for v in jc]


def mean_diff(x, y, axis=-1):
    return np.mean(x, axis=axis) - np.mean(y, axis=axis)


def replicates(treated, control, seed):
    rng = np.random.default_rng(seed)
    x, y = np.asarray(treated, float), np.asarray(control, float)
    out = np.empty(B)
    chunk = 100_000
    for s in range(0, B, chunk):
        ix = rng.integers(0, len(x), size=(chunk, len(x)))
        iy = rng.integers(0, len(y), size=(chunk, len(y)))
        out[s:s + chunk] = x[ix].mean(axis=1) - y[iy].mean(axis=1)
    return out


def run_r():
    script = os.path.join(ROOT, "scripts", "peers", "bootstrap_reference.R")
    if shutil.which("Rscript") is None:
        return None, "Rscript not installed"
    proc = subprocess.run(["Rscript", script], capture_output=True, text=True)
    if proc.returncode != 0:
        return None, "Rscript failed: " + proc.stderr.strip()[-500:]
    return json.loads(proc.stdout), None


def main():
    r_results, r_missing = run_r()
    cases_out = []
    for case in CASES:
        x, y = np.asarray(case["treated"], float), np.asarray(case["control"], float)
        est = float(mean_diff(x, y))
        a, jt, jc = acceleration(case["treated"], case["control"])
        # scipy's own acceleration (its private _bca_interval returns a_hat for testing).
        a_scipy = float(_resampling._bca_interval((x, y), mean_diff, -1, 0.025,
                                                  np.array([est - 1, est + 1]), None)[2])
        assert abs(a - a_scipy) <= 1e-12 * max(1, abs(a)), (a, a_scipy)
        t = replicates(case["treated"], case["control"], case["seed"])
        intervals = {}
        for level in LEVELS:
            full = klynge_intervals(t, est, a, level)
            batch = [klynge_intervals(b, est, a, level) for b in t.reshape(BATCHES, -1)]
            for m in METHODS:
                for end in ("low", "high"):
                    vals = [bi[m][end] for bi in batch]
                    full[m]["mc_se_" + end] = float(np.std(vals, ddof=1) / math.sqrt(BATCHES))
            intervals[f"{level:.2f}"] = full
        scipy_native = {}
        for level in LEVELS:
            scipy_native[f"{level:.2f}"] = {}
            for m, sm in (("percentile", "percentile"), ("basic", "basic"), ("bca", "BCa")):
                res = stats.bootstrap((x, y), mean_diff, n_resamples=B, method=sm,
                                      confidence_level=level, random_state=case["seed"] + 1,
                                      vectorized=True, batch=100_000)
                scipy_native[f"{level:.2f}"][m] = dict(
                    low=float(res.confidence_interval.low),
                    high=float(res.confidence_interval.high))
        out = dict(
            name=case["name"], note=case["note"], treated=case["treated"],
            control=case["control"], estimate=est, acceleration=a,
            jackknife_treated=jt, jackknife_control=jc,
            bootstrap=dict(B=B, seed=case["seed"], generator="numpy PCG64 default_rng",
                           std_error=float(t.std(ddof=1)), bias=float(t.mean() - est),
                           intervals=intervals),
            scipy_native=dict(B=B, seed=case["seed"] + 1, intervals=scipy_native),
        )
        if r_results is not None:
            out["r_boot"] = r_results[case["name"]]
        else:
            out["r_boot"] = None
            out["r_boot_missing"] = r_missing
        cases_out.append(out)
        print(f"{case['name']}: estimate {est:.6f}, a {a:.12g}", file=sys.stderr)
    doc = dict(
        description=("Peer reference values for klynge's bootstrap intervals of a mean "
                     "difference (treated - control); see tests/data/peers/README.md for how "
                     "a test compares with them, docs/intervals.md for the definitions."),
        made_by=["scripts/peers/bootstrap_reference.py", "scripts/peers/bootstrap_reference.R"],
        made_on=datetime.date.today().isoformat(),
        versions=dict(python=platform.python_version(), numpy=np.__version__,
                      scipy=scipy.__version__,
                      r=(r_results or {}).get("versions")),
        resampling="independent resampling with replacement within each group",
        mc_se=("mc_se_low/high: sd of the endpoint over 10 batches of B/10 replicates "
               "divided by sqrt(10), the Monte Carlo standard error of the value given; "
               "mc_se_formula_*: klynge's analytic Monte Carlo error (docs/intervals.md)"),
        cases=cases_out,
    )
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("wrote", OUT, file=sys.stderr)


if __name__ == "__main__":
    main()
