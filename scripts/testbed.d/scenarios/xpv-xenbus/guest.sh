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

st xs-concurrent
# Two xenstore clients of our /dev/xen/xenbus at once (issue 15's second
# suspect), each in a loop: read a value dom0 wrote as large as a message
# allows (a reply of about 4 KiB), write its own 1900-byte value (a
# guest's quota stops near 2 KiB) and read that back; every value must
# come back whole and unchanged, and each client's replies must be its own.
xs_pattern() {
	awk -v s="$1" -v n="$2" 'BEGIN { a = "abcdefghijklmnopqrstuvwxyz"
		for (i = 0; i < n; i++) printf "%s", substr(a, (i * 7 + s) % 26 + 1, 1) }'
}
xs_wait data/xs-big-ready 60 >/dev/null || ff "dom0 never wrote data/xs-big-ready"
dom=$($T xenstore-read domid) || ff "xenstore-read domid failed"
xs_client() {
	k=$1 p=/local/domain/$dom/data/xs-big$1
	n=$((4096 - ${#p} - 1))
	big=$(xs_pattern $((k * 1000 + 7)) $n)
	i=0
	while [ $i -lt 30 ]; do
		v=$($T xenstore-read data/xs-big$k) || { echo "read $i failed" > /tmp/xsc$k.err; exit 1; }
		[ "$v" = "$big" ] || { echo "read $i: ${#v} bytes, want $n, not the value written" > /tmp/xsc$k.err; exit 1; }
		mine=$(xs_pattern $((k * 100 + i)) 1900)
		$T xenstore-write data/xs-c$k "$mine" 2>/tmp/xsc$k.err || exit 1
		v=$($T xenstore-read data/xs-c$k) || { echo "read back $i failed" > /tmp/xsc$k.err; exit 1; }
		[ "$v" = "$mine" ] || { echo "read back $i: ${#v} bytes, not the value written" > /tmp/xsc$k.err; exit 1; }
		i=$((i + 1))
	done
	echo "$n" > /tmp/xsc$k.ok
}
rm -f /tmp/xsc0.* /tmp/xsc1.*
xs_client 0 & c0=$!
xs_client 1 & c1=$!
wait $c0; r0=$?
wait $c1; r1=$?
[ $r0 = 0 ] && [ -f /tmp/xsc0.ok ] || ff "client 0: $(cat /tmp/xsc0.err 2>/dev/null)"
[ $r1 = 0 ] && [ -f /tmp/xsc1.ok ] || ff "client 1: $(cat /tmp/xsc1.err 2>/dev/null)"
okk "clients=2 rounds=30 big=$(cat /tmp/xsc0.ok),$(cat /tmp/xsc1.ok)"

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
