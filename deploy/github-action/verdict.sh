#!/usr/bin/env bash
# Step "Verdict": fails the job as tenet's exit code says, after the summary, the annotations
# and the upload are done (0 pass, 1 failing findings, 2 error).
set -euo pipefail

case "${EXIT_CODE:-}" in
  0)
    echo "tenet: no finding fails the run"
    ;;
  1)
    if [ "${FAILING:-0}" = 0 ]; then
      # --fail-on-parse-error (in args) fails on files that could not be loaded.
      echo "::error title=tenet::the scan failed the run: some files could not be loaded (see the Scan step)"
    else
      printf '::error title=tenet::%s finding(s) fail the run: see the annotations and the job summary\n' "$FAILING"
    fi
    exit 1
    ;;
  "")
    echo "::error title=tenet::the scan did not run (see the steps above)"
    exit 1
    ;;
  *)
    printf '::error title=tenet::tenet stopped with an error (exit code %s): see the log of the Scan step\n' "$EXIT_CODE"
    exit 2
    ;;
esac
