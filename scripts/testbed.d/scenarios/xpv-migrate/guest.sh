# SPDX-License-Identifier: GPL-2.0-only
# xpv-migrate, guest side (our kernel): a reference pattern at 40 MiB, then
# fio with verification in a loop on the first 32 MiB of xvda while dom0
# suspends the domain (checkpoint, save + restore twice, migrate). Each
# round of dom0's is answered through xenstore (the console log may change
# its name when the domain is renamed by xl migrate): data/xpv-round holds
# "N DOM0_EPOCH"; the guest answers at once in data/xpv-round-clock with
# "N EPOCH UPTIME", then in data/xpv-round-ok "N off=... runs=... up=...",
# once a fio run has completed after the round started.
FIO_SIZE=32M
PAT_SEEK_MB=40
PAT_MB=8

io_errors() { dmesg | grep -c -iE 'I/O error|blk_update_request|critical medium error'; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }

step disk
wait_for /dev/xvda 60 || fail "no /dev/xvda 60 s after boot"
ok "size=$(blockdev --getsize64 /dev/xvda)"

step pattern
dd if=/dev/urandom of=/tmp/pat bs=1M count=$PAT_MB 2>/dev/null || fail "no random pattern"
dd if=/tmp/pat of=/dev/xvda bs=1M seek=$PAT_SEEK_MB oflag=direct conv=fsync 2>/tmp/dd.err ||
	fail "writing the pattern: $(cat /tmp/dd.err)"
ok "sha=$(sha256sum < /tmp/pat | cut -d' ' -f1) seek_mb=$PAT_SEEK_MB mb=$PAT_MB"

if [ -e /sys/class/net/eth0 ]; then
	# A TCP stream to dom0 across every round: 64 KiB of `seq` output
	# (dom0 makes the same) five times a second, until /tmp/stop.
	step net
	net_up
	seq 1 20000 | head -c 65536 > /tmp/chunk
	( while [ ! -e /tmp/stop ]; do cat /tmp/chunk; sleep 0.2; done |
		nc "$XPV_PEER" 5001 2>/tmp/nc.err; echo $? > /tmp/nc.rc ) &
	nc_pid=$!
	ok "stream=started"
fi

step load
e0=$(io_errors)
echo 0 > /tmp/fio.n
(
	n=0
	while [ ! -e /tmp/stop ]; do
		n=$((n + 1))
		timeout 300 fio --name=verify$n --filename=/dev/xvda --direct=1 \
			--ioengine=libaio --rw=randwrite --bsrange=4k-64k --iodepth=16 \
			--size=$FIO_SIZE --verify=crc32c --verify_backlog=64 \
			--verify_fatal=1 --randrepeat=0 --eta=never \
			--output-format=terse --terse-version=3 > /tmp/fio.terse 2> /tmp/fio.err
		rc=$?
		if [ $rc != 0 ]; then
			echo "fio run $n exited $rc: $(tail -n 3 /tmp/fio.err | tr '\n' ' ')" > /tmp/fio.fail
			break
		fi
		set -- $(grep '^3;' /tmp/fio.terse | head -n 1 | awk -F';' '{ print $5, $6 + $47 }')
		if [ "${1:-x}" != 0 ] || [ "${2:-0}" -le 0 ]; then
			echo "fio run $n: error ${1:-?}, ${2:-0} KiB" > /tmp/fio.fail
			break
		fi
		echo $n > /tmp/fio.n
	done
) &
fio_pid=$!
ok "started pid=$fio_pid"

step rounds
r=0
while :; do
	[ -e /tmp/fio.fail ] && fail "$(cat /tmp/fio.fail)"
	if xs_read data/stop > /dev/null 2>&1; then
		break
	fi
	v=$(xs_read data/xpv-round 2>/dev/null)
	if [ -n "$v" ] && [ "${v%% *}" = $((r + 1)) ]; then
		t=$(now_epoch)
		r=$((r + 1))
		# The clocks at once (dom0 brackets them), the rest after a
		# fio run.
		xs_write data/xpv-round-clock "$r $t $(uptime_s)" || fail "cannot answer round $r"
		off=$(awk -v a="${v#* }" -v t="$t" 'BEGIN { printf "%.3f", a - t }')
		# A fio run that completes from here on crossed the suspend.
		n0=$(cat /tmp/fio.n)
		i=0
		while [ "$(cat /tmp/fio.n)" = "$n0" ]; do
			[ -e /tmp/fio.fail ] && fail "$(cat /tmp/fio.fail)"
			i=$((i + 1))
			[ $i -lt 600 ] || fail "round $r: no fio run completed in 120 s"
			sleep 0.2
		done
		line="$r off=$off runs=$(cat /tmp/fio.n) up=$(uptime_s) errors=$(( $(io_errors) - e0 ))"
		say "round $line"
		xs_write data/xpv-round-ok "$line" || fail "cannot answer round $r"
	fi
	sleep 0.3
done

step final
touch /tmp/stop
wait $fio_pid
if [ -n "${nc_pid:-}" ]; then
	wait "$nc_pid"
	[ "$(cat /tmp/nc.rc 2>/dev/null)" = 0 ] ||
		fail "the TCP stream to dom0 ended with $(cat /tmp/nc.rc 2>/dev/null): $(cat /tmp/nc.err)"
fi
[ -e /tmp/fio.fail ] && fail "$(cat /tmp/fio.fail)"
[ "$(io_errors)" = "$e0" ] ||
	fail "I/O errors in the kernel log: $(dmesg | grep -iE 'I/O error|blk_update_request' | tail -n 2 | tr '\n' ' ')"
echo 3 > /proc/sys/vm/drop_caches
sha=$(dd if=/dev/xvda bs=1M skip=$PAT_SEEK_MB count=$PAT_MB iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)
line="runs=$(cat /tmp/fio.n) rounds=$r sha=$sha"
# What the kernel said about each suspend (its log level keeps it off the
# console), for the record.
dmesg | grep -E 'xpv-suspend|xpv-xenstore: (reconnected|[0-9]+ watches)|vcpu_info|grant table: .* again|after resume|resumed in a new domain|connected again' |
	while read -r l; do say "kernel: $l"; done
xs_write data/xpv-final "$line" || fail "cannot write the final line"
ok "$line"
