# shellcheck shell=bash disable=SC2034  # sets variables for the scripts that source it
# Sourced by the corpus benchmarks (corpus.sh, scale.sh, checkov.sh, outputs.sh,
# hot-functions.sh) from the repository root: checks for GNU time, extracts the shared IaC
# corpus when PART is not there yet, builds the release binary. Sets `timer`, `corpus`
# (absolute) and `bin`.
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

# Sets the array `files` to what a scan of corpus PART is given, relative to `$corpus`: the
# Terraform part is one directory (modules are loaded whole); the Kubernetes and Bicep parts are
# their manifests and templates, sorted, as Checkov's framework of the same name reads them.
part_files() { # PART
  case $1 in
    terraform) files=("$1") ;;
    k8s) mapfile -t files < <(cd "$corpus" && find "$1" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | sort) ;;
    bicep) mapfile -t files < <(cd "$corpus" && find "$1" -type f -name '*.bicep' | sort) ;;
    *) echo "unknown part $1 (terraform, k8s, bicep)" >&2; exit 2 ;;
  esac
}
