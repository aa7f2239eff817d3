#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds pagehint's Linux guest parts for one kernel version:
#   target/<version>/pagehint_free.ko     the module (kbuild, from a copy of module/ in target/)
#   target/<version>/pagehint-agent       the agent (gcc -static -O2)
#   target/<version>/initramfs.cpio.gz    busybox + virtio-serial modules + both of the above + /init
# Usage: build.sh [KERNEL_VERSION]   (default: the newest /lib/modules/<v>/build there is)
# Progress goes to stderr; the last (only) line on stdout is the initramfs's absolute path.
# Writes nothing outside guest-linux/target/. Quick when nothing changed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
die() { echo "build.sh: $*" >&2; exit 1; }
say() { echo "build.sh: $*" >&2; }

version=${1:-}
if [ -z "$version" ]; then
	for d in /lib/modules/*/build; do
		[ -d "$d" ] && version=$(printf '%s\n%s\n' "$version" "$(basename "$(dirname "$d")")" | sort -V | tail -n 1)
	done
	[ -n "$version" ] || die "no kernel headers found in /lib/modules/*/build: install linux-headers-amd64 (Debian)"
fi
case "$version" in */* | "" | .*) die "not a kernel version: '$version'" ;; esac

# what the build needs, named by Debian package
[ -d "/lib/modules/$version/build" ] || die "no headers for kernel $version: install linux-headers-$version (linux-headers-amd64 for Debian's current kernel)"
[ -d "/lib/modules/$version/kernel" ] || die "no modules for kernel $version: install linux-image-$version (linux-image-amd64)"
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is missing: install the Debian package $2"; }
need make make
need gcc gcc
need cpio cpio
need gzip gzip
need modinfo kmod
need readelf binutils
[ -f "$(gcc -print-file-name=libc.a)" ] || die "the static C library is missing: install the Debian package libc6-dev"
busybox=/bin/busybox
[ -x "$busybox" ] || die "busybox is missing: install the Debian package busybox-static"
if readelf -l "$busybox" 2>/dev/null | grep -q 'Requesting program interpreter'; then
	die "$busybox is not static: install the Debian package busybox-static"
fi

out="$here/target/$version"
mkdir -p "$out/module-build"

# copies a file only when its content changed, so make and the checks below see real changes
sync_file() { cmp -s "$1" "$2" 2>/dev/null || cp "$1" "$2"; }

# 1. the module, built by the kernel's kbuild in a copy (kbuild writes next to its sources)
for f in pagehint_free.c pagehint_free_uapi.h Makefile; do
	sync_file "$here/module/$f" "$out/module-build/$f"
done
ko="$out/module-build/pagehint_free.ko"
if [ ! -f "$ko" ] || [ -n "$(find "$out/module-build" -maxdepth 1 \( -name '*.[ch]' -o -name Makefile \) -newer "$ko")" ]; then
	say "module for $version"
	make -s -C "/lib/modules/$version/build" M="$out/module-build" modules >&2 ||
		die "the module did not build for $version (see above)"
fi
sync_file "$ko" "$out/pagehint_free.ko"

# 2. the agent
agent_src=("$here"/agent/*.c "$here"/agent/*.h "$here/module/pagehint_free_uapi.h")
if [ ! -f "$out/pagehint-agent" ] || [ -n "$(find "${agent_src[@]}" -newer "$out/pagehint-agent" 2>/dev/null)" ]; then
	say "agent"
	gcc -static -O2 -Wall -Wextra -I"$here/module" -o "$out/pagehint-agent.tmp" "$here"/agent/*.c >&2 ||
		die "the agent did not build (see above)"
	mv "$out/pagehint-agent.tmp" "$out/pagehint-agent"
fi

# 3. the virtio-serial modules and what they depend on, in load order
modules=()
declare -A seen=()
add_module() {
	local m=$1 dep deps
	[ -n "${seen[$m]:-}" ] && return
	seen[$m]=1
	deps=$(modinfo -k "$version" -F depends "$m" 2>/dev/null) ||
		die "kernel $version has no module $m (linux-image-$version)"
	for dep in ${deps//,/ }; do add_module "$dep"; done
	modules+=("$m")
}
for m in virtio_pci virtio_console; do add_module "$m"; done

# 4. the initramfs, rebuilt when an input is newer than it
cpio_gz="$out/initramfs.cpio.gz"
inputs=("$here/initramfs/init" "$out/pagehint-agent" "$out/pagehint_free.ko" "$busybox" "$here/build.sh")
for m in "${modules[@]}"; do inputs+=("$(modinfo -k "$version" -F filename "$m")"); done
if [ ! -f "$cpio_gz" ] || [ -n "$(find "${inputs[@]}" -newer "$cpio_gz" 2>/dev/null)" ]; then
	say "initramfs"
	root="$out/initramfs-root"
	rm -rf "$root"
	mkdir -p "$root"/{bin,dev,proc,sys,tmp,run,etc/pagehint,lib/modules/pagehint}
	cp "$busybox" "$root/bin/busybox"
	ln -s busybox "$root/bin/sh"
	cp "$out/pagehint-agent" "$root/bin/pagehint-agent"
	cp "$here/initramfs/init" "$root/init"
	chmod 755 "$root/init" "$root/bin/pagehint-agent"
	: >"$root/etc/pagehint/modules"
	for m in "${modules[@]}"; do
		src=$(modinfo -k "$version" -F filename "$m")
		case "$src" in
		*.ko) cp "$src" "$root/lib/modules/pagehint/$m.ko" ;;
		*.ko.xz) need xz xz-utils; xz -dc "$src" >"$root/lib/modules/pagehint/$m.ko" ;;
		*.ko.zst) need zstd zstd; zstd -q -dc "$src" >"$root/lib/modules/pagehint/$m.ko" ;;
		*.ko.gz) gzip -dc "$src" >"$root/lib/modules/pagehint/$m.ko" ;;
		*) continue ;; # built in: nothing to load
		esac
		echo "$m.ko" >>"$root/etc/pagehint/modules"
	done
	cp "$out/pagehint_free.ko" "$root/lib/modules/pagehint/pagehint_free.ko"
	echo "pagehint_free.ko" >>"$root/etc/pagehint/modules"
	(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -n -9 >"$cpio_gz.tmp"
	mv "$cpio_gz.tmp" "$cpio_gz"
fi
echo "$cpio_gz"
