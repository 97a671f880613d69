# SPDX-License-Identifier: GPL-2.0-only
# xpv-boot, guest side (also used by stock-boot). Needs no modules: with
# our kernel everything is built in; the stock kernel has xenbus and the PV
# console built in too.

step xenstore
nonce=$(xs_wait data/xpv-dom0-nonce 30) ||
	fail "cannot read data/xpv-dom0-nonce that dom0 wrote: $(xenstore-read data/xpv-dom0-nonce 2>&1)"
val="guest-$nonce-$(cat /proc/sys/kernel/random/boot_id | cut -c1-8)"
xenstore-write data/xpv-guest "$val" 2>/tmp/xs.err || fail "xenstore-write data/xpv-guest: $(cat /tmp/xs.err)"
back=$(xenstore-read data/xpv-guest 2>/tmp/xs.err) || fail "xenstore-read data/xpv-guest: $(cat /tmp/xs.err)"
[ "$back" = "$val" ] || fail "read back '$back' from data/xpv-guest, wrote '$val'"
name=$(xenstore-read name 2>&1) || fail "xenstore-read name: $name"
[ "$name" = "$XPV_NAME" ] || fail "xenstore says my name is '$name', the command line '$XPV_NAME'"
ok "val=$val name=$name"

step cpus
ok "online=$(cat /sys/devices/system/cpu/online) present=$(cat /sys/devices/system/cpu/present)"

step irqs
# Some work and timer wake-ups on each CPU, so both take events.
for c in 0 1; do
	taskset -c $c sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do sleep 0.05; done' 2>/dev/null
done
echo "XPV-IRQ-BEGIN"
cat /proc/interrupts
echo "XPV-IRQ-END"
ok

step time
d=$(xs_wait data/xpv-time-go 60) || fail "dom0 never wrote data/xpv-time-go"
ok "epoch=$(now_epoch) dom0=$d"

step sleep
xs_wait data/xpv-sleep-go 60 > /dev/null || fail "dom0 never wrote data/xpv-sleep-go"
echo "XPV-SLEEP start"
sleep 5
echo "XPV-SLEEP end"
ok
