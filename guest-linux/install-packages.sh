#!/bin/sh
# Installs the Debian packages the Linux guest (guest-linux/build.sh) and its QEMU tests need,
# those that are missing. As root it runs apt-get; otherwise, if any is missing, it fails with
# one line naming the sudo command. Quiet when everything is there.
# SPDX-License-Identifier: Apache-2.0
set -eu

# the list, and what build.sh also calls (make, readelf, gzip)
PACKAGES="qemu-system-x86 linux-image-amd64 linux-headers-amd64 busybox-static kmod cpio gcc libc6-dev make binutils gzip"

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "install-packages.sh: not a Debian system (no dpkg-query): install the equivalents of $PACKAGES" >&2
    exit 1
fi

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
missing="${missing# }"
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "install-packages.sh: missing Debian packages: $missing; install them with: sudo apt-get update && sudo apt-get install -y $missing" >&2
    exit 1
fi

echo "install-packages.sh: installing $missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
