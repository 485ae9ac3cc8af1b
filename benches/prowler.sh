#!/usr/bin/env bash
# tenet audit and Prowler side by side on the same AWS inventory: a moto server on 127.0.0.1,
# seeded by fixtures/live/aws/seed.py. Reports, for the checks both tools have, where their
# verdicts agree or differ, and the wall-time ratio.
#
#   benches/prowler.sh            # installs moto and Prowler in their own venvs under target/bench
#
# Safety: dummy credentials, AWS_EC2_METADATA_DISABLED=true, every endpoint on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
work=target/bench/prowler
mkdir -p "$work"
PROWLER_VERSION=${PROWLER_VERSION:-5.46.0}

if [ ! -x "$work/moto/bin/moto_server" ]; then
  python3 -m venv "$work/moto"
  "$work/moto/bin/pip" install --quiet 'moto[server]==5.2.5' 'boto3==1.44.5'
fi
if [ ! -x "$work/prowler/bin/prowler" ]; then
  python3 -m venv "$work/prowler"
  "$work/prowler/bin/pip" install --quiet "prowler==$PROWLER_VERSION"
fi
cargo build --release --quiet

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
endpoint="http://127.0.0.1:$port"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true HOME="$PWD/$work/home"
mkdir -p "$HOME"
"$work/moto/bin/moto_server" -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto=$!
trap 'kill $moto 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs "$endpoint/moto-api/" >/dev/null 2>&1 && break; sleep 0.1; done
"$work/moto/bin/python" fixtures/live/aws/seed.py "$endpoint"

now() { date +%s.%N; }
t0=$(now)
AWS_ENDPOINT_URL=$endpoint target/release/tenet audit --provider aws --region us-east-1 \
  --no-config --quiet --soft-fail -f "json:$work/tenet.json" -f "compliance-json:$work/tenet-compliance.json" \
  2>"$work/tenet.err" >/dev/null
t1=$(now)
rm -rf "$work/prowler-out"
AWS_ENDPOINT_URL=$endpoint "$work/prowler/bin/prowler" aws -f us-east-1 --scan-unused-services \
  -M json-ocsf -o "$work/prowler-out" -F prowler --no-banner >"$work/prowler.log" 2>&1 || true
t2=$(now)
# Prowler again with only the checks tenet shares, for a like-for-like time.
shared=$(python3 benches/prowler_compare.py --checks)
rm -rf "$work/prowler-shared"
# shellcheck disable=SC2086
AWS_ENDPOINT_URL=$endpoint "$work/prowler/bin/prowler" aws -f us-east-1 --scan-unused-services \
  -M json-ocsf -o "$work/prowler-shared" -F prowler --no-banner -c $shared >"$work/prowler-shared.log" 2>&1 || true
t3=$(now)

python3 benches/prowler_compare.py "$work/tenet.json" "$work/tenet-compliance.json" \
  "$work/prowler-out/prowler.ocsf.json" "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)" \
  "$(echo "$t3 - $t2" | bc)"
