#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# xpv-bare, a host scenario (scripts/testbed runs host.sh on the host, no
# Xen): our domU kernel on bare QEMU must boot normally with xpv inactive.
# Boots build/kernel/vmlinux through the PVH entry with a busybox initramfs
# whose init logs a marker to the kernel log and powers off.
# Prints "PASS xpv-bare" or "FAIL xpv-bare: reason".
set -uo pipefail
. "$XPV_ROOT/scripts/lib.sh"
name=${1:-xpv-bare}
out=$XPV_BUILD/testbed/$name
vmlinux=$XPV_BUILD/kernel/vmlinux
[ -f "$vmlinux" ] || { echo "FAIL $name: build/kernel/vmlinux missing (make kernel)"; exit 1; }
rm -rf "$out" && mkdir -p "$out/root/bin" "$out/root/dev" "$out/root/proc"
cp "$XPV_CACHE/rootfs/bin/busybox" "$out/root/bin/busybox"
cat > "$out/root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs dev /dev 2>/dev/null
echo "XPV-BARE-INIT cpus=$(/bin/busybox nproc)" > /dev/kmsg
# reboot, not poweroff: without Xen this config has no power-off path,
# and QEMU -no-reboot exits on a reset.
/bin/busybox reboot -f
INIT
chmod +x "$out/root/init"
(cd "$out/root" && find . | cpio -o -H newc --quiet) > "$out/initrd.cpio"

heavy_lock
timeout -k 10 240 qemu-system-x86_64 -machine q35 -cpu max -m 512 -smp 2 \
	-display none -no-reboot -monitor none -serial "file:$out/serial.log" \
	-kernel "$vmlinux" -initrd "$out/initrd.cpio" \
	-append "earlyprintk=serial,ttyS0,115200,keep loglevel=7 panic=-1" \
	> "$out/qemu.log" 2>&1
rc=$?
log=$out/serial.log
if [ $rc -eq 124 ]; then
	echo "FAIL $name: QEMU did not reset within 240 s; last lines: $(tail -n 3 "$log" | tr -d '\r' | tr '\n' ' ')"
	exit 1
fi
grep -q "XPV-BARE-INIT" "$log" ||
	{ echo "FAIL $name: init never ran; last lines: $(tail -n 3 "$log" | tr -d '\r' | tr '\n' ' ')"; exit 1; }
grep -q "XPV-BARE-INIT cpus=2" "$log" ||
	{ echo "FAIL $name: init saw $(grep -ao 'XPV-BARE-INIT cpus=[0-9]*' "$log" | head -n1 | cut -d= -f2) CPUs, QEMU gave 2"; exit 1; }
grep -q "xpv stays inactive" "$log" ||
	{ echo "FAIL $name: no 'xpv stays inactive' line: xpv did not notice it is not on Xen"; exit 1; }
grep -qE "Kernel panic|BUG:|Oops(:| -)" "$log" &&
	{ echo "FAIL $name: $(grep -E "Kernel panic|BUG:|Oops(:| -)" "$log" | head -n1)"; exit 1; }
echo "PASS $name"
