#!/usr/bin/env bash
# Step "Scan": runs tenet once for every output (annotations on the log, SARIF, JSON for the
# counts, Markdown for the job summary), records the outcome as step outputs and always
# succeeds, so that the upload and the verdict still run. Inputs arrive as INPUT_* variables,
# never pasted into the script, so no input can inject shell code.
set -uo pipefail
set -f # no globbing of the split inputs
. "$(dirname "$0")/common.sh"

# Under the runner's temporary directory: on Windows that is a native path (D:\a\_temp), which
# tenet.exe reads as bash does; /tmp would not be.
work=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/tenet.XXXXXX")
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

# Changed-only mode: the given revision, else on a pull request what it is merged into.
base=${INPUT_DIFF_BASE:-}
if [ -z "$base" ] && [ "${EVENT_NAME:-}" = pull_request ]; then
  # actions/checkout checks out the merge of the pull request into its base branch, one
  # commit deep: its first parent is the base branch as merged, even when the base moved
  # after the event's base.sha. Fetch the parents when they are missing.
  if ! git rev-parse --quiet --verify 'HEAD^2' >/dev/null 2>&1; then
    git fetch --no-tags --quiet --depth=2 origin "$(git rev-parse HEAD)" 2>/dev/null || true
  fi
  if git rev-parse --quiet --verify 'HEAD^2' >/dev/null 2>&1; then
    base=$(git rev-parse 'HEAD^1')
  else
    base=${PR_BASE_SHA:-}
  fi
fi
[ "$base" = none ] && base=
if [ -n "$base" ]; then
  if ! git cat-file -e "$base^{commit}" 2>/dev/null; then
    # Not in the (shallow) clone: fetch it, and name what was fetched (a branch name only
    # updates FETCH_HEAD).
    if git fetch --no-tags --quiet --depth=1 origin "$base" 2>/dev/null; then
      base=$(git rev-parse FETCH_HEAD)
    fi
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
# No MSYS path conversion on Windows: `json:D:\...` is not a path list.
MSYS2_ARG_CONV_EXCL='*' "$TENET" "${args[@]}"
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
  elif [ "${EVENT_NAME:-}" = pull_request ] && [ "${PR_HEAD_REPO:-}" != "${REPOSITORY:-}" ]; then
    # (An empty head repository is a deleted fork: read-only too.)
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
