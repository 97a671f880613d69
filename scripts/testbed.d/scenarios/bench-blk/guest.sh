# SPDX-License-Identifier: GPL-2.0-only
# bench-blk, guest side (stock, reference or our kernel): a command server
# (cmd_serve, guest/lib.sh; it waits in a xenstore watch, so an idle guest
# uses no CPU while dom0 measures another one) that dom0 drives job by job:
#   disk      /dev/xvda is there (after dom0 attached it): size, queues, the
#             front end's limits and, for the kernel's own xen-blkfront,
#             its module parameters
#   job NAME  one fio job against /dev/xvda (null_blk in dom0): fio's
#             figures, the block-layer requests completed
#             (/sys/block/xvda/stat) and the interrupts of its blkfront
#             event channels (/proc/interrupts lines: the stock front end
#             names them "blkif", ours "xpvblkN-qM") over the job
RUNTIME=5
IRQ_RE='blkif|xpvblk'

blk_irqs() {
	awk -v re="$IRQ_RE" 'NR == 1 { n = NF; next }
		$0 ~ re { for (i = 2; i <= n + 1; i++) s += $i }
		END { printf "%d\n", s }' /proc/interrupts
}

blk_reqs() {
	local r w
	read -r r _ _ _ w _ < /sys/block/xvda/stat
	echo $((r + w))
}

io_errors() { dmesg | grep -c -iE 'I/O error|blk_update_request|critical medium error'; }

cmd_disk() {
	local p params=
	wait_for /dev/xvda 120 || fail "no /dev/xvda 120 s after dom0 attached it"
	command -v fio > /dev/null || fail "no fio in the guest image"
	lines=$(grep -cE "$IRQ_RE" /proc/interrupts)
	[ "$lines" -gt 0 ] || fail "no blkfront interrupt line (/$IRQ_RE/) in /proc/interrupts"
	# The kernel's own xen-blkfront (module or built in) shows its
	# parameters; ours has none by that name.
	for p in max_ring_page_order max_indirect_segments max_queues; do
		[ -r "/sys/module/xen_blkfront/parameters/$p" ] &&
			params="$params $p=$(cat "/sys/module/xen_blkfront/parameters/$p")"
	done
	cmd_ok "size=$(blockdev --getsize64 /dev/xvda) queues=$(ls /sys/block/xvda/mq 2>/dev/null | wc -l)" \
		"max_segments=$(cat /sys/block/xvda/queue/max_segments)" \
		"max_hw_sectors_kb=$(cat /sys/block/xvda/queue/max_hw_sectors_kb)" \
		"irqlines=$lines fio=$(fio --version 2>&1)$params"
}

cmd_job() {
	local job=$1 args bs_kib e0 e1 q0 q1 i0 i1 rc line
	case $job in
	rr4k_qd1) args="--rw=randread --bs=4k --iodepth=1" bs_kib=4 ;;
	rr4k_qd32) args="--rw=randread --bs=4k --iodepth=32" bs_kib=4 ;;
	seqread_1m) args="--rw=read --bs=1M --iodepth=8" bs_kib=1024 ;;
	seqwrite_1m) args="--rw=write --bs=1M --iodepth=8" bs_kib=1024 ;;
	*) fail "unknown fio job '$job'" ;;
	esac
	e0=$(io_errors)
	q0=$(blk_reqs)
	i0=$(blk_irqs)
	# shellcheck disable=SC2086
	timeout $((RUNTIME + 120)) fio --name="$job" --filename=/dev/xvda --direct=1 \
		--ioengine=libaio $args --runtime=$RUNTIME --time_based --eta=never \
		--output-format=terse --terse-version=3 > "/tmp/$job.terse" 2> "/tmp/$job.err"
	rc=$?
	i1=$(blk_irqs)
	q1=$(blk_reqs)
	e1=$(io_errors)
	[ $rc = 0 ] || fail "fio exited $rc: $(tail -n 3 "/tmp/$job.err" | tr '\n' ' ')"
	line=$(grep '^3;' "/tmp/$job.terse" | head -n 1)
	[ -n "$line" ] || fail "no terse result line from fio: $(head -c 300 "/tmp/$job.terse")"
	# terse v3: 5 error; read 6 KiB, 7 KiB/s, 8 IOPS, 9 ms; write 47-50.
	set -- $(echo "$line" | awk -F';' '{ print $5, $6 + $47, $7 + $48, $8 + $49, ($9 > $50 ? $9 : $50) }')
	err=$1 kib=$2 kibps=$3 iops=$4 ms=$5
	[ "$err" = 0 ] || fail "fio reports error $err"
	[ "$kib" -gt 0 ] || fail "fio completed no I/O"
	[ "$e1" = "$e0" ] || fail "I/O errors in the kernel log: $(dmesg | grep -iE 'I/O error|blk_update_request' | tail -n 2 | tr '\n' ' ')"
	cmd_ok "ios=$((kib / bs_kib)) reqs=$((q1 - q0)) iops=$iops kibps=$kibps ms=$ms irq=$((i1 - i0)) kib=$kib"
}

cmd_serve
