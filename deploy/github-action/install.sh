#!/usr/bin/env bash
# Step "Install tenet": the release archive for this runner, checked against its published
# SHA-256, else (no release reachable) a build from source with `cargo install --locked`.
# Environment: TENET_VERSION, TENET_TARGET, TENET_DIR (from setup.sh), ACTION_REPOSITORY, and
# TENET_DOWNLOAD_URL to download from a mirror instead of the action's GitHub releases.
set -euo pipefail
. "$(dirname "$0")/common.sh"

exe=tenet
case "$TENET_TARGET" in *windows*) exe=tenet.exe ;; esac
bin="$TENET_DIR/bin/$exe"

if [ -x "$bin" ]; then
  echo "tenet $TENET_VERSION ($TENET_TARGET) restored from the cache"
  out bin "$bin"
  exit 0
fi

fetch() {
  if command -v curl >/dev/null 2>&1; then
    curl --fail --silent --show-error --location --retry 3 --output "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget --quiet --output-document="$2" "$1"
  else
    echo "neither curl nor wget is installed" >&2
    return 1
  fi
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

base=${TENET_DOWNLOAD_URL:-}
if [ -z "$base" ] && [ -n "${ACTION_REPOSITORY:-}" ]; then
  base="https://github.com/$ACTION_REPOSITORY/releases/download"
fi
archive="tenet-$TENET_VERSION-$TENET_TARGET.tar.gz"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ -n "$base" ] &&
  fetch "$base/v$TENET_VERSION/$archive" "$tmp/$archive" &&
  fetch "$base/v$TENET_VERSION/$archive.sha256" "$tmp/$archive.sha256"; then
  expected=$(cut -d' ' -f1 <"$tmp/$archive.sha256" | tr -d '\r\n')
  actual=$(sha256 "$tmp/$archive")
  if [ "$expected" != "$actual" ]; then
    die "$archive does not match its published SHA-256 (expected $expected, got $actual); not installed"
  fi
  mkdir -p "$TENET_DIR/bin"
  tar -xzf "$tmp/$archive" -C "$TENET_DIR/bin"
  echo "tenet $TENET_VERSION ($TENET_TARGET) installed from $base (sha256 $actual)"
else
  echo "::notice title=tenet::no release archive of tenet $TENET_VERSION for $TENET_TARGET could be downloaded; building it from source with cargo install --locked (several minutes)"
  command -v cargo >/dev/null 2>&1 ||
    die "cargo is not installed: add a Rust toolchain step (such as dtolnay/rust-toolchain@stable) or set binary: to an installed tenet"
  if [ "$(source_version)" = "$TENET_VERSION" ]; then
    cargo install --locked --path "$GITHUB_ACTION_PATH" --root "$TENET_DIR"
  elif [ -n "${ACTION_REPOSITORY:-}" ]; then
    cargo install --locked --root "$TENET_DIR" --git "https://github.com/$ACTION_REPOSITORY" --tag "v$TENET_VERSION" tenet
  else
    die "tenet $TENET_VERSION is neither released nor the version of this action's source ($(source_version))"
  fi
fi

[ -x "$bin" ] || die "the installation left no executable at $bin"
"$bin" --version
out bin "$bin"
