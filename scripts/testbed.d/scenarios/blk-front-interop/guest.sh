# SPDX-License-Identifier: GPL-2.0-only
# blk-front-interop, guest side (our kernel).
BYTES=16777216
step disk-appear
wait_for /dev/xvda 60 || fail "no /dev/xvda 60 s after boot"
ok "size=$(blockdev --getsize64 /dev/xvda)"
step disk-write
head -c $BYTES /dev/urandom > /tmp/pattern || fail "cannot make the pattern"
sum=$(sha256sum /tmp/pattern | cut -d' ' -f1)
t0=$(now_ms)
dd if=/tmp/pattern of=/dev/xvda bs=1M conv=fsync 2>/tmp/dd.err || fail "dd to /dev/xvda failed: $(cat /tmp/dd.err)"
t1=$(now_ms)
ok "sha=$sum bytes=$BYTES ms=$((t1 - t0))"
step disk-read
blockdev --flushbufs /dev/xvda
echo 3 > /proc/sys/vm/drop_caches
t0=$(now_ms)
back=$(dd if=/dev/xvda bs=1M count=16 2>/dev/null | sha256sum | cut -d' ' -f1)
t1=$(now_ms)
[ "$back" = "$sum" ] || fail "read back sha256 $back, wrote $sum"
ok "sha=$back bytes=$BYTES ms=$((t1 - t0))"
step disk-gone
i=0
while [ -e /dev/xvda ]; do
	i=$((i + 1))
	[ $i -lt 600 ] || fail "/dev/xvda still there 60 s after the detach"
	sleep 0.1
done
ok "after=${i}00ms"
step disk-back
wait_for /dev/xvda 60 || fail "no /dev/xvda 60 s after the re-attach"
again=$(dd if=/dev/xvda bs=1M count=16 2>/dev/null | sha256sum | cut -d' ' -f1)
[ "$again" = "$sum" ] || fail "after re-attach read sha256 $again, wrote $sum"
ok "sha=$again"
