# SPDX-License-Identifier: GPL-2.0-only
# xpv-migrate, dom0 side: a 2-vCPU guest of our kernel with one disk and a
# vif runs fio with verification and a TCP stream (guest.sh) through the
# rounds:
#   1 checkpoint  xl save -c on the stock back ends: the guest suspends,
#                 the toolstack saves it and resumes it in place (the
#                 suspend hypercall returns 1);
#   2 restore     xl save on the stock back ends; the domain is gone; our
#                 back ends (xpv-blkback, xpv-netback) replace the stock
#                 ones; xl restore builds a new domain from the image (the
#                 hypercall returns 0 there), served by ours;
#   3 replay      xl save + xl restore on our back ends, with xpv-blkback
#                 answering every request HOLD_MS late (its test knob
#                 hold_responses_ms): requests are on the ring when the
#                 guest suspends, and must be replayed after the restore;
#   4 migrate     (XPV_MIGRATE_LIVE=1 only) xl migrate to localhost.
# After each: the guest answers through xenstore at once with its wall
# clock and uptime (both checked against dom0's clocks), then once a fio
# run completed after the round (I/O went on). At the end: no fio error, no
# I/O error, requests replayed in round 3, the reference pattern read back
# by the guest and in the backing file equal to what was written, orderly
# shutdown, framework clean check.
G=mig
SAVE=/tmp/$G.save
TB_SUSPEND_S=0
# Round 3: how late xpv-blkback answers. Longer than what the guest's
# suspend waits before it suspends (CPU1 going offline waits for the
# requests of CPU1's queue: up to HOLD_MS; then blkfront drains for
# suspend_drain_ms, 2000 by default), so requests fio queued meanwhile
# are still out at the suspend.
HOLD_MS=6000
HOLD=/sys/module/xpv_blkback/parameters/hold_responses_ms

# The guest's disk and vif are served by our back ends.
served_by_ours() {
	local id=$1 drv vif
	drv=$(readlink "/sys/bus/xen-backend/devices/vbd-$id-51712/driver" 2>/dev/null)
	[ "${drv##*/}" = xpv-blkback ] || tb_fail "after the restore xvda is served by '${drv##*/}', not xpv-blkback"
	[ "$NET" = 1 ] || return 0
	vif=vif$id.0
	drv=$(ethtool -i "$vif" 2>/dev/null | sed -n 's/^driver: //p')
	[ "$drv" = xpv-netback ] || tb_fail "after the restore $vif is driven by '$drv', not xpv-netback"
}

# round N KIND: suspend the guest one way, then wait for its answer.
round() {
	local n=$1 kind=$2 t0 dt id v i up m1 m2 t1 t2 tg ug
	tb_step "$kind"
	# Let fio get going on a run, so requests are in flight.
	sleep 2
	s0=$(stat -c %s /tmp/tcp.bin 2>/dev/null || echo 0)
	t0=$(tb_now)
	case $kind in
	checkpoint)
		timeout 180 xl save -c "$G" "$SAVE" > "$TB/xl-save-c.log" 2>&1 ||
			tb_fail "xl save -c failed: $(tail -n 3 "$TB/xl-save-c.log" | tr '\n' ' ')"
		rm -f "$SAVE"
		;;
	restore | replay)
		if [ "$kind" = replay ]; then
			# From now on every request waits HOLD_MS for its
			# answer; give fio a second to have some out.
			echo $HOLD_MS > $HOLD || tb_fail "cannot set $HOLD"
			sleep 1
		fi
		timeout 180 xl save "$G" "$SAVE" > "$TB/xl-save-$kind.log" 2>&1 ||
			tb_fail "xl save failed: $(tail -n 3 "$TB/xl-save-$kind.log" | tr '\n' ' ')"
		[ -z "$(tb_state "$G")" ] || tb_fail "$G still listed after xl save"
		tb_metric "${kind}_save_s" "$(tb_calc "$(tb_now) - $t0")" s
		tb_metric "${kind}_save_image_bytes" "$(stat -c %s "$SAVE")" B
		if [ "$kind" = replay ]; then
			echo 0 > $HOLD || tb_fail "cannot clear $HOLD"
		else
			# Restored onto our back ends: the stock ones go
			# once they let go of the saved domain's devices.
			tb_use_xpv_back blk
			[ "$NET" = 1 ] && tb_use_xpv_back net
		fi
		timeout 180 xl restore "$SAVE" > "$TB/xl-restore-$kind.log" 2>&1 ||
			tb_fail "xl restore failed: $(tail -n 3 "$TB/xl-restore-$kind.log" | tr '\n' ' ')"
		rm -f "$SAVE"
		;;
	migrate)
		# xl runs "<ssh> <host> xl migrate-receive ..." through sh -c.
		printf '#!/bin/sh\nshift\nexec "$@"\n' > /tmp/fakessh
		chmod +x /tmp/fakessh
		# --debug: after the live rounds the sender sends every page
		# once more and the receiver compares it with what it got
		# ("verify pfn ... failed" for a page dirtied but not sent).
		timeout 240 xl migrate --debug -s /tmp/fakessh "$G" localhost > "$TB/xl-migrate.log" 2>&1 ||
			tb_fail "xl migrate to localhost failed: $(tail -n 3 "$TB/xl-migrate.log" | tr '\n' ' ')"
		v=$(grep -c 'verify pfn' "$TB/xl-migrate.log")
		tb_metric migrate_verify_failed_pages "$v" pages
		[ "$v" = 0 ] || tb_log "migrate: $v pages differ between the live copy and the final one: $(grep -m3 'verify pfn' "$TB/xl-migrate.log" | tr '\n' ' ')"
		;;
	esac
	dt=$(tb_calc "$(tb_now) - $t0")
	tb_metric "${kind}_s" "$dt" s
	id=$(tb_domid "$G")
	[ -n "$id" ] || tb_fail "no domain $G after the $kind"
	tb_log "$kind took $dt s; $G is domain $id"
	case $kind in restore | replay) served_by_ours "$id" ;; esac
	m1=$(tb_now)
	t1=$EPOCHREALTIME
	xenstore-write "/local/domain/$id/data/xpv-round" "$n $t1"
	# The guest's wall clock when it read the round: between t1 and
	# when dom0 sees its answer (t2), give or take a second.
	i=0
	while :; do
		v=$(xenstore-read "/local/domain/$id/data/xpv-round-clock" 2>/dev/null)
		case $v in "$n "*) break ;; esac
		i=$((i + 1))
		[ $i -lt 600 ] || tb_fail "no clock answer from the guest 120 s after the $kind"
		if [ $((i % 10)) = 0 ] && [ "$(tb_domid "$G")" != "$id" ]; then
			tb_fail "domain $id ($G) is gone after the $kind (now: '$(tb_domid "$G")')$(tb_postmortem "$G")"
		fi
		sleep 0.2
	done
	t2=$EPOCHREALTIME
	m2=$(tb_now)
	set -- $v
	tg=$2 ug=${3:-}
	awk -v a="$t1" -v b="$t2" -v g="$tg" 'BEGIN { exit !(g >= a - 1 && g <= b + 1) }' ||
		tb_fail "after the $kind, the guest's clock read $tg, outside dom0's [$t1, $t2] by more than 1 s"
	tb_metric "${kind}_clock_window_s" "$(tb_calc "$t2 - $t1")" s
	# The guest's monotonic clock (its uptime, Xen's system time through
	# pvclock, like dom0's) went on with dom0's since the last round,
	# time away included: read between m1 and m2 of dom0's uptime, the
	# last one between LAST_M1 and LAST_M2, so the guest's advance lies
	# in [m1 - LAST_M2, m2 - LAST_M1], give or take 0.5 s.
	[ -n "$ug" ] || tb_fail "the guest's clock answer '$v' has no uptime"
	if [ -n "$LAST_UG" ]; then
		awk -v u="$ug" -v lu="$LAST_UG" -v a="$m1" -v b="$m2" -v la="$LAST_M1" -v lb="$LAST_M2" \
			'BEGIN { d = u - lu; exit !(d >= a - lb - 0.5 && d <= b - la + 0.5) }' ||
			tb_fail "after the $kind, the guest's uptime advanced $(tb_calc "$ug - $LAST_UG") s since the last round, dom0's between $(tb_calc "$m1 - $LAST_M2") and $(tb_calc "$m2 - $LAST_M1") s"
		tb_metric "${kind}_uptime_advance_s" "$(tb_calc "$ug - $LAST_UG")" s
		tb_metric "${kind}_dom0_advance_s" "$(tb_calc "($m1 + $m2 - $LAST_M1 - $LAST_M2) / 2")" s
	fi
	LAST_UG=$ug LAST_M1=$m1 LAST_M2=$m2
	i=0
	while :; do
		v=$(xenstore-read "/local/domain/$id/data/xpv-round-ok" 2>/dev/null)
		case $v in "$n "*) break ;; esac
		i=$((i + 1))
		[ $i -lt 600 ] || { tb_diag_guest "$G"; tb_fail "no answer from the guest 120 s after the $kind (last: '${v:-none}')"; }
		if [ $((i % 10)) = 0 ] && [ "$(tb_domid "$G")" != "$id" ]; then
			tb_fail "domain $id ($G) is gone after the $kind (now: '$(tb_domid "$G")')$(tb_postmortem "$G")"
		fi
		sleep 0.2
	done
	TB_LINE=$v
	tb_log "$kind: guest answered '$v'"
	up=$(tb_field up)
	awk -v u="$up" -v p="$LAST_UP" 'BEGIN { exit !(u > p) }' ||
		tb_fail "the guest's uptime went from $LAST_UP to $up s: rebooted?"
	LAST_UP=$up
	[ "$(tb_field errors)" = 0 ] || tb_fail "I/O errors in the guest after the $kind: $v"
	tb_metric "${kind}_clock_offset_s" "$(tb_field off)" s
	[ "$NET" = 1 ] || return 0
	# The stream goes on: 256 KiB more than before the round.
	i=0
	while [ "$(stat -c %s /tmp/tcp.bin)" -lt $((s0 + 262144)) ]; do
		kill -0 "$NCPID" 2>/dev/null || tb_fail "dom0's end of the TCP stream closed after the $kind"
		i=$((i + 1))
		[ $i -lt 120 ] || tb_fail "the TCP stream stalled after the $kind ($(stat -c %s /tmp/tcp.bin) bytes, $s0 before)"
		sleep 0.5
	done
	tb_log "$kind: TCP stream at $(stat -c %s /tmp/tcp.bin) bytes ($s0 before)"
}

# XPV_MIGRATE_NET=0: without the vif and the TCP stream.
NET=${XPV_MIGRATE_NET:-1}
VIF=
if [ "$NET" = 1 ]; then
	VIF=--vif
	nc -l -p 5001 > /tmp/tcp.bin < <(sleep 900) &
	NCPID=$!
fi
tb_step create
# blkfront's defaults: a suspend drains for suspend_drain_ms (2000 ms) and
# replays what is still out (round 3 makes sure something is).
tb_guest_create $G --kernel xpv --vcpus 2 --memory 256 --disk 64 $VIF
tb_step boot
tb_wait_console $G 'XPV-GUEST-INIT' 120
id=$(tb_domid $G)
v=$(xenstore-read "/local/domain/$id/control/feature-suspend" 2>/dev/null)
[ "$v" = 1 ] || tb_fail "control/feature-suspend is '${v:-absent}', want 1"
tb_step pattern
tb_wait_console $G 'XPV-OK pattern ' 120
SHA=$(tb_field sha)
tb_wait_console $G 'XPV-OK load ' 60
LAST_UP=0 LAST_UG=

TB_WATCH_DEATH=0
round 1 checkpoint
round 2 restore
round 3 replay
# Live migration is opt-in (XPV_MIGRATE_LIVE=1): under QEMU's SVM emulation
# the migrated domain triple-faulted shortly after 3 of 6 migrations (in
# user space right after a CPUID, or inside Xen), see docs/suspend.md.
ROUNDS=3
if [ "${XPV_MIGRATE_LIVE:-0}" = 1 ]; then
	round 4 migrate
	ROUNDS=4
fi
TB_WATCH_DEATH=1

tb_step final
id=$(tb_domid $G)
xenstore-write "/local/domain/$id/data/stop" 1
i=0
while :; do
	v=$(xenstore-read "/local/domain/$id/data/xpv-final" 2>/dev/null) && break
	i=$((i + 1))
	[ $i -lt 600 ] || tb_fail "no final line from the guest"
	sleep 0.2
done
TB_LINE=$v
tb_log "final: $v"
[ "$(tb_field sha)" = "$SHA" ] || tb_fail "pattern read back by the guest: $(tb_field sha), written: $SHA"
tb_metric fio_runs "$(tb_field runs)" runs
if [ "$NET" = 1 ]; then
	# The guest ended its stream: dom0's nc sees the end, and what came
	# is the guest's 64 KiB chunk over and over, byte for byte.
	i=0
	while kill -0 "$NCPID" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 60 ] || tb_fail "dom0's end of the TCP stream still open 30 s after the guest stopped"
		sleep 0.5
	done
	n=$(stat -c %s /tmp/tcp.bin)
	if [ $((n % 65536)) != 0 ] || [ "$n" = 0 ]; then tb_fail "the TCP stream brought $n bytes, not whole 64 KiB chunks"; fi
	seq 1 20000 | head -c 65536 > /tmp/chunk
	for i in 1 2 3 4; do cat /tmp/chunk /tmp/chunk /tmp/chunk /tmp/chunk; done > /tmp/chunk1m
	k=$((n / 65536))
	{
		for i in $(seq $((k / 16))); do cat /tmp/chunk1m; done
		for i in $(seq $((k % 16))); do cat /tmp/chunk; done
	} | cmp -s - /tmp/tcp.bin || tb_fail "the TCP stream's $n bytes differ from the guest's chunks"
	tb_metric tcp_stream_bytes "$n" B
	tb_log "TCP stream: $n bytes, all chunks equal"
fi
# The guest's own account of each suspend (its kernel log, on the console).
sleep 1
grep -a -h 'XPV-INFO kernel:' "$TB"/console/guest-"$G"*.log > "$TB/guest-suspend-log.txt" 2>/dev/null
tb_log "guest kernel on its suspends: $(wc -l < "$TB/guest-suspend-log.txt") lines in guest-suspend-log.txt"
# No complaint of the guest's kernel about a suspend: a stall reported
# for the time the domain was away (the clocks jump, see docs/suspend.md),
# a warning, a BUG.
v=$(grep -a -h -E 'rcu: INFO|self-detected stall|detected stalls on CPUs|soft lockup|WARNING:|BUG:|Oops' "$TB"/console/guest-"$G"*.log | head -n 3)
[ -z "$v" ] || tb_fail "the guest's kernel complained: $(echo "$v" | tr '\n' ' ')"
# After each restore (rounds 2 and 3, and a migration) the disk
# reconnected and replayed what was still on its rings: in round 3, with
# every answer HOLD_MS late, that must be something. fio verified every
# block it wrote across it (a replayed write lost, or one carried out
# after a later write to the same block, fails the verification).
r=$(grep -c 'connected again after resume' "$TB/guest-suspend-log.txt")
[ "$r" = $((ROUNDS - 1)) ] || tb_fail "the disk reconnected $r times after a restore, want $((ROUNDS - 1)): $(tail -n 5 "$TB/guest-suspend-log.txt" | tr '\n' ' ')"
set -- $(sed -n 's/.*connected again after resume: \([0-9]*\) request.*/\1/p' "$TB/guest-suspend-log.txt")
tb_metric replayed_requests_restore "$1" requests
tb_metric replayed_requests_replay "$2" requests
[ "$2" -gt 0 ] || tb_fail "no request replayed after the restore with answers held ${HOLD_MS} ms (xpv-blkback hold_responses_ms): the replay path did not run"
tb_log "replayed after the restores: $* request(s)"

tb_step shutdown
xl shutdown $G || tb_fail "xl shutdown failed"
tb_wait_gone $G 60
sha=$(dd if=/var/lib/xen/images/$G-xvda.img bs=1M skip=40 count=8 2>/dev/null | sha256sum | cut -d' ' -f1)
[ "$sha" = "$SHA" ] || tb_fail "pattern in the backing file: $sha, written: $SHA"
tb_pass
