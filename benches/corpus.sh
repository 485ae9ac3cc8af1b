#!/usr/bin/env bash
# Times `tenet scan` on a part of the shared IaC corpus (../shared/corpus/iac-corpus.tar.xz).
#
#   benches/corpus.sh [PART] [RUNS]     PART: terraform (default), k8s or bicep; RUNS: default 5
#
# Extracts the corpus once into $CORPUS_DIR (default: target/corpus), builds the release
# binary, runs one warm-up scan and then RUNS timed scans under GNU time, and prints wall
# time (median, min, max), CPU time and peak memory, with the resources and findings found.
set -euo pipefail
cd "$(dirname "$0")/.."
part=${1:-terraform}
runs=${2:-5}
. benches/common.sh
prepare_corpus_bench "$part"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$corpus" && "$bin" scan "$part" --fail-on none --format "json:$work/report.json" >/dev/null)
for i in $(seq "$runs"); do
  (cd "$corpus" && "$timer" -o "$work/time.$i" -f '%e %U %S %M' \
    "$bin" scan "$part" --fail-on none --format json:/dev/null >/dev/null)
done

python3 - "$work" "$runs" "$part" "$corpus" <<'PY'
import json, os, statistics, sys
work, runs, part, corpus = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
rows = [list(map(float, open(f"{work}/time.{i}").read().split()[-4:])) for i in range(1, runs + 1)]
wall = [r[0] for r in rows]; cpu = [r[1] + r[2] for r in rows]; rss = [r[3] / 1024 for r in rows]
exts = {"terraform": (".tf",), "k8s": (".yaml", ".yml"), "bicep": (".bicep",)}.get(part, ("",))
n = size = 0
for root, _, files in os.walk(os.path.join(corpus, part)):
    for f in files:
        if f.endswith(exts):
            n += 1; size += os.path.getsize(os.path.join(root, f))
s = json.load(open(f"{work}/report.json"))["summary"]
print(f"part:          {part}: {n} {'/'.join(exts)} files, {size / 1e6:.1f} MB")
print(f"runs:          {runs} after one warm-up")
print(f"wall time:     median {statistics.median(wall):.2f} s (min {min(wall):.2f}, max {max(wall):.2f})")
print(f"cpu time:      median {statistics.median(cpu):.2f} s (user + system)")
print(f"peak memory:   median {statistics.median(rss):.0f} MiB (max RSS)")
print(f"files scanned: {s['files']}; load errors {s['load_errors']}; rule errors {s['rule_errors']}")
print(f"graph:         {s['graph']}")
print(f"findings:      {s['findings']} {s['by_severity']}; undetermined {s['undetermined']}")
PY
