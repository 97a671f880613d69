# SPDX-License-Identifier: GPL-2.0-only
# stock-pvh, guest side: FPU canary, 64 MiB disk write/read-back, 20 pings
# to dom0, 32 MiB over TCP to dom0. Figures go to dom0 in XPV-OK lines.
DISK_BYTES=67108864
TCP_BYTES=33554432

step fpu
fpu_canary 2 100000

step disk-appear
wait_for /dev/xvda 30 || fail "no /dev/xvda 30 s after boot"
ok "size=$(blockdev --getsize64 /dev/xvda)"

step disk-write
head -c $DISK_BYTES /dev/urandom > /tmp/pattern || fail "cannot make the pattern"
sum=$(sha256sum /tmp/pattern | cut -d' ' -f1)
t0=$(now_ms)
dd if=/tmp/pattern of=/dev/xvda bs=1M conv=fsync 2>/tmp/dd.err || fail "dd to /dev/xvda failed: $(cat /tmp/dd.err)"
t1=$(now_ms)
ok "sha=$sum bytes=$DISK_BYTES ms=$((t1 - t0))"
rm -f /tmp/pattern

step disk-read
blockdev --flushbufs /dev/xvda
echo 3 > /proc/sys/vm/drop_caches
t0=$(now_ms)
back=$(dd if=/dev/xvda bs=1M count=64 2>/dev/null | sha256sum | cut -d' ' -f1)
t1=$(now_ms)
[ "$back" = "$sum" ] || fail "read back sha256 $back, wrote $sum"
ok "sha=$back bytes=$DISK_BYTES ms=$((t1 - t0))"

step net-up
net_up
i=0
until ping -c 1 -W 1 "$XPV_PEER" >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -lt 20 ] || fail "dom0 ($XPV_PEER) does not answer a first ping within 20 s"
done
ok "ip=$XPV_IP"

step ping
out=$(ping -c 20 -i 0.2 -W 2 "$XPV_PEER" 2>&1)
echo "$out" | tail -n 2
echo "$out" | grep -q '20 packets transmitted, 20 packets received, 0% packet loss' ||
	fail "ping loss: $(echo "$out" | grep 'packets transmitted')"
avg=$(echo "$out" | sed -n 's|.*min/avg/max = [0-9.]*/\([0-9.]*\)/.*|\1|p')
ok "count=20 loss=0 avg_ms=$avg"

step tcp
head -c $TCP_BYTES /dev/urandom > /tmp/tcp || fail "cannot make the TCP payload"
sum=$(sha256sum /tmp/tcp | cut -d' ' -f1)
i=0
t0=$(now_ms)
until nc "$XPV_PEER" 5001 < /tmp/tcp 2>/tmp/nc.err; do
	i=$((i + 1))
	[ $i -lt 30 ] || fail "nc to $XPV_PEER:5001 failed: $(cat /tmp/nc.err)"
	sleep 1
	t0=$(now_ms)
done
t1=$(now_ms)
ok "sha=$sum bytes=$TCP_BYTES ms=$((t1 - t0))"
rm -f /tmp/tcp
