#!/usr/bin/env bash
# Installs what is missing, checks the formatting, builds, and runs every
# test: the plain build and its Debian package, then ASan+UBSan and TSan
# builds of the same suite (the code shares memory between processes;
# HOOKBOT_TEST_SANITIZERS=0 skips them). Then the libFuzzer targets run for
# HOOKBOT_FUZZ_SECONDS each (default 30; 0 skips).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
# Formatting first: it takes seconds and fails before a long build.
"$root/scripts/check-format.sh"

run_suite() {
  local dir=$1; shift
  echo "== $(basename "$dir"): build" >&2
  "$root/scripts/build.sh" "$dir" "$@"
  echo "== $(basename "$dir"): test" >&2
  (cd "$dir" && ctest --output-on-failure -j 2 --timeout 600)
  echo "== $(basename "$dir"): done, ${SECONDS}s since the start" >&2
}

run_suite "$root/build"
# The Debian package of that build, installed, run and purged (needs root:
# CI runs as root; HOOKBOT_TEST_PACKAGE=0 skips it).
if [ "${HOOKBOT_TEST_PACKAGE:-1}" != 0 ]; then
  echo "== package" >&2
  "$root/tests/package/test_package.sh" "$root/build"
  echo "== package: done, ${SECONDS}s since the start" >&2
fi
if [ "${HOOKBOT_TEST_SANITIZERS:-1}" != 0 ]; then
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
  # Line tables only (-g1): sanitizer reports keep file:line, the generated
  # code is the same as with -g, and the two builds compile much faster.
  # Unity builds: these two only run the tests, and compiling Asio and Beast
  # once per batch of files instead of once per file is what makes CI fit in
  # its time on a cold cache (README, "Tests"). The plain build stays one
  # file at a time, so it still checks that every file includes what it uses.
  sanitizer_build=(-DHOOKBOT_BENCH=OFF "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG"
                   -DCMAKE_UNITY_BUILD=ON)
  run_suite "$root/build-asan" -DHOOKBOT_SANITIZE=address "${sanitizer_build[@]}"
  run_suite "$root/build-tsan" -DHOOKBOT_SANITIZE=thread "${sanitizer_build[@]}"
fi
if [ "${HOOKBOT_FUZZ_SECONDS:-30}" != 0 ]; then
  echo "== build-fuzz: build and fuzz" >&2
  "$root/scripts/fuzz.sh" "$root/build-fuzz" "${HOOKBOT_FUZZ_SECONDS:-30}"
fi
