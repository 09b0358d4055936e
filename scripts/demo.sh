#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job on the bundled example panel:
# members of 12 simulated clusters vs non-members, growth over the first three years after
# entry, per cohort and aggregated. The report lands in out/demo.json.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
mkdir -p out
build/klynge describe --input examples/firms.csv --entry entry_year --horizon 3 \
  --json out/demo.json "$@"
echo
echo "JSON report: out/demo.json"
