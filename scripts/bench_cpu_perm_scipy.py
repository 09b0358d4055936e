#!/usr/bin/env python3
"""scipy.stats.permutation_test on the benchmark growth file: members vs controls, statistic
mean difference (members minus controls), vectorised, permutation_type='independent', two-sided.
Usage: bench_cpu_perm_scipy.py GROWTH.csv B [BATCH]
BATCH (permutations per vectorised batch) bounds memory: each permutation is a copy of all
105 000 values, so scipy's default batch=None holds B x n doubles at once."""
import sys
import time

import numpy as np
from scipy import stats

path, B = sys.argv[1], int(sys.argv[2])
batch = int(sys.argv[3]) if len(sys.argv) > 3 else None
data = np.loadtxt(path, delimiter=",", skiprows=1, usecols=(0, 1))
members, controls = data[data[:, 0] == 1, 1], data[data[:, 0] == 0, 1]


def mean_diff(x, y, axis=-1):
    return np.mean(x, axis=axis) - np.mean(y, axis=axis)


t0 = time.perf_counter()
res = stats.permutation_test((members, controls), mean_diff, permutation_type="independent",
                             vectorized=True, n_resamples=B, alternative="two-sided",
                             batch=batch, random_state=np.random.default_rng(1))
elapsed = time.perf_counter() - t0
print(f"scipy permutation_test mean_diff B={B} batch={batch}: {elapsed:.2f} s  "
      f"statistic={res.statistic:.6f} p={res.pvalue:.6g}")
