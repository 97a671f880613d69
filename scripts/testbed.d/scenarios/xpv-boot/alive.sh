# SPDX-License-Identifier: GPL-2.0-only
# xpv-boot's second boot and reboot: say we are up, with the CPUs online
# and the callback interrupts each has taken.
hyp=$(awk '/Hypervisor callback/ { print $2 "," $3; exit }' /proc/interrupts)
echo "XPV-ALIVE $(cat /proc/sys/kernel/random/boot_id) online=$(cat /sys/devices/system/cpu/online) hyp=${hyp:-none}"
