# SPDX-License-Identifier: GPL-2.0-only
# blk-front-interop, dom0 side: our kernel's blkfront against the stock
# dom0's blkback. The guest runs guest.sh (a command server); this script
# drives it with blk-lib.bash and checks every result against the backing
# files here in dom0.
#
# Bulk data comes from a file of random bytes dom0 makes and attaches
# read-only (xvdb): the guest only copies and checksums. Generating it in
# the guest (/dev/urandom) is CPU-heavy, and CPU-heavy guests on this test
# bed die of triple faults now and then, stock kernels too (docs/blkif.md).
. "$TBD/scenarios/blk-front-interop/blk-lib.bash"
G=blk
IMG=/var/lib/xen/images
MIB=256			# sequential write and read-back
DISK=288		# xvda, MiB
FLUSH_AT=272		# MiB offset of the flush-durability write
FUA_AT=264		# MiB offset of the FUA writes
RAND_REGION=32		# MiB the random writes land in
RAND_N=400		# random 4 KiB writes

tb_step images
# Our own tmpfs: it punches holes (loop turns discards into
# fallocate(PUNCH_HOLE)) and its allocation is what stat reports.
mount -t tmpfs -o size=768m xpvblk "$IMG" || tb_fail "cannot mount a tmpfs on $IMG"
pat=$IMG/$G-pattern.img
dd if=/dev/urandom of="$pat" bs=1M count=$MIB iflag=fullblock 2>/dev/null || tb_fail "cannot make the pattern file"
psum=$(blk_sha "$pat" 0 $MIB)
p16=$(blk_sha "$pat" 0 16)
p8=$(blk_sha "$pat" 0 8)
p1=$(blk_sha "$pat" 0 1)
lbs_img=$IMG/$G-4k.img
truncate -s $((64 << 20)) "$lbs_img" || tb_fail "cannot make the 4 KiB-sector disk file"
lbs_loop=$(losetup -b 4096 -f --show "$lbs_img") || tb_fail "losetup -b 4096 failed"
big_img=$IMG/$G-big.img
truncate -s $((3 << 40)) "$big_img" || tb_fail "cannot make a 3 TiB sparse file"
big_last=$(( 3 * 1024 * 1024 - 1 ))	# the last MiB, beyond 2 TiB

tb_step create
# The largest rings (16 pages; stock blkback offers order 4).
tb_guest_create $G --kernel xpv --vcpus 2 --memory 256 --disk $DISK --script blk-front-interop/guest.sh \
	--extra xpv_blkfront.max_ring_order=4
img=$(blk_img $G xvda)
tb_step guest-boot
tb_wait_console $G 'XPV-GUEST-INIT' 180
tb_cmd_ready $G 60

tb_step disk-info
tb_cmd $G 60 info xvda
[ "$(tb_field size)" = $((DISK << 20)) ] || tb_fail "xvda has $(tb_field size) bytes, want $((DISK << 20))"
[ "$(tb_field queues)" = 2 ] || tb_fail "xvda has $(tb_field queues) blk-mq hardware queues with 2 vCPUs, want 2"
[ "$(tb_field lbs)" = 512 ] || tb_fail "xvda logical block size $(tb_field lbs), want 512"
[ "$(tb_field ro)" = 0 ] || tb_fail "xvda is read-only"
blk_mode $G xvda "ring order 4," yes
[ "$(xenstore-read "/local/domain/$(tb_domid $G)/device/vbd/51712/ring-page-order")" = 4 ] ||
	tb_fail "xvda's ring-page-order is not 4"
[ "$(tb_field wc)" = write_back ] && [ "$(tb_field fua)" = 1 ] ||
	tb_fail "xvda: write cache $(tb_field wc), fua $(tb_field fua); blkback offers flushes"

tb_step hot-plug-ro
blk_attach $G "format=raw, vdev=xvdb, access=ro, target=$pat"
tb_cmd $G 90 info xvdb
[ "$(tb_field ro)" = 1 ] || tb_fail "xvdb attached read-only shows ro=$(tb_field ro)"
[ "$(tb_field size)" = $((MIB << 20)) ] || tb_fail "xvdb has $(tb_field size) bytes, want $((MIB << 20))"
tb_step read-only
tb_cmd $G 90 ro xvdb 16
[ "$(tb_field sha)" = "$p16" ] || tb_fail "read-only xvdb reads sha256 $(tb_field sha), its file holds $p16"

tb_step seq-write
tb_cmd $G 300 copy xvda xvdb $MIB
tb_metric seq_write_MiBps "$(tb_calc "$MIB * 1000 / $(tb_field ms)")" MiB/s
tb_step seq-read
tb_cmd $G 300 sum xvda 0 $MIB
[ "$(tb_field sha)" = "$psum" ] || tb_fail "xvda reads back sha256 $(tb_field sha), the $MIB MiB written hold $psum"
tb_metric seq_read_sha_MiBps "$(tb_calc "$MIB * 1000 / $(tb_field ms)")" MiB/s
tb_step seq-backing
bsum=$(blk_sha "$img" 0 $MIB)
[ "$bsum" = "$psum" ] || tb_fail "the backing file's first $MIB MiB hold sha256 $bsum, the guest wrote $psum"

tb_step rings
tb_cmd $G 120 rings xvda 16
[ "$(tb_field irqs)" -ge 2 ] || tb_fail "with 2 vCPUs only $(tb_field irqs) blk ring IRQ(s) saw responses ($(tb_field deltas))"
tb_metric ring_irqs_used "$(tb_field irqs)" rings

tb_step random-writes
tb_cmd $G 300 wr-rand xvda $RAND_REGION $RAND_N
rsum=$(tb_field sha)
tb_metric rand_writes_per_s "$(tb_calc "$RAND_N * 1000 / $(tb_field ms)")" writes/s
bsum=$(blk_sha "$img" 0 $RAND_REGION)
[ "$bsum" = "$rsum" ] || tb_fail "after the random writes the backing file's first $RAND_REGION MiB hold sha256 $bsum, the guest reads $rsum"

tb_step discard
ds0=$(blk_back_stat $G xvda ds_req)
a0=$(blk_alloc "$img")
blk_zero "$img" 64 128 && tb_fail "the range to discard is already zeros"
tb_cmd $G 120 discard xvda 64 128
a1=$(blk_alloc "$img")
ds1=$(blk_back_stat $G xvda ds_req)
tb_log "backing file allocation: $a0 -> $a1 bytes; blkback ds_req $ds0 -> $ds1"
[ $((a0 - a1)) -ge $((120 << 20)) ] || tb_fail "discarding 128 MiB freed only $((a0 - a1)) bytes of the backing file ($a0 -> $a1)"
blk_zero "$img" 64 128 || tb_fail "the discarded range of the backing file does not read as zeros"
tb_metric discard_freed_MiB $(( (a0 - a1) >> 20 )) MiB

tb_step cdrom
blk_attach $G "format=raw, vdev=xvde, access=ro, devtype=cdrom, target=$pat"
tb_cmd $G 90 info xvde
[ "$(tb_field ro)" = 1 ] && [ "$(tb_field removable)" = 1 ] ||
	tb_fail "the CD-ROM xvde shows ro=$(tb_field ro) removable=$(tb_field removable), want 1 and 1"
blk_mode $G xvde "cdrom" yes
tb_cmd $G 60 sum xvde 0 1
[ "$(tb_field sha)" = "$p1" ] || tb_fail "the CD-ROM reads sha256 $(tb_field sha), its file holds $p1"
blk_detach $G xvde
tb_cmd $G 90 gone xvde 60

tb_step hot-unplug-idle
blk_detach $G xvdb
tb_cmd $G 90 gone xvdb 60
tb_metric detach_idle_s "$BLK_DETACH_S" s
tb_step hot-replug-idle
blk_attach $G "format=raw, vdev=xvdb, access=ro, target=$pat"
tb_cmd $G 90 info xvdb
tb_cmd $G 90 ro xvdb 16
[ "$(tb_field sha)" = "$p16" ] || tb_fail "re-attached xvdb reads sha256 $(tb_field sha), want $p16"
[ "$(blk_sha "$pat" 0 16)" = "$p16" ] || tb_fail "the read-only disk's file changed"

tb_step sector-4k
blk_attach $G "format=raw, vdev=xvdc, access=rw, target=$lbs_loop"
tb_cmd $G 90 info xvdc
[ "$(tb_field lbs)" = 4096 ] && [ "$(tb_field pbs)" = 4096 ] ||
	tb_fail "xvdc on a 4096-byte-sector loop device shows lbs=$(tb_field lbs) pbs=$(tb_field pbs)"
[ "$(tb_field size)" = $((64 << 20)) ] || tb_fail "xvdc has $(tb_field size) bytes, want $((64 << 20))"
tb_cmd $G 60 lbs xvdc
[ "$(dd if="$lbs_img" bs=4096 skip=1 count=1 2>/dev/null | sha256sum | cut -d' ' -f1)" = "$(tb_field sha)" ] ||
	tb_fail "sector 1 of the 4 KiB-sector disk's file is not the merge the guest wrote"
tb_cmd $G 120 copy xvdc xvdb 8 8
tb_cmd $G 60 sum xvdc 8 8
[ "$(tb_field sha)" = "$p8" ] || tb_fail "xvdc reads back sha256 $(tb_field sha), wrote $p8"
[ "$(blk_sha "$lbs_img" 8 8)" = "$p8" ] || tb_fail "the 4 KiB-sector disk's file does not hold what the guest wrote"

tb_step beyond-2tib
# This disk bounces its data through a pool without persistent grants:
# neither end asks for them, and its back end is marked untrusted by the
# per-device "trusted" key (0) in the front end's node; the module's
# trusted parameter stays Y, so no guest page may be granted (XSA-403).
# Debian's xl 4.17 has no "untrusted" disk keyword (it takes the word for
# the target), so the disk's hotplug script writes the key, as a newer
# toolstack would, before the back end connects (the front end reads it
# when it connects).
cat > /etc/xen/scripts/block-untrusted <<'SH'
#!/bin/bash
# xpv test bed: the stock block script, after marking the back end
# untrusted in the front end's node (libxl's "trusted" key).
if [ "${1:-}" = add ]; then
	fe=$(xenstore-read "$XENBUS_PATH/frontend")
	xenstore-write "$fe/trusted" 0
fi
exec /etc/xen/scripts/block "$@"
SH
chmod 0755 /etc/xen/scripts/block-untrusted
tb_cmd $G 30 param xpv_blkfront feature_persistent N
blk_attach $G "format=raw, vdev=xvdd, access=rw, script=block-untrusted, target=$big_img"
[ "$(xenstore-read "/local/domain/$(tb_domid $G)/device/vbd/$(blk_devid xvdd)/trusted" 2>&1)" = 0 ] ||
	tb_fail "the untrusted disk xvdd has no trusted=0 in its front end's node"
tb_cmd $G 90 info xvdd
blk_mode $G xvdd "bounce grants" no
grep -a "XPV-INFO .* xvdd: " "$TB_STAMPS/$G.log" | tail -n 1 | grep -qE ' [1-9][0-9]* bounce grants' ||
	tb_fail "xvdd: the front end grants guest pages to a back end the toolstack marked untrusted (no bounce pool)"
[ "$(tb_field size)" = $((3 << 40)) ] || tb_fail "xvdd has $(tb_field size) bytes, want $((3 << 40))"
tb_cmd $G 120 copy xvdd xvdb 1 $big_last
tb_cmd $G 60 sum xvdd $big_last 1
[ "$(tb_field sha)" = "$p1" ] || tb_fail "the last MiB of xvdd reads back sha256 $(tb_field sha), wrote $p1"
[ "$(blk_sha "$big_img" $big_last 1)" = "$p1" ] || tb_fail "the last MiB of the 3 TiB file does not hold what the guest wrote"

tb_step hot-unplug-load
tb_cmd $G 60 load xvdc 8
sleep 3
blk_detach $G xvdc
tb_metric detach_load_s "$BLK_DETACH_S" s
tb_cmd $G 120 load-wait 60
tb_log "load under detach: $TB_LINE"
tb_cmd $G 60 gone xvdc 30
tb_step hot-replug-load
# Back again with direct grants of the guest's pages (no pool), in the
# x86_32 request layout a 32-bit guest speaks.
tb_cmd $G 30 param xpv_blkfront trusted Y
tb_cmd $G 30 param xpv_blkfront abi_x86_32 Y
blk_attach $G "format=raw, vdev=xvdc, access=rw, target=$lbs_loop"
tb_cmd $G 90 info xvdc
blk_mode $G xvdc "0 bounce grants" no
blk_mode $G xvdc "x86_32-abi" no "protocol 2 (x86_32-abi)"
tb_cmd $G 30 param xpv_blkfront abi_x86_32 N

tb_cmd $G 30 param xpv_blkfront feature_persistent Y
tb_cmd $G 120 copy xvdc xvdb 4 16
tb_cmd $G 60 sum xvdc 16 4
s4=$(blk_sha "$pat" 0 4)
[ "$(tb_field sha)" = "$s4" ] || tb_fail "re-attached xvdc reads back sha256 $(tb_field sha), wrote $s4"
[ "$(blk_sha "$lbs_img" 16 4)" = "$s4" ] || tb_fail "re-attached xvdc's file does not hold what the guest wrote"

tb_step resize
# Grow the connected 4 KiB-sector disk from 64 to 80 MiB: blkback writes
# "sectors" and Connected again, our front end takes the new capacity.
truncate -s $((80 << 20)) "$lbs_img" && losetup -c "$lbs_loop" || tb_fail "cannot grow $lbs_loop to 80 MiB"
tb_cmd $G 60 size xvdc $((80 << 20)) 30
tb_metric resize_ms "$(tb_field ms)" ms
tb_cmd $G 120 copy xvdc xvdb 4 76
tb_cmd $G 60 sum xvdc 76 4
[ "$(tb_field sha)" = "$s4" ] || tb_fail "the grown disk's last 4 MiB read back as sha256 $(tb_field sha), wrote $s4"
[ "$(blk_sha "$lbs_img" 76 4)" = "$s4" ] || tb_fail "the grown file's last 4 MiB do not hold what the guest wrote"

tb_step backend-gone-load
tb_cmd $G 60 load xvdd 8
sleep 3
blk_detach $G xvdd --force
tb_cmd $G 120 load-wait 60
[ "$(tb_field eio)" -ge 1 ] || tb_fail "no load process saw an I/O error when the back end vanished ($TB_LINE)"
tb_log "load under forced detach: $TB_LINE"
tb_cmd $G 60 gone xvdd 30

tb_step kernel-log
tb_cmd $G 30 dmesg

tb_step fua
f0=$(blk_back_stat $G xvda f_req)
tb_cmd $G 300 fua xvda $FUA_AT 1
fsum=$(tb_field sha)
f1=$(blk_back_stat $G xvda f_req)
tb_log "blkback f_req $f0 -> $f1 for $(tb_field writes) FUA writes"
[ $(( ${f1:-0} - ${f0:-0} )) -ge "$(tb_field writes)" ] ||
	tb_fail "$(tb_field writes) FUA writes brought only $(( ${f1:-0} - ${f0:-0} )) flushes to blkback"
[ "$(blk_sha "$img" $FUA_AT 1)" = "$fsum" ] || tb_fail "the FUA writes are not in the backing file"
tb_metric fua_writes_per_s "$(tb_calc "$(tb_field writes) * 1000 / $(tb_field ms)")" writes/s

tb_step flush-durability
f0=$(blk_back_stat $G xvda f_req)
tb_cmd $G 120 copy xvda xvdb 8 $FLUSH_AT
f1=$(blk_back_stat $G xvda f_req)
tb_log "blkback f_req $f0 -> $f1"
[ "${f1:-0}" -gt "${f0:-0}" ] || tb_fail "no flush reached blkback (f_req $f0 -> $f1)"
xl destroy $G || tb_fail "xl destroy failed"
tb_wait_gone $G 60
[ "$(blk_sha "$img" $FLUSH_AT 8)" = "$p8" ] ||
	tb_fail "data written and flushed before xl destroy is not in the backing file"
losetup -d "$lbs_loop"
tb_pass
