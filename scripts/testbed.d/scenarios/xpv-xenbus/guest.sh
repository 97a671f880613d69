# SPDX-License-Identifier: GPL-2.0-only
# xpv-xenbus, guest side (self-contained helpers).
S=start
st() { S=$1; echo "XPV-STEP $1"; }
okk() { echo "XPV-OK $S $*"; }
ff() { dmesg | tail -n 25 | sed 's/^/XPV-INFO dmesg: /'; echo "XPV-FAIL $S: $*"; exit 1; }
T="timeout 20"

st selftest
# The kernel's platform self-test (drivers/xpv/selftest.c). At boot
# (xpv.selftest=1 on the command line) there is no peer yet: xenstore, an
# event channel looped back, grant copy from our own grant, revoke and a
# burst of references that grows the table pass, and the map checks are
# skipped (a PVH domain cannot map its own grants). Then dom0 grants two of
# its pages to us (data/xpv-selftest-peer = "domid ref0 ref1 byte") and we
# run it again through sysfs: the peer's grants are mapped into unpopulated
# frames singly and in a batch, compared, unmapped, and grant-copied.
boot=$(dmesg | grep 'xpv selftest: ')
echo "$boot" | sed 's/^/XPV-INFO boot: /'
echo "$boot" | grep -q 'xpv selftest: done, 0 failed' ||
	ff "boot run: $(echo "$boot" | grep -E 'FAIL|done' | tr '\n' ' ')"
n=$(echo "$boot" | grep -c 'selftest: PASS ')
[ "$n" -eq 9 ] || ff "boot run: $n checks passed, want 9"
echo "$boot" | grep -q 'SKIP grant-map' || ff "boot run did not skip the map checks without a peer"
peer=$(xs_wait data/xpv-selftest-peer 60) || ff "dom0 never wrote data/xpv-selftest-peer"
echo 1 > /sys/module/xpv/parameters/selftest 2>/tmp/e ||
	ff "run with the peer's grants: $(dmesg | grep 'selftest: FAIL' | tr '\n' ' ')"
run=$(dmesg | awk '/xpv selftest: done/ { n++; next } n >= 1 && /xpv selftest: /')
echo "$run" | sed 's/^/XPV-INFO peer: /'
dmesg | grep -c 'xpv selftest: done, 0 failed' | grep -qx 2 || ff "peer run did not end with 0 failed"
n=$(echo "$run" | grep -c 'selftest: PASS ')
[ "$n" -eq 12 ] || ff "peer run: $n checks passed, want 12"
okk "boot=9 peer=$n grants=$peer"

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
