#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Mutation check of the blkif selftests: each mutant is blkif_proto.c with
# one validation rule broken (an exact string replaced: "OLD@@NEW").  The
# selftests are built against the mutant and must fail; a mutant that passes
# means a rule no test covers, one that does not build or no longer applies
# means the list needs updating.  Prints PASS/FAIL per mutant.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$here/../../drivers/block/xen-blk/blkif_proto.c

mutants=(
	'last >= XPV_BLKIF_SECTORS_PER_PAGE@@last > XPV_BLKIF_SECTORS_PER_PAGE'
	'if (first > last ||@@if (false ||'
	'if (seg[i].gref == 0)@@if (false)'
	'return len <= n && sector <= n - len;@@return sector + len <= n;'
	'if (nr == 0 || nr != io->nr_segments || nr > max)@@if (nr == 0 || nr > max)'
	'if (io->sector_number % spb)@@if (false)'
	'return flush ? 0 : -EINVAL;@@return flush ? 0 : 0;'
	'if (!lim->flush)@@if (false)'
	'if (!lim->barrier)@@if (false)'
	'if (!lim->discard)@@if (false)'
	'if (lim->readonly && req->operation != XPV_BLKIF_OP_READ)@@if (false)'
	'if (req->flag & ~XPV_BLKIF_DISCARD_SECURE)@@if (false)'
	'if (!spb || req->nr_sectors == 0)@@if (!spb)'
	'if (req->indirect_op != XPV_BLKIF_OP_READ &&@@if (false &&'
	'if (nr == 0 || nr > lim->max_indirect_segs)@@if (nr == 0)'
	'if (req->indirect_grefs[i] == 0)@@if (false)'
	'if (rsp->operation != tab->ent[rsp->id].op)@@if (false)'
	'return id < tab->nr && tab->ent[id].next == XPV_BLKIF_SHADOW_INUSE;@@return id < tab->nr;'
	'		return -EBADMSG;@@		return 0;'
	'r__->id = w__->u.rw.id;@@r__->id = w__->u.rw.id ^ 1;'
	'w__->u.rw.nr_segments = (u8)r__->nr_segments;@@w__->u.rw.nr_segments = 1;'
	'if (o > XPV_BLKIF_MAX_RING_ORDER)@@if (false)'
	'if (val == 0 || val > our_max)@@if (val > our_max)'
	'if (d->physical_sector_size % ss)@@if (false)'
)

. "$here/../mutants.bash"
run_mutants "$src" blkif_test "${mutants[@]}"
