# SPDX-License-Identifier: GPL-2.0-only
# blk-back-interop and blk-xpv, the 2-vCPU guest: blk-mq sends each CPU's
# requests to its own ring, so I/O from a process pinned to each vCPU must
# reach both of the back end's rings. Each vCPU writes 4 MiB of its own
# data (O_DIRECT) and reads back what the other one wrote; dom0 checks the
# backing file and the back end's per-ring counters.
#
# dom0 offers this guest WRITE_BARRIER as its only flush (xpv-blkback's
# feature_flush_cache=N): the barrier step's FUA writes and fsync must
# reach the back end as barriers.
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

step barrier
# 1 MiB at 16 MiB as 256 O_DIRECT|O_SYNC 4 KiB writes (REQ_FUA: stock
# blkfront sends each as a barrier carrying the data; ours as a write
# and then a bare barrier), verified by fio; then an fsync'd buffered
# MiB after it (a bare barrier). Both read back for dom0's comparison.
command -v fio > /dev/null || fail "no fio in the guest image"
timeout 300 fio --name=barrier --filename=$DISK --rw=write --bs=4k --direct=1 \
	--sync=1 --ioengine=psync --offset=$((16 * MiB)) --size=$MiB \
	--verify=crc32c --do_verify=1 --eta=never --output-format=terse \
	--terse-version=3 > /tmp/fio.out 2> /tmp/fio.err ||
	fail "fio exited $?: $(tail -n 3 /tmp/fio.err | tr '\n' ' ')"
err=$(grep '^3;' /tmp/fio.out | head -n 1 | cut -d';' -f5)
[ "$err" = 0 ] || fail "fio reports error '$err': $(tail -n 3 /tmp/fio.err | tr '\n' ' ')"
head -c $MiB /dev/urandom > /tmp/b2
dd if=/tmp/b2 of=$DISK bs=64k seek=272 conv=fsync 2>/tmp/b2.err ||
	fail "fsync'd write failed: $(head -n 1 /tmp/b2.err)"
s2=$(sum < /tmp/b2)
echo 3 > /proc/sys/vm/drop_caches
r2=$(dd if=$DISK bs=64k skip=272 count=16 iflag=direct 2>/dev/null | sum)
[ "$r2" = "$s2" ] || fail "the fsync'd MiB reads back as sha256 $r2, wrote $s2"
ok "sha=$(dd if=$DISK bs=64k skip=256 count=32 iflag=direct 2>/dev/null | sum) writes=256"
