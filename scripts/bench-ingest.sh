#!/usr/bin/env bash
# Ingest benchmark: klynge reading a synthetic ~80 MB firm panel vs pandas.read_csv of the
# same file, whole processes, alternating runs, medians.
#
#   scripts/bench-ingest.sh [MB]      default 80
#
# The klynge side is `klynge describe --input FILE --from 2010 --to 2013` when the build has a
# working describe, else build/tests/bench/klynge_ingest_bench FILE (read_panel alone, all
# columns mapped). The pandas side is scripts/bench_ingest_pandas.py, which also reports the
# read_csv call alone. The data file is generated once (deterministic) under the build folder.
# Environment: BUILD (default build), RUNS (default 5), THREADS (klynge threads, 0 = all).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD:-$root/build}
mb=${1:-80}
runs=${RUNS:-5}
threads=${THREADS:-0}

# ---- a Python with pandas ------------------------------------------------------------------
find_python() {
  local py
  for py in python3 /usr/bin/python3; do
    if command -v "$py" >/dev/null && "$py" -c 'import pandas' 2>/dev/null; then
      command -v "$py"
      return 0
    fi
  done
  return 1
}
if ! py=$(find_python); then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "bench-ingest: installing python3-pandas" >&2
    apt-get install -y python3-pandas >/dev/null || { apt-get update >/dev/null && apt-get install -y python3-pandas >/dev/null; }
  else
    echo "bench-ingest: installing pandas with pip (--user)" >&2
    python3 -m pip install --user pandas >/dev/null
  fi
  py=$(find_python) || { echo "bench-ingest: cannot get pandas (apt-get install python3-pandas, or pip install pandas)" >&2; exit 69; }
fi

# ---- the data ------------------------------------------------------------------------------
data=$build/bench-ingest/panel-${mb}mb.csv
if [[ ! -f $data ]]; then
  mkdir -p "$(dirname "$data")"
  "$py" "$root/scripts/bench_ingest_gen.py" --mb "$mb" --out "$data"
fi
bytes=$(stat -c %s "$data")

# ---- the klynge command --------------------------------------------------------------------
[[ -x $build/klynge ]] || { echo "bench-ingest: build klynge first (cmake -S . -B build -G Ninja && ninja -C build)" >&2; exit 69; }
if "$build/klynge" describe --help 2>/dev/null | grep -q -- '--input'; then
  klynge_cmd="$(printf '%q ' "$build/klynge" describe --input "$data" --from 2010 --to 2013 --threads "$threads")"
  name=describe
else
  ninja -C "$build" klynge_ingest_bench >/dev/null 2>&1 || true
  bench=$build/tests/bench/klynge_ingest_bench
  [[ -x $bench ]] || { echo "bench-ingest: no working 'klynge describe' and no $bench (add tests/bench to the build)" >&2; exit 69; }
  klynge_cmd="$(printf '%q ' "$bench" "$data" --threads "$threads")"
  name=read_panel
fi
pandas_cmd="$(printf '%q ' "$py" "$root/scripts/bench_ingest_pandas.py" "$data")"

echo "bench-ingest: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"
echo "bench-ingest: klynge = $klynge_cmd"
echo "bench-ingest: pandas = $pandas_cmd ($("$py" -c 'import pandas; print("pandas", pandas.__version__)'))"
"$py" "$root/scripts/bench_ingest_time.py" --bytes "$bytes" --runs "$runs" \
  --name-a "klynge-$name" --name-b pandas --a "$klynge_cmd" --b "$pandas_cmd"
