#!/usr/bin/env bash
# Installs what klynge needs on Debian/Ubuntu (idempotent), then configures and builds
# build/klynge. Usage: scripts/setup.sh [--no-build] [--build-dir DIR] [--target T ...]
#   [extra cmake args...]   (--target: build only those targets; default all)
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned by name: the versions are those of the distribution release (Debian 12 here).
PACKAGES=(
  build-essential cmake ninja-build git pkg-config
  libcli11-dev libgtest-dev googletest librandom123-dev nlohmann-json3-dev libfmt-dev
  libboost-math-dev zlib1g-dev libopenmpi-dev openmpi-bin python3 python3-matplotlib
)

build=1
build_dir=build
cmake_args=()
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --build-dir) build_dir="$2"; shift ;;
    --target) targets+=(--target "$2"); shift ;;
    *) cmake_args+=("$1") ;;
  esac
  shift
done

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    echo "setup: installing ${missing[*]}"
    sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: these Debian packages are missing; install them as root and rerun:" >&2
    echo "  apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

# The CUDA toolkit is optional: use it when installed, even if not on PATH.
if ! command -v nvcc >/dev/null && [ -x /usr/local/cuda/bin/nvcc ]; then
  export PATH=/usr/local/cuda/bin:$PATH
fi

[ "$build" -eq 1 ] || exit 0
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
# A configure that stopped half way (a package was missing) leaves a cache but no build files.
if [ ! -f "$build_dir/CMakeCache.txt" ] ||
  { [ ! -f "$build_dir/build.ninja" ] && [ ! -f "$build_dir/Makefile" ]; }; then
  cmake -S . -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "${cmake_args[@]}"
elif [ ${#cmake_args[@]} -gt 0 ]; then
  cmake "$build_dir" "${cmake_args[@]}"
fi
cmake --build "$build_dir" --parallel "$(nproc)" "${targets[@]}"
