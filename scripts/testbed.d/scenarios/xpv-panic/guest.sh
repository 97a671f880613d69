# SPDX-License-Identifier: GPL-2.0-only
# xpv-panic, the guest that crashes: wait for dom0's command in xenstore,
# then panic through sysrq.
step wait-command
echo "XPV-PANIC-READY"
cmd=$(xs_wait data/xpv-cmd 300 2>/tmp/xs.err) || fail "no data/xpv-cmd from dom0 within 300 s: $(cat /tmp/xs.err)"
[ "$cmd" = crash ] || fail "unknown command '$cmd'"
step crash
echo "XPV-PANIC-NOW"
echo c > /proc/sysrq-trigger
sleep 10
fail "still running 10 s after echo c > /proc/sysrq-trigger"
