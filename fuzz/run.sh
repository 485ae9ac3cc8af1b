#!/usr/bin/env bash
# Runs the fuzz targets, each for SECONDS (default 60), seeded with the fixtures.
#
#   fuzz/run.sh [SECONDS] [TARGET...]     targets: hcl plan_json bicep arm_json
#                                         kubernetes_yaml admission_review (default: all)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`); works on the stable toolchain without a
# sanitizer (`-s none`: libFuzzer's coverage guidance and crash detection, no ASan, which
# safe Rust does not need). FUZZ_PROFILE=--dev builds without optimisation (faster to build,
# slower to run: what CI's smoke run uses). Each target mutates with the tokens of its
# format too (fuzz/dict/TARGET.dict: keywords, operators, field names; libFuzzer's `-dict`).
# The corpus grows in fuzz/corpus/TARGET; a crash, a hang (an input taking over 10 s) or an
# allocation above 2 GiB stops the run and leaves the input in fuzz/artifacts/TARGET. Each
# one found becomes a file under fixtures/hostile/ and a case of tests/hostile.rs.
#
# PLATEAU=W stops a target once its edge coverage (libFuzzer's `cov:`) has not grown for W
# seconds after its corpus loaded, SECONDS being then only a cap: the way to run "until it
# stops finding new coverage". PLATEAU_EXECS=E (default 0) also asks for E executions since
# coverage last grew, so that a fuzzer starved of CPU by other work (it runs at whatever
# priority it is given) cannot pass for one at a plateau. Each target's log goes to
# fuzz/logs/TARGET.log and one line per target (executions, coverage at load and at the end,
# how it ended) to stdout.
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
mkdir -p fuzz/logs
# The `cov:` figures of the libFuzzer log lines on stdin.
cov_of() { { grep -a -o 'cov: [0-9]*' || true; } | cut -d' ' -f2; }
# The last `cov:` figure of a libFuzzer log (empty before the corpus has loaded).
coverage() { cov_of <"$1" | tail -1; }
# The executions of the last libFuzzer status line (`#N ...`) of a log.
executions() { { grep -a -o '^#[0-9]*' "$1" || true; } | tail -1 | tr -d '#'; }
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t"
  log=fuzz/logs/$t.log
  # shellcheck disable=SC2046
  cargo fuzz run -s none "$profile" "$t" "fuzz/corpus/$t" $(seeds "$t") -- \
    -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -dict="$PWD/fuzz/dict/$t.dict" >"$log" 2>&1 &
  runner=$!
  ended="ran ${secs} s"
  if [ -n "${PLATEAU:-}" ]; then
    loaded='' best=0 grew='' grew_at=0
    while kill -0 "$runner" 2>/dev/null; do
      sleep 10
      now=$(date +%s)
      if [ -z "$loaded" ]; then
        grep -a -q INITED "$log" || continue
        loaded=$now grew=$now best=$(coverage "$log") grew_at=$(executions "$log")
      fi
      cov=$(coverage "$log") ran=$(executions "$log")
      if [ "${cov:-0}" -gt "$best" ]; then best=$cov grew=$now grew_at=${ran:-0}; fi
      if [ $((now - grew)) -ge "$PLATEAU" ] &&
        [ $((${ran:-0} - grew_at)) -ge "${PLATEAU_EXECS:-0}" ]; then
        ended="plateau: no new coverage for $((now - grew)) s and $((${ran:-0} - grew_at)) executions, $((now - loaded)) s after loading"
        # libFuzzer stops on SIGINT and prints its final statistics.
        pkill -INT -f "fuzz/target/[^ ]*/$t -artifact_prefix" || true
        break
      fi
    done
  fi
  status=0
  wait "$runner" || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  start=$({ grep -a INITED "$log" || true; } | cov_of | head -1)
  echo "$t: ${execs:-?} executions, coverage ${start:-?} -> $(coverage "$log"), $ended, exit $status"
  # A crash, a hang, an allocation over the limit or a slow unit: libFuzzer keeps the input.
  if grep -a -q -E 'Test unit written to|ERROR: libFuzzer|deadly signal' "$log"; then
    echo "$t: stopped on a finding; see $log and fuzz/artifacts/$t" >&2
    exit 1
  fi
  # Stopped at a plateau, libFuzzer exits with its interrupt code; otherwise it exits 0.
  if [ "$status" -ne 0 ] && [ -z "${PLATEAU:-}" ]; then
    echo "$t: the fuzzer exited with $status; see $log" >&2
    exit 1
  fi
done
