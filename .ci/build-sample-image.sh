#!/usr/bin/env bash
# Builds the Docker image the server runs sample_repo's tests in: devtrace/sample-python:1,
# a Debian bookworm minbase with python3 + python3-pytest and a non-root user `runner`
# (uid 1000, home /home/runner). Nothing is pulled from a registry: the rootfs is made
# with debootstrap and loaded with `docker import`, so this works wherever apt does.
#
#   bash .ci/build-sample-image.sh          # as root (or with sudo); needs dockerd running
#   docker run --rm -e PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
#     -v "$PWD/sample_repo:/work" -w /work devtrace/sample-python:1 python3 -m pytest -q
#
# About Env: images made by `docker import` carry no config of their own; this script adds
# ENV PATH and LANG with --change, but other imported or hand-made images often have no PATH
# at all. Whoever creates containers (the QA runner) should therefore always pass Env with
# PATH explicitly instead of relying on the image.
#
# Caching: the finished rootfs is kept as a tarball in ~/.cache/devtrace-ci/ (named after a
# hash of this script), so a later run — or a machine whose docker images were wiped — only
# re-imports it (seconds) instead of re-running debootstrap and apt (minutes). The image gets
# a label with the same hash; an image built by an older version of this script is rebuilt.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=.ci/lib.sh
source "$here/lib.sh"

IMAGE=devtrace/sample-python:1
SUITE=bookworm
MIRROR=${DEVTRACE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
IMAGE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

recipe=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-12)
tarball=$DEVTRACE_CI_CACHE/sample-python-1-$recipe.rootfs.tar

image_recipe() {
  docker image inspect --format '{{ index .Config.Labels "devtrace.recipe" }}' "$IMAGE" 2>/dev/null || true
}

# debootstrap mounts proc/sys in the target and may leave them behind if it dies; never
# rm -rf through a live mount.
unmount_under() {
  local dir=$1 mnt
  [ -d "$dir" ] || return 0
  dir=$(realpath "$dir")
  awk -v d="$dir" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/self/mounts | sort -r |
    while read -r mnt; do
      ci_log "unmounting leftover $mnt"
      ci_as_root umount "$mnt" || ci_as_root umount -l "$mnt"
    done
}

remove_rootfs() {
  unmount_under "$1"
  ci_as_root rm -rf "$1"
}

rootfs_in_progress=
remove_rootfs_in_progress() {
  [ -z "$rootfs_in_progress" ] || remove_rootfs "$rootfs_in_progress"
}

make_rootfs_tarball() {
  local root=$DEVTRACE_CI_CACHE/work/sample-python-rootfs
  remove_rootfs "$root"
  mkdir -p "$(dirname "$root")"
  rootfs_in_progress=$root
  CI_CLEANUP+=(remove_rootfs_in_progress)

  ci_log "debootstrap --variant=minbase $SUITE from $MIRROR (a few minutes)"
  ci_as_root debootstrap --variant=minbase "$SUITE" "$root" "$MIRROR" >"$DEVTRACE_CI_CACHE/debootstrap.log" 2>&1 ||
    { tail -n 30 "$DEVTRACE_CI_CACHE/debootstrap.log" >&2; ci_die "debootstrap failed (log: $DEVTRACE_CI_CACHE/debootstrap.log)"; }

  ci_log "installing python3 python3-pytest in the rootfs"
  local in_root=(ci_as_root chroot "$root" env -i "PATH=$IMAGE_PATH" DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8)
  "${in_root[@]}" apt-get update -q
  "${in_root[@]}" apt-get install -y -q --no-install-recommends python3 python3-pytest
  "${in_root[@]}" useradd --create-home --uid 1000 --user-group --shell /bin/bash runner
  "${in_root[@]}" python3 -m pytest --version
  "${in_root[@]}" apt-get clean
  # Docker supplies /dev and resolv.conf at run time; the host's copies do not belong in the image.
  ci_as_root rm -rf "$root"/var/lib/apt/lists/* "$root"/etc/resolv.conf "$root"/dev/*

  # Write under a temporary name: an interrupted run must not leave a truncated "cache hit".
  rm -f "$DEVTRACE_CI_CACHE"/sample-python-1-*.rootfs.tar
  ci_as_root tar --numeric-owner -C "$root" -cf "$tarball.partial" .
  mv -f "$tarball.partial" "$tarball"
  remove_rootfs "$root"
  rootfs_in_progress=
}

if [ "$(image_recipe)" = "$recipe" ]; then
  ci_log "$IMAGE is up to date (recipe $recipe)"
  exit 0
fi
docker info >/dev/null 2>&1 || ci_die "docker does not answer; start dockerd first (.ci/run does)"
mkdir -p "$DEVTRACE_CI_CACHE"
if [ -f "$tarball" ]; then
  ci_log "re-importing cached rootfs $tarball"
else
  make_rootfs_tarball
fi
docker import \
  --change "ENV PATH=$IMAGE_PATH" \
  --change "ENV LANG=C.UTF-8" \
  --change "LABEL devtrace.recipe=$recipe" \
  --change 'CMD ["/bin/bash"]' \
  --message "devtrace sample test image (recipe $recipe)" \
  - "$IMAGE" <"$tarball"
ci_log "$IMAGE built (recipe $recipe)"
