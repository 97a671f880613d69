# SPDX-License-Identifier: GPL-2.0-only
# blk-back-hostile, dom0 side. dom0 is both ends: our back end serves vbd
# 0/51999 from a loop device, and this script writes the front end's keys
# the way a hostile front end would (nothing here maps or grants memory:
# every case must be refused before the ring is used).
set -u
FE=/local/domain/0/device/vbd/51999
BE=/local/domain/0/backend/vbd/0/51999
SYS=/sys/bus/xen-backend/devices/vbd-0-51999
ERR=/local/domain/0/error/backend/vbd/0/51999/error

be_state() { xenstore-read "$BE/state" 2>/dev/null; }

# wait_be_state STATE SECONDS
wait_be_state() {
	local i=0
	while [ "$(be_state)" != "$1" ]; do
		i=$((i + 1))
		[ $i -lt $(($2 * 10)) ] || tb_fail "back end state $(be_state), expected $1 within $2 s"
		sleep 0.1
	done
}

# fe_reset: front end Closed then Initialising: the back end must come
# back to InitWait, with its error node cleared by us.
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

tb_step load-backend
if lsmod | grep -q '^xen_blkback '; then
	rmmod xen_blkback || tb_fail "cannot unload the stock xen_blkback"
fi
dmesg -c > /dev/null
tb_load_xpv_modules xpv_compat xpv-blkback

tb_step device
truncate -s 16M /var/lib/xen/images/hostile.img
loop=$(losetup -f --show /var/lib/xen/images/hostile.img) || tb_fail "losetup failed"
mm=$(stat -L -c '%t:%T' "$loop")
xenstore-write "$FE/backend" "$BE" "$FE/backend-id" 0 "$FE/virtual-device" 51999 \
	"$FE/device-type" disk "$FE/state" 1
xenstore-write "$BE/frontend" "$FE" "$BE/frontend-id" 0 "$BE/online" 1 \
	"$BE/mode" w "$BE/state" 1
wait_be_state 2 20
[ -d "$SYS" ] || tb_fail "no back-end device $SYS"
drv=$(readlink "$SYS/driver")
[ "${drv##*/}" = xpv-blkback ] || tb_fail "vbd-0-51999 is bound to '${drv##*/}'"
xenstore-write "$BE/physical-device" "$mm"
i=0
until dmesg | grep -q "vbd-0-51999: device $mm"; do
	i=$((i + 1))
	[ $i -lt 100 ] || tb_fail "back end did not open $loop ($mm): $(dmesg | tail -n 3 | tr '\n' ' ')"
	sleep 0.1
done
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
xenstore-rm "$BE"
xenstore-rm "$FE"
i=0
while [ -e "$SYS" ]; do
	i=$((i + 1))
	[ $i -lt 200 ] || tb_fail "$SYS still exists 20 s after its node went away"
	sleep 0.1
done
losetup -d "$loop" || tb_fail "the loop device is still busy after remove"
rmmod xpv_blkback || tb_fail "rmmod xpv_blkback failed"
w=$(dmesg | grep -E 'WARNING|BUG|Oops|leak' | head -n 3 | tr '\n' ' ')
[ -z "$w" ] || tb_fail "kernel complaints in dom0: $w"
xl list > /dev/null || tb_fail "the toolstack no longer answers"
tb_pass
