# SPDX-License-Identifier: GPL-2.0-only
# blk-back-interop and blk-xpv, guest side of the data checks (the stock
# kernel's xen-blkfront or our kernel's xpv-blkfront, against xpv-blkback
# in dom0; one vCPU: see lib.bash). Every data check is a sha256 compared
# with what was written; dom0 compares the same sums with the backing
# files. Steps wait for dom0 through keys in data/ where dom0 must act
# first.
MiB=1048576
DISK=/dev/xvda
SIZE=$((256 * MiB))

# sha256 of stdin, the sum only.
sum() { sha256sum | cut -d' ' -f1; }

# Forget the page cache of a disk so reads reach the back end.
uncache() {
	blockdev --flushbufs "$1" 2>/dev/null
	echo 3 > /proc/sys/vm/drop_caches
}

# gone DEV SECONDS: wait for a device node to disappear.
gone() {
	local i=0
	while [ -e "$1" ]; do
		i=$((i + 1))
		[ $i -lt $(($2 * 10)) ] || return 1
		sleep 0.1
	done
	echo "$i"
}

step disk-appear
wait_for $DISK 60 || fail "no $DISK 60 s after boot"
ok "size=$(blockdev --getsize64 $DISK) ro=$(blockdev --getro $DISK) cpus=$(nproc)"

step seq-write
# dom0 attaches its 256 MiB pattern read-only as xvdp (see lib.bash) and
# tells its sha256; copy it to the disk, then read the disk back.
want=$(xs_wait data/pattern-sha 120) || fail "no data/pattern-sha from dom0"
wait_for /dev/xvdp 120 || fail "no /dev/xvdp 120 s after dom0 made the pattern"
t0=$(now_ms)
dd if=/dev/xvdp of=$DISK bs=1M count=256 conv=fsync 2>/tmp/dd.err ||
	fail "copying /dev/xvdp to $DISK failed: $(tail -n 2 /tmp/dd.err)"
t1=$(now_ms)
ok "bytes=$SIZE ms=$((t1 - t0))"

step seq-read
uncache $DISK
t0=$(now_ms)
rsum=$(dd if=$DISK bs=1M count=256 2>/dev/null | sum)
t1=$(now_ms)
[ "$rsum" = "$want" ] || fail "read back sha256 $rsum, copied the pattern with $want"
ok "sha=$rsum bytes=$SIZE ms=$((t1 - t0))"

step random-write
offs=$(xs_wait data/rand-offsets 120) || fail "no data/rand-offsets from dom0"
n=$(echo $offs | wc -w)
head -c $((n * 4096)) /dev/urandom > /tmp/rand
want=$(sum < /tmp/rand)
i=0
for o in $offs; do
	dd if=/tmp/rand of=$DISK bs=4096 skip=$i seek=$o count=1 oflag=direct 2>/tmp/rw.err ||
		fail "4 KiB write at block $o failed: $(tail -n 1 /tmp/rw.err)"
	i=$((i + 1))
done
uncache $DISK
for o in $offs; do
	dd if=$DISK bs=4096 skip=$o count=1 iflag=direct 2>/dev/null
done > /tmp/randback
got=$(sum < /tmp/randback)
[ "$got" = "$want" ] || fail "random 4 KiB blocks read back as sha256 $got, wrote $want ($(cmp /tmp/rand /tmp/randback 2>&1 | head -n 1))"
ok "sha=$got n=$n"

step discard
xs_wait data/go-discard 120 > /dev/null || fail "no data/go-discard from dom0"
blkdiscard -o $((64 * MiB)) -l $((64 * MiB)) $DISK 2>/tmp/bd.err ||
	fail "blkdiscard failed: $(cat /tmp/bd.err)"
ok "offset=$((64 * MiB)) len=$((64 * MiB))"

step readonly
want=$(xs_wait data/ro-sha 120) || fail "no data/ro-sha from dom0"
wait_for /dev/xvdb 60 || fail "no /dev/xvdb 60 s after the attach"
ro=$(blockdev --getro /dev/xvdb)
[ "$ro" = 1 ] || fail "/dev/xvdb is not read-only (getro $ro)"
got=$(dd if=/dev/xvdb bs=1M 2>/dev/null | sum)
[ "$got" = "$want" ] || fail "read-only disk reads as sha256 $got, dom0 has $want"
if dd if=/dev/zero of=/dev/xvdb bs=4096 count=1 oflag=direct 2>/tmp/ro.err; then
	fail "a write to the read-only /dev/xvdb succeeded"
fi
ok "ro=$ro sha=$got error=$(head -n 1 /tmp/ro.err | tr ' ' _)"

step unplug-idle
t=$(gone /dev/xvdb 60) || fail "/dev/xvdb still there 60 s after the detach"
ok "after=${t}00ms"

step plug-load
wait_for /dev/xvdc 60 || fail "no /dev/xvdc 60 s after the attach"
head -c $((8 * MiB)) /dev/urandom > /tmp/hp
hsum=$(sum < /tmp/hp)
dd if=/tmp/hp of=/dev/xvdc bs=1M conv=fsync 2>/tmp/hp.err ||
	fail "writing /dev/xvdc failed: $(tail -n 1 /tmp/hp.err)"
# A writer and a reader, beyond the first 8 MiB, until the disk goes away.
# Each loop also ends when /dev/xvdc is no longer a block device: busybox
# dd has no conv=nocreat, so a writer that starts just after the node went
# away creates a regular file there (removed here, or the re-plug below
# would find it).
load() {
	while dd "$@" 2>/dev/null && [ -b /dev/xvdc ]; do :; done
	[ -b /dev/xvdc ] || { [ -f /dev/xvdc ] && rm -f /dev/xvdc; }
}
load if=/dev/zero of=/dev/xvdc bs=64k seek=256 count=64 oflag=direct &
l0=$!
load if=/dev/xvdc of=/dev/null bs=64k skip=256 count=64 iflag=direct &
l1=$!
ok "sha=$hsum"

step unplug-load
t=$(gone /dev/xvdc 90) || fail "/dev/xvdc still there 90 s after the detach under load"
i=0
while kill -0 $l0 2>/dev/null || kill -0 $l1 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 300 ]; then
		say "$(ps -o pid,stat,args 2>/dev/null | grep ' dd ' | grep -v grep | head -n 3 | tr '\n' ';')"
		kill $l0 $l1 2>/dev/null
		fail "the load on /dev/xvdc did not end 30 s after the disk went away"
	fi
	sleep 0.1
done
ok "after=${t}00ms"

step replug
wait_for /dev/xvdc 60 || fail "no /dev/xvdc 60 s after the re-attach"
uncache /dev/xvdc
got=$(dd if=/dev/xvdc bs=1M count=8 2>/dev/null | sum)
[ "$got" = "$hsum" ] || fail "after the re-attach the first 8 MiB read as sha256 $got, wrote $hsum"
ok "sha=$got"

step resize
# dom0 grows xvdc's backing file from 64 to 80 MiB under the connected
# disk; the new size must show here, and its last MiB must be writable.
want=$(xs_wait data/resize-bytes 120) || fail "no data/resize-bytes from dom0"
i=0
while [ "$(blockdev --getsize64 /dev/xvdc)" != "$want" ]; do
	i=$((i + 1))
	[ $i -lt 300 ] || fail "xvdc still has $(blockdev --getsize64 /dev/xvdc) bytes 30 s after the resize, want $want"
	sleep 0.1
done
head -c $MiB /dev/urandom > /tmp/rs
dd if=/tmp/rs of=/dev/xvdc bs=1M seek=$((want / MiB - 1)) oflag=direct 2>/tmp/rs.err ||
	fail "writing the new last MiB failed: $(head -n 1 /tmp/rs.err)"
got=$(dd if=/dev/xvdc bs=1M skip=$((want / MiB - 1)) iflag=direct 2>/dev/null | sum)
[ "$got" = "$(sum < /tmp/rs)" ] || fail "the new last MiB reads back as sha256 $got"
ok "bytes=$want ms=$((i * 100)) sha=$got"

step flush
xs_wait data/go-flush 120 > /dev/null || fail "no data/go-flush from dom0"
head -c $((4 * MiB)) /dev/urandom > /tmp/fl
fsum=$(sum < /tmp/fl)
dd if=/tmp/fl of=$DISK bs=1M seek=200 conv=fsync 2>/tmp/fl.err ||
	fail "flushed write failed: $(tail -n 1 /tmp/fl.err)"
ok "sha=$fsum offset=$((200 * MiB))"
# dom0 destroys this guest now.
