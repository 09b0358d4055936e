#!/usr/bin/env python3
"""The pandas side of scripts/bench-ingest.sh: pandas.read_csv of FILE, nothing else.

Prints key=value lines: import_s (importing pandas), read_csv_s (the read_csv call alone),
rows. The process as a whole is timed by the caller; read_csv_s is the stricter figure
("pandas merely reading the file").
"""
import sys
import time

t0 = time.perf_counter()
import pandas as pd  # noqa: E402

t1 = time.perf_counter()
frame = pd.read_csv(sys.argv[1])
t2 = time.perf_counter()
print(f"import_s={t1 - t0:.4f}")
print(f"read_csv_s={t2 - t1:.4f}")
print(f"rows={len(frame)}")
