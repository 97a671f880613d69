#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# ringtest-src.sh TARBALL CACHE DEST
#
# Puts the kernel's tools/virtio/ringtest/ from the pinned linux-source
# tarball, with the two uapi headers it includes (<linux/virtio_ring.h>,
# <linux/virtio_types.h>), into DEST (build/ringtest/, outside git), laid
# out as in the tree: DEST/tools/virtio/ringtest, DEST/include/uapi/linux.
#
# The tarball is read once: the files are extracted into CACHE
# (${XPV_CACHE}/ringtest-src) when that can be created, through a
# temporary directory renamed into place, so engineers running this at the
# same time never see half a tree; then copied to DEST.  Without a writable
# cache they are extracted into DEST directly.  Idempotent: nothing happens
# when DEST already holds the tree.
set -eu

tarball=$1
cache=$2
dest=$3
top=linux-source-6.1

[ -f "$dest/tools/virtio/ringtest/main.c" ] && exit 0
[ -f "$tarball" ] || {
	echo "ringtest: no $tarball (apt-get install linux-source-6.1)" >&2
	exit 1
}

extract() {
	tar -xJf "$tarball" -C "$1" --strip-components=1 --wildcards \
		"$top/tools/virtio/ringtest/*" \
		"$top/include/uapi/linux/virtio_ring.h" \
		"$top/include/uapi/linux/virtio_types.h"
}

if [ ! -f "$cache/tools/virtio/ringtest/main.c" ] &&
   mkdir -p "$(dirname "$cache")" 2>/dev/null &&
   tmp=$(mktemp -d "$cache.XXXXXX" 2>/dev/null); then
	echo "ringtest: extracting from $tarball into $cache"
	if extract "$tmp" && mv -T "$tmp" "$cache" 2>/dev/null; then
		:
	else
		rm -rf "$tmp"	# another engineer's extraction won the race
	fi
fi

mkdir -p "$dest"
if [ -f "$cache/tools/virtio/ringtest/main.c" ]; then
	cp -R "$cache/tools" "$cache/include" "$dest/"
else
	echo "ringtest: extracting from $tarball into $dest"
	extract "$dest"
fi
