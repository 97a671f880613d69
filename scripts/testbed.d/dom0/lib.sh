# SPDX-License-Identifier: GPL-2.0-only
# The dom0-side scenario library (bash). A scenario's dom0.sh is sourced
# after this file, in its own bash, inside the test-bed dom0:
#
#   tb_step NAME               name the step that follows (the FAIL reason
#                              starts with it)
#   tb_fail REASON...          verdict FAIL "<step>: REASON", exit
#   tb_pass                    the framework's dom0-clean checks
#                              (tb_clean_check), then verdict PASS (writes
#                              results.json), exit
#   tb_kmsg_mark NAME, tb_kmsg_since NAME
#                              mark dom0's kernel log / read what follows
#                              the mark (never dmesg -c)
#   tb_metric KEY VALUE UNIT   a figure for build/results/<scenario>.json
#   tb_guest_create NAME [--kernel stock|xpv|ref|FILE] [--vcpus N] [--memory MB]
#                   [--disk MB]... [--vif] [--on-crash ACTION]
#                   [--script SCEN/FILE] [--extra ARGS]
#                              write /tb/guests/NAME.cfg and xl create it
#   tb_wait_console NAME ERE TIMEOUT [N]
#                              wait for the N-th line matching ERE (default:
#                              one more than when tb_console_mark was last
#                              called for NAME, else the first) on NAME's
#                              console log; sets TB_LINE and TB_TIME
#   tb_console_mark NAME       remember how far NAME's console has got
#   tb_console_count NAME ERE  how many lines match so far
#   tb_guest_wait_pass NAME TIMEOUT
#                              wait for the guest script's verdict
#   tb_domid NAME, tb_state NAME (xl list state column, empty when gone)
#   tb_wait_state NAME ERE TIMEOUT, tb_wait_gone NAME TIMEOUT
#   tb_xs_write NAME KEY VALUE write /local/domain/<domid>/data/KEY
#   tb_evtchn_abi NAME ABI     NAME (our kernel) logged that it uses the
#                              event-channel ABI ABI (FIFO or 2-level)
#   tb_fpu_canary [PROCS] [ITERATIONS]
#   tb_load_xpv_modules [MODULE...]
#                              insmod build/modules/*.ko into this dom0
#   tb_now                     seconds since dom0 boot (1/100 s)
#
# Every wait takes a timeout in seconds; on expiry the scenario FAILs with
# the step, what was awaited, and the tail of the guest's console.

set -u
TB=${TB:-/tb}
TBIN=${TBIN:-$TB/in}
TBD=${TBD:-$TBIN/testbed.d}
. "$TBIN/env"
TB_STEP=start
TB_METRICS=/tmp/tb-metrics
TB_GUESTS=/tmp/tb-guests
mkdir -p "$TB_GUESTS"
: > "$TB_METRICS"

tb_now() {
	local up rest
	read -r up rest < /proc/uptime
	echo "$up"
}

tb_log() { echo "[dom0 $(tb_now)] $*" >&2; }

tb_step() {
	TB_STEP=$1
	echo "$1" > /tmp/tb-step
	echo "$1" > "$TB/step"
	tb_log "step: $1"
}

tb_verdict() {
	[ -s "$TB/result" ] || echo "$*" > "$TB/result"
}

tb_fail() {
	tb_log "FAIL $TB_STEP: $*"
	xl list >&2 2>&1
	tb_verdict "FAIL $TB_STEP: $*"
	exit 1
}

tb_metric() {
	echo "$1 $2 $3" >> "$TB_METRICS"
	tb_log "metric $1 = $2 $3"
}

tb_write_results() {
	local first=1 k v u
	[ -s "$TB_METRICS" ] || return 0
	{
		printf '{\n  "scenario": "%s",\n  "metrics": {' "$SCENARIO"
		while read -r k v u; do
			[ $first = 1 ] || printf ','
			first=0
			printf '\n    "%s": {"value": %s, "unit": "%s"}' "$k" "$v" "$u"
		done < "$TB_METRICS"
		printf '\n  }\n}\n'
	} > "$TB/results.json"
}

tb_pass() {
	local note
	tb_write_results
	# The framework's own checks (tb_clean_check below): whatever the
	# scenario asserted, it must also have left dom0 clean. A failure here
	# is the scenario's FAIL (step "dom0-clean").
	tb_clean_check
	note=$(cat /tmp/tb-clean-note 2>/dev/null)
	tb_log "PASS${note:+ ($note)}"
	tb_verdict "PASS${note:+ ($note)}"
	exit 0
}

# Arithmetic on decimals (uptime stamps) through awk.
tb_calc() { awk "BEGIN { printf \"%.2f\", ($*) }"; }

# tb_expired START TIMEOUT: true once TIMEOUT seconds have passed since the
# tb_now stamp START.
tb_expired() { awk -v s="$1" -v t="$2" -v n="$(tb_now)" 'BEGIN { exit !(n - s >= t) }'; }

tb_console() { echo "$TB/console/guest-$1.log"; }

# Each guest's console log is followed by a background "stamper" (plain
# bash builtins, no fork per line) that copies every line, with the dom0
# uptime at which it arrived, to $TB_STAMPS/NAME.log. Waits read that file,
# so TB_TIME is when the line appeared, however late the waiter looked.
TB_STAMPS=/tmp/tb-stamps
mkdir -p "$TB_STAMPS"
[ -p "$TB_STAMPS/.idle" ] || mkfifo "$TB_STAMPS/.idle"
# read -t on a fifo nobody writes is a sleep without a fork.
exec {TB_IDLE_FD}<> "$TB_STAMPS/.idle"

tb_stamper_start() {
	local name=$1 f out pidf
	f=$(tb_console "$name")
	out=$TB_STAMPS/$name.log
	pidf=$TB_STAMPS/$name.pid
	if [ -f "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null; then
		return 0
	fi
	: >> "$out"
	(
		while [ ! -f "$f" ]; do
			read -r -t 0.05 -u "$TB_IDLE_FD" _
		done
		exec 6< "$f" 8>> "$out"
		buf=
		while :; do
			if IFS= read -r -u 6 line; then
				read -r up _ < /proc/uptime
				line=$buf$line
				buf=
				echo "$up ${line%$'\r'}" >&8
			else
				buf=$buf$line
				read -r -t 0.05 -u "$TB_IDLE_FD" _
			fi
		done
	) > /dev/null 2>&1 &
	echo $! > "$pidf"
}

# tb_stamper_stop NAME: stop following NAME's console (a guest that is gone
# for good), keeping what was stamped.
tb_stamper_stop() {
	local pidf=$TB_STAMPS/$1.pid
	[ -f "$pidf" ] && kill "$(cat "$pidf")" 2>/dev/null
	rm -f "$pidf"
	return 0
}

tb_console_count() {
	local f=$TB_STAMPS/$1.log
	[ -f "$f" ] || { echo 0; return; }
	grep -c -E -- "$2" "$f"
}

tb_console_mark() {
	local f=$TB_STAMPS/$1.log n=0
	[ -f "$f" ] && n=$(wc -l < "$f")
	echo "$n" > "$TB_GUESTS/$1.mark"
}

# The stamped console lines of NAME since tb_console_mark NAME (stamps cut).
tb_console_since_mark() {
	local f=$TB_STAMPS/$1.log n=0
	[ -f "$TB_GUESTS/$1.mark" ] && n=$(cat "$TB_GUESTS/$1.mark")
	tail -n +$((n + 1)) "$f" 2>/dev/null | cut -d' ' -f2- | tr -d '\r'
}

tb_console_tail() {
	local f
	f=$(tb_console "$1")
	echo "---- last lines of $1's console ($f) ----" >&2
	tail -n "${2:-25}" "$f" 2>/dev/null | tr -d '\r' >&2
	echo "----" >&2
}

# A short account of a guest kernel's death from its console, if any:
# the first BUG/Oops/panic line and the first RIP.
tb_postmortem() {
	local f what rip
	f=$(tb_console "$1")
	[ -f "$f" ] || return 0
	what=$(tr -d '\r' < "$f" | grep -E -m1 'BUG:|Oops|Kernel panic|general protection|double fault|stack guard' | sed 's/^\[ *[0-9.]*\] //')
	rip=$(tr -d '\r' < "$f" | grep -E -m1 'RIP: ' | sed 's/^\[ *[0-9.]*\] //')
	[ -n "$what" ] && echo "; console: $what${rip:+ ($rip)}"
	# A triple fault restarts a guest (Xen's default action is reboot), so
	# it "disappears"; say so, with the RIP of Xen's dump.
	what=$(tb_xen_triple_fault)
	[ -n "$what" ] && echo "; Xen: $what"
	return 0
}

# Xen's last guest triple fault and the RIP of its dump, on one line
# (empty when there was none).
tb_xen_triple_fault() {
	xl dmesg 2>/dev/null | tr -d '\r' | grep -A6 'Triple fault' |
		grep -E 'Triple fault|RIP:|rdi:' | tail -n 3 | sed 's/^(XEN) *//' | tr -s ' ' | tr '\n' ' '
}

tb_domid() { xl domid "$1" 2>/dev/null; }

# tb_diag_guest NAME: what a guest that stopped answering is doing, into
# $TB/diag-NAME.txt (best effort, bounded, never fails): every vCPU's
# registers and stack with symbols (xenctx), the xenstore keys under its
# domain (which drivers got far enough to write theirs), and Xen's event
# channel and vCPU dumps (debug keys e and q, in serial.log and here).
tb_diag_guest() {
	local name=$1 id kind map f v
	id=$(tb_domid "$name")
	[ -n "$id" ] || return 0
	f=$TB/diag-$name.txt
	kind=$(cat "$TB_GUESTS/$name.kernel" 2>/dev/null)
	map=$TBIN/kernels/${kind:-stock}-System.map
	# The blocked tasks (sysrq w) on the guest's console; then what the
	# console says since (the front end's stall lines are at KERN_ERR).
	tb_console_mark "$name"
	timeout 10 xl sysrq "$name" w > /dev/null 2>&1
	sleep 3
	{
		echo "== $name (domain $id, kernel ${kind:-?}): the guest's console after sysrq w"
		tb_console_since_mark "$name"
		echo "== the guest's block rings at its front end's last stall report (xpv-blkfront)"
		grep -a 'outstanding for over' "$(tb_console "$name")" 2>/dev/null | tail -n 4 | tr -d '\r'
		echo "== xl list"
		xl list "$name" 2>&1
		for v in $(seq 0 $(( $(xl list "$name" 2>/dev/null | awk 'NR == 2 { print $4 }') - 1 ))); do
			echo "== vCPU $v (xenctx)"
			if [ -f "$map" ]; then
				timeout 20 /usr/lib/xen-4.17/bin/xenctx -s "$map" -S -a "$id" "$v" 2>&1 | head -n 120
			else
				timeout 20 /usr/lib/xen-4.17/bin/xenctx -S -a "$id" "$v" 2>&1 | head -n 120
			fi
		done
		echo "== xenstore-ls /local/domain/$id"
		timeout 10 xenstore-ls -f "/local/domain/$id" 2>&1 | head -n 80
		echo "== xl debug-keys e q a (Xen's event channels, vCPUs and timer queues: is a blocked vCPU's single-shot timer armed?)"
		xl debug-keys e > /dev/null 2>&1
		xl debug-keys q > /dev/null 2>&1
		xl debug-keys a > /dev/null 2>&1
		sleep 1
		xl dmesg 2>&1 | tail -n 700
	} > "$f" 2>&1
	tb_log "diagnostics of $name in $(basename "$f"):"
	grep -E "outstanding for over|^== |RIP|rip:|Call Trace|^ *\[<|^ *ffffffff" "$f" | head -n 60 >&2
	return 0
}

# The block rings' state from NAME's front end's last stall report (our
# blkfront logs a request outstanding past its timeout with its ring's
# indices, at KERN_ERR), on one line for a FAIL reason; empty when there
# was none.
tb_diag_rings() {
	local line
	line=$(grep -a 'outstanding for over' "$(tb_console "$1")" 2>/dev/null | tail -n 1 | tr -d '\r')
	[ -n "$line" ] && printf '; last stall report: %s' "${line#*: }"
	return 0
}

# The state column of xl list ("r-----", "--p---", "---c--"...), empty when
# the domain does not exist.
tb_state() { xl list "$1" 2>/dev/null | awk 'NR == 2 { print $5 }'; }

tb_kernel_path() {
	case $1 in
	stock) echo "$TBIN/kernels/stock-vmlinuz" ;;
	xpv)
		[ -f "$TBIN/kernels/xpv-bzImage" ] ||
			tb_fail "our kernel is missing: no build/kernel/bzImage (run scripts/kernel build)"
		echo "$TBIN/kernels/xpv-bzImage"
		;;
	ref)
		[ -f "$TBIN/kernels/ref-bzImage" ] ||
			tb_fail "the reference kernel is missing: no build/kernel-ref/bzImage (run scripts/kernel build-ref)"
		echo "$TBIN/kernels/ref-bzImage"
		;;
	*) echo "$1" ;;
	esac
}

# tb_vif_spec NAME: the xl vif spec of guest NAME's vif (the same for
# tb_guest_create --vif and for a later xl network-attach): MAC
# 00:16:3e:00:00:<index>, bridge xenbr0; the guest is 10.0.0.(10+index).
tb_vif_spec() {
	printf 'type=vif, mac=00:16:3e:00:00:%02x, bridge=xenbr0' "$(cat "$TB_GUESTS/$1.idx")"
}

tb_guest_create() {
	local name=$1 kernel=stock vcpus=1 memory=256 on_crash=destroy extra=""
	local script="$SCENARIO/guest.sh" disks=() vif=0 idx f cfg d letter
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		--kernel) kernel=$2; shift ;;
		--vcpus) vcpus=$2; shift ;;
		--memory) memory=$2; shift ;;
		--disk) disks+=("$2"); shift ;;
		--vif) vif=1 ;;
		--on-crash) on_crash=$2; shift ;;
		--script) script=$2; shift ;;
		--extra) extra=$2; shift ;;
		*) tb_fail "tb_guest_create: unknown option $1" ;;
		esac
		shift
	done
	if [ -f "$TB_GUESTS/$name.idx" ]; then
		idx=$(cat "$TB_GUESTS/$name.idx")
	else
		idx=$(( $(ls "$TB_GUESTS" | grep -c '\.idx$') + 1 ))
		echo "$idx" > "$TB_GUESTS/$name.idx"
	fi
	f=$(tb_kernel_path "$kernel") || exit 1
	echo "$kernel" > "$TB_GUESTS/$name.kernel"
	cfg=$TB/guests/$name.cfg
	{
		echo "name = \"$name\""
		echo 'type = "pvh"'
		echo "kernel = \"$f\""
		echo "ramdisk = \"$TBIN/guest.cpio\""
		echo "extra = \"console=hvc0 loglevel=6 xpv.name=$name xpv.script=$script xpv.ip=10.0.0.$((10 + idx))/24 xpv.peer=10.0.0.1 $extra\""
		echo "memory = $memory"
		echo "vcpus = $vcpus"
		if [ ${#disks[@]} -gt 0 ]; then
			printf 'disk = [ '
			letter=a
			for d in "${disks[@]}"; do
				if [ ! -f "/var/lib/xen/images/$name-xvd$letter.img" ]; then
					truncate -s "${d}M" "/var/lib/xen/images/$name-xvd$letter.img"
				fi
				printf "'format=raw, vdev=xvd%s, access=rw, target=/var/lib/xen/images/%s-xvd%s.img', " \
					"$letter" "$name" "$letter"
				letter=$(echo $letter | tr a-y b-z)
			done
			echo ']'
		fi
		[ $vif = 1 ] && echo "vif = [ '$(tb_vif_spec "$name")' ]"
		echo "on_poweroff = \"destroy\""
		echo "on_reboot = \"restart\""
		echo "on_crash = \"$on_crash\""
		echo 'tsc_mode = "native"'
		echo 'cpuid = "host,xsave=0,pku=0"'
	} > "$cfg"
	tb_stamper_start "$name"
	tb_log "xl create $name (kernel $kernel, $vcpus vcpu, ${memory} MiB, disks ${disks[*]:-none}, vif $vif)"
	if ! timeout 120 xl create "$cfg" > "$TB/guests/$name.create.log" 2>&1; then
		cat "$TB/guests/$name.create.log" >&2
		tb_fail "xl create $name failed: $(tail -n 3 "$TB/guests/$name.create.log" | tr '\n' ' ')"
	fi
	echo "$kernel" > "$TB_GUESTS/dom-$(tb_domid "$name").kernel"
	tb_log "created $name as domain $(tb_domid "$name")"
}

# tb_wait_console NAME ERE TIMEOUT [N]
# Reads the stamped lines with bash builtins only (a fork per poll costs a
# lot in a PV dom0 under TCG and slows the guests down).
tb_wait_console() {
	local name=$1 re=$2 timeout=$3 want=${4:-} f n=0 tick=0 st deadline hit line buf= fd
	f=$TB_STAMPS/$name.log
	tb_stamper_start "$name"
	if [ -z "$want" ]; then
		want=1
		if [ -f "$TB_GUESTS/$name.mark" ]; then
			want=$(( $(head -n "$(cat "$TB_GUESTS/$name.mark")" "$f" |
				grep -c -E -- "$re") + 1 ))
		fi
	fi
	deadline=$(( ${EPOCHREALTIME/./} + timeout * 1000000 ))
	exec {fd}< "$f"
	while :; do
		while IFS= read -r -u $fd hit; do
			hit=$buf$hit
			buf=
			line=${hit#* }
			if [[ $line =~ $re ]]; then
				n=$((n + 1))
				if [ $n -ge "$want" ]; then
					exec {fd}<&-
					TB_TIME=${hit%% *}
					TB_LINE=$line
					return 0
				fi
			fi
			if [ "${TB_GUEST_FAIL_OK:-0}" = 0 ] && [[ $line == *XPV-FAIL* ]]; then
				tb_console_tail "$name"
				tb_fail "guest $name: ${line#*XPV-FAIL }"
			fi
		done
		buf=$buf$hit
		if [ ${EPOCHREALTIME/./} -ge $deadline ]; then
			tb_console_tail "$name"
			st=$(tb_state "$name")
			[ -n "$st" ] && tb_diag_guest "$name"
			tb_fail "timed out after ${timeout} s waiting for /$re/ on $name's console (domain state: ${st:-gone})$(tb_postmortem "$name")$(tb_diag_rings "$name")"
		fi
		tick=$((tick + 1))
		if [ "${TB_WATCH_DEATH:-1}" = 1 ] && [ $((tick % 50)) = 0 ]; then
			st=$(tb_state "$name")
			case $st in
			"") tb_console_tail "$name"; tb_fail "guest $name disappeared while waiting for /$re/$(tb_postmortem "$name")" ;;
			*c*) tb_console_tail "$name"; tb_fail "guest $name crashed (state $st) while waiting for /$re/$(tb_postmortem "$name")" ;;
			esac
		fi
		read -r -t 0.1 -u "$TB_IDLE_FD" _
	done
}

tb_guest_wait_pass() {
	tb_wait_console "$1" 'XPV-GUEST-PASS' "$2"
}

# The value of "KEY=VALUE" in TB_LINE.
# tb_cmd_ready NAME TIMEOUT: the guest's cmd_serve (guest/lib.sh) listens.
# tb_cmd NAME TIMEOUT VERB ARG...: run one command there; TB_LINE is its
# XPV-OK line (fields with tb_field). A guest that restarts FAILs.
declare -A TB_CMD_SEQ
tb_cmd_ready() {
	TB_CMD_SEQ[$1]=0
	tb_wait_console "$1" 'XPV-OK cmd-ready seq=0' "$2"
}

tb_cmd() {
	local name=$1 timeout=$2 seq
	shift 2
	seq=$(( ${TB_CMD_SEQ[$name]:-0} + 1 ))
	TB_CMD_SEQ[$name]=$seq
	tb_console_mark "$name"
	tb_log "cmd $name #$seq: $*"
	tb_xs_write "$name" cmd "$seq $*"
	tb_wait_console "$name" "XPV-OK $1 seq=$seq( |\$)|XPV-GUEST-INIT" "$timeout"
	[[ $TB_LINE == *XPV-GUEST-INIT* ]] &&
		tb_fail "guest $name restarted during '$*'$(tb_postmortem "$name")"
	tb_log "cmd $name #$seq: ${TB_LINE#*seq=$seq}"
}

tb_field() { echo "$TB_LINE" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n1; }

tb_wait_state() {
	local name=$1 re=$2 timeout=$3 start st
	start=$(tb_now)
	while :; do
		st=$(tb_state "$name")
		if echo "$st" | grep -q -E -- "$re"; then
			TB_TIME=$(tb_now)
			return 0
		fi
		if tb_expired "$start" "$timeout"; then
			tb_console_tail "$name"
			tb_fail "timed out after ${timeout} s waiting for $name to reach state /$re/ (state: ${st:-gone})"
		fi
		sleep 0.2
	done
}

tb_wait_gone() {
	local name=$1 timeout=$2 start st
	start=$(tb_now)
	while :; do
		st=$(tb_state "$name")
		if [ -z "$st" ]; then
			TB_TIME=$(tb_now)
			return 0
		fi
		if tb_expired "$start" "$timeout"; then
			tb_console_tail "$name"
			tb_fail "$name still exists after ${timeout} s (state $st)"
		fi
		sleep 0.2
	done
}

tb_xs_write() {
	local id
	id=$(tb_domid "$1") || tb_fail "no domain $1"
	xenstore-write "/local/domain/$id/data/$2" "$3" || tb_fail "xenstore-write data/$2 for $1 failed"
}

# tb_xs_wait_value NODE ERE SECONDS [GUEST DOMID]: poll a xenstore node (a
# back end's "state" in the scenarios that drive a device from this shell)
# until its whole value matches the extended regex ERE (a plain value such
# as 4 matches itself); tb_fail after SECONDS with what it holds then, or
# as soon as GUEST is no longer domain DOMID.
tb_xs_wait_value() {
	local i=0 re="^($2)\$"
	until [[ $(xenstore-read "$1" 2>/dev/null) =~ $re ]]; do
		i=$((i + 1))
		# With GUEST DOMID: a guest that restarted meanwhile (a triple
		# fault restarts it under a new domid) is named as such, with
		# Xen's dump, so the framework can tell an emulator loss.
		if [ $# -ge 5 ] && [ $((i % 10)) = 0 ] && [ "$(tb_domid "$4")" != "$5" ]; then
			tb_fail "guest $4 restarted (domain $5 gone) while waiting for $1$(tb_postmortem "$4")"
		fi
		[ $i -lt $(($3 * 10)) ] || tb_fail "$1 is '$(xenstore-read "$1" 2>/dev/null)', expected /$2/ within $3 s"
		sleep 0.1
	done
}

# tb_xs_state DIR: the xenbus state in DIR (nothing when there is none).
tb_xs_state() { xenstore-read "$1/state" 2>/dev/null; }

# Our kernel logs its event-channel ABI ("xpv-evtchn: using the FIFO ABI,
# ...") while its 0xE9 boot console still runs, so the line is on Xen's
# console as "(dID) ...", which xl dmesg shows (hvc0 comes up later and does
# not replay it).
tb_evtchn_abi() {
	local id line="" i
	id=$(tb_domid "$1")
	[ -n "$id" ] || tb_fail "no domain $1"
	for i in $(seq 30); do
		line=$(xl dmesg 2>/dev/null | tr -d '\r' |
			grep -a "^(d$id) xpv-evtchn: using the " | tail -n 1)
		[ -n "$line" ] && break
		sleep 1
	done
	[ -n "$line" ] || tb_fail "domain $id ($1) logged no event-channel ABI line in 30 s (xl dmesg)"
	tb_log "$1: ${line#*) }"
	case $line in
	*"using the $2 ABI"*) ;;
	*) tb_fail "$1 should use the $2 event-channel ABI: ${line#*) }" ;;
	esac
}

# Two or more processes doing the same floating-point sum at once must get
# exactly the result of one doing it alone; a difference means the
# emulator or hypervisor lost FPU state on a context switch, not that a
# driver is wrong.
tb_fpu_sum() {
	awk -v n="$1" 'BEGIN { s = 0; for (i = 1; i <= n; i++) s += (i % 7 + 0.1) / (i + 0.3); printf "%.17g\n", s }'
}

tb_fpu_canary() {
	local procs=${1:-4} iters=${2:-300000} ref i bad=0 pids=()
	ref=$(tb_fpu_sum "$iters")
	for i in $(seq "$procs"); do
		tb_fpu_sum "$iters" > "/tmp/fpu.$i" &
		pids+=($!)
	done
	# Only these: the console stampers are background jobs too.
	wait "${pids[@]}"
	for i in $(seq "$procs"); do
		if [ "$(cat "/tmp/fpu.$i")" != "$ref" ]; then
			bad=$((bad + 1))
			tb_log "FPU canary: process $i got $(cat "/tmp/fpu.$i"), alone $ref"
		fi
	done
	[ $bad = 0 ] || tb_fail "FPU canary in dom0: $bad of $procs concurrent results differ from $ref (emulator FPU state corruption, not a driver bug)"
	tb_log "FPU canary in dom0: $procs concurrent sums equal the reference $ref"
}

# tb_module_params MODULE: the parameters the run asks for (a scenario
# passes XPV_NETBACK_TX_MODE=copy|map on with PASSENV; "make check
# XPV_NETBACK_TX_MODE=map" runs the net scenarios with guest tx mapped).
tb_module_params() {
	case $1 in
	xpv-netback)
		# Anything but copy or map: the module refuses to load.
		[ -z "${XPV_NETBACK_TX_MODE:-}" ] || echo "tx_mode=$XPV_NETBACK_TX_MODE " ;;
	esac
}

# tb_netback_tx_mode: the tx_mode of the loaded xpv-netback (copy or map).
tb_netback_tx_mode() { cat /sys/module/xpv_netback/parameters/tx_mode; }

# tb_netback_map_checks STATS_FILE VIF [MIN]: with tx_mode=map, the
# guest's packets on VIF really went by grant map (at least MIN, default 1,
# packets delivered with mapped fragments; no map error) and, the traffic
# over, every mapping is undone (unmap ops == map ops: the stack gives the
# last packets back within seconds); with tx_mode=copy, nothing was
# mapped. STATS_FILE gets VIF's ethtool -S as "name value" lines.
tb_netback_map_checks() {
	local f=$1 vif=$2 min=${3:-1} mode i mapped maps unmaps err
	mode=$(tb_netback_tx_mode)
	for i in $(seq 25); do
		ethtool -S "$vif" | awk -F': *' 'NR > 1 { sub(/^ +/, "", $1); print $1, $2 }' > "$f" ||
			tb_fail "cannot read the ethtool statistics of $vif"
		maps=$(awk '$1 == "guest_tx_grant_map_ops" { print $2 }' "$f")
		unmaps=$(awk '$1 == "guest_tx_grant_unmap_ops" { print $2 }' "$f")
		[ "$maps" = "$unmaps" ] && break
		sleep 0.2
	done
	mapped=$(awk '$1 == "guest_tx_mapped" { print $2 }' "$f")
	err=$(awk '$1 == "guest_tx_map_errors" { print $2 }' "$f")
	[ -n "$maps" ] && [ -n "$mapped" ] || tb_fail "$vif: no guest_tx_grant_map_ops/guest_tx_mapped counters"
	if [ "$mode" = map ]; then
		[ "$mapped" -ge "$min" ] || tb_fail "$vif: tx_mode=map but $mapped guest packets went with mapped fragments (want $min or more)"
		[ "$err" = 0 ] || tb_fail "$vif: $err guest packets dropped for a failed grant map"
		[ "$maps" = "$unmaps" ] || tb_fail "$vif: $maps grant maps but $unmaps unmaps 5 s after the traffic"
	else
		[ "$maps" = 0 ] || tb_fail "$vif: tx_mode=copy but $maps grant maps"
	fi
	tb_log "$vif: tx_mode=$mode: $mapped packets with mapped fragments, $maps maps, $unmaps unmaps, $(awk '$1 == "guest_tx_map_copied" { print $2 }' "$f") copied by the stack, $(awk '$1 == "guest_tx_grant_copy_ops" { print $2 }' "$f") copy ops, $(awk '$1 == "guest_tx_packets" { print $2 }' "$f") packets"
}

tb_load_xpv_modules() {
	local m f
	if [ $# = 0 ]; then
		set -- $(ls "$TBIN/modules" 2>/dev/null | sed -n 's/\.ko$//p')
	fi
	[ $# -gt 0 ] || tb_fail "no out-of-tree modules staged (build/modules/*.ko)"
	for m in "$@"; do
		f=$TBIN/modules/$m.ko
		[ -f "$f" ] || tb_fail "module $m not found in build/modules"
		insmod "$f" $(tb_module_params "$m") ||
			tb_fail "insmod $m.ko failed: $(dmesg | tail -n 3 | tr '\n' ' ')"
		# The checksum names the very file (make check's dkms group
		# compares it with the DKMS-built modules it staged).
		tb_log "loaded $m.ko $(tb_module_params "$m")(sha256 $(sha256sum "$f" | cut -d' ' -f1))"
	done
}

# tb_pkg_staged: the xpv-dkms package's files were staged for this run
# (scripts/testbed's stage_pkg: build/modules/ holds the DKMS-built modules).
tb_pkg_staged() { [ -x "$TBIN/pkg/xpv-backends" ] && [ -x /bin/kmod ]; }

# tb_pkg_install: put on this dom0 what installing the xpv-dkms package
# does on a Debian host: the DKMS-built modules in
# /lib/modules/$(uname -r)/updates/dkms, indexed by depmod;
# /usr/sbin/xpv-backends and /usr/share/xpv-dkms. The switch helper runs
# with kmod's modprobe (tb_xpv_backends).
tb_pkg_install() {
	local d m x
	d=/lib/modules/$(uname -r)/updates/dkms
	mkdir -p "$d" /etc/modprobe.d /usr/sbin /usr/share/xpv-dkms /tmp/kmod
	for x in modprobe depmod modinfo; do ln -sf /bin/kmod "/tmp/kmod/$x"; done
	for m in $(cat "$TBIN/pkg/modules"); do
		[ -f "$TBIN/modules/$m.ko" ] || tb_fail "the package's module $m.ko was not staged"
		cp "$TBIN/modules/$m.ko" "$d/"
	done
	/tmp/kmod/depmod -a || tb_fail "depmod -a failed"
	cp "$TBIN/pkg/xpv-backends" /usr/sbin/
	cp "$TBIN/pkg/share/"* /usr/share/xpv-dkms/
	tb_log "installed the xpv-dkms package's files: $(ls "$d" | tr '\n' ' ')"
}

# tb_xpv_backends ARGS: the package's switch helper, with kmod's modprobe.
tb_xpv_backends() { PATH=/tmp/kmod:$PATH /usr/sbin/xpv-backends "$@"; }

# tb_pkg_log_loaded MODULE...: log each loaded module's file and checksum
# (as tb_load_xpv_modules does for insmod).
tb_pkg_log_loaded() {
	local m f
	for m in "$@"; do
		f=$(/tmp/kmod/modinfo -n "$m") || tb_fail "modinfo -n $m failed"
		tb_log "loaded $m.ko (sha256 $(sha256sum "$f" | cut -d' ' -f1)) from $f"
	done
}

# tb_null_blk [N]: N (default 1) 4 GiB null_blk devices, /dev/nullb0...,
# with no completion delay and completion in the submitter's context: the
# devices cost next to nothing (and keep no data, so no memory), so what is
# measured or stressed is the PV path.
tb_null_blk() {
	local i n=${1:-1} last
	last=/dev/nullb$((n - 1))
	modprobe null_blk nr_devices="$n" gb=4 irqmode=0 queue_mode=2 ||
		tb_fail "modprobe null_blk failed: $(dmesg | tail -n 3 | tr '\n' ' ')"
	for i in $(seq 50); do
		[ -b "$last" ] && break
		sleep 0.1
	done
	[ -b "$last" ] || tb_fail "no $last 5 s after loading null_blk nr_devices=$n"
	tb_log "null_blk: /dev/nullb0..$((n - 1)), $(cat /sys/block/nullb0/size) sectors each"
}

# tb_use_xpv_back blk|net: replace the stock back end (xen-blkback,
# xen-netback) by ours (xpv_compat and xpv-blkback / xpv-netback from
# build/modules) once the stock one has let go.
tb_use_xpv_back() {
	local i stock=xen_${1}back
	for i in $(seq 50); do
		grep -q "^$stock " /proc/modules || break
		rmmod "$stock" 2>/dev/null && break
		sleep 0.2
	done
	grep -q "^$stock " /proc/modules && tb_fail "cannot unload the stock $stock"
	grep -q '^xpv_compat ' /proc/modules || tb_load_xpv_modules xpv_compat
	tb_load_xpv_modules "xpv-${1}back"
}

# tb_wait_path_gone PATH SECONDS: a back-end device's sysfs PATH goes
# after its xenstore node was removed; tb_fail after SECONDS.
tb_wait_path_gone() {
	local i=0
	while [ -e "$1" ]; do
		i=$((i + 1))
		[ $i -lt $(($2 * 10)) ] || tb_fail "$1 still exists $2 s after its node went away"
		sleep 0.1
	done
}

# tb_wait_vbd_gone DOMID TIMEOUT: the block back end has let go of a
# destroyed guest's vbd (its backend/vbd/DOMID directory is gone).
tb_wait_vbd_gone() {
	local i
	for i in $(seq $(($2 * 5))); do
		xenstore-exists "/local/domain/0/backend/vbd/$1" 2>/dev/null || return 0
		sleep 0.2
	done
	tb_fail "the vbd backend of domain $1 is still in xenstore $2 s after the guest was destroyed"
}

# Marks in dom0's kernel log. The log is never cleared during a scenario
# (the framework checks it from the scenario's start, see tb_clean_check):
# a step that wants "what the kernel said since X" marks X and reads on
# from the mark, which also survives the ring buffer wrapping elsewhere.
#   tb_kmsg_mark NAME    write "xpv-testbed: mark NAME" to /dev/kmsg
#   tb_kmsg_since NAME   the kernel log after the last such mark (status 1
#                        and nothing when the mark is not in the log)
tb_kmsg_mark() { echo "xpv-testbed: mark $1" > /dev/kmsg; }

tb_kmsg_since() {
	dmesg | awk -v m="xpv-testbed: mark $1" '
		{ i = index($0, m) }
		i && i + length(m) - 1 == length($0) { found = 1; n = 0; next }
		found { line[++n] = $0 }
		END { for (i = 1; i <= n; i++) print line[i]; exit !found }'
}

# tb_meta VAR: the value of VAR in the scenario's meta (empty if unset).
tb_meta() {
	(
		# shellcheck disable=SC1090
		[ -f "$TBD/scenarios/$SCENARIO/meta" ] && . "$TBD/scenarios/$SCENARIO/meta" > /dev/null 2>&1
		eval "printf '%s' \"\${$1:-}\""
	)
}

# ---------------------------------------------------------------------
# The framework's end-of-scenario checks (issue 13), run by tb_pass after
# the scenario's own checks passed and before the PASS verdict: dom0 must
# be left clean, whatever the scenario did. A scenario's meta may declare
# what it leaves on purpose, each with a comment saying why:
#   CLEAN_KEEP_DOMAINS="NAME..."  guests left running (their xenstore,
#                                 back ends and Xen state are then allowed)
#   CLEAN_KEEP_LOOPS=1            loop devices left attached
#   CLEAN_DMESG_OK='ERE'          dom0 kernel-log lines that match are not
#                                 complaints (a deliberately provoked WARN)
# ---------------------------------------------------------------------

# The guest triple faults Xen logged (Xen's console: xenconsoled's
# hypervisor.log, complete, and xl dmesg, the latest), one line each:
# "emulator dNvM at Xen RIP ..." when the dumped state is Xen's own (the
# QEMU SVM fault, docs/testbed.md; same test as scripts/testbed's
# emulator_faults), else "guest dNvM at RIP ...".
tb_triple_faults() {
	{
		[ -f "$TB/console/hypervisor.log" ] && tr -d '\r' < "$TB/console/hypervisor.log"
		echo "(XEN) xpv-testbed: ---"
		xl dmesg 2>/dev/null | tr -d '\r'
	} | awk -v tbin="$TBIN" -v kinds="$TB_GUESTS" '
		BEGIN {
			# emul-next-KIND.txt: addresses right after an instruction
			# Xen emulates, per guest kernel kind (scripts/testbed).
			cmd = "cd " tbin " 2>/dev/null && grep -H . emul-next-*.txt 2>/dev/null"
			while ((cmd | getline a) > 0) {
				split(a, f, ":"); k = f[1]; sub(/^emul-next-/, "", k); sub(/\.txt$/, "", k)
				emul[k ":" f[2]] = 1
			}
			close(cmd)
			cmd = "cd " kinds " 2>/dev/null && grep -H . dom-*.kernel 2>/dev/null"
			while ((cmd | getline a) > 0) {
				split(a, f, ":"); d = f[1]; sub(/^dom-/, "", d); sub(/\.kernel$/, "", d)
				kern[d] = f[2]
			}
			close(cmd)
		}
		function flush() { if (who != "") print "guest " who " (no RIP in the dump)"; who = "" }
		/xpv-testbed: ---/ { flush(); n = 0; next }
		/^\(XEN\) d[0-9]+v[0-9]+ Triple fault/ {
			flush()
			who = $0; sub(/^.*\(XEN\) /, "", who); sub(/ Triple fault.*/, "", who); n = 8; next }
		n > 0 && /RIP:/ {
			n = 0
			rip = $0; sub(/^.*RIP: +/, "", rip)
			addr = rip; sub(/^.*\[</, "", addr); sub(/>.*/, "", addr)
			dom = who; sub(/^d/, "", dom); sub(/v.*/, "", dom)
			if ($0 ~ /^\(XEN\) RIP: +e008:\[<ffff82d0/)
				print "emulator " who " at Xen RIP " rip
			else if ((kern[dom] ":" addr) in emul)
				print "emulator " who " at RIP " rip " (" kern[dom] " kernel, right after a port I/O or local APIC access Xen emulated)"
			else
				print "guest " who " at RIP " rip
			who = ""
			next }
		n > 0 { n--; if (n == 0) flush() }
		END { flush() }' | sort -u
}

# What is left of guests, one reason per line (nothing when clean).
# $1: the domain ids allowed to exist (besides 0).
tb_clean_leftovers() {
	local keep=" $1 " line name id t fid d
	# xl list: Domain-0 and the declared ones, no (null) zombie.
	while read -r name id _; do
		[ "$id" = 0 ] && continue
		case $name in
		"(null)") echo "zombie domain $id ((null) in xl list: something still holds its memory)" ;;
		*) [[ $keep == *" $id "* ]] || echo "domain $name (id $id) still exists" ;;
		esac
	done < <(xl list 2>/dev/null | tail -n +2)
	# Xenstore: no directory of a domain that is gone.
	for d in /local/domain /libxl; do
		for id in $(xenstore-list "$d" 2>/dev/null); do
			[ "$id" = 0 ] || [[ $keep == *" $id "* ]] || echo "xenstore $d/$id left"
		done
	done
	# Back-end nodes (vbd, vif, qdisk, console, any type) of a front end
	# that is gone; domain 0 as a front end (blk-back-hostile) included.
	for t in $(xenstore-list /local/domain/0/backend 2>/dev/null); do
		for fid in $(xenstore-list "/local/domain/0/backend/$t" 2>/dev/null); do
			[[ $keep == *" $fid "* ]] ||
				echo "xenstore /local/domain/0/backend/$t/$fid left (devices: $(xenstore-list "/local/domain/0/backend/$t/$fid" 2>/dev/null | tr '\n' ' ' | sed 's/ $//; s/^$/none, an empty directory/'))"
		done
	done
	# Back-end devices (the stock ones and ours) still bound in dom0; ours
	# count the persistent grants they hold.
	for d in /sys/bus/xen-backend/devices/*; do
		[ -e "$d" ] || continue
		line=${d##*/}
		fid=${line#*-}
		fid=${fid%%-*}
		[[ $keep == *" $fid "* ]] && continue
		echo "back-end device $line still in dom0 (driver $(basename "$(readlink "$d/driver" 2>/dev/null)")$([ -r "$d/pgnt_count" ] && echo ", $(cat "$d/pgnt_count") persistent grants mapped"))"
	done
	# Loop devices (the block hotplug script's, or a scenario's own).
	if [ -z "$(tb_meta CLEAN_KEEP_LOOPS)" ]; then
		line=$(losetup -a 2>/dev/null | tr '\n' ';')
		[ -z "$line" ] || echo "loop devices still attached: $line"
	fi
	return 0
}

# Xen's own view: debug key e (event channels) and g (grant tables, active
# entries only) must name no domain outside $1 (plus 0). The dumps are kept
# in dom0-clean-evtchn.txt and dom0-clean-gnttab.txt.
tb_clean_xen_dumps() {
	local keep=" 0 $1 " f bad
	f=$TB/dom0-clean-evtchn.txt
	xl debug-keys e > /dev/null 2>&1 || tb_fail "xl debug-keys e failed"
	xl dmesg 2>/dev/null | tr -d '\r' |
		awk '/dumping event-channel info/ { n = 0; f = 1 } f { l[++n] = $0 } END { for (i = 1; i <= n; i++) print l[i] }' > "$f"
	grep -q 'Event channel information for domain 0:' "$f" ||
		tb_fail "Xen's event-channel dump (xl debug-keys e) is not in xl dmesg (see $(basename "$f"))"
	# "Event channel information for domain N:", and per port
	# "s=2 ... d=N" (unbound, for N) or "s=3 ... d=N p=P" (interdomain).
	bad=$(awk -v keep="$keep" '
		/Event channel information for domain [0-9]+:/ {
			dom = $0; sub(/.*for domain /, "", dom); sub(/:.*/, "", dom)
			if (index(keep, " " dom " ") == 0) print "domain " dom " is still in Xen (not freed: a zombie)"
			next }
		/ s=[0-9]+ .* d=[0-9]+/ {
			st = $0; sub(/.* s=/, "", st); sub(/ .*/, "", st)
			d = $0; sub(/.* d=/, "", d); sub(/[^0-9].*/, "", d)
			if (index(keep, " " d " ") == 0)
				print "d" dom " port " $2 " (state " st ") is " (st == 2 ? "unbound for" : "bound to") " domain " d }' "$f")
	if [ -n "$bad" ]; then
		tb_fail "Xen still holds event channels of a domain that is gone (debug key e, $(basename "$f")): $(echo "$bad" | head -n 4 | tr '\n' ';')"
	fi
	f=$TB/dom0-clean-gnttab.txt
	xl debug-keys g > /dev/null 2>&1 || tb_fail "xl debug-keys g failed"
	xl dmesg 2>/dev/null | tr -d '\r' |
		awk '/gnttab_usage_print_all \[/ { n = 0; f = 1 } f { l[++n] = $0 } /gnttab_usage_print_all \] done/ { f = 0 } END { for (i = 1; i <= n; i++) print l[i] }' > "$f"
	grep -q 'gnttab_usage_print_all \] done' "$f" ||
		tb_fail "Xen's grant-table dump (xl debug-keys g) is not in xl dmesg (see $(basename "$f"))"
	# "grant-table for remote dN" (N's table has entries mapped) and its
	# entries "[0xREF]  MAPPER MFN PIN  GRANTEE GFN FLAGS".
	bad=$(awk -v keep="$keep" '
		/grant-table for remote d[0-9]+/ { t = $0; sub(/.*remote d/, "", t); sub(/[^0-9].*/, "", t); owner = t
			if (index(keep, " " t " ") == 0) print "the grant table of domain " t " is still in Xen (not freed: a zombie)" }
		/^\(XEN\) \[0x[0-9a-f]+\] / {
			if (index(keep, " " $3 " ") == 0 || index(keep, " " $6 " ") == 0)
				print "d" owner " ref " $2 " mapped by d" $3 " granted to d" $6 " (pin " $5 ")" }' "$f")
	[ -z "$bad" ] ||
		tb_fail "Xen still has grants of a domain that is gone mapped (debug key g, $(basename "$f")): $(echo "$bad" | head -n 4 | tr '\n' ';')"
}

tb_clean_modules() {
	local i m left=""
	for i in 1 2 3 4; do
		left=$(lsmod | awk 'NR > 1 && $1 ~ /^xpv/ { print $1 }')
		[ -n "$left" ] || return 0
		for m in $left; do
			rmmod "$m" 2> /tmp/tb-rmmod.err && tb_log "framework: rmmod $m"
		done
	done
	tb_fail "our modules do not unload: $(lsmod | awk 'NR > 1 && $1 ~ /^xpv/ { printf "%s (used by %s %s) ", $1, $3, $4 }')$(tr '\n' ' ' < /tmp/tb-rmmod.err)"
}

tb_clean_check() {
	local keep_names keep="" n id faults emu bad t0 first log ok
	[ -n "${TB_CLEAN_DONE:-}" ] && return 0
	TB_CLEAN_DONE=1
	tb_step dom0-clean
	: > /tmp/tb-clean-note
	# A triple fault of a guest is never a pass: Xen's action for it is a
	# reboot, which a reboot step cannot tell from the real thing. The
	# emulator's fault (Xen's own RIP) is not the code under test: a note.
	faults=$(tb_triple_faults)
	bad=$(echo "$faults" | sed -n 's/^guest //p')
	[ -z "$bad" ] || tb_fail "guest triple fault in Xen's log: $(echo "$bad" | head -n 3 | tr '\n' ';')"
	emu=$(echo "$faults" | sed -n 's/^emulator //p')
	if [ -n "$emu" ]; then
		echo "passed despite a QEMU SVM fault (a guest restarted by Xen, docs/testbed.md): $(echo "$emu" | head -n 2 | tr '\n' ';')" > /tmp/tb-clean-note
		tb_log "framework: QEMU SVM fault(s): $emu"
	fi
	keep_names=$(tb_meta CLEAN_KEEP_DOMAINS)
	for n in $keep_names; do
		id=$(tb_domid "$n")
		[ -n "$id" ] || tb_fail "meta says $n is left running (CLEAN_KEEP_DOMAINS), but it does not exist"
		keep="$keep $id"
	done
	# Teardown is asynchronous (hotplug scripts, back ends closing, Xen
	# freeing the domain): up to 20 s to settle.
	t0=$(tb_now)
	first=""
	while :; do
		bad=$(tb_clean_leftovers "$keep")
		[ -z "$bad" ] && break
		[ -n "$first" ] || first=$bad
		tb_expired "$t0" 20 && break
		sleep 0.5
	done
	[ -z "$first" ] || [ -n "$bad" ] ||
		tb_log "framework: teardown took $(tb_calc "$(tb_now) - $t0") s to settle; first seen: $(echo "$first" | head -n 3 | tr '\n' ';')"
	[ -z "$bad" ] || tb_fail "dom0 not clean: $(echo "$bad" | head -n 5 | tr '\n' ';')"
	tb_clean_xen_dumps "$keep"
	tb_clean_modules
	# dom0's kernel log since the scenario started (boot.sh's mark).
	log=$(tb_kmsg_since scenario-start) ||
		tb_fail "dom0's kernel log no longer has the scenario-start mark (cleared with dmesg -c, or overflowed): its complaints cannot be checked"
	bad=$(echo "$log" | grep -E '(^|[^A-Za-z_])(WARNING|BUG)([^A-Za-z_]|$)|Oops|Call Trace|refcount_t|KASAN')
	ok=$(tb_meta CLEAN_DMESG_OK)
	[ -n "$ok" ] && [ -n "$bad" ] && bad=$(echo "$bad" | grep -v -E -- "$ok")
	[ -z "$bad" ] || tb_fail "dom0 kernel complaints during the scenario: $(echo "$bad" | head -n 3 | tr '\n' ';')"
	tb_log "framework: dom0 clean (no guest left${keep:+ but the declared$keep}, no back end, no loop device, Xen holds no event channel or grant of a gone domain, xpv modules unloaded, no kernel complaint; $(printf '%s' "$log" | grep -c .) kernel-log lines checked)"
}
