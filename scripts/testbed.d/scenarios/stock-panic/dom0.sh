# SPDX-License-Identifier: GPL-2.0-only
# stock-panic: xpv-panic with the stock kernel as the crashing guest.
TB_KERNEL=stock
. "$TBD/scenarios/xpv-panic/dom0.sh"
