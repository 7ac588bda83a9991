#!/usr/bin/env bash
# Installs what is missing, checks the formatting, builds, and runs every
# test: the plain build, then ASan+UBSan and TSan builds of the same suite
# (the code shares memory between processes). HOOKBOT_TEST_SANITIZERS=0 skips the sanitizer builds. Then the
# libFuzzer targets run for HOOKBOT_FUZZ_SECONDS each (default 30; 0 skips).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"

run_suite() {
  local dir=$1; shift
  echo "== $(basename "$dir"): build" >&2
  "$root/scripts/build.sh" "$dir" "$@"
  echo "== $(basename "$dir"): test" >&2
  (cd "$dir" && ctest --output-on-failure -j 2 --timeout 600)
  echo "== $(basename "$dir"): done, ${SECONDS}s since the start" >&2
}

run_suite "$root/build"
if [ "${HOOKBOT_TEST_SANITIZERS:-1}" != 0 ]; then
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
  # Line tables only (-g1): sanitizer reports keep file:line, the generated
  # code is the same as with -g, and the two builds compile much faster.
  sanitizer_build=(-DHOOKBOT_BENCH=OFF "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG")
  run_suite "$root/build-asan" -DHOOKBOT_SANITIZE=address "${sanitizer_build[@]}"
  run_suite "$root/build-tsan" -DHOOKBOT_SANITIZE=thread "${sanitizer_build[@]}"
fi
if [ "${HOOKBOT_FUZZ_SECONDS:-30}" != 0 ]; then
  echo "== build-fuzz: build and fuzz" >&2
  "$root/scripts/fuzz.sh" "$root/build-fuzz" "${HOOKBOT_FUZZ_SECONDS:-30}"
fi
