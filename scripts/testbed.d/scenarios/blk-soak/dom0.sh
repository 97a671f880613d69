# SPDX-License-Identifier: GPL-2.0-only
# blk-soak, dom0 side: per configuration, boot our kernel with 2 vCPUs,
# attach null_blk, let the guest loop over its fio jobs for a share of
# XPV_SOAK_SECS, then stop it and destroy it. Every job must come back
# within JOB_WAIT seconds: one that does not is a stall, reported with the
# guest's ring indices (tb_diag_guest: xpv-blkfront's ring_state, sysrq w)
# and the request-timeout lines our front end logs after 20 s.
#   check  our front end against the stock blkback: 2 queues, ring order
#          2, persistent grants, FIFO events (what stalled in bench-blk)
#   full   {stock, xpv} back end x persistent {on, off} x queues {1, 2}
#          x (ring order 0 with 2-level events | ring order 2 with FIFO)
JOB_WAIT=90
DISK='format=raw, vdev=xvda, access=rw, backendtype=phy, target=/dev/nullb0'
SECS=${XPV_SOAK_SECS:-120}
TOTAL_JOBS=0 CONFIGS=0

# soak_one NAME EXTRA SECONDS: one configuration.
soak_one() {
	local name=$1 extra=$2 secs=$3 g t0 jobs domid k
	CONFIGS=$((CONFIGS + 1))
	g=soak$CONFIGS
	tb_step "$name: create"
	tb_log "$name: guest $g"
	tb_guest_create "$g" --kernel xpv --vcpus 2 --memory 512 --script blk-soak/guest.sh \
		--extra "xpv_blkfront.request_timeout=20 $extra"
	domid=$(tb_domid "$g")
	tb_step "$name: boot"
	tb_wait_console "$g" 'XPV-GUEST-INIT' 240
	tb_step "$name: attach"
	timeout 120 xl block-attach "$g" "$DISK" > "$TB/soak-attach.log" 2>&1 ||
		tb_fail "xl block-attach of /dev/nullb0 failed: $(tail -n 3 "$TB/soak-attach.log" | tr '\n' ' ')"
	tb_wait_console "$g" 'XPV-OK disk ' 120
	tb_log "$name: $TB_LINE"
	tb_step "$name: soak"
	t0=$(tb_now)
	# Each job's line in turn: the k-th must come within JOB_WAIT.
	k=0
	while ! tb_expired "$t0" "$secs"; do
		k=$((k + 1))
		tb_wait_console "$g" 'XPV-OK soak n=' "$JOB_WAIT" "$k"
	done
	tb_xs_write "$g" stop 1
	tb_wait_console "$g" 'XPV-OK soak runs=' "$JOB_WAIT"
	jobs=$(tb_field runs)
	tb_guest_wait_pass "$g" 30
	tb_log "$name: $jobs jobs in $(tb_calc "$(tb_now) - $t0") s, no stall"
	tb_metric "jobs_$name" "$jobs" jobs
	TOTAL_JOBS=$((TOTAL_JOBS + jobs))
	grep -q 'outstanding for over' "$(tb_console "$g")" &&
		tb_fail "the front end reported a request outstanding for over 20 s: $(grep -a -m1 'outstanding for over' "$(tb_console "$g")" | tr -d '\r')"
	tb_step "$name: destroy"
	xl destroy "$g" || tb_fail "xl destroy $g failed"
	tb_wait_gone "$g" 60
	tb_wait_vbd_gone "$domid" 60
	tb_stamper_stop "$g"
}

tb_step null_blk
tb_null_blk

case ${XPV_SOAK_MATRIX:-check} in
check)
	soak_one stock-back-q2-o2-pgnt-fifo \
		"xpv_blkfront.max_queues=2 xpv_blkfront.max_ring_order=2 xpv_blkfront.feature_persistent=1" "$SECS"
	;;
full)
	per=$((SECS / 16))
	[ "$per" -ge 20 ] || per=20
	for back in stock xpv; do
		if [ $back = xpv ]; then
			tb_step "swap the back end"
			tb_use_xpv_back blk
		fi
		for pg in 1 0; do
			for q in 1 2; do
				soak_one "$back-back-q$q-o0-pgnt$pg-2l" \
					"xpv_blkfront.max_queues=$q xpv_blkfront.max_ring_order=0 xpv_blkfront.feature_persistent=$pg xpv.evtchn=2l" "$per"
				soak_one "$back-back-q$q-o2-pgnt$pg-fifo" \
					"xpv_blkfront.max_queues=$q xpv_blkfront.max_ring_order=2 xpv_blkfront.feature_persistent=$pg" "$per"
			done
		done
	done
	;;
*) tb_fail "unknown XPV_SOAK_MATRIX ${XPV_SOAK_MATRIX} (check or full)" ;;
esac
tb_metric jobs_total "$TOTAL_JOBS" jobs
tb_metric configurations "$CONFIGS" configs
tb_metric stalls 0 stalls
tb_pass
