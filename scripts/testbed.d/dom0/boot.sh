# SPDX-License-Identifier: GPL-2.0-only
# Staged dom0 start-up, run by the image's /init (as PID 1, under bash) from
# the 9p share mounted on /tb. Brings up the stock Xen toolstack, runs the
# scenario's dom0.sh with a deadline, collects the logs onto the share and
# powers the machine off. The verdict goes to /tb/result and, as a fallback
# channel, to the console as "XPV-RESULT ...".
set -u
export PATH=/usr/local/bin:/bin:/usr/bin:/usr/lib/xen-4.17/bin
export HOME=/root TERM=dumb
TB=/tb
TBIN=$TB/in
TBD=$TBIN/testbed.d
# Host-built helpers (scripts/testbed.d/tools/*.c, static binaries).
export PATH=$PATH:$TBIN/tools
. "$TBIN/env"

finish() {
	local verdict
	[ -s "$TB/result" ] || echo "FAIL ${1:-dom0 start-up failed}" > "$TB/result"
	verdict=$(head -n1 "$TB/result")
	xl list > "$TB/xl-list.log" 2>&1
	xl dmesg > "$TB/xl-dmesg.log" 2>&1
	dmesg > "$TB/dom0-dmesg.log" 2>&1
	echo "XPV-RESULT $verdict"
	sync
	cd /
	umount /tb 2>/dev/null
	poweroff -f
	sleep 30
}

# Everything this script and the scenario print goes to the console (the
# serial log) and to dom0.log on the share.
exec > >(tee -a "$TB/dom0.log") 2>&1
echo "XPV-DOM0 boot scenario=$SCENARIO timeout=$TB_TIMEOUT"

modprobe -a xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs \
	xen-blkback xen-netback loop bridge || finish "modprobe of the dom0 Xen modules failed"
mount -t xenfs xenfs /proc/xen || finish "mount xenfs failed"
mkdir -p /run/xen /run/xenstored /var/lib/xen/images /var/lib/xen/dump \
	/var/lib/xenstored /var/log "$TB/xen" "$TB/console" "$TB/guests"
ln -sfn "$TB/xen" /var/log/xen

xenstored --pid-file=/run/xenstored.pid || finish "xenstored did not start"
for i in $(seq 50); do
	xenstore-exists / 2>/dev/null && break
	sleep 0.1
done
xenstore-exists / || finish "xenstored not answering after 5 s"
timeout 30 xen-init-dom0 || finish "xen-init-dom0 failed"
# --log=all: also Xen's own console, complete, in console/hypervisor.log
# (xl dmesg's ring is small and wraps); the framework's end-of-scenario
# check reads guests' triple faults from it.
xenconsoled --log=all --log-dir="$TB/console" --pid-file=/run/xenconsoled.pid ||
	finish "xenconsoled did not start"

# Stock xen-netback switches to InitWait, which is when libxl runs the
# vif's hotplug script, before it registers the vif<domid>.<devid> netdev
# (drivers/net/xen-netback/xenbus.c, netback_probe()): under TCG the
# script's first "ip link" sometimes comes first ("Cannot find device",
# seen on a network-attach). The script is not what the test bed tests:
# it gets a wrapper that waits (at most 10 s) for the netdev, then runs
# the stock script unchanged.
if [ -x /etc/xen/scripts/vif-bridge ] && [ ! -e /etc/xen/scripts/vif-bridge.stock ]; then
	mv /etc/xen/scripts/vif-bridge /etc/xen/scripts/vif-bridge.stock
	cat > /etc/xen/scripts/vif-bridge <<'SH'
#!/bin/bash
# xpv test bed: wait for the back end's netdev, then the stock script.
case ${1:-} in
add | online)
	for i in $(seq 100); do
		[ -n "${vif:-}" ] && [ -e "/sys/class/net/$vif" ] && break
		sleep 0.1
	done ;;
esac
exec /etc/xen/scripts/vif-bridge.stock "$@"
SH
	chmod 0755 /etc/xen/scripts/vif-bridge
fi

ip link set lo up
ip link add xenbr0 type bridge forward_delay 0 stp_state 0 || finish "cannot create xenbr0"
ip addr add 10.0.0.1/24 dev xenbr0
ip link set xenbr0 up
echo "XPV-DOM0 ready $(xl info 2>/dev/null | grep -E '^(xen_version|nr_cpus|free_memory)' | tr -s ' ' | tr '\n' ' ')"

# The framework checks dom0's kernel log from here on (tb_clean_check in
# dom0/lib.sh, run by tb_pass); scenarios mark positions, never clear it.
echo "xpv-testbed: mark scenario-start" > /dev/kmsg

# The scenario runs in its own bash (tb_fail/tb_pass exit it) with a
# deadline that leaves time to collect the logs.
deadline=$((TB_TIMEOUT - 45))
[ "$deadline" -gt 30 ] || deadline=30
timeout -k 5 "$deadline" bash -c '. "$1/dom0/lib.sh" && . "$1/scenarios/$2/dom0.sh"' \
	scenario "$TBD" "$SCENARIO"
rc=$?
if [ ! -s "$TB/result" ]; then
	step=$(cat /tmp/tb-step 2>/dev/null || echo start-up)
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		echo "FAIL $step: scenario timed out after ${deadline} s" > "$TB/result"
	elif [ "$rc" = 0 ]; then
		echo "FAIL $step: dom0.sh ended without calling tb_pass" > "$TB/result"
	else
		echo "FAIL $step: dom0.sh exited with status $rc without a verdict" > "$TB/result"
	fi
fi
finish
