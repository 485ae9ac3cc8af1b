#!/usr/bin/env bash
# Runs the fuzz targets, each for SECONDS (default 60), seeded with the fixtures.
#
#   fuzz/run.sh [SECONDS] [TARGET...]     targets: hcl plan_json bicep arm_json
#                                         kubernetes_yaml admission_review (default: all)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`); works on the stable toolchain without a
# sanitizer (`-s none`: libFuzzer's coverage guidance and crash detection, no ASan, which
# safe Rust does not need). FUZZ_PROFILE=--dev builds without optimisation (faster to build,
# slower to run: what CI's smoke run uses). The corpus grows in fuzz/corpus/TARGET; a crash,
# a hang (an input taking over 10 s) or an allocation above 2 GiB stops the run and leaves
# the input in fuzz/artifacts/TARGET. Each one found becomes a file under fixtures/hostile/
# and a case of tests/hostile.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(hcl plan_json bicep arm_json kubernetes_yaml admission_review)
profile=${FUZZ_PROFILE:---release}
seeds() {
  case $1 in
    hcl) echo fixtures/terraform fixtures/hostile/terraform ;;
    plan_json) echo fixtures/terraform/plan fixtures/hostile/json ;;
    bicep) echo fixtures/bicep fixtures/hostile/bicep ;;
    arm_json) echo fixtures/arm fixtures/hostile/json ;;
    kubernetes_yaml) echo fixtures/kubernetes fixtures/hostile/yaml ;;
    admission_review) echo fixtures/admission ;;
    *) echo "unknown fuzz target $1" >&2; exit 2 ;;
  esac
}
cargo fuzz build -s none "$profile"
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t"
  # shellcheck disable=SC2046
  cargo fuzz run -s none "$profile" "$t" "fuzz/corpus/$t" $(seeds "$t") -- \
    -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
done
