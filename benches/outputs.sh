#!/usr/bin/env bash
# What each output costs on a part of the shared IaC corpus: the same scan written as JSON,
# as SARIF, and with an evidence bundle (all five frameworks, a .tar.gz), each against the
# JSON scan.
#
#   benches/outputs.sh [PART...]     PART: terraform, k8s, bicep (default: all three)
#   RUNS=N                           timed runs of each (default 3, median; one warm-up)
#
# Files as in benches/checkov.sh (Kubernetes: the part's YAML and JSON files; Bicep: its
# `.bicep` files; Terraform: the part's directory). Wall time, CPU time (user + system) and
# peak memory from GNU time; the size of what each writes. Results also go to
# target/outputs-bench/<part>.json.
set -euo pipefail
cd "$(dirname "$0")/.."
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(terraform k8s bicep)
runs=${RUNS:-3}
out=target/outputs-bench
. benches/common.sh
prepare_corpus_bench terraform
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Fixed times: the bundle is the same from run to run.
export SOURCE_DATE_EPOCH=1767225600

for part in "${parts[@]}"; do
  part_files "$part"
  for kind in json sarif evidence; do
    case $kind in
      json) args=(--format "json:$work/out.json") written=$work/out.json ;;
      sarif) args=(--format "sarif:$work/out.sarif") written=$work/out.sarif ;;
      evidence) args=(--format json:/dev/null --evidence "$work/bundle.tar.gz") written=$work/bundle.tar.gz ;;
    esac
    for i in $(seq 0 "$runs"); do
      rm -f "$written"
      # Run 0 is the warm-up.
      (cd "$corpus" && "$timer" -o "$work/$kind.time.$i" -f '%e %U %S %M' \
        "$bin" scan "${files[@]}" --root . --no-config --fail-on none "${args[@]}" >/dev/null 2>&1)
    done
    stat -c %s "$written" > "$work/$kind.bytes"
  done
  python3 - "$work" "$runs" "$part" "$out/$part.json" <<'PY'
import json, statistics, sys
work, runs, part, dest = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
def timing(kind):
    rows = []
    for i in range(1, runs + 1):
        wall, user, sys_, rss = map(float, open(f"{work}/{kind}.time.{i}").read().split()[-4:])
        rows.append({"wall_s": wall, "cpu_s": user + sys_, "peak_mib": rss / 1024})
    out = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    out["bytes"] = int(open(f"{work}/{kind}.bytes").read())
    return out
result = {kind: timing(kind) for kind in ("json", "sarif", "evidence")}
json.dump({"part": part, "runs": runs, **result}, open(dest, "w"), indent=2)
base = result["json"]
print(f"\n{part}:")
print(f"  {'':9} {'wall':>8} {'cpu':>8} {'peak':>9} {'written':>10}   against json")
for kind, r in result.items():
    print(f"  {kind:9} {r['wall_s']:>7.2f}s {r['cpu_s']:>7.2f}s {r['peak_mib']:>6.0f}MiB "
          f"{r['bytes'] / 1e6:>8.1f}MB   {r['wall_s'] / base['wall_s']:.2f}x time, "
          f"{r['peak_mib'] / base['peak_mib']:.2f}x memory")
PY
done
