# SPDX-License-Identifier: GPL-2.0-only
# net-back-interop, guest side: a command server for dom0 (lib.bash). dom0
# writes data/cmd<N> = "FUNCTION ARGS"; the guest runs c_FUNCTION as step
# c<N> and answers with "XPV-OK c<N> key=value..." (or XPV-FAIL). Data
# checks are sha256 sums compared by dom0 with its own.
PEER=$XPV_PEER
IF=eth0

sum() { sha256sum | cut -d' ' -f1; }

# The first ethN in /sys/class/net (the vif's front end), or nothing.
first_if() {
	local d
	for d in /sys/class/net/eth*; do
		[ -e "$d" ] && { echo "${d##*/}"; return 0; }
	done
	return 1
}

# ping_ok COUNT SIZE: COUNT pings of SIZE bytes to dom0, no loss.
c_ping() {
	local out avg
	out=$(ping -c "$1" -s "$2" -i 0.2 -W 3 "$PEER" 2>&1)
	echo "$out" | tail -n 2
	echo "$out" | grep -q "$1 packets transmitted, $1 packets received, 0% packet loss" ||
		fail "ping -s $2 to $PEER: $(echo "$out" | grep 'packets transmitted')"
	avg=$(echo "$out" | sed -n 's|.*min/avg/max = [0-9.]*/\([0-9.]*\)/.*|\1|p')
	ok "count=$1 size=$2 loss=0 avg_ms=$avg"
}

c_mtu() {
	ip link set "$IF" mtu "$1" || fail "cannot set mtu $1 on $IF"
	ok "mtu=$(cat /sys/class/net/$IF/mtu)"
}

# send PORT BYTES: BYTES of random data to dom0's listener on PORT.
c_send() {
	local s i=0 t0 t1
	head -c "$2" /dev/urandom > /tmp/send || fail "cannot make $2 bytes"
	s=$(sum < /tmp/send)
	t0=$(now_ms)
	until nc "$PEER" "$1" < /tmp/send 2>/tmp/nc.err; do
		i=$((i + 1))
		[ $i -lt 10 ] || fail "nc to $PEER:$1 failed: $(cat /tmp/nc.err)"
		sleep 1
		t0=$(now_ms)
	done
	t1=$(now_ms)
	rm -f /tmp/send
	ok "sha=$s bytes=$2 ms=$((t1 - t0))"
}

# listen PORT: a listener that writes what it receives to /tmp/recv.PORT.
c_listen() {
	rm -f "/tmp/recv.$1"
	nc -l -p "$1" < /tmp/hold > "/tmp/recv.$1" &
	echo $! > "/tmp/recv.$1.pid"
	sleep 0.5
	ok "port=$1"
}

# received PORT: wait (60 s) for the listener to end; its data's sha256.
c_received() {
	local pid i=0
	pid=$(cat "/tmp/recv.$1.pid")
	while kill -0 "$pid" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 600 ] || fail "the listener on port $1 still runs 60 s after dom0 sent"
		sleep 0.1
	done
	ok "sha=$(sum < "/tmp/recv.$1") bytes=$(stat -c %s "/tmp/recv.$1")"
	rm -f "/tmp/recv.$1"
}

# Datagrams the stack took in (delivered, to no port, or in error).
udp_in() {
	awk '/^Udp:/ { n++; if (n == 1) { for (i = 2; i <= NF; i++) f[$i] = i; next }
		print $f["InDatagrams"] + $f["NoPorts"] + $f["InErrors"] }' /proc/net/snmp
}

c_udp_start() {
	# Few port-unreachable answers: dom0's sending socket sees fewer errors.
	sysctl -q -w net.ipv4.icmp_ratelimit=100000
	udp_in > /tmp/udp0
	ok "in=$(cat /tmp/udp0)"
}

c_udp_count() {
	ok "received=$(($(udp_in) - $(cat /tmp/udp0)))"
}

# multi_listen PORT0 N: N listeners on PORT0.., discarding.
c_multi_listen() {
	local i
	for i in $(seq 0 $(($2 - 1))); do
		nc -l -p $(($1 + i)) < /tmp/hold > /dev/null &
	done
	sleep 1
	ok "flows=$2"
}

# multi_send PORT0 N BYTES: N parallel flows of BYTES to dom0.
c_multi_send() {
	local i pids= bad=0
	head -c "$3" /dev/urandom > /tmp/multi
	for i in $(seq 0 $(($2 - 1))); do
		nc "$PEER" $(($1 + i)) < /tmp/multi &
		pids="$pids $!"
	done
	for i in $pids; do
		wait "$i" || bad=$((bad + 1))
	done
	rm -f /tmp/multi
	[ $bad = 0 ] || fail "$bad of $2 flows to dom0 failed"
	ok "flows=$2 bytes=$3"
}

# stream_to PORT: send zeros to dom0 until stopped (hot-unplug load).
c_stream_to() {
	(nc "$PEER" "$1" < /dev/zero > /dev/null 2>&1 &)
	ok "port=$1"
}

c_stream_from() {
	nc -l -p "$1" < /tmp/hold > /dev/null 2>&1 &
	sleep 0.5
	ok "port=$1"
}

c_stop() {
	killall nc 2>/dev/null
	ok "stopped"
}

# unplugged SECONDS: the front end's device went away.
c_unplugged() {
	local i=0
	while first_if > /dev/null; do
		i=$((i + 1))
		[ $i -lt $(($1 * 10)) ] || fail "$(first_if) still exists $1 s after the unplug"
		sleep 0.1
	done
	ok "ms=$((i * 100))"
}

# replugged SECONDS: a new device appears; address it and reach dom0.
c_replugged() {
	local i=0
	until IF=$(first_if); do
		i=$((i + 1))
		[ $i -lt $(($1 * 10)) ] || fail "no eth device $1 s after the hot-plug"
		sleep 0.1
	done
	ip link set "$IF" up || fail "ip link set $IF up failed"
	ip addr add "$XPV_IP" dev "$IF" || fail "cannot set $XPV_IP on $IF"
	reach_peer
	ok "if=$IF"
}

# reach_peer: dom0 answers a ping within 30 s.
reach_peer() {
	local i=0
	until ping -c 1 -W 1 "$PEER" > /dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 30 ] || fail "dom0 ($PEER) does not answer a ping on $IF within 30 s"
	done
}

# Listeners read from this fifo, held open here: their stdin never ends
# (busybox nc -l would end at its end of file).
mkfifo /tmp/hold
exec 7<>/tmp/hold

step net-up
net_up
reach_peer
ok "ip=${XPV_IP%/*} cpus=$(nproc) txq=$(ls -d /sys/class/net/eth0/queues/tx-* | wc -l)"

n=0
while :; do
	n=$((n + 1))
	cmd=$(xs_wait "data/cmd$n" 600) || fail "no data/cmd$n from dom0 within 600 s"
	[ "$cmd" = done ] && break
	step "c$n"
	say "command $n: $cmd"
	# shellcheck disable=SC2086
	c_$cmd
done
