#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang in their own folder and runs
# each for a bounded time from the seed corpus in fuzz/corpus/<target>.
# A crash, sanitizer report, leak or timeout fails the command; the input that
# caused it is left in DIR/artifacts/.
#   scripts/fuzz.sh [DIR] [SECONDS per target]   (defaults: build-fuzz, 30)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$root/build-fuzz}
seconds=${2:-30}
targets=(request_fuzzer ring_reader_fuzzer stream_message_fuzzer)

export CCACHE_DIR=${CCACHE_DIR:-$root/.cache/ccache}
CC=clang CXX=clang++ cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DHOOKBOT_FUZZ=ON -DHOOKBOT_BENCH=OFF -DHOOKBOT_WERROR=ON >/dev/null
cmake --build "$dir" -j "$(nproc)" --target "${targets[@]}"

mkdir -p "$dir/artifacts"
for target in "${targets[@]}"; do
  # New inputs go to a scratch corpus, so the seeds in the repository stay as they are.
  scratch="$dir/corpus/$target"
  mkdir -p "$scratch"
  echo "== fuzz: $target for ${seconds}s" >&2
  "$dir/bin/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$dir/artifacts/$target-" \
    "$scratch" "$root/fuzz/corpus/$target" 2>"$dir/$target.log" || {
      tail -60 "$dir/$target.log" >&2
      echo "fuzz: $target found a failure; the input is in $dir/artifacts/" >&2
      exit 1
    }
  grep -E "stat::number_of_executed_units|stat::new_units_added" "$dir/$target.log" >&2 || true
done
