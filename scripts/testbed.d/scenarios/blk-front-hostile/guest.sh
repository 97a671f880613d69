# SPDX-License-Identifier: GPL-2.0-only
# blk-front-hostile, guest side: verified I/O on xvda (the stock back end)
# for the whole run, "XPV-BEAT n" after each good round, and the generic
# command server for dom0 (tb_cmd) with the verbs below.
step disk
wait_for /dev/xvda 60 || fail "no /dev/xvda"

witness() {
	local n=0
	while :; do
		yes "healthy $n" | head -c 65536 > /tmp/w
		dd if=/tmp/w of=/dev/xvda bs=64k seek=$((n % 64)) count=1 oflag=direct conv=fsync,notrunc 2>/tmp/w.err ||
			{ echo "XPV-FAIL witness: write $n failed: $(head -n 1 /tmp/w.err)"; exit 1; }
		dd if=/dev/xvda of=/tmp/wr bs=64k skip=$((n % 64)) count=1 iflag=direct 2>/tmp/w.err ||
			{ echo "XPV-FAIL witness: read $n failed: $(head -n 1 /tmp/w.err)"; exit 1; }
		cmp -s /tmp/w /tmp/wr || { echo "XPV-FAIL witness: block $n read back differs"; exit 1; }
		echo "XPV-BEAT $n"
		n=$((n + 1))
		sleep 0.2
	done
}
witness &

# irqs NAME: interrupts of the IRQ named NAME, all CPUs (0 when none).
irqs() {
	awk -v n="$1" '$NF == n { for (i = 2; i < NF; i++) if ($i ~ /^[0-9]+$/) s += $i }
		END { print s + 0 }' /proc/interrupts
}

# zcheck FILE RC: "ok" when a successful read returned the trigger
# window's content (4096 bytes of 'Z'), "bad" when not, "-" when it failed.
zcheck() {
	[ "$2" = 0 ] || { echo -; return; }
	[ "$(wc -c < "$1")" = 4096 ] && [ "$(tr -d Z < "$1" | wc -c)" = 0 ] && echo ok || echo bad
}

# rw DEV BLOCK: 64 KiB written at 4 KiB block BLOCK and read back equal.
rw() {
	yes "$1 at $2 $(now_ms)" | head -c 65536 > /tmp/hw
	dd if=/tmp/hw of="/dev/$1" bs=4k seek="$2" count=16 oflag=direct conv=notrunc 2>/tmp/h.err ||
		fail "write to $1: $(head -n 1 /tmp/h.err)"
	dd if="/dev/$1" of=/tmp/hr bs=4k skip="$2" count=16 iflag=direct 2>/tmp/h.err ||
		fail "read from $1: $(head -n 1 /tmp/h.err)"
	cmp -s /tmp/hw /tmp/hr || fail "$1 read back differs from what was written"
}

# attack DEV INDEX: honest I/O first, then two concurrent reads of the
# trigger window (4 KiB blocks 768 and 769, where the attack fires).
cmd_attack() {
	local i0 i1 t0 t1 pa pb rca rcb
	wait_for "/dev/$1" 30 || fail "no /dev/$1"
	rw "$1" 16
	i0=$(irqs "xpvblk$2-q0")
	t0=$(now_ms)
	dd if="/dev/$1" of=/tmp/ta bs=4k skip=768 count=1 iflag=direct 2>/dev/null &
	pa=$!
	dd if="/dev/$1" of=/tmp/tb bs=4k skip=769 count=1 iflag=direct 2>/dev/null &
	pb=$!
	wait $pa
	rca=$?
	wait $pb
	rcb=$?
	t1=$(now_ms)
	i1=$(irqs "xpvblk$2-q0")
	cmd_ok "rc_a=$rca rc_b=$rcb data_a=$(zcheck /tmp/ta $rca) data_b=$(zcheck /tmp/tb $rcb) ms=$((t1 - t0)) irqs=$((i1 - i0))"
}

# bgread DEV: the two reads of cmd_attack, left running in the
# background (each writes its exit status to /tmp/bg_X.rc when it ends).
cmd_bgread() {
	wait_for "/dev/$1" 30 || fail "no /dev/$1"
	rm -f /tmp/bg_a.rc /tmp/bg_b.rc /tmp/bg_a /tmp/bg_b
	(dd if="/dev/$1" of=/tmp/bg_a bs=4k skip=768 count=1 iflag=direct 2>/dev/null
		echo $? > /tmp/bg_a.rc) &
	(dd if="/dev/$1" of=/tmp/bg_b bs=4k skip=769 count=1 iflag=direct 2>/dev/null
		echo $? > /tmp/bg_b.rc) &
	cmd_ok "dev=$1"
}

# bgstate [SECONDS]: the background reads: how many still run, the exit
# status of each ("-" while running); waits up to SECONDS for both to end.
cmd_bgstate() {
	local i=0 ra rb
	while [ $i -lt $((${1:-0} * 10)) ] && ! { [ -e /tmp/bg_a.rc ] && [ -e /tmp/bg_b.rc ]; }; do
		sleep 0.1
		i=$((i + 1))
	done
	ra=$(cat /tmp/bg_a.rc 2>/dev/null || echo -)
	rb=$(cat /tmp/bg_b.rc 2>/dev/null || echo -)
	cmd_ok "running=$(( $([ "$ra" = - ] && echo 1 || echo 0) + $([ "$rb" = - ] && echo 1 || echo 0) )) rc_a=$ra rc_b=$rb"
}

# kept ID: the front end's kept_grants line of device vbd-ID.
cmd_kept() {
	local f=/sys/bus/xpv-frontend/devices/vbd-$1/kept_grants
	[ -r "$f" ] || { cmd_ok "missing=$f"; return; }
	cmd_ok "$(cat "$f")"
}

# grants: the grant references in use and the deferred revocations.
cmd_grants() {
	cmd_ok "in_use=$(cat /sys/module/xpv/parameters/grants_in_use) deferred=$(cat /sys/module/xpv/parameters/grants_deferred)"
}

# irqn NAME: the number of IRQs named NAME (/proc/interrupts).
cmd_irqn() {
	cmd_ok "n=$(awk -v n="$1" '$NF == n' /proc/interrupts | wc -l)"
}

# rw DEV: verified 64 KiB on the disk.
cmd_rw() {
	wait_for "/dev/$1" 30 || fail "no /dev/$1"
	rw "$1" 32
	cmd_ok "dev=$1"
}

# io DEV: whether the disk still exists and what a read of it returns.
cmd_io() {
	local rc=nodev e=0
	if [ -e "/dev/$1" ]; then
		e=1
		dd if="/dev/$1" of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null
		rc=$?
	fi
	cmd_ok "exists=$e rc=$rc"
}

# trusted 0|1: the front end's trusted parameter for the next connection.
cmd_trusted() {
	echo "$1" > /sys/module/xpv_blkfront/parameters/trusted || fail "cannot set trusted=$1"
	cmd_ok "trusted=$(cat /sys/module/xpv_blkfront/parameters/trusted)"
}

cmd_serve
