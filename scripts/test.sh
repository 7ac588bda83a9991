#!/usr/bin/env bash
# Installs what is missing, checks the formatting, builds, and runs every
# test: the plain build and its Debian package, then an ASan+UBSan build of
# the same suite (the code shares memory between processes) and a TSan build
# of the unit tests that start threads (HOOKBOT_TEST_SANITIZERS=0 skips both). Then the libFuzzer targets run for
# HOOKBOT_FUZZ_SECONDS each (default 30; 0 skips).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh" --tests
# Formatting first: it takes seconds and fails before a long build.
"$root/scripts/check-format.sh"

# run_suite DIR [--target T --label L] [cmake args...]: builds DIR (all of
# it, or target T) and runs its tests (all of them, or those labelled L).
run_suite() {
  local dir=$1; shift
  local build=() select=()
  if [ "${1:-}" = --target ]; then
    build=(--target "$2"); select=(-L "$4"); shift 4
  fi
  echo "== $(basename "$dir"): build" >&2
  "$root/scripts/build.sh" "$dir" "$@" -- "${build[@]}"
  echo "== $(basename "$dir"): test" >&2
  (cd "$dir" && ctest --output-on-failure -j 2 --timeout 600 "${select[@]}")
  echo "== $(basename "$dir"): done, ${SECONDS}s since the start" >&2
}

# Line tables only (-g1) in every build: backtraces and sanitizer reports keep
# file:line, and the heaviest Beast files compile in a third less time.
run_suite "$root/build" "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" \
  -DHOOKBOT_BROWSER_TESTS=ON -DHOOKBOT_CLUSTER=ON
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
  # -O1, as the sanitizers' own documentation advises: fast enough to run,
  # and each file compiles in less time than at -O2. Unity builds: these two
  # only run the tests, and compiling Asio and Beast once per batch of files
  # instead of once per file is what keeps CI inside its time on a cold cache
  # (README, "Tests"). The plain build stays one file at a time, so it still
  # checks that every file includes what it uses.
  sanitizer_build=(-DHOOKBOT_BENCH=OFF "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG"
                   -DCMAKE_UNITY_BUILD=ON)
  run_suite "$root/build-asan" -DHOOKBOT_SANITIZE=address "${sanitizer_build[@]}"
  # TSan: only the unit tests that start threads (tests/CMakeLists.txt says why).
  run_suite "$root/build-tsan" --target threaded_tests --label threads \
    -DHOOKBOT_SANITIZE=thread "${sanitizer_build[@]}"
fi
if [ "${HOOKBOT_FUZZ_SECONDS:-30}" != 0 ]; then
  echo "== build-fuzz: build and fuzz" >&2
  "$root/scripts/fuzz.sh" "$root/build-fuzz" "${HOOKBOT_FUZZ_SECONDS:-30}"
fi
