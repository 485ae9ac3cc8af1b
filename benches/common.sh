# shellcheck shell=bash disable=SC2034  # sets variables for the scripts that source it
# Sourced by the corpus benchmarks (corpus.sh, scale.sh, checkov.sh) from the repository root:
# checks for GNU time, extracts the shared IaC corpus when PART is not there yet, builds the
# release binary. Sets `timer`, `corpus` (absolute) and `bin`.
#   CORPUS_ARCHIVE  the archive (default ../shared/corpus/iac-corpus.tar.xz)
#   CORPUS_DIR      where it is extracted (default target/corpus)
prepare_corpus_bench() { # PART
  timer=/usr/bin/time
  [ -x "$timer" ] || { echo "GNU time (/usr/bin/time) is needed: apt-get install time" >&2; exit 2; }
  local archive=${CORPUS_ARCHIVE:-../shared/corpus/iac-corpus.tar.xz}
  corpus=$(realpath -m "${CORPUS_DIR:-target/corpus}")
  if [ ! -d "$corpus/$1" ]; then
    mkdir -p "$corpus"
    tar -xJf "$archive" -C "$corpus"
  fi
  cargo build --release --locked -q
  bin=$PWD/target/release/tenet
}
