#!/usr/bin/env bash
# One command for a machine with an NVIDIA GPU: build for the card, run the GPU tests (each
# compares the device with the CPU reference), run the GPU benchmark when there is one, and
# keep the logs under $OUT (default out/gpu-check).
#
# Build machines without the Debian -dev packages (a lent GPU box): build here with
#   scripts/gpu-check.sh --build-only
# which makes build-gpu/ with sm_90 and libstdc++/cudart linked statically (MPI off), carry
# the three binaries it needs to the GPU machine (build-gpu/klynge,
# build-gpu/tests/klynge_gpu_tests, build-gpu/tests/bench/klynge_gpu_bench: far below a
# whole build folder's size), and run scripts/gpu-check.sh there; it uses them as they are.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-out/gpu-check}
mkdir -p "$out"
arch=${CUDA_ARCH:-90}
build=build-gpu

build_it() {
  scripts/setup.sh --no-build
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES="$arch" \
    -DKLYNGE_STATIC_RUNTIME=ON -DKLYNGE_MPI=OFF
  cmake --build "$build" --parallel "$(nproc)" --target klynge klynge_cpu_tests klynge_gpu_tests klynge_gpu_bench
}

if [ "${1:-}" = "--build-only" ]; then build_it; exit 0; fi
if [ ! -x "$build/tests/klynge_gpu_tests" ]; then build_it 2>&1 | tee "$out/build.log"; fi

{
  date -u
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv 2>&1 || true
  "$build/klynge" info
} 2>&1 | tee "$out/device.log"
# Carried binaries are used as they are: say so when they are not the checkout's commit.
built=$("$build/klynge" info | sed -n '1s/.*(\(.*\)).*/\1/p')
here=$(git rev-parse --short=12 HEAD 2>/dev/null || true)
if [ -n "$here" ] && [ "$built" != "$here" ]; then
  echo "gpu-check: warning: binaries built from '$built', checkout at $here" |
    tee -a "$out/device.log"
fi

status=0
# The test binaries are run directly (not through ctest): the carried build folder's ctest
# files hold the build machine's absolute paths, so the tests are told where things are here.
scratch=$(mktemp -d)
export KLYNGE_BINARY="$PWD/$build/klynge" KLYNGE_EXAMPLES_DIR="$PWD/examples" \
  KLYNGE_TEST_DATA_DIR="$PWD/tests/data" KLYNGE_SCRATCH_DIR="$scratch"
"$build/tests/klynge_gpu_tests" --gtest_output=json:"$out/gpu-tests.json" 2>&1 |
  tee "$out/gpu-tests.log" || status=1
if grep -q "SKIPPED" "$out/gpu-tests.log"; then
  echo "gpu-check: GPU tests were skipped: no usable device" | tee -a "$out/gpu-tests.log"
  status=1
fi
if [ -x scripts/bench-gpu.sh ]; then
  BUILD="$build" scripts/bench-gpu.sh 2>&1 | tee "$out/bench-gpu.log" || status=1
fi
# Power studies, CPU against GPU on the same machine (issue 8): R = 200 datasets of 50 000
# firms each way (the time per dataset does not depend on R).
for device in cpu cuda; do
  KLYNGE="$build/klynge" BENCH_DIR="$out/power-$device" timeout 300 scripts/bench-power.sh 200 "$device" \
    2>&1 | tee "$out/bench-power-$device.log" || status=1
done
echo "gpu-check: logs in $out (status $status)"
exit $status
