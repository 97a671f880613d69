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
#       Debian's fio (see img_fio). The guest /init, its library and every
#       scenario's guest scripts are appended per run as a second small
#       archive (see stage_guest_overlay).
# <hash> covers everything that goes in, so an image is rebuilt only when an
# input changes.

TB_D=$XPV_ROOT/scripts/testbed.d
ROOTFS=$XPV_CACHE/rootfs
# fio and its libraries, extracted by scripts/deps.
FIO_ROOT=$XPV_CACHE/fio-root
# iperf3 and ethtool with their libraries, extracted by scripts/deps.
TOOLS_ROOT=$XPV_CACHE/tools-root
TOOLS_BINS=(usr/bin/iperf3 sbin/ethtool)
IMAGES=$XPV_CACHE/images
MULTIARCH=x86_64-linux-gnu

# Host binaries the dom0 image takes from the build machine (Debian 12, the
# same release as the target): the stock hotplug scripts run under bash and
# need util-linux flock/losetup, iproute2 and coreutils stat/readlink.
# kmod: the real modprobe and depmod for the scenarios that install the
# xpv-dkms package's files (busybox's modprobe knows no install lines); it
# stays /bin/kmod, busybox's modprobe is still the default.
DOM0_HOST_BINS=(/usr/bin/bash /usr/bin/flock /usr/sbin/losetup /usr/sbin/ip
	/usr/sbin/bridge /usr/bin/stat /usr/bin/readlink /usr/bin/timeout /usr/bin/kmod)
DOM0_XEN_BINS=(xl xenstored xenconsoled xenconsole xen-init-dom0
	libxl-save-helper xenctx)
DOM0_MODULES=(xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs
	xen-blkback xen-netback loop bridge 9p 9pnet_virtio virtio_pci null_blk)
GUEST_MODULES=(xen-blkfront xen-netfront)
# fio links the libraries of engines the test bed never uses; the guest image
# gets stubs for these (SONAME:symbol prefix) instead of ~60 MB of Ceph,
# GlusterFS, NBD (GnuTLS, libxml2, ICU) and PMEM (ndctl, OpenSSL) libraries.
FIO_STUBS=(libgfapi.so.0:glfs_ libnbd.so.0:nbd_ librados.so.2:rados_
	librbd.so.1:rbd_ libpmem.so.1:pmem_ libpmemblk.so.1:pmemblk_)
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

# img_tools IMG: iperf3 and ethtool from $TOOLS_ROOT, with the libraries
# they need (resolved against $TOOLS_ROOT first, then the host's, which is
# the same Debian release); checked to start from the image's own files.
img_tools() {
	local img=$1 b f
	for b in "${TOOLS_BINS[@]}"; do
		[ -x "$TOOLS_ROOT/$b" ] || die "no $TOOLS_ROOT/$b: run scripts/deps"
		rm -f "$img/usr/bin/$(basename "$b")" "$img/bin/$(basename "$b")"
		cp -L "$TOOLS_ROOT/$b" "$img/usr/bin/"
		for f in $(LD_LIBRARY_PATH=$TOOLS_ROOT/usr/lib/$MULTIARCH ldd "$TOOLS_ROOT/$b" |
				awk '$2 == "=>" && $3 ~ /^\// { print $3 }'); do
			[ -e "$img/usr/lib/$MULTIARCH/$(basename "$f")" ] || cp -L "$f" "$img/usr/lib/$MULTIARCH/"
		done
	done
	img_ldconfig "$img"
	for b in iperf3 ethtool; do
		chroot "$img" /usr/bin/$b --version > /dev/null 2>&1 ||
			die "$b does not start from the image's own files"
	done
}

# img_fio IMG: Debian's fio as /usr/libexec/fio behind a /usr/bin/fio
# wrapper, the libraries it needs (resolved against $FIO_ROOT), generated
# stubs for the engine libraries in FIO_STUBS (every function fio imports
# from them aborts with a message; fio binds them at start-up, BIND_NOW,
# and calls them only for those engines). fio keeps its job table in System V
# shared memory, so guest kernels need CONFIG_SYSVIPC (ours has it). Checked
# on the host before the image is packed: fio starts from the image's own
# files (chroot), and a short job runs with the stubs.
img_fio() {
	local img=$1 t spec lib pfx v lib_dir=/usr/lib/xpv-fio f
	[ -x "$FIO_ROOT/usr/bin/fio" ] || die "no $FIO_ROOT/usr/bin/fio: run scripts/deps"
	t=$(mktemp -d)
	mkdir -p "$img/usr/libexec" "$img$lib_dir"
	cp "$FIO_ROOT/usr/bin/fio" "$img/usr/libexec/fio"
	nm -D --undefined-only "$FIO_ROOT/usr/bin/fio" | awk '{ print $NF }' > "$t/undef"
	for spec in "${FIO_STUBS[@]}"; do
		lib=${spec%%:*} pfx=${spec#*:}
		grep "^$pfx" "$t/undef" > "$t/syms" ||
			die "fio imports no ${pfx}* symbol: recheck FIO_STUBS against this fio"
		{
			printf '#include <stdio.h>\n#include <stdlib.h>\n'
			printf 'static void xpv_stub(const char *f)\n{\n'
			printf '\tfprintf(stderr, "fio: %%s: %s is a stub in the xpv test-bed image\\n", f);\n' "$lib"
			printf '\tabort();\n}\n'
			sed 's/@.*//' "$t/syms" | while read -r f; do
				printf 'long %s(void) { xpv_stub("%s"); return -1; }\n' "$f" "$f"
			done
		} > "$t/stub.c"
		: > "$t/ver"
		for v in $(sed -n 's/.*@//p' "$t/syms" | sort -u); do
			{
				echo "$v {"
				echo "global:"
				grep "@$v\$" "$t/syms" | sed 's/@.*/;/'
				echo "};"
			} >> "$t/ver"
		done
		# shellcheck disable=SC2046
		gcc -shared -fPIC -O2 -Wall -Werror -o "$img$lib_dir/$lib" -Wl,-soname,"$lib" \
			$([ -s "$t/ver" ] && echo "-Wl,--version-script=$t/ver") "$t/stub.c" ||
			die "cannot build the $lib stub for fio"
	done
	# The real libraries: fio's and the libraries' own, from the extracted
	# debs first; every one must be found.
	LD_LIBRARY_PATH=$img$lib_dir:$FIO_ROOT/usr/lib/$MULTIARCH:$FIO_ROOT/lib/$MULTIARCH \
		ldd "$img/usr/libexec/fio" > "$t/ldd" 2>&1 || die "ldd fio failed: $(cat "$t/ldd")"
	grep -q 'not found' "$t/ldd" &&
		die "fio needs libraries that are not in $FIO_ROOT: $(grep 'not found' "$t/ldd" | tr '\n' ' ')"
	for f in $(awk '$2 == "=>" && $3 ~ /^\// { print $3 }' "$t/ldd"); do
		case $f in "$img"/*) continue ;; esac
		[ -e "$img/usr/lib/$MULTIARCH/$(basename "$f")" ] || cp -L "$f" "$img/usr/lib/$MULTIARCH/"
	done
	cat > "$img/usr/bin/fio" <<SH
#!/bin/sh
# Debian's fio (/usr/libexec/fio) with the test-bed image's stub engine
# libraries.
export LD_LIBRARY_PATH=$lib_dir
exec /usr/libexec/fio "\$@"
SH
	chmod 0755 "$img/usr/bin/fio"
	img_ldconfig "$img"
	LD_LIBRARY_PATH=$lib_dir chroot "$img" /usr/libexec/fio --version > "$t/version" 2>&1 ||
		die "fio does not start from the guest image's own files: $(cat "$t/version")"
	# The stubs, with the image's libraries: a 1 MiB job.
	if ! LD_LIBRARY_PATH=$img$lib_dir:$img/usr/lib/$MULTIARCH \
			"$img/usr/libexec/fio" --name=check --filename="$t/data" --size=1M --bs=4k \
			--rw=randrw --ioengine=psync --output-format=terse > "$t/run" 2>&1; then
		die "fio with the stubs fails: $(tail -n 3 "$t/run")"
	fi
	log "guest image: $(cat "$t/version") with stubs for ${#FIO_STUBS[@]} engine libraries"
	rm -rf "$t"
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
			cat "$TOOLS_ROOT/.xpv-extracted" 2>/dev/null
			;;
		guest)
			cat "$TB_D/guest/poweroff"
			cat "$FIO_ROOT/.xpv-extracted" 2>/dev/null
			cat "$TOOLS_ROOT/.xpv-extracted" 2>/dev/null
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
	img_copy_libs "$img" "$img"/bin/{bash,flock,losetup,ip,bridge,stat,readlink,timeout,kmod} \
		"$img"/usr/lib/xen-4.17/bin/* "$img"/usr/bin/xenstore-*
	img_tools "$img"
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
	img_fio "$img"
	img_tools "$img"
	img_ldconfig "$img"
	img_pack "$img" "$out"
	rm -rf "$img"
	echo "$out"
}
