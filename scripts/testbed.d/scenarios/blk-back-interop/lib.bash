# SPDX-License-Identifier: GPL-2.0-only
# The dom0 side of blk-back-interop and blk-xpv: xpv-blkback (our back end,
# build/modules/xpv-blkback.ko) replaces the stock xen-blkback in the stock
# dom0 and serves PVH guests whose kernel is BB_KERNEL (stock: its own
# xen-blkfront; xpv: our kernel's xpv-blkfront). Every data check compares
# sha256 sums of what the guest wrote with what it reads back and with the
# backing files here.
#
# Two guests, one after the other: a 2-vCPU one (rings.sh) whose two
# rings must both carry requests, then a 1-vCPU one (guest.sh) for the
# bulk of the data checks. Under QEMU's emulated SVM, 2-vCPU guests (stock
# kernel and ours alike, with the stock back end too) now and then die of a
# triple fault during sustained I/O (docs/blkif.md); one vCPU keeps the
# long part of the scenario out of that emulator fault.
#
# The caller sets BB_KERNEL and sources this file.
set -u
G=bb2
IMG=/var/lib/xen/images
MiB=1048576
VD_A=51712	# xvda
VD_B=51728	# xvdb
VD_C=51744	# xvdc

# Our back end's sysfs directory for one of G's disks.
bb_sys() { echo "/sys/bus/xen-backend/devices/vbd-$(tb_domid $G)-$1"; }
bb_stat() { cat "$(bb_sys "$1")/statistics/$2"; }

# bb_wait_gone PATH SECONDS
bb_wait_gone() {
	local i=0
	while [ -e "$1" ]; do
		i=$((i + 1))
		[ $i -lt $(($2 * 10)) ] || tb_fail "$1 still exists after $2 s"
		sleep 0.1
	done
}

# bb_served VD: the disk exists, is bound to xpv-blkback and is connected.
bb_served() {
	local sys drv i=0
	sys=$(bb_sys "$1")
	while [ "$(xenstore-read "/local/domain/0/backend/vbd/$(tb_domid $G)/$1/state" 2>/dev/null)" != 4 ]; do
		i=$((i + 1))
		[ $i -lt 300 ] || tb_fail "back end of vdev $1 not Connected after 30 s"
		sleep 0.1
	done
	drv=$(readlink "$sys/driver" 2>/dev/null)
	[ "${drv##*/}" = xpv-blkback ] || tb_fail "vdev $1 is served by '${drv##*/}', not xpv-blkback"
	[ -r "$sys/statistics/all_req" ] || tb_fail "no statistics for vdev $1 in $sys"
}

bb_sha() { sha256sum | cut -d' ' -f1; }

# One line with every counter of a disk, for the log.
bb_stats_log() {
	local d f line=
	d=$(bb_sys "$1")/statistics
	for f in "$d"/*; do
		line="$line ${f##*/}=$(cat "$f" | tr ' ' ,)"
	done
	tb_log "stats vdev $1:$line"
}

# With the xpv-dkms package staged (make check), the stock-guest run
# switches back ends as docs/install.md tells an administrator: the
# package's files installed, `xpv-backends xpv`, refused while a guest's
# disk exists, `xpv-backends stock` at the end.
BB_PKG=0
[ "$BB_KERNEL" = stock ] && tb_pkg_staged && BB_PKG=1

tb_step load-backend
tb_kmsg_mark load-backend
if [ $BB_PKG = 1 ]; then
	tb_pkg_install
	out=$(tb_xpv_backends status) || tb_fail "xpv-backends status failed: $out"
	echo "$out" | grep -q '^selected at boot: stock$' || tb_fail "xpv-backends status before the switch: $out"
	out=$(tb_xpv_backends xpv 2>&1) || tb_fail "xpv-backends xpv failed: $out"
	tb_log "xpv-backends xpv: $(echo "$out" | tr '\n' ' ')"
	lsmod | grep -q '^xen_blkback ' && tb_fail "xen_blkback still loaded after xpv-backends xpv"
	[ -f /etc/modprobe.d/xpv-backends.conf ] || tb_fail "xpv-backends xpv wrote no /etc/modprobe.d/xpv-backends.conf"
	# The modprobe set: a request for the stock back end loads ours.
	/tmp/kmod/modprobe -r xpv-blkback || tb_fail "modprobe -r xpv-blkback failed"
	/tmp/kmod/modprobe xen-blkback || tb_fail "modprobe xen-blkback (redirected to xpv-blkback) failed"
	lsmod | grep -q '^xen_blkback ' && tb_fail "modprobe xen-blkback loaded the stock back end despite xpv-backends.conf"
	tb_pkg_log_loaded xpv_compat xpv-blkback
else
	if lsmod | grep -q '^xen_blkback '; then
		rmmod xen_blkback || tb_fail "cannot unload the stock xen_blkback"
	fi
	tb_load_xpv_modules xpv_compat xpv-blkback
fi
lsmod | grep -q '^xpv_blkback ' || tb_fail "xpv_blkback is not loaded"

# The disk images on a tmpfs of their own: the 256 MiB pattern (see
# seq-write) and the 256 MiB disk it is copied to do not fit in the root
# file system, which may use half of dom0's 1 GiB.
mount -t tmpfs -o size=640m xpvbb "$IMG" || tb_fail "cannot mount a tmpfs on $IMG"

tb_step rings-create
G=bb2
# The 2-vCPU guest gets WRITE_BARRIER as its only flush (rings.sh).
echo N > /sys/module/xpv_blkback/parameters/feature_flush_cache ||
	tb_fail "cannot set xpv_blkback's feature_flush_cache"
# Our front end speaks the x86_32 layout here, as a 32-bit guest would,
# on the largest rings (ring-page-order 4, 16 pages); the stock 64-bit
# kernel speaks x86_64 on one-page rings.
abi=x86_64-abi order=0 extra=
if [ "$BB_KERNEL" = xpv ]; then
	abi=x86_32-abi order=4
	extra="xpv_blkfront.abi_x86_32=1 xpv_blkfront.max_ring_order=4"
fi
tb_guest_create $G --kernel "$BB_KERNEL" --vcpus 2 --memory 256 --disk 64 \
	--script blk-back-interop/rings.sh --extra "$extra"
tb_step rings-boot
tb_wait_console $G 'XPV-GUEST-INIT' 180
tb_step rings-disk
tb_wait_console $G 'XPV-OK disk-appear ' 120
[ "$(tb_field cpus)" = 2 ] || tb_fail "the guest has $(tb_field cpus) vCPUs"
bb_served $VD_A
sys=$(bb_sys $VD_A)
rings=$(cat "$sys/xpv/nr_rings")
[ "$rings" = 2 ] || tb_fail "the 2-vCPU guest's front end negotiated $rings ring(s)"
[ "$(cat "$sys/xpv/protocol")" = $abi ] || tb_fail "the back end speaks $(cat "$sys/xpv/protocol") with the front end, want $abi"
line=$(dmesg | grep "xpv-blkback vbd-$(tb_domid $G)-$VD_A: .*queue(s), ring order" | tail -n 1)
[[ $line == *"ring order $order,"* ]] || tb_fail "want ring order $order: $line"
tb_log "protocol: $abi, ring order $order"
tb_metric rings "$rings" count
tb_step rings
tb_wait_console $G 'XPV-OK rings ' 300
s0=$(tb_field sha0)
s1=$(tb_field sha1)
rr=$(bb_stat $VD_A ring_req)
tb_log "requests per ring: $rr"
bb_stats_log $VD_A
set -- $rr
[ $# = 2 ] && [ "$1" -gt 0 ] && [ "$2" -gt 0 ] || tb_fail "not both rings carried requests (per ring: $rr)"
tb_metric ring0_requests "$1" count
tb_metric ring1_requests "$2" count
[ "$(head -c $((4 * MiB)) "$IMG/$G-xvda.img" | bb_sha)" = "$s0" ] ||
	tb_fail "the backing file does not hold what cpu 0 wrote"
[ "$(dd if="$IMG/$G-xvda.img" bs=1M skip=8 count=4 2>/dev/null | bb_sha)" = "$s1" ] ||
	tb_fail "the backing file does not hold what cpu 1 wrote"
tb_step barrier
bk=/local/domain/0/backend/vbd/$(tb_domid $G)/$VD_A
[ "$(xenstore-read "$bk/feature-flush-cache")" = 0 ] && [ "$(xenstore-read "$bk/feature-barrier")" = 1 ] ||
	tb_fail "the back end offers feature-flush-cache=$(xenstore-read "$bk/feature-flush-cache") feature-barrier=$(xenstore-read "$bk/feature-barrier"), want 0 and 1"
tb_wait_console $G 'XPV-OK barrier ' 300
bsha=$(tb_field sha)
bn=$(tb_field writes)
b1=$(bb_stat $VD_A b_req)
fq=$(bb_stat $VD_A f_req)
# Nothing before the barrier step flushes (the rings step writes O_DIRECT
# without O_SYNC): every barrier counted comes from it.
tb_log "barriers: $b1 for $bn FUA writes and an fsync; flushes: $fq"
bb_stats_log $VD_A
[ "$b1" -gt "$bn" ] || tb_fail "$bn FUA writes and an fsync made $b1 barrier(s), want more than $bn"
[ "$fq" = 0 ] || tb_fail "$fq FLUSH_DISKCACHE request(s) reached a back end that did not offer it"
tb_metric barriers "$b1" count
[ "$(dd if="$IMG/$G-xvda.img" bs=1M skip=16 count=2 2>/dev/null | bb_sha)" = "$bsha" ] ||
	tb_fail "the backing file does not hold the 2 MiB written with barriers"
tb_step rings-destroy
sys2=$sys
xl destroy $G || tb_fail "xl destroy $G failed"
tb_wait_gone $G 60
bb_wait_gone "$sys2" 30
rm -f "$IMG/$G-xvda.img"
echo Y > /sys/module/xpv_blkback/parameters/feature_flush_cache

tb_step create
G=bb
tb_guest_create $G --kernel "$BB_KERNEL" --vcpus 1 --memory 256 --disk 256 \
	--script blk-back-interop/guest.sh
tb_step guest-boot
tb_wait_console $G 'XPV-GUEST-INIT' 180

tb_step disk-appear
tb_wait_console $G 'XPV-OK disk-appear ' 120
[ "$(tb_field size)" = $((256 * MiB)) ] || tb_fail "guest sees $(tb_field size) bytes, the disk has $((256 * MiB))"
[ "$(tb_field ro)" = 0 ] || tb_fail "xvda is read-only in the guest"
bb_served $VD_A
sys=$(bb_sys $VD_A)
tb_metric persistent_grants "$(cat "$sys/xpv/persistent")" bool
if [ $BB_PKG = 1 ]; then
	tb_step switch-refused
	if out=$(tb_xpv_backends stock 2>&1); then
		tb_fail "xpv-backends stock switched while $G's disk is served: $out"
	fi
	echo "$out" | grep -q "vbd-$(tb_domid $G)-$VD_A" || tb_fail "the refusal does not name vbd-$(tb_domid $G)-$VD_A: $out"
	lsmod | grep -q '^xpv_blkback ' || tb_fail "xpv_blkback unloaded by a refused switch"
	[ -f /etc/modprobe.d/xpv-backends.conf ] || tb_fail "a refused switch removed xpv-backends.conf"
	tb_log "xpv-backends stock refused while the guest runs: $(echo "$out" | tr '\n' ' ')"
fi
tb_log "xvda: $(dmesg | grep -E 'xpv-blkback' | tail -n 2 | tr '\n' ' ')"

tb_step seq-write
# The 256 MiB pattern is made here (dom0 is PV: its urandom is fast, a PVH
# guest's is far below 1 MiB/s under TCG) and attached read-only as xvdp;
# the guest copies it to xvda and reads xvda back. The pattern file, xvda's
# backing file and the guest's read-back must have the same sha256.
dd if=/dev/urandom of="$IMG/$G-pattern.img" bs=1M count=256 iflag=fullblock 2>/dev/null ||
	tb_fail "cannot make the 256 MiB pattern file"
psum=$(bb_sha < "$IMG/$G-pattern.img")
tb_xs_write $G pattern-sha "$psum"
timeout 120 xl block-attach $G "format=raw, vdev=xvdp, access=ro, target=$IMG/$G-pattern.img" > "$TB/attach-pat.log" 2>&1 ||
	tb_fail "xl block-attach of the pattern disk failed: $(tail -n 2 "$TB/attach-pat.log")"
tb_wait_console $G 'XPV-OK seq-write ' 600
tb_metric seq_write_MiBps "$(tb_calc "256 * 1000 / $(tb_field ms)")" MiB/s
bb_stats_log $VD_A
tb_step seq-read
tb_wait_console $G 'XPV-OK seq-read ' 600
[ "$(tb_field sha)" = "$psum" ] || tb_fail "the guest read back sha256 $(tb_field sha), the pattern it copied has $psum"
tb_metric seq_read_MiBps "$(tb_calc "256 * 1000 / $(tb_field ms)")" MiB/s
tb_step backing-seq
bsum=$(bb_sha < "$IMG/$G-xvda.img")
[ "$bsum" = "$psum" ] || tb_fail "backing file holds sha256 $bsum, the guest copied the pattern with $psum"
ws=$(bb_stat $VD_A wr_sect)
[ "$ws" -ge $((256 * MiB / 512)) ] || tb_fail "back end counted $ws sectors written, the guest wrote $((256 * MiB / 512))"
timeout 120 xl block-detach $G xvdp > "$TB/detach-pat.log" 2>&1 ||
	tb_fail "xl block-detach of the pattern disk failed: $(tail -n 2 "$TB/detach-pat.log")"
rm -f "$IMG/$G-pattern.img"

tb_step random-write
# 256 distinct 4 KiB blocks; the guest waits for the list, so the
# backing file was checked above before they change it.
offsets=$(awk 'BEGIN { srand(4242); n = 0
	while (n < 256) { o = int(rand() * 65536); if (!(o in s)) { s[o] = 1; printf "%s%d", (n ? " " : ""), o; n++ } } }')
tb_xs_write $G rand-offsets "$offsets"
tb_wait_console $G 'XPV-OK random-write ' 600
rsum=$(tb_field sha)
bsum=$(for o in $offsets; do dd if="$IMG/$G-xvda.img" bs=4096 skip=$o count=1 2>/dev/null; done | bb_sha)
[ "$bsum" = "$rsum" ] || tb_fail "the 256 random blocks in the backing file have sha256 $bsum, the guest wrote $rsum"

bb_stats_log $VD_A
tb_step discard
before=$(stat -c %b "$IMG/$G-xvda.img")
ds0=$(bb_stat $VD_A ds_req)
tb_xs_write $G go-discard 1
tb_wait_console $G 'XPV-OK discard ' 300
after=$(stat -c %b "$IMG/$G-xvda.img")
freed=$(( (before - after) * 512 ))
tb_log "discard: backing file blocks $before -> $after ($freed bytes freed), ds_req $ds0 -> $(bb_stat $VD_A ds_req)"
[ "$(bb_stat $VD_A ds_req)" -gt "$ds0" ] || tb_fail "no discard request reached the back end"
[ "$freed" -ge $((60 * MiB)) ] || tb_fail "blkdiscard of 64 MiB freed only $freed bytes of the backing file"
nz=$(dd if="$IMG/$G-xvda.img" bs=1M skip=64 count=64 2>/dev/null | tr -d '\000' | wc -c)
[ "$nz" = 0 ] || tb_fail "the discarded range still holds $nz non-zero bytes"
tb_metric discard_freed_MiB $((freed / MiB)) MiB

tb_step readonly
dd if=/dev/urandom of="$IMG/$G-ro.img" bs=1M count=8 2>/dev/null
rosum=$(bb_sha < "$IMG/$G-ro.img")
tb_xs_write $G ro-sha "$rosum"
timeout 120 xl block-attach $G "format=raw, vdev=xvdb, access=ro, target=$IMG/$G-ro.img" > "$TB/attach-ro.log" 2>&1 ||
	tb_fail "xl block-attach of the read-only disk failed: $(tail -n 2 "$TB/attach-ro.log")"
bb_served $VD_B
[ "$(cat "$(bb_sys $VD_B)/xpv/mode")" = r ] || tb_fail "back end did not open xvdb read-only"
tb_wait_console $G 'XPV-OK readonly ' 120
tb_log "read-only write refused in the guest: $(tb_field error)"
[ "$(bb_stat $VD_B wr_req)" = 0 ] || tb_fail "a write reached the back end of the read-only disk and was served"
[ "$(bb_sha < "$IMG/$G-ro.img")" = "$rosum" ] || tb_fail "the read-only disk's backing file changed"

tb_step unplug-idle
sysb=$(bb_sys $VD_B)
timeout 120 xl block-detach $G xvdb > "$TB/detach-ro.log" 2>&1 ||
	tb_fail "xl block-detach xvdb failed: $(tail -n 2 "$TB/detach-ro.log")"
tb_wait_console $G 'XPV-OK unplug-idle ' 120
bb_wait_gone "$sysb" 30

tb_step plug-load
truncate -s 64M "$IMG/$G-hp.img"
timeout 120 xl block-attach $G "format=raw, vdev=xvdc, access=rw, target=$IMG/$G-hp.img" > "$TB/attach-hp.log" 2>&1 ||
	tb_fail "xl block-attach of xvdc failed: $(tail -n 2 "$TB/attach-hp.log")"
bb_served $VD_C
tb_wait_console $G 'XPV-OK plug-load ' 120
hsum=$(tb_field sha)
sysc=$(bb_sys $VD_C)
n0=$(cat "$sysc/statistics/all_req")
sleep 3
n1=$(cat "$sysc/statistics/all_req")
tb_log "xvdc under load: $n0 -> $n1 requests in 3 s"
[ "$n1" -gt "$n0" ] || tb_fail "no load on xvdc before the detach ($n0 -> $n1 requests)"

tb_step unplug-load
t0=$(tb_now)
timeout 120 xl block-detach $G xvdc > "$TB/detach-hp.log" 2>&1 ||
	tb_fail "xl block-detach of xvdc under load failed: $(tail -n 2 "$TB/detach-hp.log")"
tb_metric detach_under_load_s "$(tb_calc "$(tb_now) - $t0")" s
tb_wait_console $G 'XPV-OK unplug-load ' 120
bb_wait_gone "$sysc" 30
[ "$(head -c $((8 * MiB)) "$IMG/$G-hp.img" | bb_sha)" = "$hsum" ] ||
	tb_fail "xvdc's backing file does not hold the 8 MiB written before the load"

tb_step replug
timeout 120 xl block-attach $G "format=raw, vdev=xvdc, access=rw, target=$IMG/$G-hp.img" > "$TB/attach-hp2.log" 2>&1 ||
	tb_fail "xl block-attach of xvdc again failed: $(tail -n 2 "$TB/attach-hp2.log")"
bb_served $VD_C
tb_wait_console $G 'XPV-OK replug ' 120

tb_step resize
# Grow the file and its loop device under the connected disk: the back end
# notices within a second and announces "sectors" and Connected again.
loop=$(losetup -j "$IMG/$G-hp.img" | head -n 1 | cut -d: -f1)
[ -b "$loop" ] || tb_fail "no loop device for $IMG/$G-hp.img"
truncate -s 80M "$IMG/$G-hp.img" && losetup -c "$loop" || tb_fail "cannot grow $loop to 80 MiB"
tb_xs_write $G resize-bytes $((80 * MiB))
tb_wait_console $G 'XPV-OK resize ' 120
tb_log "resize: $TB_LINE"
[ "$(xenstore-read "/local/domain/0/backend/vbd/$(tb_domid $G)/$VD_C/sectors")" = $((80 * 2048)) ] ||
	tb_fail "the back end's sectors key is not $((80 * 2048))"
[ "$(dd if="$IMG/$G-hp.img" bs=1M skip=79 2>/dev/null | bb_sha)" = "$(tb_field sha)" ] ||
	tb_fail "the grown file's last MiB does not hold what the guest wrote there"

tb_step flush
bb_stats_log $VD_A
f0=$(bb_stat $VD_A f_req)
tb_xs_write $G go-flush 1
tb_wait_console $G 'XPV-OK flush ' 300
fsum=$(tb_field sha)
f1=$(bb_stat $VD_A f_req)
xl destroy $G || tb_fail "xl destroy failed"
tb_log "flush requests: $f0 -> $f1"
[ "$f1" -gt "$f0" ] || tb_fail "the guest's fsync sent no flush to the back end ($f0 -> $f1)"
tb_wait_gone $G 60
tb_step backing-flush
bsum=$(dd if="$IMG/$G-xvda.img" bs=1M skip=200 count=4 2>/dev/null | bb_sha)
[ "$bsum" = "$fsum" ] || tb_fail "after xl destroy the backing file holds sha256 $bsum where the guest flushed $fsum"

tb_step teardown
i=0
while ls /sys/bus/xen-backend/devices/ 2>/dev/null | grep -q '^vbd-'; do
	i=$((i + 1))
	[ $i -lt 300 ] || tb_fail "back-end devices left 30 s after the destroy: $(ls /sys/bus/xen-backend/devices | tr '\n' ' ')"
	sleep 0.1
done
i=0
while [ "$(xl list | wc -l)" != 2 ]; do
	i=$((i + 1))
	[ $i -lt 300 ] || tb_fail "a domain is left (zombie?) 30 s after the destroy: $(xl list | tail -n +3 | tr -s ' ' | tr '\n' ';')"
	sleep 0.1
done
if [ $BB_PKG = 1 ]; then
	out=$(tb_xpv_backends stock 2>&1) || tb_fail "xpv-backends stock failed: $out"
	tb_log "xpv-backends stock: $(echo "$out" | tr '\n' ' ')"
	lsmod | grep -qE '^xpv_(blkback|compat) ' && tb_fail "xpv modules left after xpv-backends stock: $(lsmod | grep '^xpv' | tr '\n' ' ')"
	lsmod | grep -q '^xen_blkback ' || tb_fail "xen_blkback not loaded after xpv-backends stock"
	[ -f /etc/modprobe.d/xpv-backends.conf ] && tb_fail "xpv-backends stock left /etc/modprobe.d/xpv-backends.conf"
	out=$(tb_xpv_backends status)
	echo "$out" | grep -q '^selected at boot: stock$' || tb_fail "xpv-backends status after switching back: $out"
else
	rmmod xpv_blkback || tb_fail "rmmod xpv_blkback failed (still in use?)"
fi
w=$(tb_kmsg_since load-backend | grep -E 'WARNING|BUG|Oops|leak' | head -n 3 | tr '\n' ' ')
[ -z "$w" ] || tb_fail "kernel complaints in dom0: $w"
tb_pass
