/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test message types sized like the Xen block and network rings, and the
 * typed rings over them (include/xpv/proto/ring.h).
 *
 *   blkif class: 112-byte request, 16-byte response (one page: 32 slots)
 *   netif class: 12-byte request (a netif tx request), 4-byte response
 *                (one page: 256 slots)
 */
#ifndef XPV_SELFTEST_RING_TYPES_H
#define XPV_SELFTEST_RING_TYPES_H

#include <xpv/proto/ring.h>

struct blk_req {
	u64 seq;
	u64 check;		/* ~seq: catches torn or stale slots */
	u8 body[96];
};

struct blk_rsp {
	u64 seq;
	u32 check;
	s32 status;
};

struct net_req {
	u32 seq;
	u32 check;
	u32 gref;
};

struct net_rsp {
	u32 seq;
};

static_assert(sizeof(struct blk_req) == 112, "blkif-sized request");
static_assert(sizeof(struct blk_rsp) == 16, "blkif-sized response");
static_assert(sizeof(struct net_req) == 12, "netif-sized request");
static_assert(sizeof(struct net_rsp) == 4, "netif-sized response");

XPV_RING_DEFINE(tblk, struct blk_req, struct blk_rsp)
XPV_RING_DEFINE(tnet, struct net_req, struct net_rsp)

/* Shared area holding exactly @slots slots of @esz bytes. */
static inline size_t ring_area_bytes(unsigned int slots, size_t esz)
{
	return XPV_SRING_HDR_SIZE + (size_t)slots * esz;
}

#endif
