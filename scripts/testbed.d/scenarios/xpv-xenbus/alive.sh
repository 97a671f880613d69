# SPDX-License-Identifier: GPL-2.0-only
# xpv-xenbus: second boot and reboot: say we are up.
echo "XPV-ALIVE $(cat /proc/sys/kernel/random/boot_id)"
