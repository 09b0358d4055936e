#!/usr/bin/env bash
# CPU speed (a benchmark, not a test), 5 000 members and 100 000 controls, peers in the same run.
# Prints wall time and peak RSS of each; docs/BENCHMARKS.md records the figures.
#
# BENCH=boot (default): two-sample bootstrap of the mean difference against
# scipy.stats.bootstrap (vectorised, same statistic, percentile and BCa) and R boot (stratified,
# perc and bca). klynge runs with --permutations 0 so that it times the bootstrap alone.
#   scripts/bench-cpu.sh [B] [R_B]     defaults: B = 10000 for klynge and scipy, R_B = 1000
#                                      for R boot (scaled to B in the ratio, said so)
#   SKIP_PEERS=1 runs klynge alone, SKIP_R=1 skips R; SCIPY_BATCH (default 500) bounds scipy's memory.
#
# BENCH=perm: Monte Carlo permutation test (labels shuffled across all firms, two-sided), one and
# three metrics, klynge `analyze --bootstrap 0 --permutations B` with --perm-statistic
# mean_diff and with the default welch_t, against scipy.stats.permutation_test (vectorised,
# permutation_type='independent', mean difference), a hand-written numpy loop
# (scripts/bench_cpu_perm_numpy.py, mean_diff and welch_t) and R coin's
# oneway_test(distribution = approximate(nresample = COIN_B)).
#   BENCH=perm scripts/bench-cpu.sh [B]   default B = 10000 for all; COIN_B (default B) for coin,
#                                         scaled to B in the ratio
#   SCIPY_PERM_BATCH (default 1000) bounds scipy's memory (batch x 105 000 doubles per batch).
# BENCH=all runs both.
# Needs: build/klynge, /usr/bin/time, python3 with scipy (Debian python3-scipy), r-cran-boot,
# r-cran-coin.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-10000}
RB=${2:-1000}
CB=${COIN_B:-$B}
BATCH=${SCIPY_BATCH:-500}
PBATCH=${SCIPY_PERM_BATCH:-1000}
BENCH=${BENCH:-boot}
[[ $BENCH == boot || $BENCH == perm || $BENCH == all ]] || { echo "BENCH must be boot, perm or all" >&2; exit 64; }
PY=python3
$PY -c "import scipy" 2>/dev/null || PY=/usr/bin/python3
work=${BENCH_DIR:-/tmp/klynge-bench-cpu}
mkdir -p "$work"
[[ -s $work/panel.csv ]] || python3 scripts/bench_cpu_gen.py "$work/panel.csv" "$work/growth.csv"

declare -A secs rss
run() {  # name, command...
  local name=$1; shift
  if ! /usr/bin/time -v "$@" >"$work/$name.out" 2>"$work/$name.time"; then
    secs[$name]=NA
    printf '%-28s failed: %s\n' "$name" "$(grep -m1 -E 'Error|error' "$work/$name.time" "$work/$name.out" | head -c 100)"
    return 0
  fi
  secs[$name]=$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$work/$name.time")
  rss[$name]=$(awk -F': ' '/Maximum resident/{printf "%.0f", $2/1024}' "$work/$name.time")
  printf '%-28s %9.2f s %8s MB   %s\n' "$name" "${secs[$name]}" "${rss[$name]}" "$(grep -m1 -E 'scipy|R boot|R coin|numpy|mean_diff|welch_t' "$work/$name.out" | head -c 90)"
}
scale=$(awk -v b="$B" -v r="$RB" 'BEGIN{print b/r}')
ratio() {  # NA (a failed or skipped run) prints n/a
  if [[ -z ${1:-} || -z ${2:-} || $1 == NA || $2 == NA ]]; then echo n/a; return; fi
  awk -v a="$1" -v b="$2" -v s="${3:-1}" 'BEGIN{printf "%.1fx", a*s/b}'
}
echo "$(nproc) cores, $(date -u +%FT%TZ), load: $(cut -d' ' -f1-3 /proc/loadavg)"

if [[ $BENCH != perm ]]; then
K=(build/klynge analyze --input "$work/panel.csv" --from 2010 --to 2013 --bootstrap "$B" --permutations 0)
echo "bootstrap: B = $B (R boot: $RB, scaled)"
run klynge_percentile_1metric "${K[@]}" --metrics employees --ci percentile
run klynge_bca_1metric        "${K[@]}" --metrics employees --ci bca
run klynge_percentile_3metric "${K[@]}" --ci percentile
run klynge_bca_3metric        "${K[@]}" --ci bca
if [[ -z ${SKIP_PEERS:-} ]]; then
run scipy_percentile "$PY" scripts/bench_cpu_scipy.py "$work/growth.csv" "$B" percentile "$BATCH"
run scipy_bca        "$PY" scripts/bench_cpu_scipy.py "$work/growth.csv" "$B" BCa "$BATCH"
if [[ -z ${SKIP_R:-} ]]; then
run rboot_perc Rscript scripts/bench_cpu_boot.R "$work/growth.csv" "$RB" perc
run rboot_bca  Rscript scripts/bench_cpu_boot.R "$work/growth.csv" "$RB" bca
fi
fi

echo
echo "scipy percentile / klynge percentile: $(ratio "${secs[scipy_percentile]:-}" "${secs[klynge_percentile_1metric]}")"
echo "scipy BCa / klynge BCa:               $(ratio "${secs[scipy_bca]:-}" "${secs[klynge_bca_1metric]}")"
echo "R boot perc (x$scale) / klynge:       $(ratio "${secs[rboot_perc]:-}" "${secs[klynge_percentile_1metric]}" "$scale")"
echo "R boot bca (x$scale) / klynge BCa:    $(ratio "${secs[rboot_bca]:-}" "${secs[klynge_bca_1metric]}" "$scale")"
echo "klynge 3 metrics / 1 metric:          $(ratio "${secs[klynge_percentile_3metric]}" "${secs[klynge_percentile_1metric]}")"
fi

if [[ $BENCH != boot ]]; then
P=(build/klynge analyze --input "$work/panel.csv" --from 2010 --to 2013 --bootstrap 0 --permutations "$B")
echo
echo "permutation: B = $B (R coin: $CB, scaled), load: $(cut -d' ' -f1-3 /proc/loadavg)"
run klynge_perm_mean_1metric  "${P[@]}" --metrics employees --perm-statistic mean_diff
run klynge_perm_welch_1metric "${P[@]}" --metrics employees
run klynge_perm_mean_3metric  "${P[@]}" --perm-statistic mean_diff
run klynge_perm_welch_3metric "${P[@]}"
if [[ -z ${SKIP_PEERS:-} ]]; then
run numpy_perm_mean_1metric  "$PY" scripts/bench_cpu_perm_numpy.py "$work/growth.csv" "$B" mean_diff 1
run numpy_perm_welch_1metric "$PY" scripts/bench_cpu_perm_numpy.py "$work/growth.csv" "$B" welch_t 1
run numpy_perm_mean_3metric  "$PY" scripts/bench_cpu_perm_numpy.py "$work/growth.csv" "$B" mean_diff 3
run scipy_perm_mean_1metric  "$PY" scripts/bench_cpu_perm_scipy.py "$work/growth.csv" "$B" "$PBATCH"
if [[ -z ${SKIP_R:-} ]]; then
run coin_perm_1metric Rscript scripts/bench_cpu_perm_coin.R "$work/growth.csv" "$CB"
fi
fi
echo
echo "scipy / klynge (mean_diff, 1 metric):         $(ratio "${secs[scipy_perm_mean_1metric]:-}" "${secs[klynge_perm_mean_1metric]}")"
echo "numpy / klynge (mean_diff, 1 metric):         $(ratio "${secs[numpy_perm_mean_1metric]:-}" "${secs[klynge_perm_mean_1metric]}")"
echo "numpy / klynge (welch_t, 1 metric):           $(ratio "${secs[numpy_perm_welch_1metric]:-}" "${secs[klynge_perm_welch_1metric]}")"
echo "numpy / klynge (mean_diff, 3 metrics):        $(ratio "${secs[numpy_perm_mean_3metric]:-}" "${secs[klynge_perm_mean_3metric]}")"
cscale=$(awk -v b="$B" -v r="$CB" 'BEGIN{print b/r}')
echo "R coin (x$cscale) / klynge (mean_diff, 1):    $(ratio "${secs[coin_perm_1metric]:-}" "${secs[klynge_perm_mean_1metric]}" "$cscale")"
echo "klynge 3 metrics / 1 metric (welch_t):        $(ratio "${secs[klynge_perm_welch_3metric]}" "${secs[klynge_perm_welch_1metric]}")"
fi
