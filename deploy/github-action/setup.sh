#!/usr/bin/env bash
# Step "Locate tenet": the executable given as `binary`, or which release to install for this
# runner and where (outputs bin, or version, target, dir and cache-key).
set -euo pipefail
. "$(dirname "$0")/common.sh"

if [ -n "${INPUT_BINARY:-}" ]; then
  if ! command -v -- "$INPUT_BINARY" >/dev/null 2>&1; then
    die "binary: '$INPUT_BINARY' is not an executable"
  fi
  out bin "$INPUT_BINARY"
  exit 0
fi

version=${INPUT_VERSION:-}
version=${version#v}
if [ -z "$version" ]; then
  version=$(source_version)
fi
case "$version" in
  "" | *[!0-9A-Za-z.+-]*) die "version: '$version' is not a tenet version (such as 0.1.0)" ;;
esac

case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
  Linux/X64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64) target=aarch64-unknown-linux-musl ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc ;;
  *) die "no tenet release for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}; install tenet and set binary: to it" ;;
esac

out version "$version"
out target "$target"
out dir "${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-/tmp}}/tenet/$version/$target"
out cache-key "tenet-$version-$target"
