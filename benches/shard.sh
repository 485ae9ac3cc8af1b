#!/usr/bin/env bash
# Sharded runs on the shared corpus: a single run against N shards (`--shard I/N`, run one
# after another here, as N machines would run them side by side) and `tenet merge`. Checks
# that the merged JSON report and evidence archive are byte-identical to the single run's,
# and prints wall time and peak memory of each step with the critical path of N machines
# (slowest shard + merge).
#   benches/shard.sh [N] [PART...]     N defaults to 4, PARTs to terraform k8s bicep
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=benches/common.sh
source benches/common.sh
count=${1:-4}
shift || true
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(terraform k8s bicep)
prepare_corpus_bench "${parts[0]}"
out=$PWD/target/shard-bench
export SOURCE_DATE_EPOCH=1767225600

# measure NAME CMD...: runs CMD in the corpus, keeps "wall peak_mib" in $out/NAME.time.
measure() {
  local name=$1
  shift
  (cd "$corpus" && "$timer" -f '%e %M' -o "$out/$name.time" "$@" >/dev/null 2>"$out/$name.err") || {
    local rc=$?
    # 1 means findings; anything else is a failure.
    [ "$rc" -eq 1 ] || { echo "$name failed ($rc):" >&2; cat "$out/$name.err" >&2; exit 1; }
  }
  tail -n 1 "$out/$name.time" | awk '{printf "%s %d\n", $1, $2 / 1024}'
}

status=0
for part in "${parts[@]}"; do
  rm -rf "${out:?}/$part" && mkdir -p "$out/$part"
  common=(--root . --no-config)
  read -r s_wall s_mem < <(measure "$part/single" "$bin" scan "$part" "${common[@]}" \
    -f "json:$out/$part/single.json" --evidence "$out/$part/single.tar.gz")
  slowest=0
  shard_mem=0
  bundles=()
  for ((i = 0; i < count; i++)); do
    read -r w m < <(measure "$part/shard-$i" "$bin" scan "$part" "${common[@]}" --shard "$i/$count" \
      -f "json:/dev/null" --evidence "$out/$part/shard-$i.tar.gz")
    slowest=$(awk -v a="$slowest" -v b="$w" 'BEGIN { print (b > a ? b : a) }')
    [ "$m" -gt "$shard_mem" ] && shard_mem=$m
    bundles+=("$out/$part/shard-$i.tar.gz")
  done
  read -r m_wall m_mem < <(measure "$part/merge" "$bin" merge "${bundles[@]}" \
    -f "json:$out/$part/merged.json" --evidence "$out/$part/merged.tar.gz")
  same=yes
  cmp -s "$out/$part/single.json" "$out/$part/merged.json" || same="NO (JSON differs)"
  cmp -s "$out/$part/single.tar.gz" "$out/$part/merged.tar.gz" || same="NO (bundle differs)"
  [ "$same" = yes ] || status=1
  awk -v p="$part" -v n="$count" -v sw="$s_wall" -v sm="$s_mem" -v hw="$slowest" -v hm="$shard_mem" \
    -v mw="$m_wall" -v mm="$m_mem" -v same="$same" 'BEGIN {
      printf "%s, %d shards: single %.2f s %d MiB; slowest shard %.2f s %d MiB; merge %.2f s %d MiB;", p, n, sw, sm, hw, hm, mw, mm
      printf " %d machines %.2f s (%.2fx); merged = single: %s\n", n, hw + mw, sw / (hw + mw), same }'
done
exit "$status"
