# SPDX-License-Identifier: GPL-2.0-only
# blk-back-interop and blk-xpv, the 2-vCPU guest: blk-mq sends each CPU's
# requests to its own ring, so I/O from a process pinned to each vCPU must
# reach both of the back end's rings. Each vCPU writes 4 MiB of its own
# data (O_DIRECT) and reads back what the other one wrote; dom0 checks the
# backing file and the back end's per-ring counters.
MiB=1048576
DISK=/dev/xvda

sum() { sha256sum | cut -d' ' -f1; }

step disk-appear
wait_for $DISK 60 || fail "no $DISK 60 s after boot"
ok "size=$(blockdev --getsize64 $DISK) cpus=$(nproc)"

step rings
head -c $((4 * MiB)) /dev/urandom > /tmp/d0
head -c $((4 * MiB)) /dev/urandom > /tmp/d1
s0=$(sum < /tmp/d0)
s1=$(sum < /tmp/d1)
taskset -c 0 dd if=/tmp/d0 of=$DISK bs=64k oflag=direct 2>/tmp/w0.err &
p0=$!
taskset -c 1 dd if=/tmp/d1 of=$DISK bs=64k seek=128 oflag=direct 2>/tmp/w1.err &
p1=$!
wait $p0 || fail "writer on cpu 0 failed: $(head -n 1 /tmp/w0.err)"
wait $p1 || fail "writer on cpu 1 failed: $(head -n 1 /tmp/w1.err)"
r1=$(taskset -c 0 dd if=$DISK bs=64k skip=128 count=64 iflag=direct 2>/dev/null | sum)
r0=$(taskset -c 1 dd if=$DISK bs=64k count=64 iflag=direct 2>/dev/null | sum)
[ "$r0" = "$s0" ] || fail "cpu 0's 4 MiB read back on cpu 1 as sha256 $r0, wrote $s0"
[ "$r1" = "$s1" ] || fail "cpu 1's 4 MiB read back on cpu 0 as sha256 $r1, wrote $s1"
ok "sha0=$s0 sha1=$s1"
