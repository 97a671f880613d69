# SPDX-License-Identifier: GPL-2.0-only
# The dom0 side of net-back-interop: xpv-netback (our back end,
# build/modules/xpv-netback.ko) replaces the stock xen-netback in the stock
# dom0 and serves a 2-vCPU PVH guest whose kernel is NB_KERNEL (stock: its
# own xen-netfront). The guest is a command server (guest.sh); every data
# check is a sha256 compared on both ends, and the offload and queue checks
# read our vif's ethtool counters.
#
# The caller sets NB_KERNEL and sources this file.
set -u
G=nbi
MiB=1048576
NB_N=0

# nb_cmd TIMEOUT FUNCTION ARGS...: run c_FUNCTION in the guest, wait for its
# XPV-OK line (in TB_LINE).
nb_cmd() {
	local t=$1
	shift
	NB_N=$((NB_N + 1))
	tb_log "guest command $NB_N: $*"
	tb_xs_write $G "cmd$NB_N" "$*"
	tb_wait_console $G "XPV-OK c$NB_N " "$t"
}

# nb_fail REASON: fail a dom0-side check; when the guest died meanwhile
# (a triple fault restarts it under a new domain id) say so, with Xen's
# account of it, so that a run lost to the emulator is known as such.
nb_fail() {
	local d
	d=$(tb_domid $G)
	[ "${d:-none}" = "$D" ] ||
		tb_fail "$1; the guest $G (domain $D) died meanwhile (now: domain ${d:-none})$(tb_postmortem $G)"
	tb_fail "$1"
}

# nb_stats VIF: snapshot the vif's driver ("driver NAME") and ethtool
# counters ("NAME VALUE" lines); nb_stat NAME reads one.
nb_stats() {
	{
		ethtool -i "$1" | sed -n 's/^driver: /driver /p'
		ethtool -S "$1" | awk -F': *' 'NR > 1 { sub(/^ +/, "", $1); print $1, $2 }'
	} > /tmp/nbstats 2>/tmp/nbstats.err ||
		tb_fail "cannot read the ethtool statistics of $1: $(cat /tmp/nbstats.err)"
	cp /tmp/nbstats "$TB/nbstats-$1-$NB_N.txt"
}

nb_stat() {
	awk -v k="$1" '$1 == k { print $2; f = 1 } END { exit !f }' /tmp/nbstats ||
		tb_fail "no counter $1 in the vif's ethtool statistics"
}

# nb_zero NAME...: each counter is 0.
nb_zero() {
	local k v
	for k in "$@"; do
		v=$(nb_stat "$k")
		[ "$v" = 0 ] || tb_fail "$k is $v, not 0 (a well-behaved front end)"
	done
}

# nb_atleast NAME MIN WHAT
nb_atleast() {
	local v
	v=$(nb_stat "$1")
	[ "$v" -ge "$2" ] || tb_fail "$1 is $v, below $2: $3"
}

# nb_served VIF: the vif exists, is ours, is on xenbr0 with its carrier up,
# and its back end is Connected.
nb_served() {
	local v=$1 d=$2 id=$3 i=0 m
	while [ "$(xenstore-read "/local/domain/0/backend/vif/$d/$id/state" 2>/dev/null)" != 4 ]; do
		i=$((i + 1))
		[ $i -lt 300 ] || tb_fail "back end of vif $d/$id not Connected after 30 s"
		sleep 0.1
	done
	[ -d "/sys/class/net/$v" ] || tb_fail "no net device $v in dom0 ($(ls /sys/class/net | tr '\n' ' '))"
	nb_stats "$v"
	[ "$(head -n 1 /tmp/nbstats)" = "driver xpv-netback" ] ||
		tb_fail "$v is driven by '$(head -n 1 /tmp/nbstats)', not xpv-netback"
	m=$(readlink "/sys/class/net/$v/master")
	[ "${m##*/}" = xenbr0 ] || tb_fail "$v is not a port of xenbr0 (master '${m##*/}'): the vif-bridge script did not attach it"
	[ "$(cat "/sys/class/net/$v/carrier")" = 1 ] || tb_fail "$v has no carrier while Connected"
}

# nb_ping_guest COUNT SIZE: dom0 pings the guest, no loss.
nb_ping_guest() {
	local out
	out=$(ping -c "$1" -s "$2" -i 0.2 -W 3 "$GIP" 2>&1)
	echo "$out" | grep -q "$1 packets transmitted, $1 packets received, 0% packet loss" ||
		nb_fail "dom0 ping -s $2 to the guest: $(echo "$out" | grep 'packets transmitted')"
	tb_log "dom0 -> guest: $1 pings of $2 bytes, no loss"
}

# A vif "of domain 0" driven from this shell through xenstore only (the
# nodes libxl would write): the negotiation's refusals, before any ring.
NB_FE=/local/domain/0/device/vif/7
NB_BE=/local/domain/0/backend/vif/0/7
NB_ERR=/local/domain/0/error/backend/vif/0/7/error

# nb_wait_be_state STATE SECONDS
nb_wait_be_state() { tb_xs_wait_value "$NB_BE/state" "$1" "$2"; }

# nb_refused WHAT KEY=VALUE...: the front end writes its keys and
# Connected; the back end must answer with an error node and Closing, then
# come back to InitWait through Closed when the front end resets.
nb_refused() {
	local what=$1 kv err
	shift
	for kv in "$@"; do
		xenstore-write "$NB_FE/${kv%%=*}" "${kv#*=}"
	done
	xenstore-write "$NB_FE/state" 4
	nb_wait_be_state 5 20
	err=$(xenstore-read "$NB_ERR" 2>/dev/null) || tb_fail "$what: no error node at $NB_ERR"
	tb_log "$what refused: $err"
	xenstore-write "$NB_FE/state" 6
	nb_wait_be_state 6 20
	xenstore-rm "$NB_ERR"
	for kv in "$@"; do
		xenstore-rm "$NB_FE/${kv%%=*}"
	done
	xenstore-write "$NB_FE/state" 1
	nb_wait_be_state 2 20
}

# nb_wait_pid PID SECONDS WHAT
nb_wait_pid() {
	local i=0
	while kill -0 "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt $(($2 * 10)) ] || nb_fail "$3 still running after $2 s"
		sleep 0.1
	done
}

tb_step use-xpv-netback
tb_use_xpv_back net

tb_step refusals
xenstore-write "$NB_FE/backend" "$NB_BE" "$NB_FE/backend-id" 0 "$NB_FE/handle" 7 \
	"$NB_FE/mac" 00:16:3e:00:07:07 "$NB_FE/state" 1
xenstore-write "$NB_BE/frontend" "$NB_FE" "$NB_BE/frontend-id" 0 "$NB_BE/online" 1 \
	"$NB_BE/handle" 7 "$NB_BE/mac" 00:16:3e:00:07:07 "$NB_BE/state" 1
nb_wait_be_state 2 20
[ -d /sys/class/net/vif0.7 ] || tb_fail "no net device vif0.7 for the back end in InitWait"
for k in feature-sg feature-gso-tcpv4 feature-gso-tcpv6 feature-rx-copy \
		feature-split-event-channels; do
	[ "$(xenstore-read "$NB_BE/$k" 2>/dev/null)" = 1 ] || tb_fail "the back end does not offer $k"
done
[ "$(xenstore-read "$NB_BE/multi-queue-max-queues")" = 2 ] ||
	tb_fail "multi-queue-max-queues is '$(xenstore-read "$NB_BE/multi-queue-max-queues")', not 2 (dom0's CPUs)"
rings="tx-ring-ref=8 rx-ring-ref=9 event-channel=10"
nb_refused "zero queues" request-rx-copy=1 feature-rx-notify=1 multi-queue-num-queues=0 $rings
nb_refused "3 queues of 2" request-rx-copy=1 feature-rx-notify=1 multi-queue-num-queues=3 $rings
nb_refused "no request-rx-copy" feature-rx-notify=1 $rings
nb_refused "a control ring" request-rx-copy=1 feature-rx-notify=1 ctrl-ring-ref=11 \
	event-channel-ctrl=12 $rings
nb_refused "no rx ring" request-rx-copy=1 feature-rx-notify=1 tx-ring-ref=8 event-channel=10
xenstore-rm "$NB_BE"
xenstore-rm "$NB_FE"
i=0
while [ -e /sys/class/net/vif0.7 ]; do
	i=$((i + 1))
	[ $i -lt 200 ] || tb_fail "vif0.7 still exists 20 s after its back-end node went away"
	sleep 0.1
done
# What the toolstack's path clean-up does after the last device of a
# domain: no empty per-domain directory left (dom0-clean counts them).
for d in /local/domain/0/backend/vif/0 /local/domain/0/device/vif; do
	[ -z "$(xenstore-list "$d" 2>/dev/null)" ] || tb_fail "$d still has entries: $(xenstore-list "$d" | tr '\n' ' ')"
	xenstore-rm "$d" 2>/dev/null
done
xenstore-rm /local/domain/0/error/backend/vif 2>/dev/null

tb_step create
tb_guest_create $G --kernel "$NB_KERNEL" --vcpus 2 --memory 512 --vif
D=$(tb_domid $G)
V=vif$D.0

tb_step guest-net-up
tb_wait_console $G 'XPV-OK net-up ' 240
GIP=$(tb_field ip)
[ "$(tb_field txq)" = 2 ] || tb_fail "the guest's eth0 has $(tb_field txq) tx queues, not 2 (2 vCPUs, 2 offered)"

tb_step vif
nb_served "$V" "$D" 0
nq=$(xenstore-read "/local/domain/$D/device/vif/0/multi-queue-num-queues" 2>/dev/null)
[ "$nq" = 2 ] || tb_fail "the front end asked for '$nq' queues, not 2"
tb_log "$V: ours, on xenbr0, 2 queues"

tb_step ping
nb_cmd 60 ping 20 56
tb_metric ping_avg_ms "$(tb_field avg_ms)" ms
nb_ping_guest 20 56

tb_step jumbo
ip link set dev "$V" mtu 9000 || tb_fail "cannot set mtu 9000 on $V"
ip link set dev xenbr0 mtu 9000 || tb_fail "cannot set mtu 9000 on xenbr0"
nb_cmd 30 mtu 9000
nb_stats "$V"
slots0=$(nb_stat guest_tx_slots)
pkts0=$(nb_stat guest_tx_packets)
nb_cmd 60 ping 5 8000
nb_ping_guest 5 8000
nb_stats "$V"
# Five 8028-byte frames from the guest: more than one slot each (SG).
[ $(($(nb_stat guest_tx_slots) - slots0)) -gt $(($(nb_stat guest_tx_packets) - pkts0)) ] ||
	tb_fail "8000-byte pings from the guest took one slot per packet: no scatter-gather"

tb_step tcp-guest-to-dom0
nc -l -p 5001 > /tmp/g2d.bin < <(sleep 900) &
ncpid=$!
nb_cmd 240 send 5001 $((16 * MiB))
want=$(tb_field sha)
tb_metric tcp_g2d_MiBps "$(tb_calc "16 * 1000 / $(tb_field ms)")" MiB/s
nb_wait_pid $ncpid 30 "dom0's nc listener (the guest finished sending)"
got=$(sha256sum < /tmp/g2d.bin | cut -d' ' -f1)
[ "$got" = "$want" ] || nb_fail "dom0 received $(stat -c %s /tmp/g2d.bin) bytes with sha256 $got, the guest sent $((16 * MiB)) with $want"
rm -f /tmp/g2d.bin

tb_step tcp-dom0-to-guest
head -c $((16 * MiB)) /dev/urandom > /tmp/d2g.bin
want=$(sha256sum < /tmp/d2g.bin | cut -d' ' -f1)
nb_cmd 30 listen 5002
t0=$(tb_now)
timeout 180 nc "$GIP" 5002 < /tmp/d2g.bin > /dev/null 2>/tmp/nc.err ||
	nb_fail "nc to the guest failed: $(cat /tmp/nc.err)"
tb_metric tcp_d2g_MiBps "$(tb_calc "16 / ($(tb_now) - $t0)")" MiB/s
nb_cmd 90 received 5002
[ "$(tb_field sha)" = "$want" ] || tb_fail "the guest received $(tb_field bytes) bytes with sha256 $(tb_field sha), dom0 sent $((16 * MiB)) with $want"
rm -f /tmp/d2g.bin

tb_step offloads
nb_stats "$V"
# TSO from the guest (GSO extras) with checksums left to us, and GSO
# packets with partial checksums towards it.
nb_atleast guest_tx_gso 1 "no GSO packet from the guest's TCP"
nb_atleast guest_tx_csum_blank 1 "no checksum offload from the guest"
nb_atleast guest_rx_gso 1 "no GSO packet to the guest"
nb_atleast guest_rx_csum_blank 1 "no checksum offload to the guest"
for k in guest_tx_gso guest_tx_csum_blank guest_rx_gso guest_rx_csum_blank; do
	tb_metric "$k" "$(nb_stat $k)" packets
done

tb_step two-queues
# Groups of 4 TCP flows each way until each queue carried at least 256 KiB
# each way; at most 4 groups (16 flows each way: all on one queue with a
# working hash has probability 2^-15 per direction). Small groups: 16
# flows at once in a 2-vCPU guest were where the emulator lost the guest
# (triple faults, twice in five runs; docs/testbed.md).
head -c $((256 * 1024)) /dev/urandom > /tmp/multi
# What the earlier steps sent must not count: the counters from here on.
nb_stats "$V"
for q in 0 1; do
	eval "tx0_$q=$(nb_stat q${q}_guest_tx_bytes) rx0_$q=$(nb_stat q${q}_guest_rx_bytes)"
done
nb_queues_used() {
	local q tx0 rx0
	nb_stats "$V"
	for q in 0 1; do
		eval "tx0=\$tx0_$q rx0=\$rx0_$q"
		[ $(($(nb_stat "q${q}_guest_tx_bytes") - tx0)) -ge $((256 * 1024)) ] || return 1
		[ $(($(nb_stat "q${q}_guest_rx_bytes") - rx0)) -ge $((256 * 1024)) ] || return 1
	done
}
groups=0
while ! nb_queues_used; do
	[ $groups -lt 4 ] || tb_fail "after 16 flows each way a queue still carried under 256 KiB one way: $(grep -E '^q[01]_guest_(tx|rx)_bytes ' /tmp/nbstats | tr '\n' ' ')"
	p0=$((5100 + groups * 4))
	nb_cmd 30 multi_listen $p0 4
	pids=
	for p in $(seq $((p0 + 100)) $((p0 + 103))); do
		nc -l -p "$p" > /dev/null < <(sleep 600) &
		pids="$pids $!"
	done
	sleep 0.5
	nb_cmd 120 multi_send $((p0 + 100)) 4 $((256 * 1024))
	sends=
	for p in $(seq $p0 $((p0 + 3))); do
		timeout 120 nc "$GIP" "$p" < /tmp/multi > /dev/null &
		sends="$sends $!"
	done
	for p in $sends; do
		wait "$p" || nb_fail "a flow from dom0 to the guest failed"
	done
	kill $pids 2>/dev/null
	groups=$((groups + 1))
done
rm -f /tmp/multi
tb_log "both queues carried >= 256 KiB each way after $groups group(s) of 4 flows"
for q in 0 1; do
	tb_metric "q${q}_guest_tx_packets" "$(nb_stat q${q}_guest_tx_packets)" packets
	tb_metric "q${q}_guest_rx_packets" "$(nb_stat q${q}_guest_rx_packets)" packets
done

tb_step udp-burst
nb_cmd 30 udp_start
nb_stats "$V"
drops0=$(( $(nb_stat guest_rx_drop_full) + $(nb_stat guest_rx_drop_size) + $(nb_stat guest_rx_drop_stall) ))
payload=$(head -c 1000 /dev/zero | tr '\0' u)
sent=0
exec 3>"/dev/udp/$GIP/5300" || tb_fail "cannot open a UDP socket to the guest"
for i in $(seq 2000); do
	printf '%s\n' "$payload" >&3 2>/dev/null && sent=$((sent + 1))
done
exec 3>&-
sleep 1
nb_cmd 30 udp_count
got=$(tb_field received)
nb_stats "$V"
drops=$(( $(nb_stat guest_rx_drop_full) + $(nb_stat guest_rx_drop_size) + $(nb_stat guest_rx_drop_stall) - drops0 ))
tb_log "UDP burst to the guest: $sent datagrams of 1001 bytes sent, $got received, $((sent - got)) lost ($drops dropped by xpv-netback)"
tb_metric udp_sent "$sent" datagrams
tb_metric udp_lost "$((sent - got))" datagrams
[ "$sent" -ge 1900 ] || tb_fail "only $sent of 2000 datagrams left dom0's socket"
[ "$got" -gt 0 ] && [ "$got" -le "$sent" ] || tb_fail "the guest took in $got datagrams of $sent sent"

tb_step malformed-counters
nb_stats "$V"
nb_zero guest_tx_malformed guest_tx_bad_headers guest_tx_copy_errors \
	guest_rx_copy_errors guest_tx_ring_broken guest_rx_ring_broken \
	guest_tx_map_errors
tb_netback_map_checks "$TB/nbmap-$V.txt" "$V"

tb_step hot-unplug-under-load
nc -l -p 5400 > /dev/null < <(sleep 900) &
lpid=$!
nb_cmd 30 stream_to 5400
nb_cmd 30 stream_from 5401
timeout 120 nc "$GIP" 5401 < /dev/zero > /dev/null 2>&1 &
spid=$!
sleep 3
nb_stats "$V"
b0=$(( $(nb_stat guest_tx_bytes) + $(nb_stat guest_rx_bytes) ))
sleep 2
nb_stats "$V"
b1=$(( $(nb_stat guest_tx_bytes) + $(nb_stat guest_rx_bytes) ))
[ "$b1" -gt "$b0" ] || tb_fail "no traffic on $V before the unplug"
tb_log "traffic before the unplug: $(( (b1 - b0) / 2048 )) KiB/s"
timeout 60 xl network-detach $G 0 || tb_fail "xl network-detach $G 0 failed"
i=0
while [ -e "/sys/class/net/$V" ] || xenstore-exists "/local/domain/0/backend/vif/$D/0" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 300 ] || tb_fail "$V or its back-end directory still exists 30 s after network-detach"
	sleep 0.1
done
kill $lpid $spid 2>/dev/null
nb_cmd 60 unplugged 30
nb_cmd 30 stop

tb_step hot-plug
timeout 60 xl network-attach $G bridge=xenbr0 mac=00:16:3e:00:01:01 ||
	tb_fail "xl network-attach $G failed"
i=0
until V2=$(ls -d /sys/class/net/vif$D.* 2>/dev/null | head -n 1) && [ -n "$V2" ]; do
	i=$((i + 1))
	[ $i -lt 300 ] || tb_fail "no vif$D.* net device 30 s after network-attach"
	sleep 0.1
done
V2=${V2##*/}
nb_served "$V2" "$D" "${V2#vif$D.}"
ip neigh flush dev xenbr0 2>/dev/null
nb_cmd 90 replugged 60
nb_cmd 60 ping 10 56
nb_ping_guest 10 56
nb_stats "$V2"
nb_zero guest_tx_malformed guest_tx_bad_headers guest_tx_ring_broken guest_rx_ring_broken

tb_step shutdown
tb_xs_write $G "cmd$((NB_N + 1))" done
tb_guest_wait_pass $G 60
xl shutdown $G || tb_fail "xl shutdown $G failed"
TB_WATCH_DEATH=0 tb_wait_console $G 'XPV-SHUTDOWN poweroff' 60
tb_wait_gone $G 60
i=0
while ls /sys/class/net | grep -q "^vif$D\."; do
	i=$((i + 1))
	[ $i -lt 200 ] || tb_fail "vif$D.* still in dom0 20 s after the guest is gone"
	sleep 0.1
done
