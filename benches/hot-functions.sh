#!/usr/bin/env bash
# Writes benches/hot-functions.txt: the functions of the release binary that scans run,
# hottest first, for the linker to lay out together (build.rs passes the list to LLD as a
# symbol ordering file). The kernel maps a binary's code in 64 KiB windows around each page
# a process touches; with the few thousand functions a scan runs spread over 12 MB of code,
# 9 MiB of it was resident in every scan.
#
#   benches/hot-functions.sh           profile and write the list (needs valgrind)
#   benches/hot-functions.sh --check   how many listed names the current release binary has
#
# The profile: callgrind (names not demangled) on the shared corpus' Bicep files, Kubernetes
# files and Terraform part, as benches/checkov.sh scans them, and on fixtures/ (every loader,
# every output format). Symbol names carry hashes that change with the compiler version, the
# crate's version, features and dependencies: a name the binary no longer has is skipped at
# link time, so a stale list makes a larger resident set, never a failed build. Run --check
# after such a change, and this script when it reports names missing.
set -euo pipefail
cd "$(dirname "$0")/.."
list=benches/hot-functions.txt
if [ "${1:-}" = --check ]; then
  cargo build --release --locked -q
  exec python3 benches/hot_functions.py check target/release/tenet "$list"
fi
command -v valgrind >/dev/null || { echo "valgrind is needed: apt-get install valgrind" >&2; exit 2; }
. benches/common.sh
prepare_corpus_bench terraform
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
profile() { # NAME ARGS...
  local name=$1; shift
  valgrind --tool=callgrind --demangle=no --callgrind-out-file="$work/$name.out" \
    "$bin" scan "$@" --fail-on none >/dev/null 2>&1 || true
}
part_files bicep
(cd "$corpus" && profile bicep "${files[@]}" --root . --format "json:/dev/null")
part_files k8s
(cd "$corpus" && profile k8s "${files[@]}" --root . --format "sarif:/dev/null")
(cd "$corpus" && profile terraform terraform --root . --format "text:/dev/null")
profile fixtures fixtures --no-config --format "json:/dev/null" --format "sarif:/dev/null" \
  --evidence "$work/evidence.zip"
python3 benches/hot_functions.py write "$list" "$work"/*.out
python3 benches/hot_functions.py check "$bin" "$list"
