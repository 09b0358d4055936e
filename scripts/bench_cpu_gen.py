#!/usr/bin/env python3
"""Writes the bootstrap benchmark panel: 5 000 members and 100 000 controls, two years each
(2010, 2013), three metrics with lognormal levels and a member growth premium, plus the
per-firm log growth of each metric (for scipy and R) as a second CSV."""
import math
import random
import sys

members, controls = 5000, 100000
panel, growth = sys.argv[1], sys.argv[2]
rng = random.Random(20240917)
with open(panel, "w") as p, open(growth, "w") as g:
    p.write("firm_id,year,employees,revenue,value_added,member\n")
    g.write("member,employees,revenue,value_added\n")
    for f in range(members + controls):
        m = 1 if f < members else 0
        x0 = [math.exp(rng.gauss(3, 1)), math.exp(rng.gauss(9, 1.2)), math.exp(rng.gauss(8, 1.2))]
        gr = [rng.gauss(0.02 + 0.01 * m, 0.08) for _ in range(3)]
        x1 = [x0[k] * math.exp(3 * gr[k]) for k in range(3)]
        p.write(f"{f},2010,{x0[0]:.6g},{x0[1]:.6g},{x0[2]:.6g},{m}\n")
        p.write(f"{f},2013,{x1[0]:.6g},{x1[1]:.6g},{x1[2]:.6g},{m}\n")
        # Growth as klynge computes it from the printed values.
        r = [math.log(float(f"{x1[k]:.6g}") / float(f"{x0[k]:.6g}")) / 3 for k in range(3)]
        g.write(f"{m},{r[0]!r},{r[1]!r},{r[2]!r}\n")
