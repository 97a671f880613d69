# SPDX-License-Identifier: GPL-2.0-only
# stock-pvh, dom0 side (the reference scenario). Every step is asserted; the
# FAIL reason names the step.
G=stock

tb_step dom0-fpu-canary
tb_fpu_canary 4 150000

tb_step tcp-listen
nc -l -p 5001 > /tmp/tcp.bin < <(sleep 900) &
ncpid=$!

tb_step create
tb_guest_create $G --kernel stock --vcpus 1 --memory 512 --disk 128 --vif
create_done=$(tb_now)

tb_step guest-boot
tb_wait_console $G 'XPV-GUEST-INIT' 180
tb_metric guest_boot_s "$(tb_calc "$TB_TIME - $create_done")" s

tb_step guest-fpu-canary
tb_wait_console $G 'XPV-OK fpu ' 120

tb_step guest-disk
tb_wait_console $G 'XPV-OK disk-write ' 180
wsum=$(tb_field sha)
tb_metric disk_write_MiBps "$(tb_calc "64 * 1000 / $(tb_field ms)")" MiB/s
tb_wait_console $G 'XPV-OK disk-read ' 120
tb_metric disk_read_MiBps "$(tb_calc "64 * 1000 / $(tb_field ms)")" MiB/s

tb_step guest-ping
tb_wait_console $G 'XPV-OK ping ' 120
tb_metric ping_avg_ms "$(tb_field avg_ms)" ms

tb_step guest-tcp
tb_wait_console $G 'XPV-OK tcp ' 180
tsum=$(tb_field sha)
tb_metric tcp_MiBps "$(tb_calc "32 * 1000 / $(tb_field ms)")" MiB/s
for i in $(seq 100); do
	kill -0 $ncpid 2>/dev/null || break
	sleep 0.2
done
kill -0 $ncpid 2>/dev/null && tb_fail "dom0's nc listener still running 20 s after the guest finished sending"
got=$(sha256sum /tmp/tcp.bin | cut -d' ' -f1)
size=$(stat -c %s /tmp/tcp.bin)
[ "$got" = "$tsum" ] || tb_fail "dom0 received $size bytes with sha256 $got, guest sent 33554432 with $tsum"
rm -f /tmp/tcp.bin

tb_step guest-verdict
tb_guest_wait_pass $G 60

tb_step shutdown
t0=$(tb_now)
xl shutdown $G || tb_fail "xl shutdown $G failed"
TB_WATCH_DEATH=0 tb_wait_console $G 'XPV-SHUTDOWN poweroff' 30
tb_wait_gone $G 60
tb_metric shutdown_s "$(tb_calc "$TB_TIME - $t0")" s

tb_step backing-file
img=/var/lib/xen/images/$G-xvda.img
bsum=$(head -c 67108864 "$img" | sha256sum | cut -d' ' -f1)
[ "$bsum" = "$wsum" ] || tb_fail "backing file $img holds sha256 $bsum in its first 64 MiB, the guest wrote $wsum"
losetup -a | grep -q "$img" && tb_fail "the loop device of $img is still attached after shutdown"

tb_step dom0-fpu-canary-after
tb_fpu_canary 4 150000

tb_pass
