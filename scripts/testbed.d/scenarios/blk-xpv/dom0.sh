# SPDX-License-Identifier: GPL-2.0-only
# blk-xpv, dom0 side: our xpv-blkfront against our xpv-blkback. The steps
# are blk-back-interop's (lib.bash, guest.sh).
BB_KERNEL=xpv
. "$TBD/scenarios/blk-back-interop/lib.bash"
