# SPDX-License-Identifier: GPL-2.0-only
# net-back-hostile, dom0 side. Our xpv-netback serves vifs of "domain 0"
# whose front end is hostile: first this shell through xenstore only
# (every case refused before a ring is used), then the test module
# xpv-netback-hostile.ko (drivers/net/xen-net/back_hostile.c), which
# grants real rings and pages and runs one attack per write to its
# "attack" parameter. After each attack: the matching counter of that vif
# (ethtool -S) moved, dom0's kernel log has no complaint, and a stock
# witness guest on its own vif of our back end answers pings.
set -u
P=/sys/module/xpv_netback_hostile/parameters
MAC=00:16:3e:de:ad:01
W=witness

# vif_paths ID: FE, BE, SYS, ERR, V for a vif of domain 0 with this handle.
vif_paths() {
	FE=/local/domain/0/device/vif/$1
	BE=/local/domain/0/backend/vif/0/$1
	SYS=/sys/bus/xen-backend/devices/vif-0-$1
	ERR=/local/domain/0/error/backend/vif/0/$1
	V=vif0.$1
}

be_state() { xenstore-read "$BE/state" 2>/dev/null; }

# wait_be_state STATE SECONDS
wait_be_state() { tb_xs_wait_value "$BE/state" "$1" "$2"; }

# vif_create ID: the nodes libxl and the vif hotplug script would write
# (hotplug-status too: no script runs); our back end probes, registers
# vif0.ID and waits in InitWait. The hostile front end plays this one.
vif_create() {
	vif_paths "$1"
	echo "$1" > "$P/devid" || tb_fail "cannot set the hostile front end's devid"
	xenstore-write "$FE/backend" "$BE" "$FE/backend-id" 0 "$FE/handle" "$1" \
		"$FE/mac" $MAC "$FE/state" 1
	xenstore-write "$BE/frontend" "$FE" "$BE/frontend-id" 0 "$BE/online" 1 \
		"$BE/handle" "$1" "$BE/mac" $MAC "$BE/type" vif \
		"$BE/hotplug-status" connected "$BE/state" 1
	wait_be_state 2 20
	[ -d "$SYS" ] || tb_fail "no back-end device $SYS"
	local drv
	drv=$(readlink "$SYS/driver")
	[ "${drv##*/}" = xpv-netback ] || tb_fail "vif-0-$1 is bound to '${drv##*/}'"
	[ -d "/sys/class/net/$V" ] || tb_fail "no net device $V"
}

# vif_remove: the toolstack's removal: nodes gone, back-end device and
# net device gone.
vif_remove() {
	local i=0
	xenstore-rm "$BE"
	xenstore-rm "$FE"
	while [ -e "$SYS" ] || [ -e "/sys/class/net/$V" ]; do
		i=$((i + 1))
		[ $i -lt 200 ] || tb_fail "$V still exists 20 s after its nodes went away"
		sleep 0.1
	done
	xenstore-rm "$ERR" 2>/dev/null
}

# vif_ip: give the vif dom0's side of a point-to-point net, the hostile
# front end's address fixed (no ARP), so packets flow both ways.
vif_ip() {
	ip addr add 10.9.0.1/24 dev "$V" || tb_fail "ip addr on $V failed"
	ip link set "$V" up || tb_fail "ip link set $V up failed"
	ip neigh replace 10.9.0.2 lladdr $MAC dev "$V" nud permanent || tb_fail "ip neigh on $V failed"
}

# ctr NAME: a counter of our vif (totals of ethtool -S).
ctr() {
	ethtool -S "$V" | awk -v k="$1:" '$1 == k { print $2; f = 1 } END { exit !f }' ||
		tb_fail "$V has no counter $1"
}

# noports: dom0's UDP datagrams to a port nobody listens on (the test
# packet goes to port 9).
noports() {
	awk '$1 == "Udp:" { n++; if (n == 1) for (i = 2; i <= NF; i++) h[i] = $i;
		else for (i = 2; i <= NF; i++) if (h[i] == "NoPorts") print $i }' /proc/net/snmp
}

# complaints: dom0's kernel complaints since the scenario's own mark.
complaints() {
	tb_kmsg_since net-back-hostile | grep -E '(^|[^A-Za-z_])(WARNING|BUG)([^A-Za-z_]|$)|Oops|Call Trace' | head -n 3 | tr '\n' ';'
}

# witness_ok WHAT: no kernel complaint, and the witness answers pings.
witness_ok() {
	local c out
	c=$(complaints)
	[ -z "$c" ] || tb_fail "after $1: dom0 kernel complaints: $c"
	out=$(ping -c 3 -i 0.2 -W 2 "$WIP" 2>&1)
	echo "$out" | grep -q '3 packets transmitted, 3 packets received' ||
		tb_fail "after $1: the witness guest does not answer: $(echo "$out" | grep transmitted)"
}

# nh CMD: run one step of the hostile front end; its checks must pass.
nh() {
	local log
	tb_kmsg_mark "nh-$1"
	if ! echo "$1" > "$P/attack"; then
		log=$(tb_kmsg_since "nh-$1" | grep -E 'xpv_netback_hostile|xpv-netback|vif' | tail -n 6 | tr '\n' ';')
		tb_fail "hostile front end step '$1' failed: $log"
	fi
	log=$(tb_kmsg_since "nh-$1")
	echo "$log" | grep 'xpv_netback_hostile' >&2
	echo "$log" | grep -q 'xpv_netback_hostile: FAIL' &&
		tb_fail "$(echo "$log" | grep -m1 -o 'xpv_netback_hostile: FAIL.*')"
	NH_LOG=$log
}

# attack CMD COUNTER MIN: CMD must raise COUNTER of the vif by at least MIN.
attack() {
	local before after
	tb_step "$1"
	before=$(ctr "$2")
	nh "$1"
	echo "$NH_LOG" | grep -q "xpv_netback_hostile: PASS $1\$" || tb_fail "no PASS line for $1"
	after=$(ctr "$2")
	[ "$after" -ge $((before + $3)) ] || tb_fail "$1: $2 went from $before to $after, expected +$3"
	tb_log "$1: $2 $before -> $after"
	witness_ok "$1"
}

# fe_reset: front end Closed then Initialising: back to InitWait.
fe_reset() {
	xenstore-write "$FE/state" 6
	wait_be_state 6 20
	xenstore-rm "$ERR" 2>/dev/null
	xenstore-rm "$FE/request-rx-copy" "$FE/feature-rx-notify" "$FE/multi-queue-num-queues" \
		"$FE/tx-ring-ref" "$FE/rx-ring-ref" "$FE/event-channel" "$FE/event-channel-tx" \
		"$FE/ctrl-ring-ref" "$FE/event-channel-ctrl" 2>/dev/null
	xenstore-write "$FE/state" 1
	wait_be_state 2 20
}

# hostile NAME KEY=VALUE...: publish the keys, announce Initialised; the
# back end must refuse: an error node, Closing, no queue, dom0 alive.
hostile() {
	local name=$1 kv
	shift
	tb_step "xs-$name"
	for kv in "$@"; do
		xenstore-write "$FE/${kv%%=*}" "${kv#*=}"
	done
	xenstore-write "$FE/state" 3
	wait_be_state 5 20
	tb_log "$name: refused: $(xenstore-read "$ERR/error" 2>/dev/null)"
	xenstore-read "$ERR/error" > /dev/null 2>&1 || tb_fail "$name: no error node written"
	[ "$(ctr guest_tx_slots)" = 0 ] || tb_fail "$name: a ring was used"
	xl list > /dev/null || tb_fail "$name: the toolstack no longer answers"
	fe_reset
}

# fatal CMD ID COUNTER: on a fresh vif, CMD breaks a ring: Closing with an
# error node, COUNTER 1, that vif disconnected; every grant unmapped after.
fatal() {
	tb_step "$1"
	vif_create "$2"
	nh connect
	nh "$1"
	echo "$NH_LOG" | grep -q "xpv_netback_hostile: PASS $1\$" || tb_fail "no PASS line for $1"
	[ "$(be_state)" = 5 ] || tb_fail "$1: back end state $(be_state), not Closing"
	xenstore-read "$ERR/error" > /dev/null 2>&1 || tb_fail "$1: no error node written"
	tb_log "$1: $(xenstore-read "$ERR/error")"
	[ "$(ctr "$3")" = 1 ] || tb_fail "$1: $3 is $(ctr "$3"), not 1"
	tb_kmsg_since "nh-$1" | grep -q "$V: queue 0: .*queue stopped" ||
		tb_fail "$1: the back end did not log the broken queue"
	tb_kmsg_since "nh-$1" | grep -q "vif-0-$2: disconnected" ||
		tb_fail "$1: the back end did not disconnect the vif"
	witness_ok "$1"
	nh close
	vif_remove
}

# udp_burst N SIZE: N datagrams of SIZE bytes from dom0 to the front end.
udp_burst() {
	local i payload
	payload=$(head -c "$2" /dev/zero | tr '\0' x)
	for i in $(seq "$1"); do
		echo -n "$payload" > /dev/udp/10.9.0.2/9 2>/dev/null
	done
}

# ---------------------------------------------------------------------

tb_step load-backend
tb_kmsg_mark net-back-hostile
tb_use_xpv_back net
tb_load_xpv_modules xpv-netback-hostile
# No IPv6 chatter on the vifs made from here on.
echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6 2>/dev/null || true

tb_step witness
tb_guest_create $W --kernel stock --vcpus 1 --memory 256 --vif
WD=$(tb_domid $W)
tb_wait_console $W 'XPV-OK net-up ' 120
WIP=$(tb_field ip)
[ "$(ethtool -i "vif$WD.0" | sed -n 's/^driver: //p')" = xpv-netback ] ||
	tb_fail "the witness's vif$WD.0 is not served by xpv-netback"
witness_ok "boot"

# --- xenstore only ------------------------------------------------------
tb_step xenstore
vif_create 40
RX="request-rx-copy=1 feature-rx-notify=1"
hostile zero-queues $RX multi-queue-num-queues=0
hostile too-many-queues $RX multi-queue-num-queues=99
hostile queues-not-a-number $RX multi-queue-num-queues=2x
hostile no-rx-copy feature-rx-notify=1 tx-ring-ref=8 rx-ring-ref=9 event-channel=1
hostile missing-tx-ring-ref $RX rx-ring-ref=9 event-channel=1
hostile ring-ref-not-a-number $RX tx-ring-ref=12abc rx-ring-ref=9 event-channel=1
hostile zero-ring-ref $RX tx-ring-ref=0 rx-ring-ref=9 event-channel=1
hostile ungranted-ring-ref $RX tx-ring-ref=8 rx-ring-ref=9 event-channel=1
hostile zero-event-channel $RX tx-ring-ref=8 rx-ring-ref=9 event-channel=0
hostile half-split-channels $RX tx-ring-ref=8 rx-ring-ref=9 event-channel-tx=1
hostile ctrl-ring-not-offered $RX ctrl-ring-ref=8 event-channel-ctrl=1
witness_ok "the xenstore cases"
vif_remove

# --- tx chains on one vif -------------------------------------------------
tb_step tx-connect
vif_create 1
echo 64 > "$P/rx_reqs"
nh connect
vif_ip
np0=$(noports)
attack good guest_tx_packets 1
attack good-split guest_tx_csum_blank 1
attack zero-slots guest_tx_zero_slots 3
np1=$(noports)
[ "$np1" -ge $((np0 + 3)) ] ||
	tb_fail "dom0's UDP saw $((np1 - np0)) of the 3 valid packets (Udp NoPorts $np0 -> $np1)"
tb_log "the 3 valid packets reached dom0's UDP (NoPorts $np0 -> $np1)"
[ "$(ctr guest_tx_packets)" = 3 ] || tb_fail "guest_tx_packets is $(ctr guest_tx_packets), not 3"
[ "$(ctr guest_tx_bad_headers)" = 0 ] || tb_fail "a valid packet was dropped for its headers"
attack short guest_tx_bad_short 1
attack size-mismatch guest_tx_bad_frag_overrun 1
attack too-many-slots guest_tx_bad_too_many_slots 1
attack gso-size-zero guest_tx_bad_gso_size 1
attack gso-too-big guest_tx_bad_gso_size 1
attack gso-bad-type guest_tx_bad_gso_type 1
attack extra-unsupported guest_tx_bad_extra 1
[ "$(ctr guest_tx_malformed)" = 7 ] || tb_fail "guest_tx_malformed is $(ctr guest_tx_malformed), not 7"
[ "$(ctr guest_tx_packets)" = 3 ] || tb_fail "a malformed packet reached the stack"
[ "$(ctr guest_tx_ring_broken)" = 0 ] || tb_fail "a malformed packet broke the ring"
attack good guest_tx_packets 1

# An event storm: coalesced by the late EOI, dom0 and the witness fine.
tb_step storm
ev0=$(ctr events)
echo 3000 > "$P/storm_ms"
tb_kmsg_mark nh-storm
echo storm > "$P/attack" &
spid=$!
sleep 0.5
t0=$(tb_now)
xl list > /dev/null || tb_fail "xl list failed during the storm"
dt=$(tb_calc "$(tb_now) - $t0")
tb_log "xl list took $dt s during the storm"
awk -v d="$dt" 'BEGIN { exit !(d < 1) }' || tb_fail "xl list took $dt s during the event storm"
witness_ok "storm (during)"
wait $spid || tb_fail "the storm step failed: $(tb_kmsg_since nh-storm | grep xpv_netback_hostile | tr '\n' ';')"
sent=$(tb_kmsg_since nh-storm | sed -n 's/.*storm: \([0-9]*\) notifications.*/\1/p')
ev1=$(ctr events)
tb_log "storm: $sent notifications sent, the back end took $((ev1 - ev0)) interrupts"
[ -n "$sent" ] && [ "$sent" -gt 0 ] || tb_fail "the storm sent nothing"
[ $((ev1 - ev0)) -gt 0 ] || tb_fail "the back end saw none of the storm"
[ $((ev1 - ev0)) -lt "$sent" ] || tb_fail "every notification of the storm was an interrupt: no coalescing"
attack good guest_tx_packets 1
tb_step tx-close
nh close
vif_remove

# --- ring-breaking input, one fresh vif each --------------------------------
fatal cross-page 11 guest_tx_ring_broken
fatal extra-type-bad 12 guest_tx_ring_broken
fatal slot-limit 13 guest_tx_ring_broken
fatal tx-prod-overflow 14 guest_tx_ring_broken
fatal rx-prod-overflow 15 guest_rx_ring_broken

# --- XSA-392: an rx ring never refilled -----------------------------------
tb_step rx-stall
vif_create 20
echo 0 > "$P/rx_reqs"
echo 5000 > /sys/module/xpv_netback/parameters/rx_stall_timeout_ms
echo 32768 > /sys/module/xpv_netback/parameters/rx_queue_bytes
nh connect
vif_ip
tb_kmsg_mark rx-stall
t0=$(tb_now)
udp_burst 200 1000
# Before the stall: the queue holds at most 32768 bytes and then stops the
# stack's queue (the rest waits in dom0's qdisc), dropping at most the one
# packet that found it full, as Linux's netback does.
ds=$(ctr guest_rx_drop_stall) df=$(ctr guest_rx_drop_full)
tb_log "200 datagrams sent in $(tb_calc "$(tb_now) - $t0") s; before the stall: dropped at queueing $df, at a stall $ds"
[ "$ds" = 0 ] || tb_fail "the burst of 200 datagrams outlasted the 5 s stall timeout (took $(tb_calc "$(tb_now) - $t0") s)"
[ "$df" -le 1 ] || tb_fail "$df of 200 datagrams dropped at queueing before any stall: the full queue did not stop the stack's queue"
i=0
until [ "$(ctr guest_rx_stalls)" -ge 1 ]; do
	i=$((i + 1))
	[ $i -lt 150 ] || tb_fail "no rx stall detected 15 s after 200 datagrams to a front end posting no rx request"
	sleep 0.1
done
udp_burst 20 1000
ds=$(ctr guest_rx_drop_stall) df=$(ctr guest_rx_drop_full)
tb_log "rx stall: stalls $(ctr guest_rx_stalls), dropped at the stall $ds, dropped at queueing $df, sent $(ctr guest_rx_packets)"
[ "$(ctr guest_rx_packets)" = 0 ] || tb_fail "packets reached a ring with no request"
[ "$ds" -ge 1 ] || tb_fail "the stall dropped nothing"
# 1042 bytes a frame: the queue held at most 32768 bytes (plus one frame).
[ $((ds * 1042)) -le $((32768 + 1042)) ] || tb_fail "$ds frames were queued for the stalled front end: more than 32768 bytes"
[ "$df" -ge 1 ] || tb_fail "nothing was dropped while the queue was full or stalled"
tb_kmsg_since rx-stall | grep -q "$V: queue 0: front end stalled" || tb_fail "the back end did not log the stall"
witness_ok "rx stall"
tb_step rx-refill
echo 64 > "$P/rx_reqs"
nh rx-post
i=0
until tb_kmsg_since rx-stall | grep -q "$V: queue 0: front end posts rx requests again"; do
	i=$((i + 1))
	[ $i -lt 50 ] || tb_fail "the back end did not resume 5 s after the front end posted rx requests again"
	sleep 0.1
done
udp_burst 20 1000
nh rx-check
[ "$(ctr guest_rx_packets)" -ge 1 ] || tb_fail "nothing sent after the front end posted requests again"
tb_log "after the refill: $(ctr guest_rx_packets) packets sent to the front end"
echo 60000 > /sys/module/xpv_netback/parameters/rx_stall_timeout_ms
echo 524288 > /sys/module/xpv_netback/parameters/rx_queue_bytes
witness_ok "rx refill"
nh close
vif_remove

# --- the back end removed under traffic both ways ---------------------------
tb_step teardown
vif_create 30
echo 128 > "$P/rx_reqs"
echo 4000 > "$P/storm_ms"
nh connect
vif_ip
tb_kmsg_mark nh-blast
echo blast > "$P/attack" &
bpid=$!
udp_burst 100 500 &
upid=$!
sleep 1.5
tx=$(ctr guest_tx_packets)
[ "$tx" -gt 0 ] || tb_fail "no traffic from the front end before the teardown"
tb_log "teardown: $tx packets from the front end, $(ctr guest_rx_packets) to it, removing the back end"
xenstore-rm "$BE"
i=0
while [ -e "$SYS" ] || [ -e "/sys/class/net/$V" ]; do
	i=$((i + 1))
	[ $i -lt 200 ] || tb_fail "$V still exists 20 s after its back-end node went away under traffic"
	sleep 0.1
done
wait $upid
wait $bpid || tb_fail "the blast step failed: $(tb_kmsg_since nh-blast | grep xpv_netback_hostile | tr '\n' ';')"
nh close
echo "$NH_LOG" | grep -q 'xpv_netback_hostile: PASS grants-unmapped' || tb_fail "no PASS line for grants-unmapped"
xenstore-rm "$FE"
xenstore-rm "$ERR" 2>/dev/null
witness_ok "teardown under traffic"

# --- end ----------------------------------------------------------------
tb_step shutdown
xl shutdown $W
tb_wait_gone $W 60
tb_step unload
rmmod xpv_netback_hostile || tb_fail "rmmod xpv_netback_hostile failed"
rmmod xpv_netback || tb_fail "rmmod xpv_netback failed"
for d in /local/domain/0/backend/vif/0 /local/domain/0/device/vif; do
	[ -z "$(xenstore-list "$d" 2>/dev/null)" ] || tb_fail "$d still has devices: $(xenstore-list "$d" | tr '\n' ' ')"
	xenstore-rm "$d" 2>/dev/null
done
xenstore-rm /local/domain/0/error/backend/vif 2>/dev/null
c=$(complaints)
[ -z "$c" ] || tb_fail "dom0 kernel complaints: $c"
tb_pass
