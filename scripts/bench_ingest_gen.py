#!/usr/bin/env python3
"""Writes a deterministic synthetic firm panel for scripts/bench-ingest.sh.

Long format, one row per firm and year, the default klynge columns:
firm_id, year, employees, revenue, value_added, member, cluster, nace, region.
About 10% of firms are cluster members (label in `cluster`, member = 1); about 2% of metric
cells are missing (empty or NA). The same arguments always give the same bytes.

    scripts/bench_ingest_gen.py --out FILE [--mb 80] [--seed 20240601]
"""
import argparse
import math
import os
import random
import sys

CLUSTERS = [
    "NCE Maritime CleanTech", "NCE Seafood Innovation", "GCE Ocean Technology", "NCE Media",
    "Arena Helse", "GCE Node", "NCE Raufoss", "Oslo Cancer Cluster", "Norwegian Smart Care",
    "GCE Blue Maritime", "NCE Eyde", "Heidner Biocluster", "Digital Norway", "Visit Lofoten",
    "Arena Lindesnes", "NCE iKuben", "Smart Innovation Norway", "Norwegian Wood Cluster",
    "Energy Valley", "Future Materials", "Arena Tech Park", "NCE Tourism Fjord Norway",
    "Klosser Innovasjon", "Arctic Cluster Team", "Proneo",
]
REGIONS = ["NO081", "NO082", "NO091", "NO092", "NO0A1", "NO0A2", "NO0A3", "NO060", "NO071",
           "NO074"]
YEARS = list(range(2008, 2022))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--mb", type=float, default=80.0, help="approximate size in MB")
    ap.add_argument("--seed", type=int, default=20240601)
    args = ap.parse_args()

    rng = random.Random(args.seed)
    target = int(args.mb * 1e6)
    tmp = args.out + ".tmp"
    written = 0
    firm = 0
    with open(tmp, "w", newline="") as out:
        header = "firm_id,year,employees,revenue,value_added,member,cluster,nace,region\n"
        out.write(header)
        written += len(header)
        while written < target:
            firm += 1
            fid = "F%07d" % firm
            member = rng.random() < 0.10
            cluster = rng.choice(CLUSTERS) if member else ""
            if "," in cluster:
                cluster = '"%s"' % cluster
            nace = "%s%02d.%d" % (rng.choice("CGJMN"), rng.randint(10, 99), rng.randint(1, 9))
            region = rng.choice(REGIONS)
            m = "1" if member else "0"
            first = rng.choice(YEARS[:8])
            last = rng.choice(YEARS[8:])
            size = math.exp(rng.gauss(2.0, 1.3))
            lines = []
            for year in range(first, last + 1):
                size *= math.exp(rng.gauss(0.03 + (0.02 if member else 0.0), 0.15))
                emp = str(int(size) + 1)
                rev = "%.1f" % (size * rng.uniform(800.0, 2500.0))
                va = "%.1f" % (size * rng.uniform(300.0, 900.0))
                r = rng.random()
                if r < 0.01:
                    rev = "NA"
                elif r < 0.02:
                    va = ""
                lines.append(f"{fid},{year},{emp},{rev},{va},{m},{cluster},{nace},{region}\n")
            chunk = "".join(lines)
            out.write(chunk)
            written += len(chunk)
    os.replace(tmp, args.out)
    print(f"{args.out}: {written / 1e6:.1f} MB, {firm} firms", file=sys.stderr)


if __name__ == "__main__":
    main()
