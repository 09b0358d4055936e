#!/usr/bin/env bash
# Remakes the synthetic example panel examples/firms.csv, byte for byte (same seed, same
# bytes on any machine and thread count). Usage: scripts/make-examples.sh [path/to/klynge]
set -euo pipefail
cd "$(dirname "$0")/.."
klynge=${1:-build/klynge}
"$klynge" simulate --firms 2000 --years 2008:2020 --member-share 0.1 --clusters 12 \
  --premium employees=0.01,revenue=0.03,value_added=0.03 --seed 1 -o examples/firms.csv
