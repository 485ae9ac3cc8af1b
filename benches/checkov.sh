#!/usr/bin/env bash
# tenet and Checkov side by side on the same part of the shared IaC corpus, in one run.
#
#   benches/checkov.sh [PART...]        PART: terraform, k8s, bicep (default: all three)
#
# Installs Checkov (CHECKOV_VERSION, default 3.3.30, a 3.3.x release) from PyPI into its own
# venv (target/checkov-venv), extracts ../shared/corpus/iac-corpus.tar.xz into $CORPUS_DIR
# (default target/corpus), builds tenet in release mode, then for each part runs
#   checkov -d PART --framework F --skip-download -o json     once (it is slow), and
#   tenet scan FILES --format json                            RUNS times (default 3), median,
# on the same files: Terraform: the part's directory (Checkov's terraform framework reads
# `.tf`); Kubernetes: the part's `.yaml`, `.yml` and `.json` files; Bicep: the part's `.bicep`
# files (Checkov's bicep framework reads only those; the compiled ARM `main.json` beside them
# are left to a separate ARM run). Each command runs under GNU time: wall time, CPU time
# (user + system, children included) and peak memory (largest resident set of the process
# tree's processes). The ratios are Checkov / tenet; the goals (issue 10) are printed beside
# them. Results also go to target/checkov-bench/<part>.json.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(terraform k8s bicep)
runs=${RUNS:-3}
version=${CHECKOV_VERSION:-3.3.30}
venv=${CHECKOV_VENV:-target/checkov-venv}
out=target/checkov-bench

if [ ! -x "$venv/bin/checkov" ] || ! "$venv/bin/pip" show checkov 2>/dev/null | grep -x "Version: $version" >/dev/null; then
  echo "installing checkov $version into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "checkov==$version"
fi
. benches/common.sh
prepare_corpus_bench terraform
# Whether the binary has the code layout's functions (a stale list makes a larger resident
# set; benches/hot-functions.sh writes it again).
python3 benches/hot_functions.py check "$bin" benches/hot-functions.txt >&2 || true
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Checkov must not call home: no platform key, no downloads, no version check.
export BC_SKIP_MAPPING=TRUE CHECKOV_SKIP_VERSION_CHECK=1 LOG_LEVEL=ERROR

for part in "${parts[@]}"; do
  part_files "$part"
  case $part in terraform) framework=terraform ;; k8s) framework=kubernetes ;; bicep) framework=bicep ;; esac
  printf '%s\n' "${files[@]}" > "$work/$part.files"
  echo "== $part: checkov $version --framework $framework (one run)" >&2
  (cd "$corpus" && "$timer" -o "$work/checkov.time" -f '%e %U %S %M' \
    "$root/$venv/bin/checkov" -d "$part" --framework "$framework" --skip-download \
    --quiet --compact -o json >"$work/checkov.json" 2>"$work/checkov.err") || true
  echo "== $part: tenet scan (one warm-up, $runs timed)" >&2
  # As a user runs it: the configuration file is looked for (the corpus has none, and the
  # walk up from each file stops at the root, the corpus directory).
  (cd "$corpus" && "$bin" scan "${files[@]}" --root . --fail-on none \
    --format "json:$work/tenet.json" >/dev/null)
  for i in $(seq "$runs"); do
    (cd "$corpus" && "$timer" -o "$work/tenet.time.$i" -f '%e %U %S %M' \
      "$bin" scan "${files[@]}" --root . --fail-on none --format json:/dev/null >/dev/null)
  done
  python3 - "$work" "$runs" "$part" "$version" "$out/$part.json" <<'PY'
import json, statistics, sys
work, runs, part, version, dest = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
def timing(path):
    wall, user, sys_, rss = map(float, open(path).read().split()[-4:])
    return {"wall_s": wall, "cpu_s": user + sys_, "peak_mib": rss / 1024}
goals = {"terraform": 200, "k8s": 50, "bicep": 50}
tenet_runs = [timing(f"{work}/tenet.time.{i}") for i in range(1, runs + 1)]
tenet = {k: statistics.median(r[k] for r in tenet_runs) for k in tenet_runs[0]}
checkov = timing(f"{work}/checkov.time")
summary = json.load(open(f"{work}/tenet.json"))["summary"]
try:
    reports = json.load(open(f"{work}/checkov.json"))
    reports = reports if isinstance(reports, list) else [reports]
    resources = sum(r.get("summary", {}).get("resource_count", 0) for r in reports)
    failed = sum(r.get("summary", {}).get("failed", 0) for r in reports)
    parse_errors = sum(r.get("summary", {}).get("parsing_errors", 0) for r in reports)
except (OSError, ValueError):
    resources = failed = parse_errors = None
files = sum(1 for _ in open(f"{work}/{part}.files"))
result = {
    "part": part, "files": files, "runs": runs, "checkov_version": version,
    "tenet": {**tenet, "resources": summary["resources"], "findings": summary["findings"],
              "load_errors": summary["load_errors"]},
    "checkov": {**checkov, "resources": resources, "failed_checks": failed,
                "parsing_errors": parse_errors},
    "ratio": {"time": checkov["wall_s"] / tenet["wall_s"],
              "cpu": checkov["cpu_s"] / tenet["cpu_s"],
              "memory": checkov["peak_mib"] / tenet["peak_mib"]},
    "goal": {"time": goals[part], "memory": 10},
}
json.dump(result, open(dest, "w"), indent=2)
r, g = result["ratio"], result["goal"]
mark = lambda ok: "meets goal" if ok else "BELOW GOAL"
print(f"\n{part}: {files} input paths")
print(f"  {'':8} {'wall':>10} {'cpu':>10} {'peak':>10}  resources")
for name in ("tenet", "checkov"):
    x = result[name]
    print(f"  {name:8} {x['wall_s']:>9.2f}s {x['cpu_s']:>9.2f}s {x['peak_mib']:>7.0f}MiB  {x['resources']}")
print(f"  time ratio   {r['time']:8.1f}x  (goal >= {g['time']}x: {mark(r['time'] >= g['time'])})")
print(f"  cpu ratio    {r['cpu']:8.1f}x")
print(f"  memory ratio {r['memory']:8.1f}x  (goal >= {g['memory']}x: {mark(r['memory'] >= g['memory'])})")
PY
done
