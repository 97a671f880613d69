# SPDX-License-Identifier: GPL-2.0-only
# net-xpv, dom0 side: net-front-interop's dom0 script and guest script, with
# our back end in place of the stock xen-netback.

# Our back end counted nothing malformed and broke no ring (the vif of the
# re-attached device, which has carried pings and the guest's traffic).
net_back_checks() {
	local s k v
	s=$(ethtool -S "$vif" 2>&1) || tb_fail "ethtool -S $vif failed: $s"
	for k in guest_tx_malformed guest_tx_bad_headers guest_tx_copy_errors \
		guest_tx_ring_broken guest_rx_ring_broken guest_rx_copy_errors \
		guest_tx_map_errors; do
		v=$(echo "$s" | awk -v k="$k:" '$1 == k { print $2 }')
		[ "$v" = 0 ] || tb_fail "our back end counted $k=${v:-missing} for a well-behaved front end"
	done
	v=$(echo "$s" | awk '$1 == "guest_tx_packets:" { print $2 }')
	[ "${v:-0}" -gt 0 ] || tb_fail "our back end counted no packet from the guest on $vif"
	tb_log "$vif: $(echo "$s" | awk '$1 ~ /^guest_(tx|rx)_packets:$/' | tr -s ' ' | tr '\n' ' ')"
	# The re-attached vif carried pings only (no fragment to map).
	tb_netback_map_checks "$TB/nbmap-$vif-2.txt" "$vif" 0
}

# Before the hot-unplug: the first vif carried the TCP transfers, so with
# tx_mode=map their fragments went by grant map, and all are unmapped.
net_back_map_checks() {
	tb_netback_map_checks "$TB/nbmap-$vif-1.txt" "$vif"
}

tb_use_xpv_back net
. "$TBD/scenarios/net-front-interop/dom0.sh"
