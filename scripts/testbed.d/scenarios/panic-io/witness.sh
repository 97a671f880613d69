# SPDX-License-Identifier: GPL-2.0-only
# panic-io, the witness: every half second write a numbered 64 KiB block to
# xvda with O_DIRECT and fsync, read it back with O_DIRECT and compare;
# "XPV-BEAT <n>" after each good round, fail on the first bad one.
step disk
wait_for /dev/xvda 60 || fail "no /dev/xvda"
ok "size=$(blockdev --getsize64 /dev/xvda)"
step beat
n=0
while :; do
	yes "witness $n" | head -c 65536 > /tmp/w
	dd if=/tmp/w of=/dev/xvda bs=64k seek=$((n % 64)) count=1 oflag=direct conv=fsync,notrunc 2>/tmp/dd.err ||
		fail "write $n failed: $(head -n 1 /tmp/dd.err)"
	dd if=/dev/xvda of=/tmp/r bs=64k skip=$((n % 64)) count=1 iflag=direct 2>/tmp/dd.err ||
		fail "read $n failed: $(head -n 1 /tmp/dd.err)"
	cmp -s /tmp/w /tmp/r || fail "block $n read back differs from what was written"
	echo "XPV-BEAT $n"
	n=$((n + 1))
	sleep 0.5
done
