# SPDX-License-Identifier: GPL-2.0-only
# blk-back-interop, dom0 side: the stock kernel's xen-blkfront against
# xpv-blkback. The steps are in lib.bash, shared with blk-xpv.
BB_KERNEL=stock
. "$TBD/scenarios/blk-back-interop/lib.bash"
