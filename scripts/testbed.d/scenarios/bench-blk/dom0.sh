# SPDX-License-Identifier: GPL-2.0-only
# bench-blk, dom0 side (docs/bench.md): fio in 2-vCPU guests against
# null_blk devices in dom0, the pairs interleaved job by job, SAMPLES
# samples of every job per pair. Pairs:
#   stock  Debian's kernel + its xen-blkfront      <->  stock xen-blkback
#   ref    the reference kernel (build/kernel-ref: pristine 6.1, our config,
#          xen-blkfront built in), default parameters <->  stock xen-blkback
#   tuned  the reference kernel with xen-blkfront's parameters set to what
#          our front end negotiated in this run (ring pages, indirect
#          segments, queues)                       <->  stock xen-blkback
#   front  our kernel (xpv-blkfront)               <->  stock xen-blkback
#   xpv    our kernel (the front pair's guest)     <->  xpv-blkback.ko
# Phase 1 boots one guest per stock-back-end pair, each with its own
# null_blk device, and runs round after round: every job on every pair in
# turn (stock ref tuned front for each job), so each pair's samples are
# taken at the same times. Phase 2 needs the stock xen-blkback unloaded,
# which needs every one of its disks gone: the other guests are destroyed,
# the front guest's disk is detached, xpv-blkback loaded and the disk
# attached again to the same guest; then the xpv pair's rounds. It runs only
# when build/modules/xpv-blkback.ko was staged and the time left allows.
# Figures (build/results/bench-blk.json) are printed, never asserted; a
# FAIL means the benchmark did not run correctly (a guest or fio failed, an
# I/O error, a pair not measured, the tuned pair not matching ours).
JOBS="rr4k_qd1 rr4k_qd32 seqread_1m seqwrite_1m"
RUNTIME=5
SAMPLES=${XPV_BENCH_SAMPLES:-3}
[ "$SAMPLES" -ge 1 ] 2> /dev/null || SAMPLES=3
PHASE1="stock ref tuned front"
declare -A KERNEL=([stock]=stock [ref]=ref [tuned]=ref [front]=xpv)
declare -A NULLB=([stock]=0 [ref]=1 [tuned]=2 [front]=3 [xpv]=3)
declare -A VALS MED FIGS
last=0
T_START=$(tb_now)
# dom0.sh gets TB_TIMEOUT-45 s; keep 30 s for the teardown and the
# framework's clean checks.
T_END=$(tb_calc "$T_START + $TB_TIMEOUT - 45 - 30")
guest_of() { case $1 in xpv) echo bench-front ;; *) echo "bench-$1" ;; esac; }
unit_of() { case $1 in rr*) echo iops ;; *) echo MBps ;; esac; }

# The back ends' event-channel interrupt lines in dom0's /proc/interrupts:
# stock xen-blkback names them "blkif-backend", xpv-blkback
# "xpvbb.<domid>.<vdev>.<queue>". Summed over the CPUs and over every
# guest's lines (the idle guests do no block I/O). A job with I/O and no
# interrupt counted means these names no longer match: FAIL.
DOM0_IRQ_RE='blkif|xpvbb'
dom0_blk_irqs() {
	awk -v re="$DOM0_IRQ_RE" 'NR == 1 { n = NF; next }
		$0 ~ re { for (i = 2; i <= n + 1; i++) s += $i }
		END { printf "%d\n", s }' /proc/interrupts
}

# cpu_times GUEST: "GUEST_SECONDS DOM0_SECONDS" of CPU time Xen has
# accounted to the guest's and dom0's vCPUs (xl list, 0.1 s resolution).
cpu_times() {
	xl list 2> /dev/null | awk -v g="$1" '$1 == g { a = $6 } $1 == "Domain-0" { b = $6 }
		END { printf "%s %s\n", a, b }'
}

# A value from a xenstore key, or DEFAULT when it does not exist.
xs_or() { xenstore-read "$1" 2> /dev/null || echo "$2"; }

# attach PAIR: give PAIR's guest its null_blk device as xvda and record
# what the two ends negotiated.
attach() {
	local p=$1 g domid fe be
	g=$(guest_of "$p")
	domid=$(tb_domid "$g")
	tb_step "$p: attach /dev/nullb${NULLB[$p]}"
	timeout 120 xl block-attach "$g" "format=raw, vdev=xvda, access=rw, backendtype=phy, target=/dev/nullb${NULLB[$p]}" \
		> "$TB/$p-attach.log" 2>&1 ||
		tb_fail "xl block-attach of /dev/nullb${NULLB[$p]} failed: $(tail -n 3 "$TB/$p-attach.log" | tr '\n' ' ')"
	tb_cmd "$g" 150 disk
	FIGS[$p.queues]=$(tb_field queues)
	FIGS[$p.max_segments]=$(tb_field max_segments)
	fe=/local/domain/$domid/device/vbd/51712
	be=/local/domain/0/backend/vbd/$domid/51712
	FIGS[$p.ring_order]=$(xs_or "$fe/ring-page-order" 0)
	FIGS[$p.persistent]=$(( $(xs_or "$fe/feature-persistent" 0) && $(xs_or "$be/feature-persistent" 0) ))
	tb_log "$p: guest disk $(tb_field size) bytes, ${FIGS[$p.queues]} queues, ring-page-order ${FIGS[$p.ring_order]}, max_segments ${FIGS[$p.max_segments]} (max_hw_sectors_kb $(tb_field max_hw_sectors_kb)), persistent grants ${FIGS[$p.persistent]}; $(echo "$TB_LINE" | grep -o 'max_[a-z_]*=[0-9]*' | grep -v -e max_segments -e max_hw | tr '\n' ' ')$(tb_field fio)"
	tb_metric "${p}_queues" "${FIGS[$p.queues]}" rings
	tb_metric "${p}_ring_order" "${FIGS[$p.ring_order]}" order
	tb_metric "${p}_max_segments" "${FIGS[$p.max_segments]}" segments
	tb_metric "${p}_persistent" "${FIGS[$p.persistent]}" flag
}

# boot PAIR [EXTRA]: create PAIR's guest and wait for its init. Every guest
# gets 448 MiB: the kernel's own xen-blkfront with persistent grants
# allocates a page for every segment of every ring slot up front, (256 + 1)
# x 128 slots per ring at our settings, 257 MiB for two rings (at 256 MiB
# the tuned guest stalled in the page allocator); four such guests fit
# beside dom0's 1 GiB in the test bed's 3 GiB.
boot() {
	local p=$1 g
	g=$(guest_of "$p")
	tb_step "$p: create"
	tb_guest_create "$g" --kernel "${KERNEL[$p]}" --vcpus 2 --memory 448 \
		--script bench-blk/guest.sh ${2:+--extra "$2"}
	tb_step "$p: boot"
	tb_wait_console "$g" 'XPV-GUEST-INIT' 240
	tb_log "$p: $(echo "$TB_LINE" | grep -o 'kernel=[^ ]*')"
	tb_cmd_ready "$g" 120
}

# run_job PAIR JOB SAMPLE: one fio job; its figures per I/O into VALS.
run_job() {
	local p=$1 job=$2 k=$3 g d0 d1 c0 c1 ios reqs gi di perf u
	g=$(guest_of "$p")
	tb_step "$p: $job #$k"
	d0=$(dom0_blk_irqs)
	c0=$(cpu_times "$g")
	tb_cmd "$g" $((RUNTIME + 180)) job "$job"
	d1=$(dom0_blk_irqs)
	c1=$(cpu_times "$g")
	ios=$(tb_field ios) reqs=$(tb_field reqs) gi=$(tb_field irq) di=$((d1 - d0))
	[ "$ios" -gt 0 ] || tb_fail "fio completed no I/O"
	[ "$gi" -gt 0 ] || tb_fail "the guest counted no blkfront interrupt over $ios I/Os (interrupt line names changed?)"
	[ "$di" -gt 0 ] ||
		tb_fail "dom0 counted no back-end interrupt over $ios I/Os (lines /$DOM0_IRQ_RE/: $(grep -E "$DOM0_IRQ_RE" /proc/interrupts | awk '{ print $NF }' | tr '\n' ' '))"
	u=$(unit_of "$job")
	case $u in
	iops) perf=$(tb_field iops) ;;
	*) perf=$(tb_calc "$(tb_field kibps) * 1024 / 1000000") ;;
	esac
	tb_metric "${p}_${job}_${u}_s$k" "$perf" "$u"
	VALS[$p.$job.perf]+=" $perf"
	VALS[$p.$job.ios]+=" $ios"
	# shellcheck disable=SC2046
	set -- $(awk -v n="$ios" -v r="$reqs" -v g="$gi" -v d="$di" -v c0="$c0" -v c1="$c1" 'BEGIN {
		split(c0, a, " "); split(c1, b, " ")
		printf "%.4f %.4f %.4f %.4f %.1f %.1f\n", r / n, g / n, d / n, (g + d) / n,
			(b[1] - a[1]) * 1e6 / n, (b[2] - a[2]) * 1e6 / n }')
	VALS[$p.$job.reqs_per_io]+=" $1"
	VALS[$p.$job.guest_notif_per_io]+=" $2"
	VALS[$p.$job.dom0_notif_per_io]+=" $3"
	VALS[$p.$job.notif_per_io]+=" $4"
	VALS[$p.$job.guest_cpu_us_per_io]+=" $5"
	VALS[$p.$job.dom0_cpu_us_per_io]+=" $6"
	tb_log "$p $job #$k: $perf $u, $ios I/Os, $1 requests, $4 notifications, $5 us guest CPU, $6 us dom0 CPU per I/O"
}

# stats VALUE...: "MEDIAN MIN MAX".
stats() {
	printf '%s\n' "$@" | awk 'NF { v[++n] = $1 + 0 }
		END {
			for (i = 2; i <= n; i++) {
				x = v[i]
				for (j = i - 1; j >= 1 && v[j] > x; j--) v[j + 1] = v[j]
				v[j + 1] = x
			}
			m = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
			printf "%.6g %.6g %.6g\n", m, v[1], v[n] }'
}

# summarize PAIR: medians (with min and max of the speed) into the JSON.
summarize() {
	local p=$1 job u f m lo hi
	for job in $JOBS; do
		[ -n "${VALS[$p.$job.perf]:-}" ] || continue
		u=$(unit_of "$job")
		# shellcheck disable=SC2086
		read -r m lo hi < <(stats ${VALS[$p.$job.perf]})
		MED[$p.$job]=$m
		tb_metric "${p}_${job}_${u}" "$m" "$u"
		tb_metric "${p}_${job}_${u}_min" "$lo" "$u"
		tb_metric "${p}_${job}_${u}_max" "$hi" "$u"
		tb_metric "${p}_${job}_samples" "$(echo "${VALS[$p.$job.perf]}" | wc -w)" samples
		for f in ios reqs_per_io guest_notif_per_io dom0_notif_per_io notif_per_io \
			guest_cpu_us_per_io dom0_cpu_us_per_io; do
			# shellcheck disable=SC2086
			read -r m lo hi < <(stats ${VALS[$p.$job.$f]})
			tb_metric "${p}_${job}_${f}" "$m" "$f"
			[ "$f" = notif_per_io ] && MED[$p.$job.notif]=$m
		done
	done
}

# ratios NAME PAIR BASE: PAIR over BASE, higher is better throughout:
#   ratio_NAME_JOB_UNIT          median speed of PAIR / median of BASE
#   ratio_NAME_JOB_notif         BASE's notifications per I/O / PAIR's
#   ratio_NAME_speed_geomean     geometric mean of the four speed ratios
# Whether a ratio is significant is table.py's to say, from the samples
# (tools/benchstats.py: one rule for every bench table).
ratios() {
	local name=$1 a=$2 b=$3 job u r prod=1 n=0
	for job in $JOBS; do
		[ -n "${MED[$a.$job]:-}" ] && [ -n "${MED[$b.$job]:-}" ] || continue
		u=$(unit_of "$job")
		r=$(awk -v ma="${MED[$a.$job]}" -v mb="${MED[$b.$job]}" \
			'BEGIN { printf "%.3f", (mb > 0 ? ma / mb : 0) }')
		tb_metric "ratio_${name}_${job}_${u}" "$r" x
		tb_metric "ratio_${name}_${job}_notif" "$(awk -v a="${MED[$a.$job.notif]}" -v b="${MED[$b.$job.notif]}" \
			'BEGIN { printf "%.3f", (a > 0 ? b / a : 0) }')" x
		prod=$(awk -v p="$prod" -v r="$r" 'BEGIN { printf "%.9f", p * r }')
		n=$((n + 1))
	done
	[ $n = 4 ] || return 0
	# The fourth root by Newton's method: busybox awk has no math library.
	tb_metric "ratio_${name}_speed_geomean" "$(awk -v x="$prod" 'BEGIN {
		y = 1; if (x <= 0) { print 0; exit }
		for (i = 0; i < 200; i++) y -= (y * y * y * y - x) / (4 * y * y * y)
		printf "%.3f", y }')" x
}

# finish PAIR: end its guest's script, destroy it, wait for its back end.
finish() {
	local p=$1 g domid
	g=$(guest_of "$p")
	domid=$(tb_domid "$g")
	tb_step "$p: verdict"
	tb_cmd "$g" 60 "done"
	tb_guest_wait_pass "$g" 60
	tb_step "$p: destroy"
	xl destroy "$g" || tb_fail "xl destroy $g failed"
	tb_wait_gone "$g" 60
	tb_wait_vbd_gone "$domid" 60
}

tb_step null_blk
# One device per stock-back-end pair.
tb_null_blk 4

# Our front end first: the tuned pair copies what it negotiated.
boot front
attach front
TUNED="xen_blkfront.max_ring_page_order=${FIGS[front.ring_order]}"
TUNED="$TUNED xen_blkfront.max_indirect_segments=${FIGS[front.max_segments]}"
TUNED="$TUNED xen_blkfront.max_queues=${FIGS[front.queues]}"
tb_log "tuned: the reference kernel with $TUNED"
boot stock
boot ref
boot tuned "$TUNED"
for p in stock ref tuned; do
	attach "$p"
done
for f in ring_order max_segments queues; do
	[ "${FIGS[tuned.$f]}" = "${FIGS[front.$f]}" ] ||
		tb_fail "the tuned pair negotiated $f ${FIGS[tuned.$f]}, our front end ${FIGS[front.$f]}: the same-settings row would not be"
done
grep -E "$DOM0_IRQ_RE" /proc/interrupts > "$TB/dom0-irq-lines.txt" ||
	tb_fail "no back-end interrupt line (/$DOM0_IRQ_RE/) in dom0's /proc/interrupts"

# A round starts only when the time left holds one more like the last,
# plus a minute for ending the guests: on a host so loaded that it would
# not, the run reports the rounds it has (n in the table, rounds_done)
# rather than losing them all to the deadline.
t1=$(tb_now)
rounds=0
for k in $(seq "$SAMPLES"); do
	if [ "$k" -gt 1 ] && awk -v n="$(tb_now)" -v e="$T_END" -v r="$last" 'BEGIN { exit !(n + r + 60 > e) }'; then
		tb_log "rounds $k-$SAMPLES: SKIP (the time left, $(tb_calc "$T_END - $(tb_now)") s, would not hold another round like the last, $last s, and the teardown)"
		break
	fi
	t=$(tb_now)
	for job in $JOBS; do
		for p in $PHASE1; do
			run_job "$p" "$job" "$k"
		done
	done
	rounds=$k
	last=$(tb_calc "$(tb_now) - $t")
	tb_log "round $k of $SAMPLES done at $(tb_calc "$(tb_now) - $T_START") s (this round $last s)"
done
t2=$(tb_now)
tb_metric rounds_done "$rounds" rounds
tb_metric rounds_asked "$SAMPLES" rounds
tb_log "phase 1: $rounds rounds of 4 pairs in $(tb_calc "$t2 - $t1") s"
for p in stock ref tuned; do
	finish "$p"
done

xpv_done=0
if [ ! -f "$TBIN/modules/xpv-blkback.ko" ]; then
	tb_log "xpv: SKIP (build/modules/xpv-blkback.ko does not exist yet)"
	tb_metric xpv_skipped_for_time 0 flag
elif awk -v n="$(tb_now)" -v e="$T_END" -v p="$(tb_calc "($t2 - $t1) / 4 + 60")" 'BEGIN { exit !(n + p > e) }'; then
	tb_log "xpv: SKIP (the time left, $(tb_calc "$T_END - $(tb_now)") s, is less than a phase-1 pair took plus a minute)"
	tb_metric xpv_skipped_for_time 1 flag
else
	tb_metric xpv_skipped_for_time 0 flag
	tb_step "xpv: detach the front pair's disk"
	domid=$(tb_domid bench-front)
	timeout 120 xl block-detach bench-front xvda > "$TB/front-detach.log" 2>&1 ||
		tb_fail "xl block-detach bench-front xvda failed: $(tail -n 3 "$TB/front-detach.log" | tr '\n' ' ')"
	for i in $(seq 300); do
		xenstore-exists "/local/domain/0/backend/vbd/$domid/51712" 2> /dev/null || break
		sleep 0.2
	done
	xenstore-exists "/local/domain/0/backend/vbd/$domid/51712" 2> /dev/null &&
		tb_fail "the stock back end still serves bench-front's xvda 60 s after block-detach"
	tb_step "xpv: swap the back end"
	tb_use_xpv_back blk
	attach xpv
	for k in $(seq "$rounds"); do
		for job in $JOBS; do
			run_job xpv "$job" "$k"
		done
	done
	xpv_done=1
fi
tb_metric xpv_measured "$xpv_done" flag
finish front

tb_step ratios
for p in stock ref tuned front xpv; do
	summarize "$p"
done
ratios front front ref
ratios xpv xpv ref
ratios tuned tuned ref
ratios front_over_tuned front tuned
ratios front_over_stock front stock
ratios xpv_over_stock xpv stock
tb_log "measured in $(tb_calc "$(tb_now) - $T_START") s"
tb_pass
