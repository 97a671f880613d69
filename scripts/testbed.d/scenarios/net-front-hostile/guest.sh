# SPDX-License-Identifier: GPL-2.0-only
# net-front-hostile, guest side: eth0 (the witness, on the stock back end)
# up with the test bed's address, then the command server (tb_cmd) with
# the verbs below. A hostile vif is found by its MAC (its name depends on
# the order of plugging).
#   nic MAC WAIT_S    the vif with MAC appears, is set up and its carrier
#                     comes on; its fields (see nstat)
#   nstat MAC [ERE]   the vif's counters: if= carrier= rx_pk= rx_drop=
#                     tx_pk= irqs= (sums over queues) and the driver's
#                     first stats line (queues= broken= bad_rx= bad_tx=
#                     bad_prod= grant_busy= bad_keys= deferred= ...); with
#                     ERE also the klog verb's match= and bad=
#   send MAC          an address on the vif and two pings through it
#                     (ARP requests on its tx ring; no answer expected)
#   recv PORT, recv-wait WAIT_S   (guest/lib.sh) the witness transfer
#   klog ERE          (guest/lib.sh) match= (kernel-log lines matching
#                     ERE), bad= (lines of a kernel complaint)
step net-up
net_up

# nic_name MAC: the interface with MAC, or nothing.
nic_name() {
	local d
	for d in /sys/class/net/*; do
		[ "$(cat "$d/address" 2>/dev/null)" = "$1" ] && { echo "${d##*/}"; return; }
	done
}

nic_fields() {
	local n=$1 st=/sys/class/net/$1/xpv/stats
	[ -r "$st" ] || fail "$n has no $st: not driven by xpv-netfront"
	echo "if=$n carrier=$(cat "/sys/class/net/$n/carrier" 2>/dev/null || echo 0) $(awk '
		/^q[0-9]/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); s[kv[1]] += kv[2] } }
		END { printf "rx_pk=%d rx_drop=%d tx_pk=%d irqs=%d", s["rx_packets"], s["rx_dropped"], s["tx_packets"], s["tx_irqs"] + s["rx_irqs"] }' "$st") $(head -n 1 "$st")"
}

cmd_nic() {
	local i=0 n
	while n=$(nic_name "$1"); [ -z "$n" ]; do
		i=$((i + 1))
		[ $i -le $(($2 * 5)) ] || fail "no interface with MAC $1 after $2 s"
		sleep 0.2
	done
	ip link set "$n" up || fail "ip link set $n up failed"
	i=0
	while [ "$(cat "/sys/class/net/$n/carrier" 2>/dev/null)" != 1 ]; do
		i=$((i + 1))
		[ $i -le $(($2 * 5)) ] || fail "$n's carrier is not on $2 s after the link was set up"
		sleep 0.2
	done
	cmd_ok "$(nic_fields "$n")"
}

cmd_nstat() {
	local n k=
	n=$(nic_name "$1")
	[ -n "$n" ] || fail "no interface with MAC $1"
	[ -z "${2:-}" ] || k=$(klog_fields "$2")
	cmd_ok "$(nic_fields "$n") $k"
}

cmd_send() {
	local n
	n=$(nic_name "$1")
	[ -n "$n" ] || fail "no interface with MAC $1"
	ip addr add 10.9.0.2/24 dev "$n" 2>/dev/null
	ping -c 2 -W 1 -I "$n" 10.9.0.1 > /dev/null 2>&1
	cmd_ok "if=$n"
}

cmd_serve
