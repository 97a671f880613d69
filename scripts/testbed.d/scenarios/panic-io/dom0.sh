# SPDX-License-Identifier: GPL-2.0-only
# panic-io, dom0 side (see meta).
CHUNK=256
V=victim
W=witness

tb_step backend
tb_use_xpv_back blk

tb_step witness-boot
tb_guest_create $W --kernel stock --vcpus 1 --memory 256 --disk 8 --script panic-io/witness.sh
tb_wait_console $W 'XPV-BEAT 3([^0-9]|$)' 240

tb_step victim-boot
tb_guest_create $V --kernel xpv --vcpus 2 --memory 256 --disk 64 --on-crash destroy --script panic-io/guest.sh
vid=$(tb_domid $V)
img=/var/lib/xen/images/$V-xvda.img

tb_step writes
# Enough acknowledged chunks that the ring is busy, then the panic while
# the writer is between its write and the next acknowledgement.
tb_wait_console $V 'XPV-ACK 24$' 240
beats=$(tb_console_count $W 'XPV-BEAT')

tb_step crash
tb_xs_write $V xpv-cmd crash
TB_WATCH_DEATH=0 tb_wait_console $V 'XPV-PANIC-NOW' 30
tb_wait_gone $V 30
tb_wait_vbd_gone "$vid" 60
acked=$(tr -d '\r' < "$(tb_console $V)" | sed -n 's/.*XPV-ACK \([0-9]*\)$/\1/p' | tail -n 1)
tb_log "the victim died after $acked acknowledged chunks"
tb_metric acked_chunks $((acked + 1)) chunks

tb_step acked-data
# Every acknowledged chunk is in the backing file, byte for byte.
for i in $(seq 0 "$acked"); do
	want=$(yes "xpv-crash-io chunk $i" | head -c $((CHUNK * 1024)) | sha256sum | cut -d' ' -f1)
	got=$(dd if="$img" bs=${CHUNK}k skip=$i count=1 2>/dev/null | sha256sum | cut -d' ' -f1)
	[ "$got" = "$want" ] || tb_fail "chunk $i was acknowledged as flushed but the backing file holds something else"
done

tb_step witness-alive
tb_wait_console $W 'XPV-BEAT' 30 $((beats + 4))
tb_step dom0-alive
tb_fpu_canary 2 50000

tb_step witness-shutdown
wid=$(tb_domid $W)
xl destroy $W || tb_fail "xl destroy $W failed"
tb_wait_gone $W 30
tb_wait_vbd_gone "$wid" 60
tb_pass
