#!/usr/bin/env bash
# Builds the pinned Go tools the tests use into $DEVTRACE_TOOLS_DIR
# (default ~/.cache/devtrace-ci/bin, where test/helpers/infra.ts looks first):
#   grpcurl  — reflection / health checks against the server
#   ghz      — gRPC load generation for bench/
#   ferretdb — MongoDB wire protocol on SQLite, the Mongo store's real backend in tests
# A tool already there at its pinned version is kept, so a second run only checks versions.
#
# Why FerretDB is not a plain `go install …@v1.24.2`: the module proxy answers 403 on the
# module's @v/list (it is deprecated), which `go install` consults, and the module zip lacks
# the generated build/version/version.txt, so a binary built straight from the module cache
# panics at start ("Invalid build/version/version.txt"). We download the exact version,
# copy it somewhere writable, write version.txt, and build that.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=.ci/lib.sh
source "$here/lib.sh"

GRPCURL_VERSION=v1.9.4
GHZ_VERSION=v0.121.0
FERRETDB_VERSION=v1.24.2

command -v go >/dev/null || ci_die "go is not on PATH (expected /usr/local/go/bin/go)"
mkdir -p "$DEVTRACE_TOOLS_DIR"

# The module version a Go binary was built from, or nothing when it is missing or unreadable.
module_version() {
  [ -x "$1" ] || return 0
  go version -m "$1" 2>/dev/null | awk '$1 == "mod" { print $3; exit }'
}

# go install into a scratch dir, then move: an interrupted build never leaves a half binary.
install_tool() {
  local name=$1 pkg=$2 version=$3
  local dest=$DEVTRACE_TOOLS_DIR/$name
  if [ "$(module_version "$dest")" = "$version" ]; then
    ci_log "$name $version already built: $dest"
    return 0
  fi
  ci_log "building $name $version"
  local scratch
  scratch=$(mktemp -d)
  GOBIN=$scratch GOFLAGS=-buildvcs=false go install "$pkg@$version"
  mv -f "$scratch/$name" "$dest"
  rmdir "$scratch"
  ci_log "$name $version -> $dest"
}

ferretdb_ok() {
  [ -x "$1" ] && "$1" --version 2>/dev/null | grep -q "version: $FERRETDB_VERSION\$"
}

install_ferretdb() {
  local dest=$DEVTRACE_TOOLS_DIR/ferretdb
  if ferretdb_ok "$dest"; then
    ci_log "ferretdb $FERRETDB_VERSION already built: $dest"
    return 0
  fi
  ci_log "building ferretdb $FERRETDB_VERSION"
  local moddir
  moddir=$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" |
    awk -F'"' '$2 == "Dir" { print $4 }')
  [ -d "$moddir" ] || ci_die "go mod download gave no module dir for FerretDB $FERRETDB_VERSION"
  # The module cache is read-only and lacks version.txt; build from a writable copy.
  local src=$DEVTRACE_CI_CACHE/src/ferretdb-$FERRETDB_VERSION
  rm -rf "$src"
  mkdir -p "$(dirname "$src")"
  cp -R "$moddir" "$src"
  chmod -R u+w "$src"
  printf '%s' "$FERRETDB_VERSION" >"$src/build/version/version.txt"
  (cd "$src" && GOFLAGS=-buildvcs=false go build -trimpath -o "$dest.partial" ./cmd/ferretdb)
  mv -f "$dest.partial" "$dest"
  rm -rf "$src"
  rmdir "$(dirname "$src")" 2>/dev/null || true
  ferretdb_ok "$dest" || ci_die "built ferretdb does not report version $FERRETDB_VERSION"
  ci_log "ferretdb $FERRETDB_VERSION -> $dest"
}

install_tool grpcurl github.com/fullstorydev/grpcurl/cmd/grpcurl "$GRPCURL_VERSION"
install_tool ghz github.com/bojand/ghz/cmd/ghz "$GHZ_VERSION"
install_ferretdb
