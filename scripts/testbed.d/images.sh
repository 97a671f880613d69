# SPDX-License-Identifier: GPL-2.0-only
# Image builders for the test bed. Sourced by scripts/testbed (after
# scripts/lib.sh); not run on its own.
#
# Two cached images, both uncompressed newc cpio archives (the kernel and
# Xen's loader take them as they are, and concatenating archives is how a
# per-run overlay is added):
#   $XPV_CACHE/images/dom0-<hash>.cpio   stock dom0: busybox, bash, the Xen
#       toolstack and daemons, hotplug scripts, the stock modules it needs;
#       its /init only mounts the 9p share and hands over to the scripts
#       staged there (scripts/testbed.d/dom0/boot.sh), so editing a scenario
#       or the dom0 library never rebuilds it.
#   $XPV_CACHE/images/guest-<hash>.cpio  guest base: busybox, /sbin/poweroff
#       and /sbin/reboot that work without an init, xenstore-* with
#       libxenstore, the stock kernel's xen-blkfront/xen-netfront modules.
#       The guest /init, its library and every scenario's guest scripts are
#       appended per run as a second small archive (see stage_guest_overlay).
# <hash> covers everything that goes in, so an image is rebuilt only when an
# input changes.

TB_D=$XPV_ROOT/scripts/testbed.d
ROOTFS=$XPV_CACHE/rootfs
IMAGES=$XPV_CACHE/images
MULTIARCH=x86_64-linux-gnu

# Host binaries the dom0 image takes from the build machine (Debian 12, the
# same release as the target): the stock hotplug scripts run under bash and
# need util-linux flock/losetup, iproute2 and coreutils stat/readlink.
DOM0_HOST_BINS=(/usr/bin/bash /usr/bin/flock /usr/sbin/losetup /usr/sbin/ip
	/usr/sbin/bridge /usr/bin/stat /usr/bin/readlink /usr/bin/timeout)
DOM0_XEN_BINS=(xl xenstored xenconsoled xenconsole xen-init-dom0
	libxl-save-helper)
DOM0_MODULES=(xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs
	xen-blkback xen-netback loop bridge 9p 9pnet_virtio virtio_pci)
GUEST_MODULES=(xen-blkfront xen-netfront)
XENSTORE_CMDS=(read write exists rm list ls watch chmod)

# img_copy_file SRC IMG DEST: copy one file (following symlinks).
img_copy_file() {
	mkdir -p "$2$(dirname "$3")"
	cp -L "$1" "$2$3"
}

# img_copy_libs IMG BIN...: copy the shared libraries BINs need into
# IMG/usr/lib/x86_64-linux-gnu, resolved against the extracted rootfs first.
img_copy_libs() {
	local img=$1 lib
	shift
	mkdir -p "$img/usr/lib/$MULTIARCH" "$img/usr/lib64"
	for lib in $(LD_LIBRARY_PATH=$ROOTFS/usr/lib/$MULTIARCH ldd "$@" 2>/dev/null |
			awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u); do
		[ -e "$img/usr/lib/$MULTIARCH/$(basename "$lib")" ] ||
			cp -L "$lib" "$img/usr/lib/$MULTIARCH/"
	done
	cp -L /lib64/ld-linux-x86-64.so.2 "$img/usr/lib64/"
}

# img_skeleton IMG: merged-/usr layout, busybox with every applet in /bin.
img_skeleton() {
	local img=$1 a
	mkdir -p "$img"/{bin,dev,etc,proc,sys,run,tmp,root,var,usr/bin,usr/lib/$MULTIARCH,usr/lib64}
	ln -s usr/lib "$img/lib"
	ln -s usr/lib64 "$img/lib64"
	ln -s ../run "$img/var/run"
	cp "$ROOTFS/bin/busybox" "$img/bin/busybox"
	for a in $("$img/bin/busybox" --list); do
		[ "$a" = busybox ] || ln -s busybox "$img/bin/$a"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\n' > "$img/etc/passwd"
	printf 'root:x:0:\n' > "$img/etc/group"
	printf '127.0.0.1 localhost\n' > "$img/etc/hosts"
}

# img_modules IMG MODULE...: the stock modules with their dependencies.
img_modules() {
	local img=$1 kabi f
	shift
	kabi=$(stock_kabi)
	for f in $(modprobe -a -d "$ROOTFS" -S "$kabi" --show-depends "$@" |
			awk '$1 == "insmod" { print $2 }' | sort -u); do
		f=${f#"$ROOTFS"}
		f=${f#/.}
		img_copy_file "$ROOTFS$f" "$img" "/usr${f#/usr}"
	done
	cp "$ROOTFS/lib/modules/$kabi"/modules.{builtin,builtin.modinfo,order} \
		"$img/usr/lib/modules/$kabi/"
	depmod -b "$img" "$kabi"
}

img_ldconfig() {
	printf '/usr/lib/%s\n/usr/lib\n' "$MULTIARCH" > "$1/etc/ld.so.conf"
	ldconfig -r "$1"
}

img_pack() { # IMG OUT
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > "$2.tmp"
	mv "$2.tmp" "$2"
}

# The content hash of an image's inputs.
img_hash() {
	local kind=$1
	{
		cat "$TB_D/images.sh"
		cat "$ROOTFS/.xpv-extracted"
		case $kind in
		dom0)
			cat "$TB_D/dom0/init"
			stat -L -c '%n %s %Y' "${DOM0_HOST_BINS[@]}" /lib/$MULTIARCH/libgcc_s.so.1 /lib/$MULTIARCH/libc.so.6
			;;
		guest)
			cat "$TB_D/guest/poweroff"
			stat -L -c '%n %s %Y' /lib/$MULTIARCH/libc.so.6
			;;
		esac
	} | sha256sum | cut -c1-16
}

build_dom0_image() {
	local out=$IMAGES/dom0-$(img_hash dom0).cpio img b x
	if [ -f "$out" ]; then
		echo "$out"
		return
	fi
	log "building dom0 image $(basename "$out")"
	mkdir -p "$IMAGES"
	img=$(mktemp -d "$IMAGES/.dom0.XXXXXX")
	img_skeleton "$img"
	ln -s bin "$img/sbin"
	for b in "${DOM0_HOST_BINS[@]}"; do
		rm -f "$img/bin/$(basename "$b")"
		cp -L "$b" "$img/bin/"
	done
	ln -sf bash "$img/bin/sh"
	mkdir -p "$img/usr/lib/xen-4.17/bin"
	for x in "${DOM0_XEN_BINS[@]}"; do
		cp -L "$ROOTFS/usr/lib/xen-4.17/bin/$x" "$img/usr/lib/xen-4.17/bin/"
	done
	for x in "${XENSTORE_CMDS[@]}" control; do
		rm -f "$img/bin/xenstore-$x"
	done
	for x in "${XENSTORE_CMDS[@]}"; do
		cp -L "$ROOTFS/usr/bin/xenstore-$x" "$img/usr/bin/"
	done
	cp -L "$ROOTFS/usr/lib/xen-4.17/bin/xenstore-control" "$img/usr/bin/"
	img_copy_libs "$img" "$img"/bin/{bash,flock,losetup,ip,bridge,stat,readlink,timeout} \
		"$img"/usr/lib/xen-4.17/bin/* "$img"/usr/bin/xenstore-*
	# dlopen()ed by libxl's threads (pthread_cancel), so ldd misses it.
	cp -L /lib/$MULTIARCH/libgcc_s.so.1 "$img/usr/lib/$MULTIARCH/"
	cp -a "$ROOTFS/etc/xen" "$img/etc/"
	mkdir -p "$img"/var/{lib/xen,lib/xenstored,log} "$img/usr/lib/xen-4.17/boot"
	img_modules "$img" "${DOM0_MODULES[@]}" \
		$(cd "$ROOTFS/lib/modules/$(stock_kabi)/kernel" &&
			find drivers/xen drivers/block/xen-blkback drivers/net/xen-netback \
				-name '*.ko' -printf '%f\n' | sed 's/\.ko$//' | grep -v -e pciback -e scsiback -e pvcalls)
	img_ldconfig "$img"
	install -m 0755 "$TB_D/dom0/init" "$img/init"
	img_pack "$img" "$out"
	rm -rf "$img"
	echo "$out"
}

build_guest_image() {
	local out=$IMAGES/guest-$(img_hash guest).cpio img x
	if [ -f "$out" ]; then
		echo "$out"
		return
	fi
	log "building guest base image $(basename "$out")"
	mkdir -p "$IMAGES"
	img=$(mktemp -d "$IMAGES/.guest.XXXXXX")
	img_skeleton "$img"
	mkdir -p "$img/sbin"
	for x in poweroff reboot halt; do
		rm -f "$img/bin/$x"
		install -m 0755 "$TB_D/guest/poweroff" "$img/sbin/$x"
	done
	for x in "${XENSTORE_CMDS[@]}"; do
		cp -L "$ROOTFS/usr/bin/xenstore-$x" "$img/usr/bin/"
	done
	img_copy_libs "$img" "$img"/usr/bin/xenstore-*
	img_modules "$img" "${GUEST_MODULES[@]}"
	img_ldconfig "$img"
	img_pack "$img" "$out"
	rm -rf "$img"
	echo "$out"
}
