#!/usr/bin/env bash
# Two ratios of issue 10 on a part of the shared IaC corpus:
#   - scan / parse-only: `tenet scan` against `tenet graph` (load and serialize, no rules) on
#     the same files; goal: at most 2x;
#   - 10x / 1x: the part copied 10 times into one tree against the part once; goal: at most 11x.
#
#   benches/scale.sh [PART] [COPIES] [RUNS]   PART: terraform (default), k8s or bicep;
#                                             COPIES: default 10; RUNS: default 3 (median)
#
# The copies are hard links in target/scale/PART-xN (no extra disk), each in its own
# directory, so ids and paths differ and nothing is deduplicated. Wall time and peak memory
# from GNU time; results also in target/scale/PART.json.
set -euo pipefail
cd "$(dirname "$0")/.."
part=${1:-terraform}
copies=${2:-10}
runs=${3:-3}
. benches/common.sh
prepare_corpus_bench "$part"
scale=$PWD/target/scale
one=$scale/$part-x1
many=$scale/$part-x$copies
mkdir -p "$scale"
[ -d "$one/$part" ] || { mkdir -p "$one" && cp -al "$corpus/$part" "$one/"; }
if [ ! -d "$many/copy1" ]; then
  for i in $(seq "$copies"); do
    mkdir -p "$many/copy$i" && cp -al "$corpus/$part" "$many/copy$i/"
  done
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure() { # name dir command...
  local name=$1 dir=$2
  shift 2
  (cd "$dir" && "$@" >/dev/null 2>&1) || true # warm-up
  for i in $(seq "$runs"); do
    (cd "$dir" && "$timer" -o "$work/$name.$i" -f '%e %M' "$@" >/dev/null 2>/dev/null) || true
  done
}
measure graph1 "$one" "$bin" graph . --root . --compact
measure scan1 "$one" "$bin" scan . --root . --no-config --fail-on none --format json:/dev/null
measure scanN "$many" "$bin" scan . --root . --no-config --fail-on none --format json:/dev/null

python3 - "$work" "$runs" "$part" "$copies" "$scale/$part.json" <<'PY'
import json, statistics, sys
work, runs, part, copies, dest = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
def med(name):
    rows = [list(map(float, open(f"{work}/{name}.{i}").read().split()[-2:])) for i in range(1, runs + 1)]
    return statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows) / 1024
g, s, n = med("graph1"), med("scan1"), med("scanN")
result = {"part": part, "copies": copies, "runs": runs,
          "parse_only": {"wall_s": g[0], "peak_mib": g[1]},
          "scan": {"wall_s": s[0], "peak_mib": s[1]},
          f"scan_x{copies}": {"wall_s": n[0], "peak_mib": n[1]},
          "scan_over_parse": s[0] / g[0], "scale_ratio": n[0] / s[0]}
json.dump(result, open(dest, "w"), indent=2)
ok = lambda b: "meets goal" if b else "BELOW GOAL"
print(f"{part}: parse-only {g[0]:.2f} s ({g[1]:.0f} MiB), scan {s[0]:.2f} s ({s[1]:.0f} MiB), "
      f"{copies}x scan {n[0]:.2f} s ({n[1]:.0f} MiB)")
print(f"  scan / parse-only   {s[0] / g[0]:5.2f}x  (goal <= 2x: {ok(s[0] / g[0] <= 2)})")
print(f"  {copies}x / 1x           {n[0] / s[0]:5.2f}x  (goal <= {copies + 1}x: {ok(n[0] / s[0] <= copies + 1)})")
PY
