# SPDX-License-Identifier: GPL-2.0-only
# The guest-side scenario library (busybox sh), sourced by the guest /init
# before it runs the scenario's guest script in a subshell. Markers on the
# console are the channel to dom0 (which reads xenconsoled's log):
#   XPV-STEP <step>              step started
#   XPV-OK <step> [key=value]... step passed, with figures for dom0
#   XPV-FAIL <step>: <reason>    the guest script failed (ends it)
#   XPV-GUEST-PASS               printed by /init when the script returns 0
# Helpers: step, ok, fail, say, wait_for PATH TIMEOUT, net_up,
# xs_read, xs_write, xs_wait KEY TIMEOUT, fpu_canary, now_ms, now_epoch.

STEP=start

say() { echo "XPV-INFO $*"; }
step() { STEP=$1; echo "XPV-STEP $1"; }
ok() { echo "XPV-OK $STEP $*"; }
fail() { echo "XPV-FAIL $STEP: $*"; exit 1; }

# Milliseconds of uptime (monotonic enough for durations).
now_ms() {
	local up rest
	read -r up rest < /proc/uptime
	# "0.08" must not become the octal-looking 0080: add a leading 1.
	echo $(( ${up%.*} * 1000 + 1${up#*.}0 - 1000 ))
}

# The wall clock in seconds with microseconds (busybox date has no %N).
now_epoch() {
	adjtimex | awk '/tv_sec/ { s = $2 } /tv_usec/ { u = $2 } END { printf "%d.%06d\n", s, u }'
}

# wait_for PATH TIMEOUT: wait for a file or device node to appear.
wait_for() {
	local i=0
	while [ ! -e "$1" ]; do
		i=$((i + 1))
		[ $i -gt $(($2 * 5)) ] && return 1
		sleep 0.2
	done
	return 0
}

# net_up: eth0 with the address dom0 assigned on the command line.
net_up() {
	wait_for /sys/class/net/eth0 30 || fail "no eth0 after 30 s"
	ip link set lo up
	ip link set eth0 up || fail "ip link set eth0 up failed"
	ip addr add "$XPV_IP" dev eth0 || fail "cannot set $XPV_IP on eth0"
}

# xs_read/xs_write: the stock xenstore-read/-write (libxenstore over
# /dev/xen/xenbus), each bounded to 10 s so a hung xenstore fails the step
# with a reason instead of hanging the script. On timeout they print
# "timed out" on stderr and return 124.
xs_read() {
	timeout 10 xenstore-read "$@"
	xs_rc $?
}

xs_write() {
	timeout 10 xenstore-write "$@"
	xs_rc $?
}

xs_rc() {
	case $1 in
	124 | 137 | 143) echo "timed out after 10 s (/dev/xen: $(ls /dev/xen 2>&1 | tr '\n' ' '))" >&2; return 124 ;;
	esac
	return "$1"
}

# xs_wait KEY TIMEOUT: wait for a key under this domain's xenstore home
# (relative paths resolve to /local/domain/<domid>/) and print its value.
xs_wait() {
	local end v
	end=$(( $(now_ms) + $2 * 1000 ))
	while :; do
		if v=$(xs_read "$1" 2>/tmp/xs_wait.err); then
			echo "$v"
			return 0
		fi
		if [ "$(now_ms)" -ge $end ]; then
			cat /tmp/xs_wait.err >&2
			return 1
		fi
		sleep 0.25
	done
}

fpu_sum() {
	awk -v n="$1" 'BEGIN { s = 0; for (i = 1; i <= n; i++) s += (i % 7 + 0.1) / (i + 0.3); printf "%.17g\n", s }'
}

# fpu_canary [PROCS] [ITERATIONS]: concurrent FP sums must equal one
# computed alone, bit for bit (printed with 17 significant digits).
fpu_canary() {
	local procs=${1:-2} iters=${2:-200000} ref i pids=
	ref=$(fpu_sum "$iters")
	for i in $(seq "$procs"); do
		fpu_sum "$iters" > "/tmp/fpu.$i" &
		pids="$pids $!"
	done
	wait $pids
	for i in $(seq "$procs"); do
		[ "$(cat "/tmp/fpu.$i")" = "$ref" ] ||
			fail "FPU canary: process $i got $(cat "/tmp/fpu.$i"), alone $ref (emulator FPU state corruption, not a driver bug)"
	done
	ok "procs=$procs ref=$ref"
}

# cmd_serve: a command server for scenarios that drive a guest step by step
# from dom0 (dom0's side: tb_cmd_ready / tb_cmd in dom0/lib.sh).
#   dom0 -> guest  xenstore data/cmd = "<seq> <verb> [arg...]", seq counting
#                  up from 1. The server waits for it in a xenstore watch
#                  (xenstore-watch, blocked in the kernel): an idle guest
#                  uses no CPU while dom0 measures another one, and answers
#                  at once. The watch is set before the key is first read,
#                  so no write is missed; should the watch end, the server
#                  polls every 0.5 s instead (every poll starts processes,
#                  and each costs exits of the emulated SVM).
#   guest -> dom0  "XPV-OK cmd-ready seq=0" once it listens; per command
#                  "XPV-OK <verb> seq=<seq> [key=value...]" (cmd_ok), or
#                  "XPV-FAIL <verb>: <reason>" (fail: the script ends).
# The scenario defines a shell function cmd_<verb> per verb (a '-' in the
# verb is '_' in the name); "done" ends the server.
CMD_SEQ=0
cmd_ok() { ok "seq=$CMD_SEQ $*"; }
# cmd_dmesg: the verb "dmesg": the guest's kernel log holds no warning,
# oops or BUG, nor a line matching $CMD_DMESG_BAD (an extended regex of the
# scenario's own driver complaints, e.g. "ring disabled"); clean=1.
cmd_dmesg() {
	local bad
	bad=$(dmesg | grep -E "WARNING:|BUG:|Oops|general protection${CMD_DMESG_BAD:+|$CMD_DMESG_BAD}" | head -n 3)
	[ -z "$bad" ] || fail "kernel log: $(echo "$bad" | tr '\n' ' ')"
	cmd_ok "clean=1"
}
# cmd_klog ERE: the verb "klog": match= (kernel-log lines matching ERE),
# bad= (lines of a kernel complaint, the first five printed: klog_fields
# ERE). A scenario may define its own cmd_klog after sourcing
# (blk-front-interop does).
klog_fields() {
	local bad
	bad=$(dmesg | grep -E 'WARNING|BUG|Oops|Call Trace|refcount_t|KASAN|general protection')
	[ -z "$bad" ] || echo "$bad" | head -n 5 | sed 's/^/XPV-INFO klog: /'
	echo "match=$(dmesg | grep -cE "$1") bad=$(echo "$bad" | grep -c .)"
}
cmd_klog() { cmd_ok "$(klog_fields "$1")"; }

# cmd_recv PORT: the verb "recv": a listener for one TCP connection, its
# data to /tmp/net.rx (background); pid=.
# cmd_recv_wait WAIT_S: the verb "recv-wait": the listener got EOF within
# WAIT_S; bytes= sha= (sha256).
cmd_recv() {
	rm -f /tmp/net.rx /tmp/net.rx.done
	( nc -l -p "$1" > /tmp/net.rx 2> /tmp/net.rx.err; echo $? > /tmp/net.rx.done ) &
	NET_RECV=$!
	sleep 0.5
	cmd_ok "pid=$NET_RECV"
}

cmd_recv_wait() {
	local i=0
	while [ ! -f /tmp/net.rx.done ]; do
		i=$((i + 1))
		[ $i -le $(($1 * 5)) ] || fail "no end of the TCP stream after $1 s ($(stat -c %s /tmp/net.rx 2>/dev/null) bytes so far)"
		sleep 0.2
	done
	[ "$(cat /tmp/net.rx.done)" = 0 ] || fail "nc -l exited $(cat /tmp/net.rx.done): $(cat /tmp/net.rx.err)"
	cmd_ok "bytes=$(stat -c %s /tmp/net.rx) sha=$(sha256sum /tmp/net.rx | cut -d' ' -f1)"
}

cmd_serve() {
	local cmd verb wpid=
	[ -p /tmp/cmd-watch ] || mkfifo /tmp/cmd-watch
	xenstore-watch data/cmd > /tmp/cmd-watch 2> /dev/null &
	wpid=$!
	exec 7< /tmp/cmd-watch
	# The watch fires once when it is set; with no line in 10 s there is
	# no watch: poll.
	read -r -t 10 _ <&7 || { kill "$wpid" 2> /dev/null; wpid=; }
	step cmd-ready
	cmd_ok "cpus=$(nproc) watch=$([ -n "$wpid" ] && echo 1 || echo 0)"
	while :; do
		cmd=$(xs_read data/cmd 2>/dev/null) || cmd=
		# shellcheck disable=SC2086
		set -- $cmd
		if [ $# -lt 2 ] || ! [ "$1" -gt "$CMD_SEQ" ] 2>/dev/null; then
			if [ -n "$wpid" ] && read -r _ <&7; then
				continue
			fi
			wpid=
			sleep 0.5
			continue
		fi
		CMD_SEQ=$1 verb=$2
		shift 2
		step "$verb"
		if [ "$verb" = "done" ]; then
			[ -n "$wpid" ] && kill "$wpid" 2> /dev/null
			exec 7<&-
			cmd_ok "served=$CMD_SEQ"
			return 0
		fi
		command -v "cmd_$(echo "$verb" | tr - _)" > /dev/null ||
			fail "unknown command '$verb'"
		"cmd_$(echo "$verb" | tr - _)" "$@"
	done
}
