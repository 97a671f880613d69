# SPDX-License-Identifier: GPL-2.0-only
# blk-front-interop, dom0 side.
G=blk
tb_step create
tb_guest_create $G --kernel xpv --vcpus 2 --memory 256 --disk 64 --script blk-front-interop/guest.sh
create_done=$(tb_now)
tb_step guest-boot
tb_wait_console $G 'XPV-GUEST-INIT' 180
tb_step disk-appear
tb_wait_console $G 'XPV-OK disk-appear ' 120
tb_log "guest disk: $(tb_field size) bytes"
tb_step disk-write
tb_wait_console $G 'XPV-OK disk-write ' 300
wsum=$(tb_field sha)
tb_metric disk_write_MiBps "$(tb_calc "16 * 1000 / $(tb_field ms)")" MiB/s
tb_step disk-read
tb_wait_console $G 'XPV-OK disk-read ' 120
tb_metric disk_read_MiBps "$(tb_calc "16 * 1000 / $(tb_field ms)")" MiB/s
tb_step hot-unplug
xl block-detach $G xvda > $TB/detach.log 2>&1 || tb_fail "xl block-detach failed: $(cat $TB/detach.log)"
tb_wait_console $G 'XPV-OK disk-gone ' 120
tb_step hot-plug
xl block-attach $G "format=raw, vdev=xvda, access=rw, target=/var/lib/xen/images/$G-xvda.img" > $TB/attach.log 2>&1 ||
	tb_fail "xl block-attach failed: $(cat $TB/attach.log)"
tb_wait_console $G 'XPV-OK disk-back ' 120
tb_step guest-verdict
tb_guest_wait_pass $G 60
tb_step backing-file
img=/var/lib/xen/images/$G-xvda.img
bsum=$(head -c 16777216 "$img" | sha256sum | cut -d' ' -f1)
[ "$bsum" = "$wsum" ] || tb_fail "backing file holds sha256 $bsum in its first 16 MiB, the guest wrote $wsum"
tb_step destroy
xl destroy $G || tb_fail "xl destroy failed"
tb_pass
