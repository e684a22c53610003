# Shared helpers for the .ci/ scripts: headed, timed steps and root-only commands.
# Sourced, never run; the caller owns `set -euo pipefail`.

# A CI runner may start us with a bare environment.
: "${HOME:=$(getent passwd "$(id -u)" | cut -d: -f6)}"
export HOME

# Where CI keeps what survives between runs (tool binaries, the sample image rootfs, logs).
: "${DEVTRACE_CI_CACHE:=$HOME/.cache/devtrace-ci}"
# Where the Go tools land; test/helpers/infra.ts looks here first.
: "${DEVTRACE_TOOLS_DIR:=$DEVTRACE_CI_CACHE/bin}"
export DEVTRACE_CI_CACHE DEVTRACE_TOOLS_DIR

ci_log() { printf '[ci %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

ci_die() {
  printf '[ci] ERROR: %s\n' "$*" >&2
  exit 1
}

# Runs "$@" under a heading and reports how long it took. Not wrapped in `if`, so
# errexit stays in force inside the step; the EXIT trap names a step that died.
ci_step() {
  local title=$1
  shift
  CI_STEP=$title
  CI_STEP_START=$SECONDS
  printf '\n==> %s\n' "$title"
  "$@"
  printf '<== %s (%ss)\n' "$title" "$((SECONDS - CI_STEP_START))"
  CI_TIMINGS+=("$(printf '%5ss  %s' "$((SECONDS - CI_STEP_START))" "$title")")
  CI_STEP=
}
CI_TIMINGS=()

# Functions to run when the script exits, on every path (e.g. unmount, stop a background build).
CI_CLEANUP=()

ci_on_exit() {
  local rc=$? fn
  if [ "$rc" -ne 0 ] && [ -n "${CI_STEP:-}" ]; then
    printf '<== %s FAILED (exit %s) after %ss\n' "$CI_STEP" "$rc" "$((SECONDS - CI_STEP_START))" >&2
  fi
  for fn in "${CI_CLEANUP[@]}"; do
    "$fn" || printf '[ci] cleanup %s failed\n' "$fn" >&2
  done
}
trap ci_on_exit EXIT

# CI runs as root; a developer running the scripts by hand gets sudo for the few root-only steps.
ci_as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  else
    sudo "$@"
  fi
}
