# SPDX-License-Identifier: GPL-2.0-only
# net-front-interop, dom0 side: our kernel's xpv-netfront against the stock
# dom0's xen-netback (vif-bridge on xenbr0), 2 vCPUs. The guest runs
# guest.sh (a command server on cmd_serve, driven with tb_cmd);
# every transfer is checked by sha256 on both ends, the offloads and the
# queues by the front end's own counters.
#
# The bulk data comes from dom0 (dom0 -> guest first, then the guest sends
# what it received back): random data made in the guest costs CPU the
# emulator does not like (docs/blkif.md).
. "$TBD/scenarios/blk-front-interop/blk-lib.bash"
G=net
MIB=16
MIB6=8			# the IPv6 transfer (TSO6, IPv6 checksum offload)
MIB_UNTRUSTED=4		# the transfer with an untrusted back end (bouncing)
GIP=10.0.0.11		# tb_guest_create: 10.0.0.(10 + index), the first guest
GIP6=fd00::11		# ULA addresses for the IPv6 step
DOM0_IP6=fd00::1
PAT=/tmp/net-pattern.bin
UDP_N=2000		# datagrams of the UDP burst
FLOWS=16		# short TCP connections to spread over the queues

# net_to_guest FILE HOST PORT: FILE to the guest's HOST:PORT over TCP, the
# guest's byte count and sha256 checked; NET_SECS: how long it took.
net_to_guest() {
	local file=$1 host=$2 port=$3 t0 sum bytes
	sum=$(sha256sum "$file" | cut -d' ' -f1)
	bytes=$(stat -c %s "$file")
	tb_cmd $G 30 recv "$port"
	t0=$(tb_now)
	if ! timeout 120 bash -c "cat $file > /dev/tcp/$host/$port"; then
		tb_cmd $G 30 stats
		tb_fail "sending $bytes bytes to the guest's $host:$port failed (the guest's counters: $TB_LINE)"
	fi
	tb_cmd $G 120 recv-wait 90
	[ "$(tb_field bytes)" = "$bytes" ] || tb_fail "the guest received $(tb_field bytes) bytes on $host:$port, dom0 sent $bytes"
	[ "$(tb_field sha)" = "$sum" ] || tb_fail "the guest received sha256 $(tb_field sha) on $host:$port, dom0 sent $sum"
	NET_SECS=$(tb_calc "$(tb_now) - $t0")
}

# net_from_guest PORT HOST SUM: the guest sends what it last received to
# dom0's HOST:PORT; what dom0 got must have sha256 SUM; NET_MS: the
# guest's sending time.
net_from_guest() {
	local port=$1 host=$2 sum=$3 ncpid got i
	nc -l -p "$port" > /tmp/net-back.bin < <(sleep 600) &
	ncpid=$!
	tb_cmd $G 180 send "$port" "$host"
	NET_MS=$(tb_field ms)
	for i in $(seq 100); do
		kill -0 $ncpid 2>/dev/null || break
		sleep 0.2
	done
	kill -0 $ncpid 2>/dev/null && { kill $ncpid; tb_fail "dom0's listener on $host:$port still running 20 s after the guest finished sending"; }
	got=$(sha256sum /tmp/net-back.bin | cut -d' ' -f1)
	[ "$got" = "$sum" ] || tb_fail "dom0 received $(stat -c %s /tmp/net-back.bin) bytes with sha256 $got from the guest on $host:$port, want $sum"
	rm -f /tmp/net-back.bin
}

# Neighbour advertisements dom0's xenbr0 received (IPv6 MIB of the device).
net_na_in() {
	awk '$1 == "Icmp6InNeighborAdvertisements" { print $2 }' /proc/net/dev_snmp6/xenbr0
}

# net_wait_xs PATH VALUE WAIT_S: the xenstore node PATH reads VALUE.
net_wait_xs() {
	local i v
	for i in $(seq $(($3 * 5))); do
		v=$(xenstore-read "$1" 2>/dev/null)
		[ "$v" = "$2" ] && return 0
		sleep 0.2
	done
	tb_fail "$1 is '$v' after $3 s, want $2"
}

tb_step pattern
dd if=/dev/urandom of=$PAT bs=1M count=$MIB iflag=fullblock 2>/dev/null || tb_fail "cannot make the pattern"
psum=$(sha256sum $PAT | cut -d' ' -f1)

tb_step create
tb_guest_create $G --kernel xpv --vcpus 2 --memory 320 --vif --script net-front-interop/guest.sh
tb_step guest-boot
tb_wait_console $G 'XPV-GUEST-INIT' 180
tb_cmd_ready $G 60
id=$(tb_domid $G)
vif=vif$id.0

tb_step link-up
tb_cmd $G 60 up 30
[ "$(tb_field driver)" = xpv-vif ] || tb_fail "eth0 is driven by '$(tb_field driver)', not xpv-vif"
[ "$(tb_field queues)" = 2 ] || tb_fail "eth0 has $(tb_field queues) queue(s) with 2 vCPUs and netback's multi-queue-max-queues, want 2"
[ "$(tb_field split)" = 1 ] || tb_fail "netback offers split event channels; eth0 uses split=$(tb_field split)"
for f in sg csum csum6 tso tso6; do
	[ "$(tb_field $f)" = 1 ] || tb_fail "eth0 feature $f is $(tb_field $f), netback offers it"
done
[ "$(tb_field bounce)" = 0 ] || tb_fail "eth0 bounces its data with a trusted back end"
nq=$(xenstore-read "/local/domain/$id/device/vif/0/multi-queue-num-queues") ||
	tb_fail "no multi-queue-num-queues in the front end's xenstore directory"
[ "$nq" = 2 ] || tb_fail "multi-queue-num-queues is $nq"
for k in queue-0/tx-ring-ref queue-1/rx-ring-ref queue-1/event-channel-rx request-rx-copy; do
	xenstore-read "/local/domain/$id/device/vif/0/$k" > /dev/null || tb_fail "no $k in the front end's directory"
done
[ "$(xenstore-read "/local/domain/0/backend/vif/$id/0/state")" = 4 ] || tb_fail "netback is not Connected"
ip link show "$vif" > /dev/null 2>&1 || tb_fail "no $vif in dom0"

tb_step ping
tb_cmd $G 60 ping 20
tb_metric ping_avg_ms "$(tb_field avg_ms)" ms
out=$(ping -c 20 -i 0.2 -W 3 $GIP 2>&1)
echo "$out" | grep -q '20 packets transmitted, 20 packets received' ||
	tb_fail "dom0 -> guest ping: $(echo "$out" | grep 'packets transmitted')"

tb_step tcp-to-guest
tb_cmd $G 60 stats
tx_gso0=$(tb_field tx_gso) rx_gso0=$(tb_field rx_gso)
net_to_guest $PAT $GIP 5002
tb_metric tcp_to_guest_MiBps "$(tb_calc "$MIB / $NET_SECS")" MiB/s

tb_step tcp-from-guest
net_from_guest 5001 10.0.0.1 "$psum"
tb_metric tcp_from_guest_MiBps "$(tb_calc "$MIB * 1000 / $NET_MS")" MiB/s

tb_step offloads
tb_cmd $G 60 stats
tx_gso=$(( $(tb_field tx_gso) - tx_gso0 ))
rx_gso=$(( $(tb_field rx_gso) - rx_gso0 ))
tb_log "GSO packets across the rings during the transfers: sent $tx_gso, received $rx_gso; csum offloaded $(tb_field tx_csum)"
[ "$tx_gso" -gt 0 ] || tb_fail "no TSO-sized packet crossed the tx ring while the guest sent $MIB MiB"
[ "$(tb_field tx_csum)" -gt 0 ] || tb_fail "no packet was sent with checksum offload"
[ "$(tb_field tx_drop)" = 0 ] && [ "$(tb_field tx_err)" = 0 ] && [ "$(tb_field rx_drop)" = 0 ] ||
	tb_fail "drops or errors: tx_drop=$(tb_field tx_drop) tx_err=$(tb_field tx_err) rx_drop=$(tb_field rx_drop)"
tb_metric tx_gso_packets "$tx_gso" packets
tb_metric rx_gso_packets "$rx_gso" packets

tb_step ipv6
# TCP over IPv6 (ULA addresses, no duplicate address detection) each way:
# TSO6 and IPv6 checksum offload must cross the rings, counted by type.
ip -6 addr add $DOM0_IP6/64 dev xenbr0 nodad || tb_fail "cannot add $DOM0_IP6 to xenbr0"
tb_cmd $G 30 ip6 $GIP6/64
tb_cmd $G 60 stats
tx_gso6=$(tb_field tx_gso6) rx_gso6=$(tb_field rx_gso6) tx_csum6=$(tb_field tx_csum6)
head -c $((MIB6 << 20)) $PAT > $PAT.6
net_to_guest $PAT.6 $GIP6 5012
tb_metric tcp6_to_guest_MiBps "$(tb_calc "$MIB6 / $NET_SECS")" MiB/s
net_from_guest 5011 $DOM0_IP6 "$(sha256sum $PAT.6 | cut -d' ' -f1)"
tb_metric tcp6_from_guest_MiBps "$(tb_calc "$MIB6 * 1000 / $NET_MS")" MiB/s
rm -f $PAT.6
tb_cmd $G 60 stats
tx_gso6=$(( $(tb_field tx_gso6) - tx_gso6 ))
rx_gso6=$(( $(tb_field rx_gso6) - rx_gso6 ))
tx_csum6=$(( $(tb_field tx_csum6) - tx_csum6 ))
tb_log "IPv6: TCPv6 GSO packets sent $tx_gso6, received $rx_gso6; IPv6 packets sent with checksum offload $tx_csum6"
[ "$tx_gso6" -gt 0 ] || tb_fail "no TSO6 packet (GSO type TCPv6) crossed the tx ring while the guest sent $MIB6 MiB over IPv6"
[ "$rx_gso6" -gt 0 ] || tb_fail "no GSO TCPv6 packet crossed the rx ring while dom0 sent $MIB6 MiB over IPv6"
[ "$tx_csum6" -gt 0 ] || tb_fail "no IPv6 packet was sent with checksum offload"
tb_metric tx_gso6_packets "$tx_gso6" packets
tb_metric rx_gso6_packets "$rx_gso6" packets

tb_step reconnect-untrusted
# The back end goes away and comes back while eth0 is up with its
# addresses (what a back end restart looks like to the front end): dom0
# writes the back end's state Closing; the front end answers Closed, and so
# does the back end; dom0 writes InitWait, the front end sets up again.
# Before that, dom0 marks the device untrusted (trusted=0 in its xenstore
# directory, read at each connection): everything sent after the
# reconnection must be bounced. The announcement after the reconnection
# must reach dom0: a stale neighbour entry with a wrong MAC for the
# guest's IPv4 address (only a gratuitous ARP from the guest corrects it
# while nobody sends to the guest), and the neighbour advertisements that
# xenbr0 counts.
fe=/local/domain/$id/device/vif/0
be=/local/domain/0/backend/vif/$id/0
gmac=$(xenstore-read $fe/mac) || tb_fail "no $fe/mac"
tb_cmd $G 60 stats
notify0=$(tb_field notify) txpk0=$(tb_field tx_pk) bounced0=$(tb_field bounced)
ip neigh replace $GIP lladdr 02:00:00:00:de:ad dev xenbr0 nud stale ||
	tb_fail "cannot plant a stale neighbour entry for $GIP"
na0=$(net_na_in)
xenstore-write $fe/trusted 0
xenstore-write $be/state 5
net_wait_xs $fe/state 6 30
net_wait_xs $be/state 6 30
xenstore-write $be/state 2
net_wait_xs $be/state 4 30
tb_cmd $G 60 reconnected 30 "$notify0"
[ "$(tb_field bounce)" = 1 ] || tb_fail "eth0 reconnected with bounce=$(tb_field bounce) after dom0 wrote $fe/trusted = 0"
for i in $(seq 50); do
	neigh=$(ip neigh show $GIP dev xenbr0)
	[[ $neigh == *"lladdr $gmac "* ]] && [ "$(net_na_in)" -gt "$na0" ] && break
	sleep 0.2
done
tb_log "after the reconnection: dom0's neighbour entry '$neigh', neighbour advertisements $na0 -> $(net_na_in), the front end's announcements $notify0 -> $(tb_field notify)"
[[ $neigh == *"lladdr $gmac "* ]] ||
	tb_fail "no gratuitous ARP from the guest reached dom0 within 10 s of the reconnection: dom0's entry for $GIP is '$neigh', the guest's MAC $gmac (the front end counts $(tb_field notify) announcements, $notify0 before)"
[ "$(net_na_in)" -gt "$na0" ] ||
	tb_fail "no unsolicited neighbour advertisement from the guest reached xenbr0 within 10 s of the reconnection"
head -c $((MIB_UNTRUSTED << 20)) $PAT > $PAT.u
net_to_guest $PAT.u $GIP 5022
net_from_guest 5021 10.0.0.1 "$(sha256sum $PAT.u | cut -d' ' -f1)"
rm -f $PAT.u
tb_cmd $G 60 stats
txpk=$(( $(tb_field tx_pk) - txpk0 ))
bounced=$(( $(tb_field bounced) - bounced0 ))
tb_log "untrusted back end: $bounced of $txpk packets sent bounced"
[ "$txpk" -gt 0 ] && [ "$bounced" = "$txpk" ] ||
	tb_fail "with trusted=0, $bounced of the $txpk packets sent were bounced, want all"
tb_metric untrusted_bounced_packets "$bounced" packets

tb_step queues
tb_cmd $G 30 echo 5005
for i in $(seq $FLOWS); do
	exec 3<> "/dev/tcp/$GIP/5005" || tb_fail "connection $i to the guest's echo server failed"
	echo "flow $i" >&3
	read -r -t 10 line <&3 || tb_fail "no echo on connection $i"
	exec 3>&-
	[ "$line" = "flow $i" ] || tb_fail "connection $i echoed '$line'"
done
tb_cmd $G 60 stats
for q in 0 1; do
	[ "$(tb_field q${q}tx)" -gt 0 ] && [ "$(tb_field q${q}rx)" -gt 0 ] ||
		tb_fail "queue $q carried no traffic: tx $(tb_field q${q}tx), rx $(tb_field q${q}rx) packets"
	tb_metric "q${q}_tx_packets" "$(tb_field q${q}tx)" packets
	tb_metric "q${q}_rx_packets" "$(tb_field q${q}rx)" packets
done

tb_step udp-burst
# To a closed port: the guest's UDP layer counts each datagram (NoPorts).
# Its rate-limited port-unreachable answers make some sends on this
# connected socket fail (ECONNREFUSED): only datagrams sent count.
u0=$(( $(tb_field udp_in) + $(tb_field udp_noport) ))
t0=$(tb_now)
sent=0
exec 3> "/dev/udp/$GIP/9" || tb_fail "cannot open a UDP socket to the guest"
for i in $(seq $UDP_N); do
	printf '%01000d' "$i" >&3 2> /dev/null && sent=$((sent + 1))
done
exec 3>&-
ms=$(tb_calc "($(tb_now) - $t0) * 1000")
sleep 2
tb_cmd $G 60 stats
got=$(( $(tb_field udp_in) + $(tb_field udp_noport) - u0 ))
tb_log "UDP burst: $sent of $UDP_N datagrams of 1000 bytes sent in $ms ms, $got reached the guest's UDP layer, loss $(tb_calc "100 * ($sent - $got) / $sent") %"
[ "$sent" -gt $((UDP_N / 2)) ] || tb_fail "only $sent of $UDP_N datagrams could be sent"
[ "$got" -gt 0 ] || tb_fail "none of $sent UDP datagrams reached the guest"
[ "$got" -le "$sent" ] || tb_fail "the guest counted $got datagrams, dom0 sent $sent"
tb_metric udp_loss_pct "$(tb_calc "100 * ($sent - $got) / $sent")" %

tb_step jumbo
ip link set "$vif" mtu 9000 && ip link set xenbr0 mtu 9000 || tb_fail "cannot set MTU 9000 on $vif and xenbr0"
tb_cmd $G 30 mtu 9000
[ "$(tb_field mtu)" = 9000 ] || tb_fail "eth0 MTU is $(tb_field mtu)"
tb_cmd $G 60 ping 5 8000
out=$(ping -c 5 -i 0.2 -W 3 -s 8000 $GIP 2>&1)
echo "$out" | grep -q '5 packets transmitted, 5 packets received' ||
	tb_fail "dom0 -> guest 8000-byte ping: $(echo "$out" | grep 'packets transmitted')"
tb_cmd $G 30 mtu 1500
ip link set xenbr0 mtu 1500
# net-xpv checks how our back end took the guest's packets here.
if declare -F net_back_map_checks > /dev/null; then
	tb_step back-end-map
	net_back_map_checks
fi

tb_step hot-unplug-load
nc -ll -p 5006 -e /bin/cat > /dev/null 2>&1 &
echopid=$!
tb_cmd $G 30 load 5006
sleep 3
t0=$(tb_now)
timeout 90 xl network-detach $G 0 > "$TB/detach.log" 2>&1 ||
	tb_fail "xl network-detach failed: $(tail -n 3 "$TB/detach.log" | tr '\n' ' ')"
tb_metric detach_load_s "$(tb_calc "$(tb_now) - $t0")" s
tb_cmd $G 60 gone 30
tb_cmd $G 30 load-stop
tb_log "pings answered during the load: $(tb_field pings)"
kill $echopid 2>/dev/null
for i in $(seq 100); do
	[ -z "$(xenstore-list "/local/domain/0/backend/vif/$id" 2>/dev/null)" ] && ! ip link show "$vif" > /dev/null 2>&1 && break
	sleep 0.2
done
ip link show "$vif" > /dev/null 2>&1 && tb_fail "$vif still exists 20 s after the detach"

tb_step hot-plug
# The new device connects with the module parameter trusted=N (and no
# trusted key): it must bounce what it sends.
tb_cmd $G 30 trust N
timeout 90 xl network-attach $G type=vif mac=00:16:3e:00:00:01 bridge=xenbr0 > "$TB/attach.log" 2>&1 ||
	tb_fail "xl network-attach failed: $(tail -n 3 "$TB/attach.log" | tr '\n' ' ')"
tb_cmd $G 90 up 60
[ "$(tb_field queues)" = 2 ] || tb_fail "the re-attached eth0 has $(tb_field queues) queue(s)"
[ "$(tb_field bounce)" = 1 ] || tb_fail "the re-attached eth0 has bounce=$(tb_field bounce) with xpv_netfront.trusted=N"
tb_cmd $G 60 ping 10
out=$(ping -c 10 -i 0.2 -W 3 $GIP 2>&1)
echo "$out" | grep -q '10 packets transmitted, 10 packets received' ||
	tb_fail "dom0 -> guest ping after re-attach: $(echo "$out" | grep 'packets transmitted')"
tb_cmd $G 60 stats
[ "$(tb_field tx_pk)" -gt 0 ] && [ "$(tb_field bounced)" = "$(tb_field tx_pk)" ] ||
	tb_fail "with xpv_netfront.trusted=N, $(tb_field bounced) of the $(tb_field tx_pk) packets sent were bounced, want all"
tb_cmd $G 30 trust Y

tb_step kernel-log
tb_cmd $G 30 dmesg
# net-xpv (this script with our back end) checks our back end's side here.
if declare -F net_back_checks > /dev/null; then
	tb_step back-end-counters
	net_back_checks
fi

tb_step shutdown
tb_cmd $G 30 done
xl shutdown $G || tb_fail "xl shutdown $G failed"
TB_WATCH_DEATH=0 tb_wait_console $G 'XPV-SHUTDOWN poweroff' 30
tb_wait_gone $G 60
rm -f $PAT
tb_pass
