# SPDX-License-Identifier: GPL-2.0-only
# blk-back-hostile, dom0 side. dom0 is both ends: our back end serves
# virtual disks of "domain 0" from loop devices, and a hostile front end
# attacks them. First from this shell, through xenstore only (every case
# must be refused before a ring is used); then from the test module
# xpv-blkback-hostile.ko, which grants a real ring and data pages and sends
# malformed requests and a bad producer index (drivers/block/xen-blk/
# back_hostile.c), once against a writable and once against a read-only
# disk.
set -u
IMG=/var/lib/xen/images

# vbd_paths ID: FE, BE, SYS, ERR for a disk of domain 0 with this id.
vbd_paths() {
	FE=/local/domain/0/device/vbd/$1
	BE=/local/domain/0/backend/vbd/0/$1
	SYS=/sys/bus/xen-backend/devices/vbd-0-$1
	ERR=/local/domain/0/error/backend/vbd/0/$1/error
}

# wait_be_state STATE SECONDS
wait_be_state() { tb_xs_wait_value "$BE/state" "$1" "$2"; }

# vbd_create ID MODE: a 16 MiB loop device served by our back end to a
# front end "in domain 0" (the nodes libxl and the hotplug script would
# write); returns with the back end in InitWait and the device open.
vbd_create() {
	local id=$1 mode=$2 drv i=0 ro=
	vbd_paths "$id"
	truncate -s 16M "$IMG/hostile-$id.img"
	[ "$mode" = r ] && ro=-r
	LOOP=$(losetup $ro -f --show "$IMG/hostile-$id.img") || tb_fail "losetup failed"
	MM=$(stat -L -c '%t:%T' "$LOOP")
	xenstore-write "$FE/backend" "$BE" "$FE/backend-id" 0 "$FE/virtual-device" "$id" \
		"$FE/device-type" disk "$FE/state" 1
	xenstore-write "$BE/frontend" "$FE" "$BE/frontend-id" 0 "$BE/online" 1 \
		"$BE/mode" "$mode" "$BE/state" 1
	wait_be_state 2 20
	[ -d "$SYS" ] || tb_fail "no back-end device $SYS"
	drv=$(readlink "$SYS/driver")
	[ "${drv##*/}" = xpv-blkback ] || tb_fail "vbd-0-$id is bound to '${drv##*/}'"
	xenstore-write "$BE/physical-device" "$MM"
	until dmesg | grep -q "vbd-0-$id: device $MM"; do
		i=$((i + 1))
		[ $i -lt 100 ] || tb_fail "back end did not open $LOOP ($MM): $(dmesg | tail -n 3 | tr '\n' ' ')"
		sleep 0.1
	done
}

# vbd_remove: the toolstack's removal: nodes gone, device gone, loop free.
vbd_remove() {
	xenstore-rm "$BE"
	xenstore-rm "$FE"
	tb_wait_path_gone "$SYS" 20
	losetup -d "$LOOP" || tb_fail "the loop device is still busy after remove"
}

# fe_reset: front end Closed then Initialising: the back end must come
# back through Closed to InitWait.
fe_reset() {
	xenstore-write "$FE/state" 6
	wait_be_state 6 20
	xenstore-rm "$ERR" 2>/dev/null
	xenstore-rm "$FE/protocol" "$FE/multi-queue-num-queues" "$FE/ring-page-order" \
		"$FE/ring-ref" "$FE/ring-ref0" "$FE/event-channel" 2>/dev/null
	xenstore-write "$FE/state" 1
	wait_be_state 2 20
}

# hostile NAME KEY=VALUE...: publish the keys, announce Initialised, and
# require the back end to refuse: an error node, state Closing, dom0 alive.
hostile() {
	local name=$1 kv
	shift
	tb_step "hostile-$name"
	for kv in "$@"; do
		xenstore-write "$FE/${kv%%=*}" "${kv#*=}"
	done
	xenstore-write "$FE/state" 3
	wait_be_state 5 20
	tb_log "$name: refused: $(xenstore-read "$ERR" 2>/dev/null)"
	xenstore-read "$ERR" > /dev/null 2>&1 || tb_fail "$name: no error node written"
	[ "$(cat "$SYS/xpv/nr_rings")" = 0 ] || tb_fail "$name: rings left connected"
	xl list > /dev/null || tb_fail "$name: the toolstack no longer answers"
	fe_reset
}

# ring_attack ID MODE: xpv-blkback-hostile.ko against a fresh disk.
ring_attack() {
	local id=$1 mode=$2 ro=0 log n stat
	[ "$mode" = r ] && ro=1
	tb_step "ring-attack-$mode"
	vbd_create "$id" "$mode"
	# What the kernel says from here on (the log is never cleared: the
	# framework checks all of it at the end).
	tb_kmsg_mark "ring-attack-$id"
	insmod "$TBIN/modules/xpv-blkback-hostile.ko" devid="$id" readonly=$ro ||
		tb_fail "insmod xpv-blkback-hostile.ko failed: $(dmesg | tail -n 3 | tr '\n' ' ')"
	log=$(tb_kmsg_since "ring-attack-$id") || tb_fail "the kernel-log mark ring-attack-$id is gone"
	echo "$log" | grep -E 'xpv_blkback_hostile|xpv-blkback' >&2
	rmmod xpv_blkback_hostile || tb_fail "rmmod xpv_blkback_hostile failed"
	echo "$log" | grep -q 'xpv_blkback_hostile: FAIL' &&
		tb_fail "$(echo "$log" | grep -m1 -o 'xpv_blkback_hostile: FAIL.*')"
	echo "$log" | grep -q 'xpv_blkback_hostile: done, 0 failed' ||
		tb_fail "the hostile front end did not finish (no summary line)"
	for n in connect read bare-flush unknown-operation bare-barrier \
		beyond-the-end sector-overflow first-after-last last-outside-page \
		too-many-segments read-without-segments grant-ref-zero \
		grant-not-granted indirect-read indirect-page-not-granted \
		indirect-zero-descriptor indirect-bad-descriptor \
		indirect-bad-operation discard-beyond-the-end still-serving \
		producer-overflow-closes back-end-closed ring-unmapped \
		data-unmapped indirect-unmapped; do
		echo "$log" | grep -q "xpv_blkback_hostile: PASS $n\$" || tb_fail "no PASS line for $n"
	done
	if [ "$mode" = r ]; then
		set -- write-refused-read-only barrier-refused-read-only
	else
		set -- write barrier-write barrier-read barrier-read-back
	fi
	for n in "$@"; do
		echo "$log" | grep -q "xpv_blkback_hostile: PASS $n\$" || tb_fail "no PASS line for $n"
	done
	echo "$log" | grep -q "vbd-0-$id: ring 0: the front end's producer index is invalid" ||
		tb_fail "the back end did not report the broken ring"
	stat=$(for f in inval_req unsupp_req map_err wr_req b_req; do
		printf '%s=%s ' $f "$(cat "$SYS/statistics/$f")"; done)
	tb_log "vbd-0-$id ($mode) counters: $stat"
	[ "$(cat "$SYS/statistics/inval_req")" -ge 11 ] || tb_fail "fewer refusals counted than sent: $stat"
	[ "$(cat "$SYS/statistics/unsupp_req")" -ge 1 ] || tb_fail "fewer EOPNOTSUPP counted than sent: $stat"
	# Barriers served: the bare one, and in r/w mode the one with data.
	[ "$(cat "$SYS/statistics/b_req")" = $([ "$mode" = r ] && echo 1 || echo 2) ] ||
		tb_fail "barriers counted do not match those served: $stat"
	if [ "$mode" = r ]; then
		[ "$(cat "$SYS/statistics/wr_req")" = 0 ] || tb_fail "a write to the read-only disk was served: $stat"
		[ "$(tr -d '\000' < "$IMG/hostile-$id.img" | wc -c)" = 0 ] ||
			tb_fail "the read-only disk's backing file changed"
	else
		[ "$(dd if="$IMG/hostile-$id.img" bs=512 skip=2048 count=8 2>/dev/null | tr -d 'Z' | wc -c)" = 0 ] ||
			tb_fail "the valid write did not reach the backing file"
	fi
	xl list > /dev/null || tb_fail "the toolstack no longer answers"
	vbd_remove
}

tb_step load-backend
if lsmod | grep -q '^xen_blkback '; then
	rmmod xen_blkback || tb_fail "cannot unload the stock xen_blkback"
fi
tb_kmsg_mark load-backend
tb_load_xpv_modules xpv_compat xpv-blkback

tb_step device
vbd_create 51999 w
for k in max-ring-page-order multi-queue-max-queues feature-max-indirect-segments; do
	tb_log "offered $k = $(xenstore-read "$BE/$k")"
done

hostile bad-protocol protocol=x86_16-abi ring-ref=8 event-channel=1
hostile zero-queues multi-queue-num-queues=0
hostile too-many-queues multi-queue-num-queues=99
hostile queues-not-a-number multi-queue-num-queues=2x
hostile ring-order-too-big ring-page-order=9 ring-ref0=8 event-channel=1
hostile missing-ring-ref event-channel=1
hostile bad-grant-ref ring-ref=4000000 event-channel=1
hostile ungranted-ring-ref ring-ref=8 event-channel=1
hostile grant-ref-not-a-number ring-ref=12abc event-channel=1

tb_step closed-state
xenstore-write "$FE/state" 6
wait_be_state 6 20

tb_step remove
vbd_remove

ring_attack 51998 w
ring_attack 51997 r

tb_step unload
rmmod xpv_blkback || tb_fail "rmmod xpv_blkback failed"
# What the toolstack's path clean-up does after the last device of a
# domain: no empty per-domain directories left behind (the framework's
# dom0-clean check counts them).
for d in /local/domain/0/backend/vbd/0 /local/domain/0/device/vbd; do
	[ -z "$(xenstore-list "$d" 2>/dev/null)" ] || tb_fail "$d still has devices: $(xenstore-list "$d" | tr '\n' ' ')"
	xenstore-rm "$d" 2>/dev/null
done
w=$(tb_kmsg_since load-backend | grep -E 'WARNING|BUG|Oops|leak' | head -n 3 | tr '\n' ' ')
[ -z "$w" ] || tb_fail "kernel complaints in dom0: $w"
xl list > /dev/null || tb_fail "the toolstack no longer answers"
tb_pass
