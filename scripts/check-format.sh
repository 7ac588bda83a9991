#!/usr/bin/env bash
# Fails when a tracked C++ file differs from what clang-format (Debian 12's,
# version 14, with the root .clang-format) makes of it. `--fix` rewrites them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
  exit 0
fi
report=$(mktemp)
trap 'rm -f "$report"' EXIT
if ! clang-format --dry-run --Werror "${files[@]}" 2>"$report"; then
  grep -E '^[^ ].*: (error|warning):' "$report" | cut -d: -f1 | sort -u |
    sed 's/^/not clang-formatted: /' >&2
  echo "format: run scripts/check-format.sh --fix" >&2
  exit 1
fi
echo "format: ${#files[@]} files clang-formatted"
