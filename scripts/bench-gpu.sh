#!/usr/bin/env bash
# GPU benchmark (a benchmark, not a test): klynge's CUDA launchers against the PyTorch code a
# researcher would write (scripts/bench_gpu_torch.py, when torch is importable), in the same
# run on the same card. Prints G draws/s and the PyTorch / klynge time ratio per workload.
# Workloads (issue 5): exact bootstrap of a mean n = 10^4 .. 10^7 with one and four metrics,
# Poisson bootstrap n = 10^6, the median (the count path: a warp per replicate), permutation
# of 5 000 members among 10^6 firms, and `analyze` end to end on a simulated 10^6-firm panel
# (CUDA against the CPU backend).
#   BUILD=build-gpu scripts/bench-gpu.sh     (default BUILD=build)
#   B (default 10000); BIG_B (default 1000) is used for n = 10^7 to bound the run time.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
build=${BUILD:-build}
bench=$build/tests/bench/klynge_gpu_bench
B=${B:-10000}
BIG_B=${BIG_B:-1000}
[ -x "$bench" ] || { echo "bench-gpu: $bench not built (needs the CUDA backend)" >&2; exit 69; }
have_torch=0
python3 -c "import torch; assert torch.cuda.is_available()" 2>/dev/null && have_torch=1
echo "bench-gpu: $(date -u +%FT%TZ), torch: $([ $have_torch = 1 ] && python3 -c 'import torch; print(torch.__version__)' || echo absent)"
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null || true

fail=0  # any workload that fails makes the script fail (gpu-check.sh reports it)
secs() { sed -n 's/.*: \([0-9.]*\) s,.*/\1/p' <<<"$1"; }
pair() {  # label, then the workload arguments
  local label=$1; shift
  local k t
  k=$(timeout 300 "$bench" "$@" 2>&1) || fail=1
  echo "klynge $label: $k"
  if [ $have_torch = 1 ]; then
    t=$(timeout 300 python3 scripts/bench_gpu_torch.py "$@" 2>&1 | tail -1); echo "torch  $label: $t"
    local a b; a=$(secs "$k"); b=$(secs "$t")
    [ -n "$a" ] && [ -n "$b" ] && awk -v a="$a" -v b="$b" -v l="$label" 'BEGIN{printf "ratio  %s: torch / klynge = %.2fx\n", l, b/a}'
  fi
}

for n in 10000 100000 1000000; do
  pair "exact n=$n 1 metric" boot $n 1 "$B"
  pair "exact n=$n 4 metrics" boot $n 4 "$B"
done
pair "exact n=10000000 1 metric (B=$BIG_B)" boot 10000000 1 "$BIG_B"
pair "exact n=10000000 4 metrics (B=$BIG_B)" boot 10000000 4 "$BIG_B"
pair "poisson n=1000000" boot 1000000 1 "$B" poisson
pair "median n=1000000 (count path, B=$BIG_B)" boot 1000000 1 "$BIG_B" median
pair "perm 5000 of 1000000" perm 1000000 5000 "$B"

# analyze end to end on a simulated 10^6-firm panel: CUDA against the CPU backend.
work=${TMPDIR:-/tmp}/klynge-bench-gpu
mkdir -p "$work"
[ -s "$work/panel.csv" ] || "$build/klynge" simulate --firms 1000000 --seed 1 --output "$work/panel.csv" >/dev/null
for device in cuda cpu; do
  start=$(date +%s.%N)
  "$build/klynge" analyze --input "$work/panel.csv" --from 2012 --to 2015 --bootstrap 9999 \
    --permutations 9999 --device "$device" --quiet --json "$work/$device.json" >/dev/null 2>"$work/$device.err" \
    || { fail=1; echo "analyze --device $device failed: $(head -c 300 "$work/$device.err")"; }
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" -v d="$device" 'BEGIN{printf "analyze 10^6 firms, B = 9999 + 9999, --device %s: %.2f s\n", d, e-s}'
done
exit $fail
