# SPDX-License-Identifier: GPL-2.0-only
# xpv-panic, dom0 side; stock-panic sources this with TB_KERNEL=stock.
K=${TB_KERNEL:-xpv}
W=witness

tb_step witness-boot
tb_guest_create $W --kernel stock --vcpus 1 --memory 256 --vif --script xpv-panic/witness.sh
tb_wait_console $W 'XPV-OK net-up ' 180
wip=$(tb_field ip)
wip=${wip%/*}
tb_wait_console $W 'XPV-BEAT 3([^0-9]|$)' 60

for action in preserve destroy; do
	V=crash-$action
	tb_step "$action-boot"
	tb_guest_create $V --kernel "$K" --vcpus 1 --memory 256 --on-crash $action --script xpv-panic/guest.sh
	tb_wait_console $V 'XPV-PANIC-READY' 180
	beats=$(tb_console_count $W 'XPV-BEAT')

	tb_step "$action-crash"
	tb_xs_write $V xpv-cmd crash
	TB_WATCH_DEATH=0 tb_wait_console $V 'XPV-PANIC-NOW' 30
	t0=$TB_TIME
	if [ $action = preserve ]; then
		tb_wait_state $V 'c' 10
		tb_metric crash_to_preserved_s "$(tb_calc "$TB_TIME - $t0")" s
		tb_log "$V is crashed and preserved: $(xl list $V | tail -n 1)"
		# Nothing else can clear a preserved crashed domain.
		xl destroy $V || tb_fail "xl destroy of the crashed $V failed"
		tb_wait_gone $V 30
	else
		tb_wait_gone $V 10
		tb_metric crash_to_destroyed_s "$(tb_calc "$TB_TIME - $t0")" s
	fi

	tb_step "$action-witness-alive"
	tb_wait_console $W 'XPV-BEAT' 20 $((beats + 3))
done

tb_step witness-ping
out=$(ping -c 5 -i 0.3 -W 2 "$wip" 2>&1)
echo "$out" | grep -q ' 0% packet loss' || tb_fail "witness $wip does not answer: $(echo "$out" | grep 'packets transmitted')"

tb_step dom0-alive
tb_fpu_canary 2 50000
xl list > /dev/null || tb_fail "xl list fails"

tb_step witness-shutdown
xl shutdown $W || tb_fail "xl shutdown $W failed"
tb_wait_gone $W 60

tb_pass
