# SPDX-License-Identifier: GPL-2.0-only
# panic-io, the guest that dies mid-I/O: write CHUNK-KiB chunks to xvda one
# after another, each with O_DIRECT and fsync (a flush: acknowledged means
# on the back end's store), print "XPV-ACK <i>" after each, and panic (sysrq
# c) as soon as dom0 asks, while the writer is in the middle of one.
CHUNK=256
step disk
wait_for /dev/xvda 60 || fail "no /dev/xvda"
ok "size=$(blockdev --getsize64 /dev/xvda)"
# The panic trigger, beside the writer.
(
	xs_wait data/xpv-cmd 300 > /dev/null || exit 0
	echo "XPV-PANIC-NOW"
	echo c > /proc/sysrq-trigger
) &
step write
i=0
max=$(( $(blockdev --getsize64 /dev/xvda) / (CHUNK * 1024) ))
while [ $i -lt "$max" ]; do
	# Chunk i: the line "xpv-crash-io chunk <i>" repeated (dom0 rebuilds it).
	yes "xpv-crash-io chunk $i" | head -c $((CHUNK * 1024)) |
		dd of=/dev/xvda bs=${CHUNK}k seek=$i count=1 iflag=fullblock oflag=direct conv=fsync,notrunc 2>/tmp/dd.err ||
		fail "writing chunk $i failed: $(head -n 1 /tmp/dd.err)"
	echo "XPV-ACK $i"
	i=$((i + 1))
done
fail "wrote the whole disk ($max chunks) and dom0 never asked for the panic"
