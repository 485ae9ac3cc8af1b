#!/usr/bin/env bash
# Latency of `tenet serve` under a steady load, with all built-in rules and with an allow-all
# policy set, in one run on the same machine.
#
#   benches/webhook.sh [RATE] [DURATION]      defaults: 500 requests/s for 60s
#
# Needs oha (a load generator with a fixed request rate): `cargo install oha --locked`, or set
# OHA=/path/to/oha. Each server gets its own port and the same review: a privileged Pod as the
# API server sends it (fixtures/admission/pod-privileged.json, denied by three rules). Prints
# p50, p99, max, the error count and throughput for each, and the ratio of the two.
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${1:-500}
duration=${2:-60s}
oha=${OHA:-$(command -v oha || true)}
[ -x "$oha" ] || { echo "oha is needed: cargo install oha --locked (or OHA=path)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 is needed to read oha's JSON" >&2; exit 2; }

cargo build --release --locked -q
bin=$PWD/target/release/tenet
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

EXTRA_SANS="DNS:localhost,IP:127.0.0.1" deploy/kubernetes/webhook/dev-certs.sh "$work/certs" >/dev/null
review=fixtures/admission/pod-privileged.json

# start NAME PORT ARGS...: starts a server and waits until it is ready.
start() {
  local name=$1 port=$2
  shift 2
  "$bin" serve --listen "127.0.0.1:$port" --tls-cert "$work/certs/tls.crt" \
    --tls-key "$work/certs/tls.key" "$@" >"$work/$name.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 300); do
    if curl -sf --cacert "$work/certs/ca.crt" "https://localhost:$port/readyz" >/dev/null; then
      return
    fi
    sleep 0.1
  done
  echo "$name did not become ready:" >&2
  cat "$work/$name.log" >&2
  exit 1
}

# load NAME PORT: one oha run against a server.
load() {
  local name=$1 port=$2
  # Warm-up (connections, first evaluations), not measured.
  "$oha" -n 500 -c 8 --no-tui -m POST -T application/json -D "$review" \
    --cacert "$work/certs/ca.crt" "https://localhost:$port/validate" >/dev/null
  "$oha" -z "$duration" -q "$rate" -c 16 --no-tui --output-format json -m POST \
    -T application/json -D "$review" --cacert "$work/certs/ca.crt" \
    "https://localhost:$port/validate" >"$work/$name.json"
}

start builtin 18443 --mode enforce
start allowall 18444 --no-builtin --policy benches/webhook/allow-all
rules=$(grep -o '"rules":[0-9]*' "$work/builtin.log" | head -1 | cut -d: -f2)

echo "tenet serve: $rate requests/s for $duration, review $(basename "$review")"
load builtin 18443
load allowall 18444

python3 - "$work" "$rules" <<'PY'
import json, sys
work, rules = sys.argv[1], sys.argv[2]
def read(name):
    d = json.load(open(f"{work}/{name}.json"))
    p = d["latencyPercentiles"]
    s = d["summary"]
    codes = d.get("statusCodeDistribution", {})
    errors = sum(d.get("errorDistribution", {}).values()) + sum(n for c, n in codes.items() if c != "200")
    return {"p50": p["p50"] * 1000, "p99": p["p99"] * 1000, "max": s["slowest"] * 1000,
            "rps": s["requestsPerSec"], "n": sum(codes.values()), "errors": errors}
b, a = read("builtin"), read("allowall")
print(f"{'policy set':<28}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'req/s':>9}{'requests':>10}{'errors':>8}")
for label, r in [(f"built-in ({rules} rules)", b), ("allow-all (1 rule)", a)]:
    print(f"{label:<28}{r['p50']:>9.2f}{r['p99']:>9.2f}{r['max']:>9.2f}{r['rps']:>9.1f}{r['n']:>10}{r['errors']:>8}")
for label, name in [("built-in", "builtin"), ("allow-all", "allowall")]:
    d = json.load(open(f"{work}/{name}.json"))
    if d.get("errorDistribution"):
        print(f"{label} errors: {d['errorDistribution']}")
print(f"ratio built-in / allow-all: p50 {b['p50'] / a['p50']:.2f}, p99 {b['p99'] / a['p99']:.2f} (goal <= 1.5)")
PY
