# SPDX-License-Identifier: GPL-2.0-only
# net-front-interop, guest side: network checks run on dom0's command, a
# command server on the test bed's command channel (cmd_serve in
# guest/lib.sh, driven by dom0's tb_cmd: xenstore data/cmd =
# "<seq> <verb> [arg...]", answered by "XPV-OK <verb> seq=<seq> ..." or
# "XPV-FAIL <verb>: <reason>" on the console).
#
# Verbs (eth0 is the device under test, dom0 is $XPV_PEER):
#   up WAIT_S             eth0 appears within WAIT_S, gets $XPV_IP, its
#                         carrier comes up; dom0 answers a ping; the
#                         driver's first stats line as fields (queues= split=
#                         bounce= broken= sg= csum= csum6= tso= tso6= mtu=)
#                         driver= (ethtool-style name from sysfs)
#   ping N [SIZE]         N pings to dom0 (SIZE data bytes); loss= avg_ms=
#   mtu M                 eth0's MTU set to M; mtu= (read back)
#   recv PORT, recv-wait WAIT_S   (guest/lib.sh) a TCP listener, its data
#                         in /tmp/net.rx; bytes= sha=
#   send PORT [HOST]      /tmp/net.rx to PORT of HOST (dom0) over TCP;
#                         bytes= ms=
#   ip6 ADDR/LEN          ADDR added to eth0 without duplicate address
#                         detection (usable at once); ip6=
#   echo PORT             a persistent TCP echo server on PORT (background)
#   stats                 the driver's counters: per queue q<N>tx= q<N>rx=,
#                         sums tx_pk= tx_gso= tx_gso6= tx_csum= tx_csum6=
#                         rx_gso= rx_gso6= rx_csum= rx_drop= tx_drop= tx_err=
#                         bounced=; udp_in= udp_noport= (/proc/net/snmp);
#                         the first stats line's fields (bounce= notify=
#                         ...); each queue's line as XPV-INFO
#   reconnected WAIT_S N  after a reconnection of the device (dom0 drives
#                         it), within WAIT_S: the carrier is up and the
#                         driver has announced the device more than N times
#                         (notify=); the first stats line as fields
#   trust Y|N             the module parameter trusted (read at each
#                         connection); trusted=
#   load PORT             send /tmp/net.rx to dom0's PORT again and again,
#                         and ping dom0 as fast as it answers (background)
#   load-stop             stop the load; pings= (replies seen)
#   gone WAIT_S           eth0 disappears within WAIT_S; ms=
#   dmesg                 no WARNING, BUG, Oops, "queue disabled" in the
#                         kernel log
#   done                  end the script

NETDEV=eth0
NET_STATS=/sys/class/net/$NETDEV/xpv/stats
NET_LOADS=

net_first_line() {
	head -n 1 "$NET_STATS" 2>/dev/null
}

cmd_up() {
	local wait=${1:-30} i=0
	wait_for "/sys/class/net/$NETDEV" "$wait" || fail "no $NETDEV after $wait s"
	ip link set lo up
	ip link set "$NETDEV" up || fail "ip link set $NETDEV up failed"
	ip addr flush dev "$NETDEV"
	ip addr add "$XPV_IP" dev "$NETDEV" || fail "cannot set $XPV_IP on $NETDEV"
	while [ "$(cat "/sys/class/net/$NETDEV/carrier" 2>/dev/null)" != 1 ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "$NETDEV's carrier is not up 20 s after the link was set up"
		sleep 0.2
	done
	i=0
	until ping -c 1 -W 1 "$XPV_PEER" > /dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 20 ] || fail "dom0 ($XPV_PEER) does not answer a first ping within 20 s"
	done
	[ -r "$NET_STATS" ] || fail "no $NET_STATS: $NETDEV is not driven by xpv-netfront"
	say "$(dmesg | grep -F "$NETDEV: " | tail -n 1)"
	cmd_ok "$(net_first_line) driver=$(basename "$(readlink "/sys/class/net/$NETDEV/device/driver")")"
}

cmd_ping() {
	local n=$1 size=${2:-56} out tx rx
	out=$(ping -c "$n" -i 0.2 -W 3 -s "$size" "$XPV_PEER" 2>&1)
	tx=$(echo "$out" | sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p')
	rx=$(echo "$out" | sed -n 's/.* \([0-9]*\) packets received.*/\1/p')
	[ "$tx" = "$n" ] && [ "$rx" = "$n" ] ||
		fail "ping -s $size: $(echo "$out" | grep 'packets transmitted')"
	cmd_ok "count=$n size=$size loss=0 avg_ms=$(echo "$out" | sed -n 's|.*min/avg/max = [0-9.]*/\([0-9.]*\)/.*|\1|p')"
}

cmd_mtu() {
	ip link set "$NETDEV" mtu "$1" || fail "ip link set $NETDEV mtu $1 failed"
	cmd_ok "mtu=$(cat "/sys/class/net/$NETDEV/mtu")"
}

cmd_send() {
	local t0 i=0 host=${2:-$XPV_PEER}
	t0=$(now_ms)
	until nc "$host" "$1" < /tmp/net.rx 2> /tmp/net.tx.err; do
		i=$((i + 1))
		[ $i -lt 10 ] || fail "nc to $host:$1 failed: $(cat /tmp/net.tx.err)"
		sleep 1
		t0=$(now_ms)
	done
	cmd_ok "bytes=$(stat -c %s /tmp/net.rx) ms=$(( $(now_ms) - t0 ))"
}

cmd_ip6() {
	echo 0 > /proc/sys/net/ipv6/conf/all/accept_dad
	echo 0 > "/proc/sys/net/ipv6/conf/$NETDEV/accept_dad"
	ip -6 addr add "$1" dev "$NETDEV" || fail "cannot add $1 to $NETDEV"
	cmd_ok "ip6=$(ip -6 addr show dev "$NETDEV" | sed -n 's/.*inet6 \([0-9a-f:]*\/[0-9]*\) scope global.*/\1/p' | head -n 1)"
}

cmd_reconnected() {
	local i=0 n
	while :; do
		n=$(net_first_line | sed -n 's/.* notify=\([0-9]*\).*/\1/p')
		[ "$(cat "/sys/class/net/$NETDEV/carrier" 2>/dev/null)" = 1 ] &&
			[ "${n:-0}" -gt "$2" ] && break
		i=$((i + 1))
		[ $i -le $(($1 * 5)) ] ||
			fail "after $1 s: carrier $(cat "/sys/class/net/$NETDEV/carrier" 2>/dev/null), $n announcements (want more than $2)"
		sleep 0.2
	done
	say "$(dmesg | grep -F "$NETDEV: " | tail -n 1)"
	cmd_ok "$(net_first_line)"
}

cmd_trust() {
	echo "$1" > /sys/module/xpv_netfront/parameters/trusted ||
		fail "cannot set xpv_netfront.trusted=$1"
	cmd_ok "trusted=$(cat /sys/module/xpv_netfront/parameters/trusted)"
}

cmd_echo() {
	nc -ll -p "$1" -e /bin/cat > /dev/null 2>&1 &
	NET_LOADS="$NET_LOADS $!"
	sleep 0.5
	cmd_ok "pid=$!"
}

cmd_stats() {
	local f l q tx rx
	[ -r "$NET_STATS" ] || fail "no $NET_STATS"
	f=
	for l in $(sed -n 's/^\(q[0-9]*\) .*tx_packets=\([0-9]*\) .*rx_packets=\([0-9]*\) .*/\1:\2:\3/p' "$NET_STATS"); do
		q=${l%%:*}
		l=${l#*:}
		tx=${l%%:*}
		rx=${l#*:}
		f="$f ${q}tx=$tx ${q}rx=$rx"
	done
	while IFS= read -r l; do
		say "stats: $l"
	done < "$NET_STATS"
	cmd_ok "$f $(awk '
		/^q[0-9]/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); s[kv[1]] += kv[2] } }
		END { printf "tx_pk=%d tx_gso=%d tx_gso6=%d tx_csum=%d tx_csum6=%d rx_gso=%d rx_gso6=%d rx_csum=%d rx_drop=%d tx_drop=%d tx_err=%d bounced=%d",
			s["tx_packets"], s["tx_gso"], s["tx_gso6"], s["tx_csum"], s["tx_csum6"],
			s["rx_gso"], s["rx_gso6"], s["rx_csum_ok"], s["rx_dropped"],
			s["tx_dropped"], s["tx_errors"], s["tx_bounced"] }' "$NET_STATS")" \
		"$(awk '/^Udp:/ { n++; if (n == 1) for (i = 2; i <= NF; i++) h[i] = $i; else for (i = 2; i <= NF; i++) v[h[i]] = $i }
			END { printf "udp_in=%d udp_noport=%d", v["InDatagrams"], v["NoPorts"] }' /proc/net/snmp)" \
		"$(net_first_line)"
}

cmd_load() {
	( while nc "$XPV_PEER" "$1" < /tmp/net.rx > /dev/null 2>&1; do :; done ) &
	NET_LOADS="$NET_LOADS $!"
	ping -A -W 1 "$XPV_PEER" > /tmp/net.load.ping 2>&1 &
	NET_LOADS="$NET_LOADS $!"
	sleep 1
	cmd_ok "pids=$(echo $NET_LOADS | tr ' ' ,)"
}

cmd_load_stop() {
	local p
	for p in $NET_LOADS; do
		kill "$p" 2>/dev/null
	done
	killall nc ping 2>/dev/null
	NET_LOADS=
	cmd_ok "pings=$(grep -c 'bytes from' /tmp/net.load.ping)"
}

cmd_gone() {
	local t0 i=0
	t0=$(now_ms)
	while [ -e "/sys/class/net/$NETDEV" ]; do
		i=$((i + 1))
		[ $i -le $(($1 * 5)) ] || fail "$NETDEV still present $1 s after the unplug"
		sleep 0.2
	done
	cmd_ok "ms=$(( $(now_ms) - t0 ))"
}

# dmesg: cmd_dmesg (guest/lib.sh), also failing on this driver's complaint.
CMD_DMESG_BAD='queue disabled'

cmd_serve
