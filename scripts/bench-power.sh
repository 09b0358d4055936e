#!/usr/bin/env bash
# Speed of `klynge power` (a benchmark, not a test): datasets per second for panels of 50 000
# firms (20% members) with B = 999 bootstrap replicates (percentile and BCa) and 999
# permutations (welch_t) per dataset, one premium. The issue's workload is R = 1 000 datasets;
# on a small machine run fewer and extrapolate (the time per dataset does not depend on R):
#   scripts/bench-power.sh [R] [DEVICE]   defaults: R = 1000, DEVICE = cpu (cuda: replicates on
#                                         the GPU, panels still simulated on the host)
#   KLYNGE=path/to/klynge (default: build-cpu/klynge, else build/klynge); THREADS (default 0 = all)
#   DESIGN=cohort: the cohort design instead of the window 2017-2020 (members enter 2011..2015,
#   each compared over [entry, entry + 3]; every control is in up to five cohorts' cells)
# Prints the measured rate, the extrapolated time for R = 1 000, the machine and its load;
# docs/BENCHMARKS.md records the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
R=${1:-1000}
DEVICE=${2:-cpu}
THREADS=${THREADS:-0}
KLYNGE=${KLYNGE:-}
if [[ -z $KLYNGE ]]; then
  for k in build-cpu/klynge build/klynge; do [[ -x $k ]] && { KLYNGE=$k; break; }; done
fi
[[ -n $KLYNGE && -x $KLYNGE ]] || { echo "bench-power: no klynge binary; build first or set KLYNGE" >&2; exit 66; }
DESIGN=${DESIGN:-window}
case $DESIGN in
  window) design_flags=() ;;
  cohort) design_flags=(--entry-years 2011:2015 --horizon 3) ;;
  *) echo "bench-power: DESIGN must be window or cohort (got $DESIGN)" >&2; exit 64 ;;
esac
work=${BENCH_DIR:-/tmp/klynge-bench-power}
mkdir -p "$work"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s.%N)
"$KLYNGE" power --firms 50000 --member-share 0.2 --premium 0.02 --datasets "$R" \
  --bootstrap 999 --permutations 999 --interval percentile,bca --seed 1 \
  --threads "$THREADS" --device "$DEVICE" "${design_flags[@]}" -q --json "$work/power.json" \
  > "$work/table.txt"  # the study's own table; the figures below are the benchmark's
end=$(date +%s.%N)
echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work/power.json" "$R" "$start" "$end" "$DESIGN" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
R = int(sys.argv[2]); wall = float(sys.argv[4]) - float(sys.argv[3])
t = report["timing"]
rate = t["datasets_per_second"]
print(f"R = {R} datasets of 50000 firms, {sys.argv[5]} design, B = 999, P = 999, "
      f"device {report['provenance']['device']}:")
print(f"  wall {wall:.1f} s (true-premium panel {t['truth_s']:.1f} s, once per premium)")
print(f"  {rate:.4f} datasets/s = {1 / rate:.2f} s per dataset")
if R != 1000:
    print(f"  extrapolated to R = 1000: {1000 / rate / 60:.1f} min (+ {t['truth_s']:.0f} s for the truth)")
row = next(r for r in report["power"] if r["metric"] == "revenue")
print(f"  (revenue: power {row['rejection_rate']:.3f}, percentile coverage "
      f"{row['coverage']['percentile']['rate']:.3f})")
PY
