# SPDX-License-Identifier: GPL-2.0-only
# bench-blk, dom0 side: null_blk as the backing device, one 2-vCPU guest per
# pair, fio jobs started one at a time so that dom0 can count its blkback
# interrupts around each job. Pairs (in this order, one run):
#   stock  stock kernel + its xen-blkfront  <->  stock xen-blkback
#   front  our kernel (xpv-blkfront)        <->  stock xen-blkback
#   xpv    our kernel (xpv-blkfront)        <->  xpv-blkback.ko (+ xpv_compat.ko)
#          only when build/modules/xpv-blkback.ko was staged; else skipped.
# Figures (build/results/bench-blk.json) are printed, never asserted; a
# FAIL means the benchmark did not run correctly (a guest or fio failed,
# an I/O error, a pair not measured).
JOBS="rr4k_qd1 rr4k_qd32 seqread_1m seqwrite_1m"
RUNTIME=5
DISK='format=raw, vdev=xvda, access=rw, backendtype=phy, target=/dev/nullb0'
declare -A PERF NOTIF

# The back ends' event-channel interrupt lines in dom0's /proc/interrupts:
# stock xen-blkback names them "blkif-backend", xpv-blkback
# "xpvbb.<domid>.<vdev>.<queue>". Summed over the CPUs. A job with I/O and
# no interrupt counted means these names no longer match: FAIL.
DOM0_IRQ_RE='blkif|xpvbb'
dom0_blk_irqs() {
	awk -v re="$DOM0_IRQ_RE" 'NR == 1 { n = NF; next }
		$0 ~ re { for (i = 2; i <= n + 1; i++) s += $i }
		END { printf "%d\n", s }' /proc/interrupts
}

# bench_pair PAIR KERNEL: boot a guest, attach null_blk, run every job.
bench_pair() {
	local pair=$1 kernel=$2 g=bench-$1 job d0 d1 gi reqs ios domid t0
	t0=$(tb_now)
	tb_step "$pair: create"
	tb_guest_create "$g" --kernel "$kernel" --vcpus 2 --memory 512 --script bench-blk/guest.sh
	domid=$(tb_domid "$g")
	tb_step "$pair: boot"
	tb_wait_console "$g" 'XPV-GUEST-INIT' 240
	tb_step "$pair: attach"
	timeout 120 xl block-attach "$g" "$DISK" > "$TB/$pair-attach.log" 2>&1 ||
		tb_fail "xl block-attach of /dev/nullb0 failed: $(tail -n 3 "$TB/$pair-attach.log" | tr '\n' ' ')"
	tb_wait_console "$g" 'XPV-OK disk ' 120
	tb_log "$pair: guest disk $(tb_field size) bytes, $(tb_field queues) queues, $(tb_field fio)"
	tb_metric "${pair}_queues" "$(tb_field queues)" rings
	grep -E "$DOM0_IRQ_RE" /proc/interrupts > "$TB/$pair-dom0-irq-lines.txt" ||
		tb_fail "no back-end interrupt line (/$DOM0_IRQ_RE/) in dom0's /proc/interrupts"
	tb_log "$pair: dom0 back-end interrupt lines: $(awk '{ print $NF }' "$TB/$pair-dom0-irq-lines.txt" | tr '\n' ' ')"
	for job in $JOBS; do
		tb_step "$pair: $job"
		tb_wait_console "$g" "XPV-STEP job-$job\$" 120
		d0=$(dom0_blk_irqs)
		tb_xs_write "$g" "go-$job" 1
		tb_wait_console "$g" "XPV-OK job-$job " $((RUNTIME + 180))
		d1=$(dom0_blk_irqs)
		ios=$(tb_field ios) reqs=$(tb_field reqs) gi=$(tb_field irq)
		[ "$ios" -gt 0 ] || tb_fail "fio completed no I/O"
		[ "$gi" -gt 0 ] || tb_fail "the guest counted no blkfront interrupt over $ios I/Os (interrupt line names changed?)"
		[ $((d1 - d0)) -gt 0 ] ||
			tb_fail "dom0 counted no back-end interrupt over $ios I/Os (lines /$DOM0_IRQ_RE/: $(awk '{ print $NF }' "$TB/$pair-dom0-irq-lines.txt" | tr '\n' ' '))"
		case $job in
		rr*)
			PERF[$pair.$job]=$(tb_field iops)
			tb_metric "${pair}_${job}_iops" "${PERF[$pair.$job]}" IOPS ;;
		*)
			PERF[$pair.$job]=$(tb_calc "$(tb_field kibps) * 1024 / 1000000")
			tb_metric "${pair}_${job}_MBps" "${PERF[$pair.$job]}" MB/s ;;
		esac
		NOTIF[$pair.$job]=$(awk -v g="$gi" -v d="$((d1 - d0))" -v n="$ios" 'BEGIN { printf "%.4f", (g + d) / n }')
		tb_metric "${pair}_${job}_ios" "$ios" I/Os
		tb_metric "${pair}_${job}_reqs" "$reqs" requests
		tb_metric "${pair}_${job}_reqs_per_io" "$(awk -v r="$reqs" -v n="$ios" 'BEGIN { printf "%.3f", r / n }')" requests
		tb_metric "${pair}_${job}_guest_notif_per_io" "$(awk -v g="$gi" -v n="$ios" 'BEGIN { printf "%.4f", g / n }')" interrupts
		tb_metric "${pair}_${job}_dom0_notif_per_io" "$(awk -v d="$((d1 - d0))" -v n="$ios" 'BEGIN { printf "%.4f", d / n }')" interrupts
		tb_metric "${pair}_${job}_notif_per_io" "${NOTIF[$pair.$job]}" interrupts
	done
	tb_step "$pair: verdict"
	tb_guest_wait_pass "$g" 60
	tb_step "$pair: destroy"
	xl destroy "$g" || tb_fail "xl destroy $g failed"
	tb_wait_gone "$g" 60
	tb_wait_vbd_gone "$domid" 60
	tb_log "$pair: measured in $(tb_calc "$(tb_now) - $t0") s"
}

tb_step null_blk
tb_null_blk

bench_pair stock stock
bench_pair front xpv

if [ -f "$TBIN/modules/xpv-blkback.ko" ]; then
	tb_step "xpv: swap the back end"
	tb_use_xpv_blkback
	bench_pair xpv xpv
	tb_metric xpv_measured 1 flag
else
	tb_log "xpv: SKIP (build/modules/xpv-blkback.ko does not exist yet)"
	tb_metric xpv_measured 0 flag
fi

# Ours / stock: higher is better throughout. Speed: ours / stock.
# Notifications per I/O (guest + dom0 interrupts): stock / ours.
tb_step ratios
for p in front xpv; do
	[ -n "${PERF[$p.rr4k_qd1]:-}" ] || continue
	prod=1
	for job in $JOBS; do
		case $job in rr*) u=iops ;; *) u=MBps ;; esac
		r=$(awk -v a="${PERF[$p.$job]}" -v b="${PERF[stock.$job]}" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')
		tb_metric "ratio_${p}_${job}_${u}" "$r" x
		prod=$(awk -v p="$prod" -v r="$r" 'BEGIN { printf "%.9f", p * r }')
		r=$(awk -v a="${NOTIF[$p.$job]}" -v b="${NOTIF[stock.$job]}" 'BEGIN { printf "%.3f", (a > 0 ? b / a : 0) }')
		tb_metric "ratio_${p}_${job}_notif_stock_over_ours" "$r" x
	done
	# The fourth root by Newton's method: busybox awk has no math library.
	tb_metric "ratio_${p}_speed_geomean" "$(awk -v x="$prod" 'BEGIN {
		y = 1; if (x <= 0) { print 0; exit }
		for (i = 0; i < 200; i++) y -= (y * y * y * y - x) / (4 * y * y * y)
		printf "%.3f", y }')" x
done
tb_pass
