#!/usr/bin/env bash
# Fuzzes the panel reader and the --config reader with libFuzzer under AddressSanitizer and
# UBSan for a bounded time.
#
#   scripts/fuzz.sh [SECONDS]      default 60, for each of the three targets
#
# Builds build-fuzz/ with clang (-DKLYNGE_FUZZ=ON -DKLYNGE_SANITIZE=ON), seeds fuzz-corpus/
# from tests/data, and runs klynge_fuzz_reader (the CSV parser), then klynge_fuzz_gzip (the
# gzip inflater against zlib's gzread; corpus fuzz-corpus-gzip/, seeded with the test inputs
# gzipped whole and as two members), then klynge_fuzz_config (the --config reader; corpus
# fuzz-corpus-config/, seeded with examples/*.toml and odd shapes). A finding is written to build-fuzz/artifacts/ (crash-*,
# timeout-*, oom-*); replay one with
#   build-fuzz/tests/fuzz/klynge_fuzz_reader build-fuzz/artifacts/crash-...
# Environment: JOBS (build parallelism, default 2), FUZZ_ARGS (extra libFuzzer flags).
set -euo pipefail

seconds=${1:-60}
if ! [[ $seconds =~ ^[0-9]+$ ]] || (( seconds < 1 )); then
  echo "usage: scripts/fuzz.sh [SECONDS]" >&2
  exit 64
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$root/build-fuzz
corpus=$root/fuzz-corpus
jobs=${JOBS:-2}

for tool in clang clang++ cmake ninja; do
  command -v "$tool" >/dev/null || { echo "fuzz.sh: $tool not found (Debian: apt-get install clang cmake ninja-build)" >&2; exit 69; }
done

# libFuzzer's runtime ships separately from clang on Debian (libclang-rt-<version>-dev).
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' \
  >"$probe/probe.cpp"
if ! clang++ -fsanitize=fuzzer,address,undefined "$probe/probe.cpp" -o "$probe/probe" 2>/dev/null; then
  clang_major=$(clang++ -dumpversion | cut -d. -f1)
  package=libclang-rt-${clang_major}-dev
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "fuzz.sh: installing $package (libFuzzer runtime)"
    apt-get install -y "$package" >/dev/null
  else
    echo "fuzz.sh: clang++ cannot link -fsanitize=fuzzer; install $package (as root: apt-get install $package)" >&2
    exit 69
  fi
fi

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKLYNGE_FUZZ=ON -DKLYNGE_SANITIZE=ON -DKLYNGE_CUDA=OFF \
  -DKLYNGE_TESTS=OFF >/dev/null
ninja -C "$build" -j "$jobs" klynge_fuzz_reader klynge_fuzz_gzip klynge_fuzz_config

# Seeds: every committed test input, read with the default column map (first byte 0x00) and
# with the map picked by byte 0x30; plus short-name inputs for the other maps.
mkdir -p "$corpus" "$build/artifacts"
for f in "$root"/tests/data/io/* "$root"/tests/data/bad/*; do
  [[ -f $f && $(basename "$f") != .gitattributes ]] || continue
  name=$(basename "$f")
  { printf '\x00'; cat "$f"; } >"$corpus/seed-default-$name"
  { printf '\x30'; cat "$f"; } >"$corpus/seed-mode30-$name"
done
printf '\x01a,b,c,d\nx,2004,1.5,1\nx,2005,2,1\ny,2004,,0\n' >"$corpus/seed-short"
printf '\x02a;b;c;d;e;f;g;h\n"x";2004;1;0;K;2005;s;1.5\nx;2005;2;1;K;2005;s;2\n' >"$corpus/seed-short-all"
printf '\x03a\tb\tc\te\tf\nx\t2004\t1\tK\t2004\ny\t2004\t1\t\t\n' >"$corpus/seed-derived"

dict=$build/csv.dict
cat >"$dict" <<'DICT'
"\""
"\"\""
","
";"
"\x09"
"\x0d\x0a"
"\x0a"
"\xef\xbb\xbf"
"NA"
"."
"-1"
"1e308"
"1e-400"
"nan"
"inf"
"true"
"No"
"2004.0"
"firm_id,year,employees,revenue,value_added,member,cluster,nace,region\x0a"
"a,b,c,d,e,f,g,h\x0a"
DICT

echo "fuzz.sh: fuzzing for ${seconds}s (corpus $corpus)"
status=0
"$build/tests/fuzz/klynge_fuzz_reader" "$corpus" -dict="$dict" -max_total_time="$seconds" \
  -timeout=10 -rss_limit_mb=4096 -max_len=16384 -print_final_stats=1 \
  -artifact_prefix="$build/artifacts/" ${FUZZ_ARGS:-} || status=$?
if (( status == 0 )); then
  gz_corpus=$root/fuzz-corpus-gzip
  mkdir -p "$gz_corpus"
  for f in "$root"/tests/data/io/*; do
    [[ -f $f && $(basename "$f") != .gitattributes ]] || continue
    name=$(basename "$f")
    gzip -c "$f" >"$gz_corpus/seed-$name.gz"
    { gzip -c "$f"; gzip -c "$f"; } >"$gz_corpus/seed-two-members-$name.gz"
  done
  echo "fuzz.sh: fuzzing the gzip inflater for ${seconds}s (corpus $gz_corpus)"
  "$build/tests/fuzz/klynge_fuzz_gzip" "$gz_corpus" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=4096 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/" ${FUZZ_ARGS:-} || status=$?
fi
if (( status == 0 )); then
  cfg_corpus=$root/fuzz-corpus-config
  mkdir -p "$cfg_corpus"
  cp "$root"/examples/*.toml "$cfg_corpus"/
  printf '\xef\xbb\xbf[analyze]\ninput = "a#b.csv" # c\nci = [ # m\n  "bca",\n  "basic"]\nq\n' \
    >"$cfg_corpus/seed-shapes.toml"
  printf '[describe]\nbootstrap = 3\n[analyze]\n[analyze]\n= 1\n[[x]]\n' >"$cfg_corpus/seed-refused.toml"
  echo "fuzz.sh: fuzzing the --config reader for ${seconds}s (corpus $cfg_corpus)"
  "$build/tests/fuzz/klynge_fuzz_config" "$cfg_corpus" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=4096 -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/" ${FUZZ_ARGS:-} || status=$?
fi
if (( status != 0 )); then
  echo "fuzz.sh: FINDING (exit $status); see $build/artifacts/" >&2
  exit "$status"
fi
echo "fuzz.sh: no findings in ${seconds}s per target"
