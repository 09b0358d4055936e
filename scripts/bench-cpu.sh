#!/usr/bin/env bash
# Bootstrap speed on the CPU (a benchmark, not a test): two-sample bootstrap of the mean
# difference, 5 000 members and 100 000 controls, against scipy.stats.bootstrap (vectorised,
# same statistic, percentile and BCa) and R boot (stratified, perc and bca), in one run.
# Prints wall time and peak RSS of each; docs/BENCHMARKS.md records the figures.
#   scripts/bench-cpu.sh [B] [R_B]     defaults: B = 10000 for klynge and scipy, R_B = 1000
#                                      for R boot (scaled to B in the ratio, said so)
#   SKIP_PEERS=1 runs klynge alone, SKIP_R=1 skips R boot; SCIPY_BATCH (default 500) bounds scipy's memory.
# Needs: build/klynge, /usr/bin/time, python3 with scipy (Debian python3-scipy), r-cran-boot.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-10000}
RB=${2:-1000}
BATCH=${SCIPY_BATCH:-500}
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
  printf '%-28s %9.2f s %8s MB   %s\n' "$name" "${secs[$name]}" "${rss[$name]}" "$(grep -m1 -E 'scipy|R boot|mean_diff' "$work/$name.out" | head -c 90)"
}
K=(build/klynge analyze --input "$work/panel.csv" --from 2010 --to 2013 --bootstrap "$B")
echo "B = $B (R boot: $RB, scaled), $(nproc) cores, $(date -u +%FT%TZ)"
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

scale=$(awk -v b="$B" -v r="$RB" 'BEGIN{print b/r}')
ratio() {  # NA (a failed or skipped run) prints n/a
  if [[ -z ${1:-} || -z ${2:-} || $1 == NA || $2 == NA ]]; then echo n/a; return; fi
  awk -v a="$1" -v b="$2" -v s="${3:-1}" 'BEGIN{printf "%.1fx", a*s/b}'
}
echo
echo "scipy percentile / klynge percentile: $(ratio "${secs[scipy_percentile]:-}" "${secs[klynge_percentile_1metric]}")"
echo "scipy BCa / klynge BCa:               $(ratio "${secs[scipy_bca]:-}" "${secs[klynge_bca_1metric]}")"
echo "R boot perc (x$scale) / klynge:       $(ratio "${secs[rboot_perc]:-}" "${secs[klynge_percentile_1metric]}" "$scale")"
echo "R boot bca (x$scale) / klynge BCa:    $(ratio "${secs[rboot_bca]:-}" "${secs[klynge_bca_1metric]}" "$scale")"
echo "klynge 3 metrics / 1 metric:          $(ratio "${secs[klynge_percentile_3metric]}" "${secs[klynge_percentile_1metric]}")"
