# SPDX-License-Identifier: GPL-2.0-only
# xpv-boot, guest side (also used by stock-boot). Needs no modules: with
# our kernel everything is built in; the stock kernel has xenbus and the PV
# console built in too.

step xenstore
nonce=$(xs_wait data/xpv-dom0-nonce 30 2>/tmp/xs.err) ||
	fail "cannot read data/xpv-dom0-nonce that dom0 wrote: $(cat /tmp/xs.err)"
val="guest-$nonce-$(cat /proc/sys/kernel/random/boot_id | cut -c1-8)"
xs_write data/xpv-guest "$val" 2>/tmp/xs.err || fail "xenstore-write data/xpv-guest: $(cat /tmp/xs.err)"
back=$(xs_read data/xpv-guest 2>/tmp/xs.err) || fail "xenstore-read data/xpv-guest: $(cat /tmp/xs.err)"
[ "$back" = "$val" ] || fail "read back '$back' from data/xpv-guest, wrote '$val'"
name=$(xs_read name 2>&1) || fail "xenstore-read name: $name"
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

step cpu-hotplug
# Our kernel only (the stock kernel's hotplug is not what we test): CPU1
# goes offline (its timer VIRQ is closed; on FIFO the events Xen had queued
# for it are queued again elsewhere) and comes back (its vcpu_info and FIFO
# control block are kept, the timer VIRQ is bound again); it must take
# events again.
if [ -e /sys/module/xpv/parameters/selftest ]; then
	[ -e /sys/devices/system/cpu/cpu1/online ] ||
		fail "no /sys/devices/system/cpu/cpu1/online: CPU1 cannot go offline (CPU hotplug missing?)"
	echo 0 > /sys/devices/system/cpu/cpu1/online || fail "cannot take CPU1 offline"
	on=$(cat /sys/devices/system/cpu/online)
	[ "$on" = 0 ] || fail "CPU1 went offline, yet online=$on"
	echo 1 > /sys/devices/system/cpu/cpu1/online || fail "cannot bring CPU1 back"
	before=$(awk '/Hypervisor callback/ { print $3; exit }' /proc/interrupts)
	taskset -c 1 sh -c 'for i in 1 2 3 4 5; do sleep 0.05; done' ||
		fail "cannot run on CPU1 after it came back"
	after=$(awk '/Hypervisor callback/ { print $3; exit }' /proc/interrupts)
	[ "${after:-0}" -gt "${before:-0}" ] ||
		fail "CPU1 took no callback interrupts after it came back ($before -> $after)"
	ok "online=$(cat /sys/devices/system/cpu/online) hyp1=$before..$after"
else
	ok "skipped=not-xpv"
fi

step time
# NTP-style probes through xenstore: write a query, dom0 answers with its
# clock; the offset is dom0's stamp minus the midpoint of the round trip,
# taken from the probe with the shortest round trip.
xs_wait data/xpv-time-go 60 > /dev/null || fail "dom0 never wrote data/xpv-time-go"
best=
for i in 1 2 3 4 5; do
	t1=$(now_epoch)
	xs_write data/xpv-tq "q$i" 2>/tmp/xs.err || fail "xenstore-write data/xpv-tq: $(cat /tmp/xs.err)"
	n=0
	while :; do
		a=$(xs_read data/xpv-ta 2>/dev/null)
		case $a in "$i "*) break ;; esac
		n=$((n + 1))
		[ $n -lt 300 ] || fail "dom0 did not answer time probe $i"
	done
	t2=$(now_epoch)
	r=$(awk -v a="${a#* }" -v t1="$t1" -v t2="$t2" 'BEGIN { printf "%.3f %.3f", t2 - t1, a - (t1 + t2) / 2 }')
	say "time probe $i: rtt offset(dom0-guest) = $r"
	if [ -z "$best" ] || awk -v r="${r% *}" -v b="${best% *}" 'BEGIN { exit !(r < b) }'; then
		best=$r
	fi
done
xs_write data/xpv-tq done
ok "rtt=${best% *} offset=${best#* } epoch=$(date +%s)"

step sleep
xs_wait data/xpv-sleep-go 60 > /dev/null || fail "dom0 never wrote data/xpv-sleep-go"
echo "XPV-SLEEP start"
sleep 5
echo "XPV-SLEEP end"
ok
