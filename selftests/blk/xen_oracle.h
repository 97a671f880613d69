/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An independent peer for the blkif tests: requests and responses written
 * and read through the structs and ring macros of Xen's own public headers
 * (/usr/include/xen/io/blkif.h and io/ring.h, from libxen-dev), nothing of
 * ours.  xen_oracle.c is compiled twice: natively (x86_64 layout,
 * oracle64_ops) and under "#pragma pack(4)" (the i386 alignment of 64-bit
 * fields: the x86_32 layout, oracle32_ops).
 */
#ifndef _XPV_BLK_XEN_ORACLE_H
#define _XPV_BLK_XEN_ORACLE_H

#include <stddef.h>
#include <linux/types.h>

/*
 * A request in plain fields (the oracle's own neutral form).  The types are
 * the user-space kernel ABI's (<linux/types.h>), nothing of ours.
 */
struct oracle_req {
	__u8 op, indirect_op, flag;
	__u16 nr_segments, handle;
	__u64 id, sector, nr_sectors;
	__u32 gref[11];
	__u8 first[11], last[11];
	__u32 indirect_grefs[8];
};

/*
 * One request layout's peer: its sizes, its encoding and a front end and a
 * back end on Xen's ring macros (one of each per layout, on one ring).
 */
struct oracle_ops {
	size_t (*req_size)(void);
	size_t (*slot_size)(void);
	void (*encode)(const struct oracle_req *r, void *buf);
	void (*decode)(const void *buf, struct oracle_req *r);
	void (*rsp_encode)(__u64 id, __u8 op, __s16 st, void *buf);
	void (*front_init)(void *sring, size_t bytes);
	unsigned int (*front_nr_ents)(void);
	void (*front_put)(const struct oracle_req *r);
	int (*front_push)(void);
	/* The next response into @id, @op, @st: 1, or 0 when there is none. */
	int (*front_get_rsp)(__u64 *id, __u8 *op, __s16 *st);
	void (*back_attach)(void *sring, size_t bytes);
	/* The next request into @r: 1, or 0 when there is none. */
	int (*back_get_req)(struct oracle_req *r);
	void (*back_put_rsp)(__u64 id, __u8 op, __s16 st);
	int (*back_push)(void);
};

extern const struct oracle_ops oracle64_ops;	/* the x86_64 layout */
extern const struct oracle_ops oracle32_ops;	/* the x86_32 layout */

#endif /* _XPV_BLK_XEN_ORACLE_H */
