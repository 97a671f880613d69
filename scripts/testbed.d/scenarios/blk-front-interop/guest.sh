# SPDX-License-Identifier: GPL-2.0-only
# Block-device checks run inside a guest on dom0's command: a small command
# server (busybox sh). Used by blk-front-interop (our blkfront, stock
# blkback) and meant for the other blk scenarios too (any front end: the
# checks use only /dev, /sys/block and /proc). dom0's side of the protocol
# is tb_cmd (dom0/lib.sh) with the checks of blk-lib.bash in this
# directory.
#
# Interface (keep it stable; other scenarios depend on it): the test bed's
# command channel, cmd_serve in guest/lib.sh (dom0: tb_cmd_ready, tb_cmd):
#   dom0 -> guest  xenstore data/cmd = "<seq> <verb> [arg...]", seq
#                  counting up from 1.
#   guest -> dom0  console "XPV-OK cmd-ready seq=0" once it listens, then
#                  per command "XPV-OK <verb> seq=<seq> [key=value...]" when
#                  the check passed, or "XPV-FAIL <verb>: <reason>" (the
#                  script ends; later commands are not served).
#                  "XPV-INFO ..." lines are commentary.
# Verbs (DEV is a name under /dev such as xvda; sizes in MiB of 2^20 bytes;
# sha is the sha256 of the bytes concerned):
#   info DEV [WAIT_S]        wait for DEV (default 60 s); the kernel's last
#                            line about DEV as XPV-INFO; size= (bytes) lbs=
#                            pbs= ro= removable= queues= (blk-mq hw queues)
#                            wc= (write cache) fua= dgran= (discard
#                            granularity) dmax= (discard max bytes)
#   wr-seq DEV MIB           MIB of fresh random data (/dev/urandom) from
#                            offset 0, buffered, then fsync; sha= ms=
#                            (CPU-heavy in the guest: prefer copy for big
#                            sizes, see docs/blkif.md on triple faults)
#   rd-seq DEV MIB           drop caches, read the first MIB; sha= ms=
#   wr-at DEV OFF MIB        MIB of random data at OFF MiB, then fsync
#                            (a flush); sha=
#   rd-at DEV OFF MIB        drop caches, read MIB at OFF MiB; sha= ms=
#   sum DEV OFF MIB          the same as rd-at
#   copy DEV SRC MIB [OFF]   copy the first MIB of SRC (e.g. a read-only
#                            disk dom0 filled with random data) to DEV at
#                            OFF MiB (default 0), buffered, then fsync; ms=
#                            (no checksum in the guest: dom0 knows SRC's)
#   wr-rand DEV REGION N     N random 4 KiB O_DIRECT writes inside the first
#                            REGION MiB by fio, two jobs pinned to CPU 0 and
#                            CPU 1 on one half each, verified by fio
#                            (crc32c); then the region read back after
#                            dropping caches; sha= (of the region) ms=
#   fua DEV OFF MIB          fio: 4 KiB O_DIRECT|O_SYNC writes of MIB at OFF
#                            MiB (each a REQ_FUA write, then an fsync),
#                            verified by fio (crc32c) and read back after
#                            dropping caches; sha= writes= ms=
#   rings DEV MIB            O_DIRECT reads of MIB on each CPU at once;
#                            irqs= (blk IRQ lines whose count rose: ours are
#                            xpvblk<N>-q<Q>, stock ones "blkif") deltas=
#   discard DEV OFF MIB      blkdiscard of MIB at OFF MiB; ms=
#   ro DEV MIB               the first MIB reads (sha=); a buffered and an
#                            O_DIRECT write must both fail; err= (the first)
#   lbs DEV                  4 KiB logical blocks: sector 1 (bytes
#                            4096..8191) written by O_DIRECT, then 512 bytes
#                            inside it through the page cache; the sector
#                            reads back (O_DIRECT) as the merge; sha= (of
#                            the sector)
#   gone DEV WAIT_S          DEV disappears within WAIT_S; ms=
#   size DEV BYTES WAIT_S    DEV has BYTES bytes within WAIT_S (a resize
#                            the back end announced; one 4 KiB read per
#                            0.1 s wakes the back end); ms=
#   load DEV MIB             start background I/O on DEV until it fails:
#                            O_DIRECT writes on CPU 0, buffered writes with
#                            fsync and O_DIRECT reads on CPU 1; pids=
#   load-wait WAIT_S         every load process ended within WAIT_S (none
#                            hung; else they are killed and the verb
#                            fails); rcs= (each one's last dd status)
#                            eio= (how many saw an I/O error) ms=
#   param MOD NAME VALUE     write a module parameter
#                            (/sys/module/MOD/parameters/NAME); value= (as
#                            read back)
#   klog N                   the last N kernel log lines, as XPV-INFO
#   dmesg                    no WARNING, BUG, Oops or "ring disabled" in the
#                            kernel log
#   done                     end the script (XPV-GUEST-PASS follows)

BLK_LOADS=

drop_caches() {
	blockdev --flushbufs "/dev/$1" 2>/dev/null
	echo 3 > /proc/sys/vm/drop_caches
}

need_dev() {
	[ -b "/dev/$1" ] || fail "/dev/$1 is not a block device"
}

sysq() { cat "/sys/block/$1/queue/$2" 2>/dev/null || echo "?"; }

# The sha256 of a stream of MIB MiB of fresh random data that tee writes
# through dd (DD_ARGS) to a device; sets SHA, MS.
stream_to() {
	local mib=$1 rc spid
	shift
	rm -f /tmp/blk.fifo /tmp/blk.sum
	mkfifo /tmp/blk.fifo || fail "mkfifo failed"
	sha256sum < /tmp/blk.fifo > /tmp/blk.sum &
	spid=$!
	T0=$(now_ms)
	head -c $((mib << 20)) /dev/urandom | tee /tmp/blk.fifo |
		dd bs=1M iflag=fullblock conv=fsync,notrunc "$@" 2> /tmp/blk.err
	rc=$?
	wait $spid
	MS=$(( $(now_ms) - T0 ))
	[ $rc = 0 ] || fail "dd $* failed: $(grep -v records /tmp/blk.err | head -n 2 | tr '\n' ' ')"
	SHA=$(cut -d' ' -f1 < /tmp/blk.sum)
	[ -n "$SHA" ] || fail "no checksum of the written stream"
}

cmd_info() {
	local dev=$1 wait=${2:-60} q
	wait_for "/dev/$dev" "$wait" || fail "no /dev/$dev after $wait s"
	need_dev "$dev"
	wait_for "/sys/block/$dev/queue" 10 || fail "no /sys/block/$dev/queue"
	q=$(ls -d /sys/block/$dev/mq/* 2>/dev/null | wc -l)
	say "$(dmesg | grep -F "$dev: " | tail -n 1)"
	cmd_ok "size=$(blockdev --getsize64 "/dev/$dev") lbs=$(sysq "$dev" logical_block_size)" \
		"pbs=$(sysq "$dev" physical_block_size) ro=$(cat "/sys/block/$dev/ro")" \
		"removable=$(cat "/sys/block/$dev/removable") queues=$q" \
		"wc=$(sysq "$dev" write_cache | tr ' ' _) fua=$(sysq "$dev" fua)" \
		"dgran=$(sysq "$dev" discard_granularity) dmax=$(sysq "$dev" discard_max_bytes)"
}

cmd_wr_seq() {
	need_dev "$1"
	stream_to "$2" of="/dev/$1"
	cmd_ok "sha=$SHA mib=$2 ms=$MS"
}

cmd_wr_at() {
	need_dev "$1"
	stream_to "$3" of="/dev/$1" seek="$2"
	cmd_ok "sha=$SHA off=$2 mib=$3 ms=$MS"
}

blk_rd_at() {
	local dev=$1 off=$2 mib=$3 t0 sum
	need_dev "$dev"
	drop_caches "$dev"
	t0=$(now_ms)
	sum=$(dd if="/dev/$dev" bs=1M skip="$off" count="$mib" 2>/tmp/blk.err | sha256sum | cut -d' ' -f1)
	MS=$(( $(now_ms) - t0 ))
	grep -q "^$mib+0 records in" /tmp/blk.err ||
		fail "reading $mib MiB at $off MiB of /dev/$dev: $(head -n 2 /tmp/blk.err | tr '\n' ' ')"
	SHA=$sum
}

cmd_copy() {
	local dev=$1 src=$2 mib=$3 off=${4:-0} t0
	need_dev "$dev"
	need_dev "$src"
	t0=$(now_ms)
	dd if="/dev/$src" of="/dev/$dev" bs=1M count="$mib" seek="$off" conv=fsync,notrunc 2>/tmp/blk.err ||
		fail "copying $mib MiB from /dev/$src to /dev/$dev failed: $(grep -v records /tmp/blk.err | head -n 2 | tr '\n' ' ')"
	grep -q "^$mib+0 records out" /tmp/blk.err || fail "short copy: $(tr '\n' ' ' < /tmp/blk.err)"
	cmd_ok "mib=$mib off=$off ms=$(( $(now_ms) - t0 ))"
}

cmd_rd_seq() {
	blk_rd_at "$1" 0 "$2"
	cmd_ok "sha=$SHA mib=$2 ms=$MS"
}

cmd_rd_at() {
	blk_rd_at "$@"
	cmd_ok "sha=$SHA off=$2 mib=$3 ms=$MS"
}

# blk_fio ARG...: fio on /dev/$dev, 4 KiB O_DIRECT psync I/O whose blocks it
# verifies (crc32c) after writing them, bounded to 300 s; fails the verb on
# a non-zero exit or an error in fio's terse report; sets MS.
blk_fio() {
	local t0 rc err
	t0=$(now_ms)
	timeout 300 fio --filename="/dev/$dev" --bs=4k --direct=1 --ioengine=psync \
		--verify=crc32c --do_verify=1 --eta=never --output-format=terse \
		--terse-version=3 "$@" > /tmp/blk.fio 2> /tmp/blk.fio.err
	rc=$?
	MS=$(( $(now_ms) - t0 ))
	[ $rc = 0 ] || fail "fio exited $rc: $(tail -n 3 /tmp/blk.fio.err | tr '\n' ' ')"
	err=$(grep '^3;' /tmp/blk.fio | head -n 1 | cut -d';' -f5)
	[ "$err" = 0 ] || fail "fio reports error '$err': $(tail -n 3 /tmp/blk.fio.err | tr '\n' ' ')"
}

cmd_wr_rand() {
	local dev=$1 region=$2 n=$3 ms
	need_dev "$dev"
	command -v fio > /dev/null || fail "no fio in the guest image"
	# Two fio jobs, one pinned to each CPU, each on its half of the
	# region; each writes a block at most once and then verifies what it
	# wrote (crc32c, O_DIRECT reads).
	blk_fio --name=rand --rw=randwrite --size=$((region << 19)) \
		--offset_increment=$((region << 19)) --numjobs=2 --cpus_allowed=0,1 \
		--cpus_allowed_policy=split --number_ios=$((n / 2)) --randrepeat=0 \
		--group_reporting
	ms=$MS
	blk_rd_at "$dev" 0 "$region"
	cmd_ok "sha=$SHA region=$region writes=$(( (n / 2) * 2 )) ms=$ms"
}

# The blk IRQ lines of /proc/interrupts as "name total" pairs.
blk_irqs() {
	awk -v n="$(nproc)" '/xpvblk|blkif/ {
		s = 0
		for (i = 2; i <= n + 1; i++) s += $i
		print $NF, s
	}' /proc/interrupts | sort
}

cmd_rings() {
	local dev=$1 mib=$2 p0 p1 r0 r1 used=0 deltas=
	need_dev "$dev"
	blk_irqs > /tmp/blk.irq0
	taskset -c 0 dd if="/dev/$dev" of=/dev/null bs=64k count=$((mib * 16)) iflag=direct 2>/tmp/blk.r0 &
	p0=$!
	taskset -c 1 dd if="/dev/$dev" of=/dev/null bs=64k count=$((mib * 16)) skip=$((mib * 16)) iflag=direct 2>/tmp/blk.r1 &
	p1=$!
	wait $p0
	r0=$?
	wait $p1
	r1=$?
	[ $r0 = 0 ] && [ $r1 = 0 ] || fail "O_DIRECT readers failed: $(cat /tmp/blk.r0 /tmp/blk.r1 | head -n 2 | tr '\n' ' ')"
	blk_irqs > /tmp/blk.irq1
	while read -r name c1; do
		c0=$(awk -v k="$name" '$1 == k { print $2 }' /tmp/blk.irq0)
		d=$((c1 - ${c0:-0}))
		deltas="$deltas${deltas:+,}$name:$d"
		[ $d -gt 0 ] && used=$((used + 1))
	done < /tmp/blk.irq1
	cmd_ok "irqs=$used deltas=$deltas"
}

cmd_discard() {
	local dev=$1 off=$2 mib=$3 t0
	need_dev "$dev"
	t0=$(now_ms)
	blkdiscard -o $((off << 20)) -l $((mib << 20)) "/dev/$dev" 2>/tmp/blk.err ||
		fail "blkdiscard of $mib MiB at $off MiB failed: $(cat /tmp/blk.err)"
	cmd_ok "off=$off mib=$mib ms=$(( $(now_ms) - t0 ))"
}

cmd_ro() {
	local dev=$1 mib=$2 e1 e2
	need_dev "$dev"
	[ "$(cat "/sys/block/$dev/ro")" = 1 ] || fail "/sys/block/$dev/ro is not 1"
	blk_rd_at "$dev" 0 "$mib"
	if head -c 4096 /dev/urandom | dd of="/dev/$dev" bs=4096 count=1 conv=fsync,notrunc 2>/tmp/blk.err; then
		fail "a buffered write to read-only /dev/$dev succeeded"
	fi
	e1=$(grep -v records /tmp/blk.err | head -n 1)
	head -c 4096 /dev/urandom > /tmp/blk.one
	if dd if=/tmp/blk.one of="/dev/$dev" bs=4096 count=1 oflag=direct conv=notrunc 2>/tmp/blk.err; then
		fail "an O_DIRECT write to read-only /dev/$dev succeeded"
	fi
	e2=$(grep -v records /tmp/blk.err | head -n 1)
	say "read-only $dev: buffered write: $e1; O_DIRECT write: $e2"
	cmd_ok "sha=$SHA err=$(echo "$e1" | sed 's/.*: //' | tr ' ' _)"
}

cmd_lbs() {
	local dev=$1
	need_dev "$dev"
	[ "$(sysq "$dev" logical_block_size)" = 4096 ] || fail "logical block size of $dev is $(sysq "$dev" logical_block_size), not 4096"
	# Block 1 by O_DIRECT, then 512 bytes inside it through the page cache
	# (a read-modify-write of the 4 KiB sector); the sector must read
	# back as the merge of both.
	head -c 4096 /dev/urandom > /tmp/blk.a
	head -c 512 /dev/urandom > /tmp/blk.b
	cp /tmp/blk.a /tmp/blk.want
	dd if=/tmp/blk.b of=/tmp/blk.want bs=512 seek=1 count=1 conv=notrunc 2>/dev/null
	dd if=/tmp/blk.a of="/dev/$dev" bs=4096 seek=1 count=1 oflag=direct conv=notrunc 2>/tmp/blk.err ||
		fail "a 4 KiB O_DIRECT write failed: $(head -n 1 /tmp/blk.err)"
	dd if=/tmp/blk.b of="/dev/$dev" bs=512 seek=9 count=1 conv=notrunc,fsync 2>/tmp/blk.err ||
		fail "a 512-byte write inside a 4 KiB sector failed: $(head -n 1 /tmp/blk.err)"
	drop_caches "$dev"
	[ "$(dd if="/dev/$dev" bs=4096 skip=1 count=1 iflag=direct 2>/dev/null | sha256sum)" = "$(sha256sum < /tmp/blk.want)" ] ||
		fail "the 4 KiB sector does not read back as the merge of both writes"
	cmd_ok "sha=$(sha256sum < /tmp/blk.want | cut -d' ' -f1)"
}

cmd_size() {
	local dev=$1 want=$2 wait=$3 t0
	need_dev "$dev"
	t0=$(now_ms)
	while [ "$(blockdev --getsize64 "/dev/$dev")" != "$want" ]; do
		[ $(( $(now_ms) - t0 )) -lt $((wait * 1000)) ] ||
			fail "/dev/$dev has $(blockdev --getsize64 "/dev/$dev") bytes after $wait s, want $want"
		# Linux's blkback looks at the size when its thread wakes.
		dd if="/dev/$dev" of=/dev/null bs=4096 count=1 iflag=direct 2>/dev/null
		sleep 0.1
	done
	cmd_ok "ms=$(( $(now_ms) - t0 ))"
}

cmd_gone() {
	local dev=$1 wait=$2 t0
	t0=$(now_ms)
	while [ -e "/dev/$dev" ] || [ -e "/sys/block/$dev" ]; do
		[ $(( $(now_ms) - t0 )) -lt $((wait * 1000)) ] ||
			fail "/dev/$dev still there after $wait s"
		sleep 0.2
	done
	cmd_ok "ms=$(( $(now_ms) - t0 ))"
}

# load_loop NAME CPU DEV DD_ARGS...: repeat one dd on /dev/DEV until it
# fails; its status and messages go to /tmp/blk.load.NAME.{rc,err}.
# busybox dd has no conv=nocreat: a writer started just after the disk went
# away creates a regular file /dev/DEV in devtmpfs and succeeds.  That
# counts as a failure (ENODEV, 19) and the file is removed.
load_loop() {
	local name=$1 cpu=$2 dev=$3
	shift 3
	rm -f "/tmp/blk.load.$name.rc"
	: > "/tmp/blk.load.$name.err"
	(
		rc=0
		while [ $rc = 0 ]; do
			taskset -c "$cpu" dd "$@" 2>> "/tmp/blk.load.$name.err"
			rc=$?
			if [ ! -b "/dev/$dev" ]; then
				[ -f "/dev/$dev" ] && rm -f "/dev/$dev"
				echo "load: /dev/$dev is no longer a block device" >> "/tmp/blk.load.$name.err"
				[ $rc = 0 ] && rc=19
			fi
		done
		echo $rc > "/tmp/blk.load.$name.rc"
	) &
	BLK_LOADS="$BLK_LOADS $name:$!"
}

cmd_load() {
	local dev=$1 mib=$2
	need_dev "$dev"
	BLK_LOADS=
	load_loop dwrite 0 "$dev" if=/dev/zero of="/dev/$dev" bs=64k count=$((mib * 16)) oflag=direct conv=notrunc
	load_loop bwrite 1 "$dev" if=/dev/zero of="/dev/$dev" bs=1M count="$mib" seek="$mib" conv=fsync,notrunc
	load_loop dread 1 "$dev" if="/dev/$dev" of=/dev/null bs=64k count=$((mib * 16)) iflag=direct
	sleep 1
	cmd_ok "pids=$(echo $BLK_LOADS | tr ' ' ,)"
}

cmd_load_wait() {
	local wait=$1 t0 l name alive rcs= eio=0
	t0=$(now_ms)
	while :; do
		alive=
		for l in $BLK_LOADS; do
			kill -0 "${l#*:}" 2>/dev/null && alive="$alive ${l%:*}"
		done
		[ -z "$alive" ] && break
		if [ $(( $(now_ms) - t0 )) -ge $((wait * 1000)) ]; then
			say "$(ps -o pid,stat,args 2>/dev/null | grep -E ' dd ' | grep -v grep | head -n 3 | tr '\n' ';')"
			for l in $BLK_LOADS; do
				kill "${l#*:}" 2>/dev/null
			done
			fail "load still running after $wait s:$alive"
		fi
		sleep 0.2
	done
	for l in $BLK_LOADS; do
		name=${l%:*}
		rcs="$rcs${rcs:+,}$name:$(cat "/tmp/blk.load.$name.rc" 2>/dev/null || echo '?')"
		grep -q -i -E 'I/O error|Input/output error' "/tmp/blk.load.$name.err" && eio=$((eio + 1))
		say "load $name ended: $(grep -v records "/tmp/blk.load.$name.err" | tail -n 1)"
	done
	BLK_LOADS=
	cmd_ok "rcs=$rcs eio=$eio ms=$(( $(now_ms) - t0 ))"
}

cmd_fua() {
	local dev=$1 off=$2 mib=$3 ms
	need_dev "$dev"
	command -v fio > /dev/null || fail "no fio in the guest image"
	blk_fio --name=fua --rw=write --offset=$((off << 20)) --size=$((mib << 20)) \
		--sync=1
	ms=$MS
	blk_rd_at "$dev" "$off" "$mib"
	cmd_ok "sha=$SHA writes=$((mib * 256)) ms=$ms"
}

cmd_param() {
	local f=/sys/module/$1/parameters/$2
	[ -w "$f" ] || fail "no writable module parameter $f"
	echo "$3" > "$f" || fail "cannot write $3 to $f"
	cmd_ok "value=$(cat "$f")"
}

cmd_klog() {
	dmesg | tail -n "${1:-30}" | while IFS= read -r l; do say "klog: $l"; done
	cmd_ok "lines=${1:-30}"
}

# dmesg: cmd_dmesg (guest/lib.sh), also failing on this driver's complaint.
CMD_DMESG_BAD='ring disabled'

cmd_sum() { cmd_rd_at "$@"; }

cmd_serve
