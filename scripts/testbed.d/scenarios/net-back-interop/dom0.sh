# SPDX-License-Identifier: GPL-2.0-only
# net-back-interop, dom0 side: the stock kernel's xen-netfront against
# xpv-netback. The steps are in lib.bash.
NB_KERNEL=stock
. "$TBD/scenarios/net-back-interop/lib.bash"
tb_pass
