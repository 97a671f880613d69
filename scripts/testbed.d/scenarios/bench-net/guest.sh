# SPDX-License-Identifier: GPL-2.0-only
# bench-net, guest side (stock or our kernel): a command server (cmd_serve,
# guest/lib.sh) that dom0 drives round by round.
#   net              (re)configure eth0 after a (re)attach, ping dom0
#   iperf JOB SECS   one iperf3 run against dom0 (10.0.0.1): tcp-tx (guest
#                    to dom0), tcp-rx (dom0 to guest, -R), udp64 (64-byte
#                    datagrams, unlimited rate); prints the receiver's rate,
#                    packets and the guest's interrupts and packets over it
PEER=10.0.0.1

# Interrupts of the guest's netfront channels: the stock driver names them
# after the xenbus device id ("vif0-q0-tx", "vif0-q0-rx",
# ...), ours after the net device ("eth0-q0-tx", ..., "eth0-q0" with one
# channel per queue). Both match, or cmd_net fails.
net_irqs() {
	awk 'NR == 1 { n = NF; next }
		/(vif|eth)[0-9]+-q[0-9]/ { for (i = 2; i <= n + 1; i++) s += $i }
		END { printf "%d\n", s }' /proc/interrupts
}

net_pkts() {
	echo $(( $(cat /sys/class/net/eth0/statistics/rx_packets) + $(cat /sys/class/net/eth0/statistics/tx_packets) ))
}

cmd_net() {
	local i=0 drv
	wait_for /sys/class/net/eth0 60 || fail "no eth0 60 s after the vif was attached"
	ip link set lo up
	ip addr flush dev eth0 2>/dev/null
	ip addr add "$XPV_IP" dev eth0 || fail "cannot set $XPV_IP on eth0"
	ip link set eth0 up || fail "ip link set eth0 up failed"
	until ping -c 1 -W 1 $PEER > /dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 60 ] || fail "dom0 ($PEER) does not answer pings 60 s after eth0 came up"
	done
	[ "$(grep -cE '(vif|eth)[0-9]+-q[0-9]' /proc/interrupts)" -gt 0 ] ||
		fail "no interrupt line of the front end in /proc/interrupts: $(grep -E 'xen|eth|vif' /proc/interrupts | awk '{ print $NF }' | tr '\n' ' ')"
	drv=$(basename "$(readlink /sys/class/net/eth0/device/driver 2>/dev/null)" 2>/dev/null)
	cmd_ok "driver=${drv:-none} txq=$(ls -d /sys/class/net/eth0/queues/tx-* | wc -l) irqlines=$(grep -cE '(vif|eth)[0-9]+-q[0-9]' /proc/interrupts)"
}

cmd_iperf() {
	local job=$1 secs=$2 args i0 i1 p0 p1 line rate pkts
	case $job in
	tcp-tx) args="" ;;
	tcp-rx) args="-R" ;;
	udp64) args="-u -l 64 -b 0" ;;
	*) fail "unknown iperf job $job" ;;
	esac
	i0=$(net_irqs) p0=$(net_pkts)
	# shellcheck disable=SC2086
	timeout $((secs + 60)) iperf3 -c $PEER -t "$secs" -f k $args > /tmp/iperf.out 2> /tmp/iperf.err ||
		fail "iperf3 $job failed: $(tail -n 2 /tmp/iperf.err /tmp/iperf.out | tr '\n' ' ')"
	i1=$(net_irqs) p1=$(net_pkts)
	line=$(grep 'receiver$' /tmp/iperf.out | tail -n 1)
	[ -n "$line" ] || fail "no receiver line from iperf3: $(tail -n 3 /tmp/iperf.out | tr '\n' ' ')"
	# The rate precedes "Kbits/sec"; UDP adds "lost/total (p%)".
	set -- $(echo "$line" | awk '{ r = 0; t = 0; l = 0
		for (i = 2; i <= NF; i++) {
			if ($i == "Kbits/sec") r = $(i - 1)
			if ($i ~ /^[0-9]+\/[0-9]+$/) { split($i, a, "/"); l = a[1]; t = a[2] }
		}
		print r, t - l, l }')
	rate=$1 pkts=$2
	[ "${rate%.*}" -gt 0 ] 2>/dev/null || fail "iperf3 $job moved nothing: $line"
	cmd_ok "kbps=$rate udp_rx=$pkts udp_lost=$3 irq=$((i1 - i0)) pkts=$((p1 - p0))"
}

cmd_serve
