# SPDX-License-Identifier: GPL-2.0-only
# xpv-xenbus, guest side (self-contained helpers).
S=start
st() { S=$1; echo "XPV-STEP $1"; }
okk() { echo "XPV-OK $S $*"; }
ff() { dmesg | tail -n 25 | sed 's/^/XPV-INFO dmesg: /'; echo "XPV-FAIL $S: $*"; exit 1; }
T="timeout 20"

st xs-ops
$T xenstore-write data/d2x 1 2>/tmp/e || ff "write1: $(cat /tmp/e)"
$T xenstore-write data/d2/a 1 data/d2/b two 2>/tmp/e || ff "write2: $(cat /tmp/e)"
[ "$($T xenstore-read data/d2/b)" = two ] || ff "read back"
n=$($T xenstore-list data/d2 | wc -l)
[ "$n" = 2 ] || ff "xenstore-list data/d2 gave $n entries"
$T xenstore-ls data/d2 > /tmp/ls 2>&1 || ff "xenstore-ls: $(cat /tmp/ls)"
grep -q 'b = "two"' /tmp/ls || ff "xenstore-ls output: $(cat /tmp/ls)"
$T xenstore-rm data/d2/a 2>/tmp/e || ff "rm: $(cat /tmp/e)"
$T xenstore-exists data/d2/a && ff "data/d2/a still exists after rm"
$T xenstore-read data/d2-missing 2>/dev/null && ff "read of a missing key succeeded"
okk "list=$n"

st xs-watch
timeout 20 xenstore-watch -n 2 data/d2w > /tmp/watch.out 2>&1 &
wpid=$!
sleep 1
$T xenstore-write data/d2w hello
i=0
while [ "$(grep -c d2w /tmp/watch.out)" -lt 2 ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
kill $wpid 2>/dev/null
[ "$(grep -c d2w /tmp/watch.out)" -ge 2 ] || ff "watch events: $(cat /tmp/watch.out)"
okk "events=$(grep -c d2w /tmp/watch.out)"

st features
f=$($T xenstore-read control/feature-poweroff 2>&1)
[ "$f" = 1 ] || ff "control/feature-poweroff is '$f'"
okk "sysrq=$($T xenstore-read control/feature-sysrq 2>/dev/null || echo none)"
dmesg | grep -E 'xpv-(xenstore|grant|control|xenbus)' | sed 's/^/XPV-INFO dmesg: /'

st garbage
echo "XPV-INFO ready-for-garbage"
i=0
until $T xenstore-read data/d2-garbage-done >/dev/null 2>&1; do
	sleep 0.5; i=$((i + 1)); [ $i -gt 120 ] && ff "dom0 never wrote data/d2-garbage-done"
done
dmesg | grep -E 'xpv-xenbus' | sed 's/^/XPV-INFO xb: /'
echo "XPV-INFO devices: $(ls /sys/bus/xpv-frontend/devices 2>&1 | tr '\n' ' ')"
okk
