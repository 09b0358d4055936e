#!/usr/bin/env python3
"""scipy.stats.bootstrap on the benchmark growth file: two-sample mean difference (members
minus controls), vectorised, one metric. Usage: bench_cpu_scipy.py GROWTH.csv B METHOD [BATCH]
METHOD is percentile or BCa; BATCH (resamples per vectorised batch) bounds memory: without it
scipy materialises B x n indices (8 GB for 100 000 controls and B = 10 000)."""
import sys
import time

import numpy as np
from scipy import stats

path, B, method = sys.argv[1], int(sys.argv[2]), sys.argv[3]
batch = int(sys.argv[4]) if len(sys.argv) > 4 else None
data = np.loadtxt(path, delimiter=",", skiprows=1, usecols=(0, 1))
members, controls = data[data[:, 0] == 1, 1], data[data[:, 0] == 0, 1]


def mean_diff(x, y, axis=-1):
    return np.mean(x, axis=axis) - np.mean(y, axis=axis)


t0 = time.perf_counter()
res = stats.bootstrap((members, controls), mean_diff, n_resamples=B, vectorized=True,
                      method=method, batch=batch, random_state=np.random.default_rng(1))
elapsed = time.perf_counter() - t0
print(f"scipy {method} B={B} batch={batch}: {elapsed:.2f} s  CI=({res.confidence_interval.low:.6f}, "
      f"{res.confidence_interval.high:.6f}) se={res.standard_error:.6f}")
