# SPDX-License-Identifier: GPL-2.0-only
# blk-soak, guest side (our kernel): fio jobs against /dev/xvda (null_blk in
# dom0) in a loop, one "XPV-OK soak n=N job=JOB ..." line per job, until
# dom0 writes data/stop. Each fio run is bounded; a job that does not come
# back is what dom0 watches for.
RUNTIME=3
JOBS="seqwrite_1m rr4k_qd32 seqread_1m rr4k_qd1 seqwrite_1m rw4k_qd8"

io_errors() { dmesg | grep -c -iE 'I/O error|blk_update_request|critical medium error'; }

step disk
wait_for /dev/xvda 120 || fail "no /dev/xvda 120 s after boot"
ok "size=$(blockdev --getsize64 /dev/xvda) queues=$(ls /sys/block/xvda/mq 2>/dev/null | wc -l)"

step soak
n=0
e0=$(io_errors)
while :; do
	for job in $JOBS; do
		case $job in
		rr4k_qd1) args="--rw=randread --bs=4k --iodepth=1" ;;
		rr4k_qd32) args="--rw=randread --bs=4k --iodepth=32" ;;
		rw4k_qd8) args="--rw=randwrite --bs=4k --iodepth=8" ;;
		seqread_1m) args="--rw=read --bs=1M --iodepth=8" ;;
		seqwrite_1m) args="--rw=write --bs=1M --iodepth=8" ;;
		esac
		n=$((n + 1))
		# shellcheck disable=SC2086
		timeout 600 fio --name="$job" --filename=/dev/xvda --direct=1 \
			--ioengine=libaio $args --runtime=$RUNTIME --time_based --eta=never \
			--output-format=terse --terse-version=3 > /tmp/soak.terse 2> /tmp/soak.err ||
			fail "fio $job (run $n) exited $?: $(tail -n 3 /tmp/soak.err | tr '\n' ' ')"
		set -- $(grep '^3;' /tmp/soak.terse | head -n 1 | awk -F';' '{ print $5, $6 + $47 }')
		[ "${1:-x}" = 0 ] || fail "fio $job (run $n) reports error ${1:-?}"
		[ "${2:-0}" -gt 0 ] || fail "fio $job (run $n) completed no I/O"
		[ "$(io_errors)" = "$e0" ] ||
			fail "I/O errors in the kernel log: $(dmesg | grep -iE 'I/O error|blk_update_request' | tail -n 2 | tr '\n' ' ')"
		ok "n=$n job=$job kib=$2"
	done
	xs_read data/stop > /dev/null 2>&1 && break
done
ok "runs=$n"
