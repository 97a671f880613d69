# SPDX-License-Identifier: GPL-2.0-only
# stock-boot: xpv-boot's dom0 side and guest script, on the stock kernel.
TB_KERNEL=stock
. "$TBD/scenarios/xpv-boot/dom0.sh"
