// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv blkif proto: request building, parsing and validation, the ring
 * wrappers for both request layouts, the front end's shadow table and the
 * xenstore negotiation helpers.  Pure C over include/xpv/proto/compat.h;
 * see blkif_proto.h and docs/blkif.md.
 */
#include "blkif_proto.h"

/* ================================================================== */
/* Validation (back end).                                              */
/* ================================================================== */

int xpv_blkif_limits_valid(const struct xpv_blkif_limits *lim)
{
	u32 ss = lim->sector_size;

	if (ss < 512 || ss > XPV_BLKIF_PAGE_SIZE || (ss & (ss - 1)))
		return -EINVAL;
	if (lim->max_indirect_segs > XPV_BLKIF_MAX_INDIRECT_SEGS)
		return -EINVAL;
	if (lim->secure_discard && !lim->discard)
		return -EINVAL;
	return 0;
}

/* 512-byte sectors per logical block, 0 for invalid limits. */
static u32 blkif_spb(const struct xpv_blkif_limits *lim)
{
	if (xpv_blkif_limits_valid(lim))
		return 0;
	return lim->sector_size >> XPV_BLKIF_SECTOR_SHIFT;
}

/* [sector, sector + len) lies within the device; no overflow possible. */
static bool blkif_range_ok(const struct xpv_blkif_limits *lim, u64 sector,
			   u64 len)
{
	/* One read: the limit must not change between the two tests. */
	u64 n = READ_ONCE(lim->sectors);

	return len <= n && sector <= n - len;
}

int xpv_blkif_segs_check(const struct xpv_blkif_limits *lim,
			 struct xpv_blkif_io *io,
			 const struct xpv_blkif_seg *seg, unsigned int nr)
{
	u32 spb = blkif_spb(lim);
	unsigned int max, i;
	u64 total = 0;

	if (!spb)
		return -EINVAL;
	max = io->indirect ? lim->max_indirect_segs : XPV_BLKIF_MAX_SEGS;
	if (nr == 0 || nr != io->nr_segments || nr > max)
		return -EINVAL;

	for (i = 0; i < nr; i++) {
		u8 first = seg[i].first_sect, last = seg[i].last_sect;
		u32 n;

		if (seg[i].gref == 0)
			return -EINVAL;
		if (first > last || last >= XPV_BLKIF_SECTORS_PER_PAGE)
			return -EINVAL;
		n = last - first + 1;
		if (n % spb)
			return -EINVAL;
		total += n;	/* at most 4096 * 8: cannot overflow */
	}

	if (io->sector_number % spb)
		return -EINVAL;
	if (!blkif_range_ok(lim, io->sector_number, total))
		return -ERANGE;
	io->nr_sectors = total;
	return 0;
}

/* READ, WRITE, and FLUSH_DISKCACHE / WRITE_BARRIER with or without data. */
static int blkif_check_direct(const struct xpv_blkif_limits *lim,
			      const struct xpv_blkif_req *req,
			      struct xpv_blkif_io *io)
{
	bool flush = req->operation == XPV_BLKIF_OP_FLUSH_DISKCACHE ||
		     req->operation == XPV_BLKIF_OP_WRITE_BARRIER;
	u16 nr = req->nr_segments;

	io->op = req->operation;
	io->sector_number = req->sector_number;

	if (nr == 0) {
		/* Only a flush (or barrier) may carry no data. */
		return flush ? 0 : -EINVAL;
	}
	if (nr > XPV_BLKIF_MAX_SEGS)
		return -EINVAL;
	if (lim->readonly && req->operation != XPV_BLKIF_OP_READ)
		return -EROFS;
	io->nr_segments = nr;
	return xpv_blkif_segs_check(lim, io, req->seg, nr);
}

static int blkif_check_discard(const struct xpv_blkif_limits *lim,
			       const struct xpv_blkif_req *req,
			       struct xpv_blkif_io *io)
{
	u32 spb = blkif_spb(lim);

	if (!lim->discard)
		return -EOPNOTSUPP;
	if (req->flag & ~XPV_BLKIF_DISCARD_SECURE)
		return -EINVAL;
	if ((req->flag & XPV_BLKIF_DISCARD_SECURE) && !lim->secure_discard)
		return -EOPNOTSUPP;
	if (lim->readonly)
		return -EROFS;
	if (!spb || req->nr_sectors == 0)
		return -EINVAL;
	if (req->sector_number % spb || req->nr_sectors % spb)
		return -EINVAL;
	if (!blkif_range_ok(lim, req->sector_number, req->nr_sectors))
		return -ERANGE;
	io->op = XPV_BLKIF_OP_DISCARD;
	io->sector_number = req->sector_number;
	io->nr_sectors = req->nr_sectors;
	return 0;
}

static int blkif_check_indirect(const struct xpv_blkif_limits *lim,
				const struct xpv_blkif_req *req,
				struct xpv_blkif_io *io)
{
	unsigned int pages, i;
	u16 nr = req->nr_segments;

	if (!lim->max_indirect_segs ||
	    lim->max_indirect_segs > XPV_BLKIF_MAX_INDIRECT_SEGS)
		return -EOPNOTSUPP;
	if (req->indirect_op != XPV_BLKIF_OP_READ &&
	    req->indirect_op != XPV_BLKIF_OP_WRITE)
		return -EINVAL;
	if (nr == 0 || nr > lim->max_indirect_segs)
		return -EINVAL;
	if (lim->readonly && req->indirect_op == XPV_BLKIF_OP_WRITE)
		return -EROFS;

	pages = xpv_blkif_indirect_pages(nr);
	if (pages > XPV_BLKIF_MAX_INDIRECT_PAGES)
		return -EINVAL;
	for (i = 0; i < pages; i++)
		if (req->indirect_grefs[i] == 0)
			return -EINVAL;

	io->op = req->indirect_op;
	io->indirect = true;
	io->nr_indirect_pages = pages;
	io->nr_segments = nr;
	io->sector_number = req->sector_number;
	return 0;
}

int xpv_blkif_req_check(const struct xpv_blkif_limits *lim,
			const struct xpv_blkif_req *req,
			struct xpv_blkif_io *io)
{
	memset(io, 0, sizeof(*io));
	if (xpv_blkif_limits_valid(lim))
		return -EINVAL;

	switch (req->operation) {
	case XPV_BLKIF_OP_READ:
	case XPV_BLKIF_OP_WRITE:
		return blkif_check_direct(lim, req, io);
	case XPV_BLKIF_OP_WRITE_BARRIER:
		if (!lim->barrier)
			return -EOPNOTSUPP;
		return blkif_check_direct(lim, req, io);
	case XPV_BLKIF_OP_FLUSH_DISKCACHE:
		if (!lim->flush)
			return -EOPNOTSUPP;
		return blkif_check_direct(lim, req, io);
	case XPV_BLKIF_OP_DISCARD:
		return blkif_check_discard(lim, req, io);
	case XPV_BLKIF_OP_INDIRECT:
		return blkif_check_indirect(lim, req, io);
	default:
		return -EOPNOTSUPP;
	}
}

s16 xpv_blkif_rsp_status(int err)
{
	if (err == 0)
		return XPV_BLKIF_RSP_OKAY;
	if (err == -EOPNOTSUPP)
		return XPV_BLKIF_RSP_EOPNOTSUPP;
	return XPV_BLKIF_RSP_ERROR;
}

/* ================================================================== */
/* Encoding and decoding: one function per layout, one dispatcher.     */
/* ================================================================== */

size_t xpv_blkif_req_size(enum xpv_blkif_abi abi)
{
	return abi == XPV_BLKIF_ABI_X86_32 ? sizeof(struct xpv_blkif32_request)
					   : sizeof(struct xpv_blkif64_request);
}

size_t xpv_blkif_rsp_size(enum xpv_blkif_abi abi)
{
	return abi == XPV_BLKIF_ABI_X86_32 ?
		sizeof(struct xpv_blkif32_response) :
		sizeof(struct xpv_blkif64_response);
}

size_t xpv_blkif_slot_size(enum xpv_blkif_abi abi)
{
	return abi == XPV_BLKIF_ABI_X86_32 ? sizeof(union xpv_blkif32_slot)
					   : sizeof(union xpv_blkif64_slot);
}

static void blkif_seg_from_wire(struct xpv_blkif_seg *dst,
				const struct xpv_blkif_wire_seg *src)
{
	dst->gref = src->gref;
	dst->first_sect = src->first_sect;
	dst->last_sect = src->last_sect;
}

static void blkif_seg_to_wire(struct xpv_blkif_wire_seg *dst,
			      const struct xpv_blkif_seg *src)
{
	dst->gref = src->gref;
	dst->first_sect = src->first_sect;
	dst->last_sect = src->last_sect;
	dst->_pad = 0;
}

/*
 * The two layouts hold the same fields under different offsets, so one
 * macro body serves both: W is the wire struct pointer.
 */
#define BLKIF_DECODE(W, R)						\
do {									\
	__auto_type w__ = (W);						\
	__auto_type r__ = (R);						\
	unsigned int __i;						\
									\
	r__->operation = w__->operation;				\
	switch (w__->operation) {					\
	case XPV_BLKIF_OP_INDIRECT:					\
		r__->indirect_op = w__->u.indirect.indirect_op;		\
		r__->nr_segments = w__->u.indirect.nr_segments;		\
		r__->id = w__->u.indirect.id;				\
		r__->sector_number = w__->u.indirect.sector_number;	\
		r__->handle = w__->u.indirect.handle;			\
		for (__i = 0; __i < XPV_BLKIF_MAX_INDIRECT_PAGES; __i++) \
			r__->indirect_grefs[__i] =			\
				w__->u.indirect.indirect_grefs[__i];	\
		break;							\
	case XPV_BLKIF_OP_DISCARD:					\
		r__->flag = w__->u.discard.flag;			\
		r__->id = w__->u.discard.id;				\
		r__->sector_number = w__->u.discard.sector_number;	\
		r__->nr_sectors = w__->u.discard.nr_sectors;		\
		break;							\
	default:	/* read, write, flush, barrier, unknown */	\
		r__->nr_segments = w__->u.rw.nr_segments;		\
		r__->handle = w__->u.rw.handle;				\
		r__->id = w__->u.rw.id;					\
		r__->sector_number = w__->u.rw.sector_number;		\
		for (__i = 0; __i < XPV_BLKIF_MAX_SEGS; __i++)		\
			blkif_seg_from_wire(&r__->seg[__i],		\
					    &w__->u.rw.seg[__i]);	\
		break;							\
	}								\
} while (0)

#define BLKIF_ENCODE(R, W)						\
do {									\
	__auto_type w__ = (W);						\
	__auto_type r__ = (R);						\
	unsigned int __i;						\
									\
	w__->operation = r__->operation;				\
	switch (r__->operation) {					\
	case XPV_BLKIF_OP_INDIRECT:					\
		w__->u.indirect.indirect_op = r__->indirect_op;		\
		w__->u.indirect.nr_segments = r__->nr_segments;		\
		w__->u.indirect.id = r__->id;				\
		w__->u.indirect.sector_number = r__->sector_number;	\
		w__->u.indirect.handle = r__->handle;			\
		for (__i = 0; __i < XPV_BLKIF_MAX_INDIRECT_PAGES; __i++) \
			w__->u.indirect.indirect_grefs[__i] =		\
				r__->indirect_grefs[__i];		\
		break;							\
	case XPV_BLKIF_OP_DISCARD:					\
		w__->u.discard.flag = r__->flag;			\
		w__->u.discard.id = r__->id;				\
		w__->u.discard.sector_number = r__->sector_number;	\
		w__->u.discard.nr_sectors = r__->nr_sectors;		\
		break;							\
	default:							\
		w__->u.rw.nr_segments = (u8)r__->nr_segments;		\
		w__->u.rw.handle = r__->handle;				\
		w__->u.rw.id = r__->id;					\
		w__->u.rw.sector_number = r__->sector_number;		\
		for (__i = 0; __i < XPV_BLKIF_MAX_SEGS; __i++)		\
			blkif_seg_to_wire(&w__->u.rw.seg[__i],		\
					  &r__->seg[__i]);		\
		break;							\
	}								\
} while (0)

static void blkif_req_decode_64(const struct xpv_blkif64_request *w,
				struct xpv_blkif_req *r)
{
	BLKIF_DECODE(w, r);
}

static void blkif_req_decode_32(const struct xpv_blkif32_request *w,
				struct xpv_blkif_req *r)
{
	BLKIF_DECODE(w, r);
}

void xpv_blkif_req_decode(enum xpv_blkif_abi abi, const void *wire,
			  struct xpv_blkif_req *req)
{
	memset(req, 0, sizeof(*req));
	if (abi == XPV_BLKIF_ABI_X86_32)
		blkif_req_decode_32(wire, req);
	else
		blkif_req_decode_64(wire, req);
}

static void blkif_req_encode_64(const struct xpv_blkif_req *r,
				struct xpv_blkif64_request *w)
{
	BLKIF_ENCODE(r, w);
}

static void blkif_req_encode_32(const struct xpv_blkif_req *r,
				struct xpv_blkif32_request *w)
{
	BLKIF_ENCODE(r, w);
}

void xpv_blkif_req_encode(enum xpv_blkif_abi abi,
			  const struct xpv_blkif_req *req, void *wire)
{
	memset(wire, 0, xpv_blkif_req_size(abi));
	if (abi == XPV_BLKIF_ABI_X86_32)
		blkif_req_encode_32(req, wire);
	else
		blkif_req_encode_64(req, wire);
}

void xpv_blkif_rsp_encode(enum xpv_blkif_abi abi,
			  const struct xpv_blkif_rsp *rsp, void *wire)
{
	if (abi == XPV_BLKIF_ABI_X86_32) {
		struct xpv_blkif32_response w;

		memset(&w, 0, sizeof(w));
		w.id = rsp->id;
		w.operation = rsp->operation;
		w.status = rsp->status;
		memcpy(wire, &w, sizeof(w));
	} else {
		struct xpv_blkif64_response w;

		memset(&w, 0, sizeof(w));
		w.id = rsp->id;
		w.operation = rsp->operation;
		w.status = rsp->status;
		memcpy(wire, &w, sizeof(w));
	}
}

void xpv_blkif_rsp_decode(enum xpv_blkif_abi abi, const void *wire,
			  struct xpv_blkif_rsp *rsp)
{
	if (abi == XPV_BLKIF_ABI_X86_32) {
		struct xpv_blkif32_response w;

		memcpy(&w, wire, sizeof(w));
		rsp->id = w.id;
		rsp->operation = w.operation;
		rsp->status = w.status;
	} else {
		struct xpv_blkif64_response w;

		memcpy(&w, wire, sizeof(w));
		rsp->id = w.id;
		rsp->operation = w.operation;
		rsp->status = w.status;
	}
}

/* ================================================================== */
/* Building requests (front end).                                      */
/* ================================================================== */

int xpv_blkif_build_rw(struct xpv_blkif_req *req, u8 op, u64 id, u16 handle,
		       u64 sector, const struct xpv_blkif_seg *seg,
		       unsigned int nr)
{
	bool flush = op == XPV_BLKIF_OP_FLUSH_DISKCACHE ||
		     op == XPV_BLKIF_OP_WRITE_BARRIER;

	if (op != XPV_BLKIF_OP_READ && op != XPV_BLKIF_OP_WRITE && !flush)
		return -EINVAL;
	if (nr > XPV_BLKIF_MAX_SEGS || (nr == 0 && !flush))
		return -EINVAL;
	memset(req, 0, sizeof(*req));
	req->operation = op;
	req->id = id;
	req->handle = handle;
	req->sector_number = sector;
	req->nr_segments = nr;
	if (nr)
		memcpy(req->seg, seg, nr * sizeof(*seg));
	return 0;
}

int xpv_blkif_build_flush(struct xpv_blkif_req *req, u8 op, u64 id,
			  u16 handle)
{
	if (op != XPV_BLKIF_OP_FLUSH_DISKCACHE &&
	    op != XPV_BLKIF_OP_WRITE_BARRIER)
		return -EINVAL;
	return xpv_blkif_build_rw(req, op, id, handle, 0, NULL, 0);
}

void xpv_blkif_build_discard(struct xpv_blkif_req *req, u64 id, u64 sector,
			     u64 nr_sectors, bool secure)
{
	memset(req, 0, sizeof(*req));
	req->operation = XPV_BLKIF_OP_DISCARD;
	req->id = id;
	req->sector_number = sector;
	req->nr_sectors = nr_sectors;
	req->flag = secure ? XPV_BLKIF_DISCARD_SECURE : 0;
}

int xpv_blkif_build_indirect(struct xpv_blkif_req *req, u8 op, u64 id,
			     u16 handle, u64 sector, unsigned int nr_segs,
			     const u32 *grefs)
{
	unsigned int i, pages;

	if (op != XPV_BLKIF_OP_READ && op != XPV_BLKIF_OP_WRITE)
		return -EINVAL;
	if (nr_segs == 0 || nr_segs > XPV_BLKIF_MAX_INDIRECT_SEGS)
		return -EINVAL;
	memset(req, 0, sizeof(*req));
	req->operation = XPV_BLKIF_OP_INDIRECT;
	req->indirect_op = op;
	req->id = id;
	req->handle = handle;
	req->sector_number = sector;
	req->nr_segments = nr_segs;
	pages = xpv_blkif_indirect_pages(nr_segs);
	for (i = 0; i < pages; i++)
		req->indirect_grefs[i] = grefs[i];
	return 0;
}

void xpv_blkif_indirect_put(void *const *pages, unsigned int i,
			    const struct xpv_blkif_seg *seg)
{
	struct xpv_blkif_wire_seg w;
	u8 *page = pages[i / XPV_BLKIF_SEGS_PER_INDIRECT_PAGE];

	blkif_seg_to_wire(&w, seg);
	memcpy(page + (i % XPV_BLKIF_SEGS_PER_INDIRECT_PAGE) * sizeof(w),
	       &w, sizeof(w));
}

void xpv_blkif_indirect_copy(struct xpv_blkif_seg *dst,
			     const void *const *pages, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		const u8 *page = pages[i / XPV_BLKIF_SEGS_PER_INDIRECT_PAGE];
		struct xpv_blkif_wire_seg w;

		memcpy(&w, page + (i % XPV_BLKIF_SEGS_PER_INDIRECT_PAGE) *
		       sizeof(w), sizeof(w));
		barrier();	/* use only the copy */
		blkif_seg_from_wire(&dst[i], &w);
	}
}

/* ================================================================== */
/* Rings.                                                              */
/* ================================================================== */

static bool blkif_abi_ok(enum xpv_blkif_abi abi)
{
	return abi == XPV_BLKIF_ABI_X86_64 || abi == XPV_BLKIF_ABI_X86_32;
}

int xpv_blkif_back_attach(struct xpv_blkif_back_ring *br,
			  enum xpv_blkif_abi abi, struct xpv_sring *s,
			  size_t bytes)
{
	if (!blkif_abi_ok(abi))
		return -EINVAL;
	br->abi = abi;
	return xpv_back_attach(&br->r, s, bytes, xpv_blkif_slot_size(abi), 0);
}

bool xpv_blkif_back_get(struct xpv_blkif_back_ring *br,
			struct xpv_blkif_req *req)
{
	union {
		struct xpv_blkif64_request r64;
		struct xpv_blkif32_request r32;
	} copy;

	if (!xpv_back_get_req(&br->r, &copy, xpv_blkif_req_size(br->abi),
			      xpv_blkif_slot_size(br->abi)))
		return false;
	xpv_blkif_req_decode(br->abi, &copy, req);
	return true;
}

bool xpv_blkif_back_respond(struct xpv_blkif_back_ring *br, u64 id, u8 op,
			    s16 status)
{
	struct xpv_blkif_rsp rsp = { .id = id, .operation = op,
				     .status = status };
	void *slot;

	slot = xpv_back_new_rsp(&br->r, xpv_blkif_rsp_size(br->abi),
				xpv_blkif_slot_size(br->abi));
	if (!slot)
		return false;
	xpv_blkif_rsp_encode(br->abi, &rsp, slot);
	return true;
}

int xpv_blkif_front_init(struct xpv_blkif_front_ring *fr,
			 enum xpv_blkif_abi abi, struct xpv_sring *s,
			 size_t bytes)
{
	if (!blkif_abi_ok(abi) || bytes < XPV_SRING_HDR_SIZE)
		return -EINVAL;
	memset(s, 0, bytes);
	xpv_sring_init(s);
	fr->abi = abi;
	return xpv_front_attach(&fr->r, s, bytes, xpv_blkif_slot_size(abi), 0);
}

bool xpv_blkif_front_put(struct xpv_blkif_front_ring *fr,
			 const struct xpv_blkif_req *req)
{
	void *slot;

	slot = xpv_front_new_req(&fr->r, xpv_blkif_req_size(fr->abi),
				 xpv_blkif_slot_size(fr->abi));
	if (!slot)
		return false;
	xpv_blkif_req_encode(fr->abi, req, slot);
	return true;
}

bool xpv_blkif_front_get(struct xpv_blkif_front_ring *fr,
			 struct xpv_blkif_rsp *rsp)
{
	union {
		struct xpv_blkif64_response r64;
		struct xpv_blkif32_response r32;
	} copy;

	if (!xpv_front_get_rsp(&fr->r, &copy, xpv_blkif_rsp_size(fr->abi),
			       xpv_blkif_slot_size(fr->abi)))
		return false;
	xpv_blkif_rsp_decode(fr->abi, &copy, rsp);
	return true;
}

/* ================================================================== */
/* Shadow table (front end).                                           */
/* ================================================================== */

int xpv_blkif_shadow_init(struct xpv_blkif_shadow_tab *tab,
			  struct xpv_blkif_shadow *ent, u32 nr)
{
	u32 i;

	if (!nr || nr >= XPV_BLKIF_SHADOW_END)
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		ent[i].next = i + 1 < nr ? i + 1 : XPV_BLKIF_SHADOW_END;
		ent[i].op = 0;
	}
	tab->ent = ent;
	tab->nr = nr;
	tab->free_head = 0;
	tab->nr_free = nr;
	return 0;
}

int xpv_blkif_shadow_alloc(struct xpv_blkif_shadow_tab *tab,
			   struct xpv_blkif_req *req)
{
	u32 id = tab->free_head;

	if (id == XPV_BLKIF_SHADOW_END)
		return -ENOSPC;
	tab->free_head = tab->ent[id].next;
	tab->ent[id].next = XPV_BLKIF_SHADOW_INUSE;
	tab->ent[id].op = xpv_blkif_rsp_op(req);
	tab->nr_free--;
	req->id = id;
	return 0;
}

static bool blkif_shadow_outstanding(const struct xpv_blkif_shadow_tab *tab,
				     u64 id)
{
	return id < tab->nr && tab->ent[id].next == XPV_BLKIF_SHADOW_INUSE;
}

int xpv_blkif_rsp_check(const struct xpv_blkif_shadow_tab *tab,
			const struct xpv_blkif_rsp *rsp)
{
	if (!blkif_shadow_outstanding(tab, rsp->id))
		return -EINVAL;
	if (rsp->operation != tab->ent[rsp->id].op)
		return -EPROTO;
	switch (rsp->status) {
	case XPV_BLKIF_RSP_OKAY:
	case XPV_BLKIF_RSP_ERROR:
	case XPV_BLKIF_RSP_EOPNOTSUPP:
		return 0;
	default:
		return -EBADMSG;
	}
}

int xpv_blkif_shadow_free(struct xpv_blkif_shadow_tab *tab, u64 id)
{
	if (!blkif_shadow_outstanding(tab, id))
		return -EINVAL;
	tab->ent[id].next = tab->free_head;
	tab->free_head = (u32)id;
	tab->nr_free++;
	return 0;
}

/* ================================================================== */
/* Feature negotiation.                                                */
/* ================================================================== */

static const char blkif_proto_64[] = "x86_64-abi";
static const char blkif_proto_32[] = "x86_32-abi";

const char *xpv_blkif_protocol_name(enum xpv_blkif_abi abi)
{
	return abi == XPV_BLKIF_ABI_X86_32 ? blkif_proto_32 : blkif_proto_64;
}

int xpv_blkif_parse_protocol(const char *s, size_t len,
			     enum xpv_blkif_abi *abi)
{
	if (!s) {
		*abi = XPV_BLKIF_ABI_NATIVE;
		return 0;
	}
	if (len == sizeof(blkif_proto_64) - 1 &&
	    !memcmp(s, blkif_proto_64, len)) {
		*abi = XPV_BLKIF_ABI_X86_64;
		return 0;
	}
	if (len == sizeof(blkif_proto_32) - 1 &&
	    !memcmp(s, blkif_proto_32, len)) {
		*abi = XPV_BLKIF_ABI_X86_32;
		return 0;
	}
	return -EINVAL;
}

unsigned int xpv_blkif_front_ring_order(unsigned int want, u64 backend_max)
{
	u64 o = want;

	if (o > backend_max)
		o = backend_max;
	if (o > XPV_BLKIF_MAX_RING_ORDER)
		o = XPV_BLKIF_MAX_RING_ORDER;
	return (unsigned int)o;
}

unsigned int xpv_blkif_front_queues(unsigned int want, u64 backend_max)
{
	u64 q = want ? want : 1;

	if (backend_max == 0)
		return 1;
	if (q > backend_max)
		q = backend_max;
	return (unsigned int)q;
}

unsigned int xpv_blkif_front_indirect_segs(unsigned int want,
					   u64 backend_max)
{
	u64 n = want;

	if (n > backend_max)
		n = backend_max;
	if (n > XPV_BLKIF_MAX_INDIRECT_SEGS)
		n = XPV_BLKIF_MAX_INDIRECT_SEGS;
	return n > XPV_BLKIF_MAX_SEGS ? (unsigned int)n : 0;
}

unsigned int xpv_blkif_front_pgnt_pool(unsigned int want, unsigned int slots,
				       unsigned int *segs)
{
	u64 n = (u64)slots * *segs;

	if (!n)
		return 0;
	if (want && n > want)
		n = want;
	if (n < XPV_BLKIF_MAX_SEGS)
		n = XPV_BLKIF_MAX_SEGS;
	if (*segs > n)
		*segs = (unsigned int)n;
	return (unsigned int)n;
}

int xpv_blkif_back_ring_order(bool present, u64 val, unsigned int our_max)
{
	if (!present)
		return 0;
	if (val > our_max || val > XPV_BLKIF_MAX_RING_ORDER)
		return -EINVAL;
	return (int)val;
}

int xpv_blkif_back_queues(bool present, u64 val, unsigned int our_max)
{
	if (!present)
		return 1;
	if (our_max == 0)
		our_max = 1;
	if (val == 0 || val > our_max)
		return -EINVAL;
	return (int)val;
}

int xpv_blkif_disk_check(struct xpv_blkif_disk *d)
{
	u32 ss = d->sector_size;

	if (ss < 512 || ss > XPV_BLKIF_PAGE_SIZE || (ss & (ss - 1)))
		return -EINVAL;
	if (!d->physical_sector_size)
		d->physical_sector_size = ss;
	if (d->physical_sector_size % ss)
		return -EINVAL;
	if (d->sectors % (ss >> XPV_BLKIF_SECTOR_SHIFT))
		return -EINVAL;
	return 0;
}
