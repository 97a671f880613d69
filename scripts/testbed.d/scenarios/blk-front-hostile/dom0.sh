# SPDX-License-Identifier: GPL-2.0-only
# blk-front-hostile, dom0 side (see meta; docs/blkif.md "A hostile back
# end"). One guest of our kernel with xvda on the stock back end; for each
# attack a disk served by xpv-blkfront-hostile.ko is plugged in by hand:
# the toolstack cannot name a back-end type of our choosing, so the nodes
# libxl would write are written here, in an order that never shows the
# guest a device it cannot use (its front end skips a device node until
# the "backend" key exists; the keys that key points at are readable by
# then).
set -u
G=g
HMOD=xpv-blkfront-hostile

tb_step boot
tb_guest_create $G --kernel xpv --vcpus 2 --memory 256 --disk 64
DOMID=$(tb_domid $G)
tb_cmd_ready $G 120
tb_wait_console $G 'XPV-BEAT 2([^0-9]|$)' 120

tb_step load
tb_kmsg_mark load
tb_load_xpv_modules xpv_compat $HMOD

beats() { tb_console_count $G 'XPV-BEAT'; }

hvbd_paths() {
	FE=/local/domain/$DOMID/device/vbd/$1
	BE=/local/domain/0/backend/hvbd/$DOMID/$1
	SYS=/sys/bus/xen-backend/devices/hvbd-$DOMID-$1
}

# wait_xs_state DIR ERE SECONDS: DIR's state, failing at once (with Xen's
# dump) if the guest restarted meanwhile.
wait_xs_state() { tb_xs_wait_value "$1/state" "$2" "$3" "$G" "$DOMID"; }

# state_lock ID on|off: the front end's state node read-only for the guest
# (its own state switches then fail), or the guest's again.
state_lock() {
	hvbd_paths "$1"
	if [ "$2" = on ]; then
		xenstore-chmod "$FE/state" n0 "r$DOMID"
	else
		xenstore-chmod "$FE/state" "n$DOMID" r0
	fi || tb_fail "xenstore-chmod $FE/state failed"
}

# hvbd_create ID ATTACK [lock]: the front end's node (owned by the guest,
# without "backend" yet), the back end's node (readable by the guest), the
# module in InitWait, then the front end's backend-id and backend
# together; with "lock", the front end's state node is locked first.
hvbd_create() {
	hvbd_paths "$1"
	xenstore-write "$FE/state" 1 "$FE/virtual-device" "$1" "$FE/device-type" disk &&
		xenstore-chmod -r "$FE" "n$DOMID" r0 &&
		xenstore-write "$BE/frontend" "$FE" "$BE/frontend-id" "$DOMID" \
			"$BE/online" 1 "$BE/state" 1 "$BE/mode" w "$BE/device-type" disk \
			"$BE/hostile-attack" "$2" &&
		xenstore-chmod -r "$BE" n0 "r$DOMID" || tb_fail "writing the nodes of $1 failed"
	wait_xs_state "$BE" 2 20
	[ "$(basename "$(readlink "$SYS/driver")")" = xpv-hvbd ] ||
		tb_fail "hvbd-$DOMID-$1 is not bound to xpv-hvbd"
	[ "${3:-}" != lock ] || state_lock "$1" on
	xenstore-write "$FE/backend-id" 0 "$FE/backend" "$BE" || tb_fail "writing $FE/backend failed"
}

# klog_wait ERE SECONDS: until the guest logged ERE.
klog_wait() {
	local i=0
	while :; do
		tb_cmd $G 30 klog "${1// /.}"
		[ "$(tb_field match)" -ge 1 ] && return 0
		i=$((i + 1))
		[ $i -lt "$2" ] || tb_fail "the guest did not log /$1/ within $2 s"
		sleep 1
	done
}

# hvbd_remove ID: an orderly close if the front end is still connected,
# then the nodes go (the back end first: it lets go of a kept grant).
hvbd_remove() {
	hvbd_paths "$1"
	if [ "$(tb_xs_state "$FE")" = 4 ]; then
		xenstore-write "$BE/state" 5
		wait_xs_state "$FE" 6 30
	fi
	xenstore-rm "$BE"
	tb_wait_path_gone "$SYS" 20
	xenstore-rm "$FE"
}

# klog_check ERE: the guest logged ERE and no kernel complaint.
klog_check() {
	tb_cmd $G 30 klog "${1// /.}"
	[ "$(tb_field bad)" = 0 ] || tb_fail "the guest's kernel complained (see its console)"
	[ "$(tb_field match)" -ge 1 ] || tb_fail "the guest did not log /$1/"
}

# broken ID DEV: the front end closed the device: Closed in xenstore, the
# disk gone from the guest; the witness went on meanwhile.
broken() {
	wait_xs_state "$FE" 6 30
	tb_cmd $G 30 io "$2"
	[ "$(tb_field exists)" = 0 ] || [ "$(tb_field rc)" != 0 ] ||
		tb_fail "I/O to $2 still succeeds after the attack"
	tb_log "$2: error node: $(xenstore-read /local/domain/$DOMID/error/device/vbd/$1/error 2>/dev/null)"
}

# attack NAME ID DEV INDEX LOG: a ring attack; LOG is what the guest must log.
attack() {
	local name=$1 id=$2 dev=$3 idx=$4 log=$5 b0
	tb_step "$name"
	# The module's attack; the -untrusted variant differs only in the guest.
	hvbd_create "$id" "${name%-untrusted}"
	wait_xs_state "$FE" 4 30
	b0=$(beats)
	tb_cmd $G 90 attack "$dev" "$idx"
	ATTACK_BEATS=$(( $(beats) - b0 )) ATTACK_LINE=$TB_LINE
	case $name in
	dup-id)
		# The first read answered (correctly) once, the second never.
		[ "$(tb_field rc_a)$(tb_field rc_b)" != 00 ] && { [ "$(tb_field data_a)" = ok ] || [ "$(tb_field data_b)" = ok ]; } ||
			tb_fail "expected one read served and one failed: $TB_LINE"
		;;
	storm)
		[ "$(tb_field rc_a)$(tb_field rc_b)" = 00 ] && [ "$(tb_field data_a)$(tb_field data_b)" = okok ] ||
			tb_fail "the reads held during the storm did not complete correctly: $TB_LINE"
		;;
	keep-mapped-untrusted)
		# Bounced through the pool: the data is a copy, the read succeeds.
		[ "$(tb_field rc_a)$(tb_field rc_b)" = 00 ] && [ "$(tb_field data_a)$(tb_field data_b)" = okok ] ||
			tb_fail "the bounced reads did not complete correctly: $TB_LINE"
		;;
	*)
		[ "$(tb_field rc_a)" != 0 ] && [ "$(tb_field rc_b)" != 0 ] ||
			tb_fail "a read the back end never answered properly succeeded: $TB_LINE"
		;;
	esac
	[ "$(beats)" -gt "$b0" ] || tb_fail "the witness on xvda made no progress during $name"
	klog_check "$log"
}

# unknown, duplicate and mismatched ids, producer overflow: the ring breaks,
# the device closes, the reads in flight fail.
for spec in 'unknown-id 51728 xvdb 1 invalid response' \
	'dup-id 51744 xvdc 2 invalid response' \
	'wrong-op 51760 xvdd 3 invalid response' \
	'prod-overflow 51776 xvde 4 bad response producer index'; do
	read -r name id dev idx log <<< "$spec"
	attack "$name" "$id" "$dev" "$idx" "vbd-$id: queue 0: $log"
	broken "$id" "$dev"
	hvbd_remove "$id"
done

# The storm: the reads are held for its 5 s; the guest must stay
# responsive (the witness beats) and the disk work afterwards.
attack storm 51792 xvdf 5 'vbd-51792: xvdf: 8192 sectors'
nb=$ATTACK_BEATS
notes=$(xenstore-read "$BE/hostile-notifications" 2>/dev/null) || tb_fail "the module did not report its notifications"
ms=$(TB_LINE=$ATTACK_LINE tb_field ms) irqs=$(TB_LINE=$ATTACK_LINE tb_field irqs)
tb_log "storm: $notes notifications in 5 s; the guest took $irqs interrupts on the ring, the witness beat $nb times, the reads took $ms ms"
tb_metric storm_notifications "$notes" events
tb_metric storm_guest_irqs "$irqs" irqs
tb_metric storm_witness_beats "$nb" beats
[ "$notes" -ge 1000 ] || tb_fail "only $notes notifications sent: not a storm"
[ "$ms" -ge 4500 ] || tb_fail "the held reads came back after $ms ms, before the storm ended"
[ "$irqs" -lt "$notes" ] || tb_fail "the guest took an interrupt for every notification ($irqs): no back-off"
[ "$nb" -ge 3 ] || tb_fail "the witness beat only $nb times during the storm"
tb_cmd $G 60 rw xvdf
hvbd_remove 51792

# A data grant kept mapped after the answer, trusted: the request's own
# page was granted. The front end refuses the answer and closes the
# device, but the read whose page the back end still maps must not end
# (its page would go back to dd, which could reuse it while the back end
# writes it): it stays held back, counted in kept_grants, until the back
# end lets go; then it fails and the disk goes.
tb_step keep-mapped
hvbd_create 51808 keep-mapped
wait_xs_state "$FE" 4 30
tb_cmd $G 60 rw xvdg
tb_cmd $G 30 bgread xvdg
wait_xs_state "$FE" 6 30
tb_kmsg_since load | grep -q "hvbd-$DOMID-51808: keeping the data grant" ||
	tb_fail "the module did not keep a data grant mapped"
# The other read fails at the close; the kept one must still be waiting.
tb_cmd $G 30 bgstate 5
[ "$(tb_field running)" = 1 ] ||
	tb_fail "with its page still mapped by the back end, a read ended (page handed back): $TB_LINE"
tb_cmd $G 30 kept 51808
[ "$(tb_field requests)" = 1 ] && [ "$(tb_field pages)" = 1 ] && [ "$(tb_field total)" = 1 ] ||
	tb_fail "kept_grants does not count the one page held back: $TB_LINE"
klog_check 'vbd-51808: queue 0: grant still mapped after response'
klog_check 'vbd-51808: back end still maps pages of 1 request'
hvbd_remove 51808
tb_kmsg_since load | grep -q "hvbd-$DOMID-51808: released the kept data grant" ||
	tb_fail "the module did not release the kept data grant"
# Released: the read fails (it returned no data), the disk is gone.
tb_cmd $G 30 bgstate 10
[ "$(tb_field running)" = 0 ] && [ "$(tb_field rc_a)" != 0 ] && [ "$(tb_field rc_b)" != 0 ] ||
	tb_fail "after the back end let go the held read did not fail: $TB_LINE"
klog_check 'vbd-51808: back end let go'
tb_cmd $G 30 io xvdg
[ "$(tb_field exists)" = 0 ] || tb_fail "xvdg still exists after its back end let go and its node went"
tb_cmd $G 30 trusted 0
attack keep-mapped-untrusted 51824 xvdh 7 'vbd-51824: xvdh: 8192 sectors'
tb_cmd $G 30 trusted 1
# The front end closes while the pool page is still mapped (its revocation
# is deferred, counted in kept_grants' pool=), and only then does the back
# end let go.
hvbd_paths 51824
xenstore-write "$BE/state" 5
wait_xs_state "$FE" 6 30
tb_cmd $G 30 kept 51824
[ "$(tb_field requests)" = 0 ] && [ "$(tb_field pool)" -ge 1 ] ||
	tb_fail "kept_grants does not count the pool page the back end keeps: $TB_LINE"
xenstore-rm "$FE"
sleep 2
hvbd_remove 51824

# The state machine: Closed before Connected (and garbage before that).
tb_step closed-early
hvbd_create 51840 no-connect
wait_xs_state "$FE" 3 30
xenstore-write "$BE/state" garbage
sleep 1
xenstore-write "$BE/state" 6
wait_xs_state "$FE" 6 30
tb_cmd $G 30 io xvdi
[ "$(tb_field exists)" = 0 ] || tb_fail "a disk appeared although the back end never connected"
klog_check '51840/state holds garbage'
hvbd_remove 51840

# Connected twice, garbage and out-of-range states while connected: the
# disk keeps working.
tb_step state-dance
hvbd_create 51856 none
wait_xs_state "$FE" 4 30
tb_cmd $G 60 rw xvdj
for s in 4 4 garbage 99 -1 4; do
	xenstore-write "$BE/state" "$s"
	sleep 0.5
done
[ "$(tb_xs_state "$FE")" = 4 ] || tb_fail "the front end left Connected: $(tb_xs_state "$FE")"
tb_cmd $G 60 rw xvdj
klog_check '51856/state holds garbage'
hvbd_remove 51856

# The front end's own state switches fail (its state node locked), and the
# back end offers the state again: setup and connect run a second time and
# must first undo what the failed attempt built (rings, event channels, the
# bounce pool). Grants and IRQs come back to the baseline.
tb_step reentry
# The baseline: the least of three readings (xvda's witness may have a
# request in flight).
g0=
for i in 1 2 3; do
	tb_cmd $G 30 grants
	[ -n "$g0" ] && [ "$g0" -le "$(tb_field in_use)" ] || g0=$(tb_field in_use)
	sleep 0.3
done
tb_cmd $G 30 trusted 0
hvbd_create 51872 manual-connect lock
klog_wait 'vbd-51872: cannot switch to Initialised' 30
state_lock 51872 off
xenstore-write "$BE/state" 2
wait_xs_state "$FE" 3 30
state_lock 51872 on
xenstore-write "$BE/state" 4
klog_wait 'vbd-51872: cannot switch to Connected' 30
state_lock 51872 off
xenstore-write "$BE/state" 4
wait_xs_state "$FE" 4 30
tb_cmd $G 30 irqn xpvblk10-q0
[ "$(tb_field n)" = 1 ] || tb_fail "after setting up twice the disk has $(tb_field n) event channels bound (a ring leaked)"
tb_cmd $G 60 rw xvdk
tb_cmd $G 30 grants
tb_log "reentry: $g0 grants before, $(tb_field in_use) with xvdk connected"
hvbd_remove 51872
tb_cmd $G 30 trusted 1
i=0
while :; do
	tb_cmd $G 30 grants
	[ "$(tb_field in_use)" -le "$g0" ] && break
	i=$((i + 1))
	[ $i -lt 10 ] || tb_fail "grants in use $(tb_field in_use) after the disk went, $g0 before (deferred $(tb_field deferred)): the failed attempts leaked"
	sleep 1
done
tb_cmd $G 30 irqn xpvblk10-q0
[ "$(tb_field n)" = 0 ] || tb_fail "an event channel of xvdk is still bound after it went"

tb_step end
b0=$(beats)
tb_wait_console $G 'XPV-BEAT' 30 $((b0 + 2))
klog_check 'xpvblk|vbd-'
tb_cmd $G 30 done
xl shutdown $G || tb_fail "xl shutdown failed"
tb_wait_gone $G 60
tb_wait_vbd_gone "$DOMID" 60
rmmod xpv_blkfront_hostile || tb_fail "rmmod xpv_blkfront_hostile failed"
xenstore-rm /local/domain/0/backend/hvbd 2>/dev/null
xenstore-rm /local/domain/0/error/backend/hvbd 2>/dev/null
tb_kmsg_since load | grep 'xpv_blkfront_hostile' >&2
tb_pass
