#!/usr/bin/env bash
# Installs the Debian 12 packages hookbot builds and tests with, if missing.
set -euo pipefail

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
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
