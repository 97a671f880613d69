# SPDX-License-Identifier: GPL-2.0-only
# xpv-boot, dom0 side; stock-boot sources this with TB_KERNEL=stock.
K=${TB_KERNEL:-xpv}
G=boot

tb_step create
tb_guest_create $G --kernel "$K" --vcpus 2 --memory 256 --script xpv-boot/guest.sh
create_done=$(tb_now)
nonce=n$RANDOM$RANDOM
tb_xs_write $G xpv-dom0-nonce "$nonce"

tb_step console-marker
tb_wait_console $G 'XPV-GUEST-INIT' 180
tb_metric boot_to_init_s "$(tb_calc "$TB_TIME - $create_done")" s

if [ "$K" = xpv ]; then
	tb_step evtchn-fifo
	# Xen 4.17 offers the FIFO ABI: our kernel must take it by default.
	tb_evtchn_abi $G FIFO
fi

tb_step xenstore
tb_wait_console $G 'XPV-OK xenstore ' 60
val=$(tb_field val)
case $val in
guest-$nonce-*) ;;
*) tb_fail "the guest's key holds '$val', which does not carry dom0's nonce $nonce" ;;
esac
id=$(tb_domid $G)
seen=$(xenstore-read "/local/domain/$id/data/xpv-guest" 2>&1) ||
	tb_fail "dom0 cannot read the guest's key: $seen"
[ "$seen" = "$val" ] || tb_fail "dom0 reads '$seen' from the guest's key, the guest wrote '$val'"

tb_step cpus
tb_wait_console $G 'XPV-OK cpus ' 60
[ "$(tb_field online)" = 0-1 ] || tb_fail "guest CPUs online: '$(tb_field online)', want 0-1"

tb_step events-on-both-cpus
tb_wait_console $G 'XPV-IRQ-END' 60
tr -d '\r' < "$(tb_console $G)" | sed -n '/XPV-IRQ-BEGIN/,/XPV-IRQ-END/p' | sed '1d;$d' > "$TB/boot-interrupts.txt"
cat "$TB/boot-interrupts.txt" >&2
line=$(awk 'tolower($0) ~ /xen|xpv|hypervisor callback/ && $2 ~ /^[0-9]+$/ && $3 ~ /^[0-9]+$/ && $2 > 0 && $3 > 0 { print; exit }' \
	"$TB/boot-interrupts.txt")
[ -n "$line" ] || tb_fail "no xen/xpv interrupt line with events on both CPUs in /proc/interrupts (see boot-interrupts.txt)"
tb_log "events on both CPUs: $line"
# The console's channel is late-EOI (XSA-391): a console back end that
# storms the guest with events gets its port unmasked later and later.
grep -qE 'lateeoi.*hvc_console' "$TB/boot-interrupts.txt" ||
	tb_fail "hvc_console is not on a late-EOI channel in /proc/interrupts: $(grep hvc_console "$TB/boot-interrupts.txt")"

if [ "$K" = xpv ]; then
	tb_step cpu-hotplug
	tb_wait_console $G 'XPV-OK cpu-hotplug ' 60
	# Our kernel must do it: a guest that skipped (no xpv module
	# parameters, no CPU-hotplug sysfs file) fails here.
	case $TB_LINE in
	*skipped*) tb_fail "our kernel skipped the CPU-hotplug step: $TB_LINE" ;;
	esac
	[ "$(tb_field online)" = 0-1 ] || tb_fail "after CPU1 went offline and back, online is '$(tb_field online)', want 0-1"
	tb_log "CPU1 offline and back: ${TB_LINE#*cpu-hotplug }"
fi

tb_step wall-clock
# The guest probes dom0's clock through xenstore (see guest.sh); dom0
# answers each query with its $EPOCHREALTIME.
id=$(tb_domid $G)
(
	last=
	for i in $(seq 3000); do
		q=$(xenstore-read "/local/domain/$id/data/xpv-tq" 2>/dev/null)
		case $q in
		done) exit 0 ;;
		q*) [ "$q" != "$last" ] && xenstore-write "/local/domain/$id/data/xpv-ta" "${q#q} $EPOCHREALTIME"; last=$q ;;
		esac
		sleep 0.02
	done
) &
responder=$!
tb_xs_write $G xpv-time-go 1
tb_wait_console $G 'XPV-OK time ' 120
kill $responder 2>/dev/null
off=$(tb_field offset)
rtt=$(tb_field rtt)
[ -n "$off" ] && [ -n "$rtt" ] || tb_fail "no clock figures in '$TB_LINE'"
tb_metric clock_offset_s "$off" s
tb_metric clock_probe_rtt_s "$rtt" s
awk -v o="$off" 'BEGIN { exit !(o >= -2 && o <= 2) }' ||
	tb_fail "dom0's wall clock minus the guest's is $off s (guest date +%s: $(tb_field epoch); best probe round trip $rtt s)"

tb_step sleep-5
tb_xs_write $G xpv-sleep-go 1
tb_wait_console $G 'XPV-SLEEP start' 60
t1=$TB_TIME
tb_wait_console $G 'XPV-SLEEP end' 30
d=$(tb_calc "$TB_TIME - $t1")
tb_metric sleep5_s "$d" s
awk -v d="$d" 'BEGIN { exit !(d >= 4 && d <= 6) }' || tb_fail "sleep 5 in the guest took $d s seen from dom0"

tb_step guest-verdict
tb_guest_wait_pass $G 30

tb_step shutdown
t0=$(tb_now)
xl shutdown $G || tb_fail "xl shutdown $G failed"
tb_wait_gone $G 30
tb_metric shutdown_s "$(tb_calc "$TB_TIME - $t0")" s

# Our kernel's second boot, the reboot and the shutdown run on the 2-level
# ABI, forced with xpv.evtchn=2l: the fallback keeps working.
abi=""
[ "$K" = xpv ] && abi="xpv.evtchn=2l"

# alive.sh's line: both CPUs online, and callback interrupts on each.
check_alive() {
	local hyp
	[ "$K" = xpv ] || return 0
	[ "$(tb_field online)" = 0-1 ] || tb_fail "guest CPUs online: '$(tb_field online)', want 0-1"
	hyp=$(tb_field hyp)
	case $hyp in
	[1-9]*,[1-9]*) ;;
	*) tb_fail "callback interrupts per CPU '$hyp' (want events on both CPUs): $TB_LINE" ;;
	esac
	tb_evtchn_abi $G 2-level
}

tb_step boot-again
tb_console_mark $G
tb_guest_create $G --kernel "$K" --vcpus 2 --memory 256 --script xpv-boot/alive.sh --extra "$abi"
old=$(tb_domid $G)
tb_wait_console $G 'XPV-ALIVE' 180
check_alive

tb_step reboot
tb_console_mark $G
t0=$(tb_now)
xl reboot $G || tb_fail "xl reboot $G failed"
TB_WATCH_DEATH=0 tb_wait_console $G 'XPV-ALIVE' 180
tb_metric reboot_to_alive_s "$(tb_calc "$TB_TIME - $t0")" s
new=$(tb_domid $G)
[ -n "$new" ] && [ "$new" != "$old" ] || tb_fail "after xl reboot the domain id is '$new' (was $old): not a new domain"
check_alive

tb_step final-shutdown
xl shutdown $G || tb_fail "xl shutdown $G failed"
tb_wait_gone $G 30

tb_pass
