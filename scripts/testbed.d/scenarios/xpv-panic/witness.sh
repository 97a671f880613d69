# SPDX-License-Identifier: GPL-2.0-only
# xpv-panic's witness (stock kernel): network up, then a heartbeat on the
# console every second, for ever.
step net-up
net_up
ok "ip=$XPV_IP"
i=0
while :; do
	i=$((i + 1))
	echo "XPV-BEAT $i"
	sleep 1
done
