# SPDX-License-Identifier: GPL-2.0-only
# xpv-xenbus, dom0 side.
G=d2
# The same generator as the guest's: N letters from seed S.
xs_pattern() {
	awk -v s="$1" -v n="$2" 'BEGIN { a = "abcdefghijklmnopqrstuvwxyz"
		for (i = 0; i < n; i++) printf "%s", substr(a, (i * 7 + s) % 26 + 1, 1) }'
}
tb_step create
tb_guest_create $G --kernel xpv --vcpus 2 --memory 256 --script xpv-xenbus/guest.sh --extra xpv.selftest=1
tb_step selftest-grants
# Two dom0 pages granted read-only to the guest (bytes a0, a1) for the
# self-test's map checks; xpv-gntshare keeps them until its stdin closes.
id=$(tb_domid $G)
mkfifo /tmp/gntshare.in
xpv-gntshare "$id" 2 a0 < /tmp/gntshare.in > /tmp/gntshare.refs 2> /tmp/gntshare.err &
gspid=$!
exec 7> /tmp/gntshare.in
i=0
until [ -s /tmp/gntshare.refs ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || tb_fail "xpv-gntshare gave no grant references: $(cat /tmp/gntshare.err)"
	sleep 0.1
done
tb_xs_write $G xpv-selftest-peer "0 $(cat /tmp/gntshare.refs) a0"
# Two values as large as one xenstore message allows (path, NUL and value:
# XENSTORE_PAYLOAD_MAX = 4096 bytes), for the guest's two concurrent
# clients (step xs-concurrent); a guest may not write values this large
# itself (xenstored's quota), dom0 may.
for k in 0 1; do
	p=/local/domain/$id/data/xs-big$k
	n=$((4096 - ${#p} - 1))
	xenstore-write "$p" "$(xs_pattern $((k * 1000 + 7)) $n)" ||
		tb_fail "xenstore-write of $n bytes to $p failed"
done
tb_xs_write $G xs-big-ready 1
tb_step selftest
tb_wait_console $G 'XPV-OK selftest ' 120
exec 7>&-
wait $gspid || tb_fail "xpv-gntshare failed: $(cat /tmp/gntshare.err)"
tb_step guest-xs
tb_wait_console $G 'XPV-INFO ready-for-garbage' 120

tb_step garbage-device
id=$(tb_domid $G)
D=/local/domain/$id/device
xenstore-write $D/vok/2/backend-id 0 $D/vok/2/backend /local/domain/0/backend/vok/$id/2
xenstore-write $D/vgarbage/0/backend-id 12abc $D/vgarbage/0/backend /local/domain/0/backend/vgarbage/$id/0
xenstore-write $D/vgarb2/1/backend-id 0 $D/vgarb2/1/backend "not absolute"
xenstore-write $D/vgarb3/7/backend-id 99999999999999999999 $D/vgarb3/7/backend /x
sleep 3
xenstore-write /local/domain/$id/data/d2-garbage-done 1
tb_wait_console $G 'vgarbage/0/backend-id missing or not a domain id' 30
tb_wait_console $G 'vgarb2/1/backend is not an absolute path' 30
tb_wait_console $G 'vgarb3/7/backend-id missing or not a domain id' 30
tb_wait_console $G 'devices: .*vok-2' 30
tb_guest_wait_pass $G 30

tb_step sysrq
# The kernel's own answer to sysrq h (its help line), printed after the
# request: the guest script's earlier "sysrq=..." line does not count.
tb_console_mark $G
xl sysrq $G h || tb_fail "xl sysrq failed"
tb_wait_console $G 'sysrq: HELP : ' 30

tb_step shutdown
t0=$(tb_now)
xl shutdown $G || tb_fail "xl shutdown $G failed"
tb_wait_gone $G 30
tb_metric shutdown_s "$(tb_calc "$TB_TIME - $t0")" s

tb_step boot-again
tb_console_mark $G
tb_guest_create $G --kernel xpv --vcpus 2 --memory 256 --script xpv-xenbus/alive.sh
old=$(tb_domid $G)
tb_wait_console $G 'XPV-ALIVE' 120

tb_step reboot
tb_console_mark $G
xl reboot $G || tb_fail "xl reboot $G failed"
TB_WATCH_DEATH=0 tb_wait_console $G 'XPV-ALIVE' 120
new=$(tb_domid $G)
[ -n "$new" ] && [ "$new" != "$old" ] || tb_fail "after xl reboot the domain id is '$new' (was $old)"

tb_step final-shutdown
xl shutdown $G || tb_fail "xl shutdown failed"
tb_wait_gone $G 30
tb_pass
