#!/usr/bin/env bash
# Step "Scan": runs tenet once for every output (annotations on the log, SARIF, JSON for the
# counts, Markdown for the job summary), records the outcome as step outputs and always
# succeeds, so that the upload and the verdict still run. Inputs arrive as INPUT_* variables,
# never pasted into the script, so no input can inject shell code.
set -uo pipefail
set -f # no globbing of the split inputs
. "$(dirname "$0")/common.sh"

work=$(mktemp -d)
json="$work/report.json"
summary="$work/summary.md"
sarif=${INPUT_SARIF_FILE:-tenet.sarif}
case "$sarif" in */*) mkdir -p "$(dirname "$sarif")" ;; esac

args=(scan --format github --format "sarif:$sarif" --format "json:$json" --format "markdown:$summary")

for f in $(printf '%s' "${INPUT_FRAMEWORKS:-}" | tr ',\n' '  '); do
  args+=(--framework "$f")
done
while IFS= read -r dir; do
  [ -n "$dir" ] && args+=(--policy-dir "$dir")
done <<<"${INPUT_POLICY_DIR:-}"
[ -n "${INPUT_CONFIG:-}" ] && args+=(--config "$INPUT_CONFIG")
[ -n "${INPUT_FAIL_ON:-}" ] && args+=(--fail-on "$INPUT_FAIL_ON")
[ "${INPUT_SOFT_FAIL:-false}" = true ] && args+=(--soft-fail)
[ -n "${INPUT_BASELINE:-}" ] && args+=(--baseline "$INPUT_BASELINE")

# Changed-only mode: the given revision, else the pull request's base commit.
base=${INPUT_DIFF_BASE:-}
if [ -z "$base" ]; then
  case "${EVENT_NAME:-}" in
    pull_request | pull_request_target) base=${PR_BASE_SHA:-} ;;
  esac
fi
[ "$base" = none ] && base=
if [ -n "$base" ]; then
  if ! git cat-file -e "$base^{commit}" 2>/dev/null; then
    # actions/checkout fetches one commit by default: fetch the base too.
    git fetch --no-tags --quiet --depth=1 origin "$base" 2>/dev/null || true
  fi
  if git cat-file -e "$base^{commit}" 2>/dev/null; then
    args+=(--diff-base "$base")
  else
    echo "::warning title=tenet::cannot find or fetch the diff base $base; every finding is judged"
  fi
fi

if [ -n "${GITHUB_SERVER_URL:-}" ] && [ -n "${GITHUB_REPOSITORY:-}" ] && [ -n "${GITHUB_SHA:-}" ]; then
  args+=(--source-url "$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/blob/$GITHUB_SHA/")
fi
read -ra extra <<<"${INPUT_ARGS:-}"
# (${a[@]+"${a[@]}"}: an empty array under `set -u` in the bash 3 of macOS)
args+=(${extra[@]+"${extra[@]}"})
read -ra paths <<<"$(printf '%s' "${INPUT_PATH:-.}" | tr '\n' ' ')"
[ "${#paths[@]}" -gt 0 ] || paths=(.)
args+=(-- "${paths[@]}")

echo "tenet ${args[*]}" >&2
"$TENET" "${args[@]}"
code=$?

# A summary field of the JSON report (pretty-printed: summary fields are indented 4 spaces).
count() {
  [ -f "$json" ] && sed -n "s/^    \"$1\": \([0-9][0-9]*\),*\$/\1/p" "$json" | head -n1
}
out exit-code "$code"
out findings "$(count findings)"
out failing "$(count failing)"
out pre-existing "$(count pre_existing)"
if [ "$code" -eq 0 ]; then out failed false; else out failed true; fi

upload=false
if [ -f "$sarif" ]; then
  out sarif-file "$sarif"
  if [ "${INPUT_UPLOAD_SARIF:-true}" != true ]; then
    :
  elif [ "${EVENT_NAME:-}" = pull_request ] && [ -n "${PR_HEAD_REPO:-}" ] && [ "${PR_HEAD_REPO}" != "${REPOSITORY:-}" ]; then
    echo "::notice title=tenet::pull request from a fork: its token is read-only, so the SARIF is not uploaded to code scanning; the annotations and the job summary show the findings"
  elif [ "${ACTOR:-}" = "dependabot[bot]" ]; then
    echo "::notice title=tenet::Dependabot's token is read-only, so the SARIF is not uploaded to code scanning; the annotations and the job summary show the findings"
  else
    upload=true
  fi
fi
out upload "$upload"

if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  if [ -s "$summary" ]; then
    cat "$summary" >>"$GITHUB_STEP_SUMMARY"
  else
    printf '## ⚠️ tenet could not complete the scan\n\ntenet exited with code %s: see the log of the Scan step.\n' "$code" >>"$GITHUB_STEP_SUMMARY"
  fi
fi
rm -rf "$work"
exit 0
