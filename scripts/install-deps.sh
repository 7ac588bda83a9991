#!/usr/bin/env bash
# Installs the Debian 12 packages hookbot builds and tests with, if missing.
# --tests: also what only the tests need: chromium, Node.js with npm, and
# the exact playwright-core of tests/browser/package-lock.json.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

packages=(
  build-essential cmake ccache pkg-config
  libboost1.81-dev libboost-program-options1.81-dev
  libssl-dev nlohmann-json3-dev doctest-dev libsystemd-dev
  python3-websockets curl
  systemd  # systemd-analyze (unit checks) and systemd-socket-activate
  clang libfuzzer-14-dev clang-format
  prometheus  # promtool: tests/process/test_metrics.py checks /metrics with it
  openssl  # the command: throwaway certificates (tests/process TLS tests, bench/run tls-*)
  dpkg-dev strace  # tests/package: cpack's dpkg-shlibdeps; the system calls the units must allow
  nats-server libnats-dev  # cluster mode (--cluster): JetStream's server for the process tests, its C client
)
if [ "${1:-}" = --tests ]; then
  packages+=(chromium)  # tests/browser
  # Node.js from Debian, unless a Node.js with npm is there already (a
  # nodejs package from elsewhere includes npm, and Debian's npm would
  # conflict with it).
  command -v npm >/dev/null || packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -ne 0 ]; then
  echo "installing: ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ "${1:-}" = --tests ]; then
  # The pinned playwright-core (npm ci: exactly the lock file's), again
  # only when the lock file changed since.
  browser="$root/tests/browser"
  if ! cmp -s "$browser/package-lock.json" "$browser/node_modules/.installed-lock.json"; then
    echo "installing playwright-core into tests/browser/node_modules" >&2
    npm ci --prefix "$browser" --no-audit --no-fund --loglevel=error
    cp "$browser/package-lock.json" "$browser/node_modules/.installed-lock.json"
  fi
fi
