# Helpers shared by the action's steps (sourced, not run).

# Sets a step output: name=value on its own line of $GITHUB_OUTPUT.
out() {
  printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
}

# An error annotation on the run, then exit 1.
die() {
  printf '::error title=tenet::%s\n' "$1"
  exit 1
}

# The package version in the action's Cargo.toml.
source_version() {
  sed -n 's/^version *= *"\([^"]*\)".*/\1/p' "$GITHUB_ACTION_PATH/Cargo.toml" | head -n1
}
