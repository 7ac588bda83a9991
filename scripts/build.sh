#!/usr/bin/env bash
# Configures and builds one build folder:
#   scripts/build.sh [DIR] [extra cmake args...] [-- extra build args...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$root/build}
shift || true
configure=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do configure+=("$1"); shift; done
[ $# -gt 0 ] && shift  # the --
export CCACHE_DIR=${CCACHE_DIR:-$root/.cache/ccache}
cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHOOKBOT_WERROR=ON "${configure[@]}" >/dev/null
cmake --build "$dir" -j "$(nproc)" "$@"
