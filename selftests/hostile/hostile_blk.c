// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hostile-peer tests of the blkif proto (drivers/block/xen-blk/
 * blkif_proto.c and back_proto.c), in the style of FreeBSD's
 * netback_unit_tests: one page is the shared ring, our front end and our
 * back end are attached to it, and the test plays one side as a malicious
 * peer and asserts on what the other side's parser does.  For each rule of
 * the security checklist (docs/selftests.md, "Hostile-peer tests"), the
 * bad input is rejected (an error response, a broken ring, or a refused
 * value), nothing outside it is touched (the program runs under ASan and
 * UBSan, every buffer is allocated at its exact size) and the next valid
 * request still works.
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include "blkif_proto.h"
#include "back_proto.h"
#include "kselftest_harness.h"

#define DEV_SECTORS	1048576ULL	/* 512 MiB */
#define IND_SEGS	600	/* an indirect request over two pages */

static const struct xpv_blkif_limits lim_full = {
	.sectors = DEV_SECTORS,
	.sector_size = 512,
	.max_indirect_segs = XPV_BLKIF_MAX_INDIRECT_SEGS,
	.flush = true,
	.discard = true,
};

FIXTURE(blk) {
	struct xpv_sring *s;
	size_t slot;
	struct xpv_blkif_front_ring fr;
	struct xpv_blkif_back_ring br;
	struct xpv_blkif_limits lim;
	struct xpv_blkif_shadow *ent;
	struct xpv_blkif_shadow_tab tab;
	void *ind[XPV_BLKIF_MAX_INDIRECT_PAGES];
};

FIXTURE_VARIANT(blk) {
	enum xpv_blkif_abi abi;
	u32 start;	/* first ring index: 2^32 - 16 crosses the wrap */
};

FIXTURE_VARIANT_ADD(blk, x86_64) { .abi = XPV_BLKIF_ABI_X86_64, .start = 0 };

FIXTURE_VARIANT_ADD(blk, x86_32) { .abi = XPV_BLKIF_ABI_X86_32, .start = 0 };

FIXTURE_VARIANT_ADD(blk, x86_64_wrap) {
	.abi = XPV_BLKIF_ABI_X86_64, .start = 0xfffffff0U,
};

FIXTURE_VARIANT_ADD(blk, x86_32_wrap) {
	.abi = XPV_BLKIF_ABI_X86_32, .start = 0xfffffff0U,
};

/* Both ends on an empty ring at @at (first connection or a reconnect). */
static int attach(struct _test_data_blk *self, enum xpv_blkif_abi abi, u32 at)
{
	if (xpv_blkif_front_init(&self->fr, abi, self->s, XPV_BLKIF_PAGE_SIZE) ||
	    xpv_blkif_back_attach(&self->br, abi, self->s, XPV_BLKIF_PAGE_SIZE))
		return -1;
	xpv_sring_init_at(self->s, at);
	if (xpv_front_attach(&self->fr.r, self->s, XPV_BLKIF_PAGE_SIZE,
			     self->slot, at) ||
	    xpv_back_attach(&self->br.r, self->s, XPV_BLKIF_PAGE_SIZE,
			    self->slot, at))
		return -1;
	return xpv_blkif_shadow_init(&self->tab, self->ent, self->fr.r.nr_ents);
}

FIXTURE_SETUP(blk)
{
	unsigned int i;

	self->slot = xpv_blkif_slot_size(variant->abi);
	self->s = aligned_alloc(XPV_BLKIF_PAGE_SIZE, XPV_BLKIF_PAGE_SIZE);
	ASSERT_NE(NULL, self->s);
	self->ent = calloc(32, sizeof(*self->ent));	/* exactly nr_ents */
	ASSERT_NE(NULL, self->ent);
	ASSERT_EQ(0, attach(self, variant->abi, variant->start));
	ASSERT_EQ(32, self->fr.r.nr_ents);
	self->lim = lim_full;
	for (i = 0; i < XPV_BLKIF_MAX_INDIRECT_PAGES; i++) {
		self->ind[i] = aligned_alloc(XPV_BLKIF_PAGE_SIZE,
					     XPV_BLKIF_PAGE_SIZE);
		ASSERT_NE(NULL, self->ind[i]);
		memset(self->ind[i], 0, XPV_BLKIF_PAGE_SIZE);
	}
	hostile_disarm();
}

FIXTURE_TEARDOWN(blk)
{
	unsigned int i;

	hostile_disarm();
	for (i = 0; i < XPV_BLKIF_MAX_INDIRECT_PAGES; i++)
		free(self->ind[i]);
	free(self->ent);
	free(self->s);
}

static void *req_slot(struct _test_data_blk *self, u32 idx)
{
	return xpv_ring_entry(self->s, self->fr.r.nr_ents, idx, self->slot);
}

/* A valid read of @n segments (gref 100 + i, sectors 0..7) at @sector. */
static void rw_req(struct xpv_blkif_req *req, u8 op, unsigned int n,
		   u64 sector)
{
	unsigned int i;

	memset(req, 0, sizeof(*req));
	req->operation = op;
	req->sector_number = sector;
	req->nr_segments = n;
	for (i = 0; i < n && i < XPV_BLKIF_MAX_SEGS; i++) {
		req->seg[i].gref = 100 + i;
		req->seg[i].first_sect = 0;
		req->seg[i].last_sect = 7;
	}
}

/* Hostile front: put @req (any content, any id) raw on the ring and push. */
static bool front_raw(struct _test_data_blk *self,
		      const struct xpv_blkif_req *req)
{
	if (!xpv_blkif_front_put(&self->fr, req))
		return false;
	xpv_front_push_reqs(&self->fr.r);
	return true;
}

/*
 * Our back end: take one request, check it (and its indirect segments),
 * answer with the status the check gives.  Returns the check's result, or
 * -1000 when no request could be taken.
 */
static int back_serve(struct _test_data_blk *self, struct xpv_blkif_req *got,
		      struct xpv_blkif_io *io)
{
	struct xpv_blkif_seg *seg = NULL;
	int err;

	if (!xpv_blkif_back_get(&self->br, got))
		return -1000;
	err = xpv_blkif_req_check(&self->lim, got, io);
	if (!err && io->indirect) {
		seg = calloc(io->nr_segments, sizeof(*seg));
		if (!seg)
			return -1001;
		xpv_blkif_indirect_copy(seg, (const void *const *)self->ind,
					io->nr_segments);
		err = xpv_blkif_segs_check(&self->lim, io, seg,
					   io->nr_segments);
		free(seg);
	}
	if (!xpv_blkif_back_respond(&self->br, got->id, xpv_blkif_rsp_op(got),
				    xpv_blkif_rsp_status(err)))
		return -1002;
	xpv_back_push_rsps(&self->br.r);
	return err;
}

/* Our front end: take one response and retire its id. */
static int front_reap(struct _test_data_blk *self, struct xpv_blkif_rsp *rsp)
{
	int err;

	if (!xpv_blkif_front_get(&self->fr, rsp))
		return -1000;
	err = xpv_blkif_rsp_check(&self->tab, rsp);
	if (err)
		return err;
	return xpv_blkif_shadow_free(&self->tab, rsp->id);
}

/* A whole valid exchange by our own ends: the ring still works. */
static int still_works(struct _test_data_blk *self)
{
	struct xpv_blkif_req req, got;
	struct xpv_blkif_rsp rsp;
	struct xpv_blkif_io io;
	u32 nr_free = self->tab.nr_free;
	int err;

	rw_req(&req, XPV_BLKIF_OP_WRITE, 2, 64);
	if (xpv_blkif_shadow_alloc(&self->tab, &req))
		return -2000;
	if (!front_raw(self, &req))
		return -2001;
	err = back_serve(self, &got, &io);
	if (err)
		return err;
	if (got.id != req.id || io.nr_sectors != 16)
		return -2002;
	err = front_reap(self, &rsp);
	if (err)
		return err;
	if (rsp.id != req.id || rsp.status != XPV_BLKIF_RSP_OKAY ||
	    rsp.operation != XPV_BLKIF_OP_WRITE)
		return -2003;
	return self->tab.nr_free == nr_free ? 0 : -2004;
}

/* ------------------------------------------------------------------ */
/* Rule 1: copy once, use the copy.                                    */
/* ------------------------------------------------------------------ */

struct rewrite {
	void *at;
	size_t len;
	int byte;
};

static void rewrite_fn(void *arg)
{
	struct rewrite *rw = arg;

	memset(rw->at, rw->byte, rw->len);
}

/* The front rewrites the request slot right after the back end's copy. */
TEST_F(blk, copy_once_request)
{
	struct xpv_blkif_req req, got;
	struct xpv_blkif_io io;
	struct rewrite rw;

	rw_req(&req, XPV_BLKIF_OP_READ, 3, 24);
	req.id = 5;
	ASSERT_TRUE(front_raw(self, &req));
	rw.at = req_slot(self, self->br.r.req_cons);
	rw.len = xpv_blkif_req_size(variant->abi);
	rw.byte = 0xff;	/* op 255, 255 segments, id ~0, sector ~0 */
	hostile_arm(rw.at, rw.len, rewrite_fn, &rw);
	EXPECT_EQ(0, back_serve(self, &got, &io));
	EXPECT_EQ(1, hostile_watch.reads);	/* read exactly once */
	hostile_disarm();
	EXPECT_EQ(XPV_BLKIF_OP_READ, got.operation);
	EXPECT_EQ(5, got.id);
	EXPECT_EQ(3, got.nr_segments);
	EXPECT_EQ(24, got.sector_number);
	EXPECT_EQ(101, got.seg[1].gref);
	EXPECT_EQ(7, got.seg[2].last_sect);
	EXPECT_EQ(24, io.nr_sectors);
	/* The response names the copy's id, not the rewritten one. */
	struct xpv_blkif_rsp rsp;

	ASSERT_TRUE(xpv_blkif_front_get(&self->fr, &rsp));
	EXPECT_EQ(5, rsp.id);
	EXPECT_EQ(XPV_BLKIF_RSP_OKAY, rsp.status);
	EXPECT_EQ(0, still_works(self));
}

/* Each indirect segment is copied once; the count is the request's copy. */
TEST_F(blk, copy_once_indirect_segments)
{
	struct xpv_blkif_seg seg[IND_SEGS], *got_seg;
	u32 grefs[XPV_BLKIF_MAX_INDIRECT_PAGES] = { 900, 901 };
	struct xpv_blkif_req req, got;
	struct xpv_blkif_io io;
	struct rewrite rw;
	unsigned int i;

	for (i = 0; i < IND_SEGS; i++) {
		seg[i].gref = 1000 + i;
		seg[i].first_sect = 0;
		seg[i].last_sect = 7;
		xpv_blkif_indirect_put(self->ind, i, &seg[i]);
	}
	ASSERT_EQ(0, xpv_blkif_build_indirect(&req, XPV_BLKIF_OP_READ, 9, 0, 0,
					      IND_SEGS, grefs));
	ASSERT_TRUE(front_raw(self, &req));
	ASSERT_TRUE(xpv_blkif_back_get(&self->br, &got));
	ASSERT_EQ(0, xpv_blkif_req_check(&self->lim, &got, &io));
	ASSERT_EQ(IND_SEGS, io.nr_segments);
	ASSERT_EQ(2, io.nr_indirect_pages);
	/* The front raises the count on the ring: the back end's copy holds. */
	memset(req_slot(self, self->br.r.req_cons - 1), 0xff,
	       xpv_blkif_req_size(variant->abi));

	/* Segment 511 (the last of page 0) turns hostile after its copy. */
	rw.at = (u8 *)self->ind[0] + 511 * 8;
	rw.len = 8;
	rw.byte = 0;	/* gref 0, sectors 0..0 */
	hostile_arm(rw.at, rw.len, rewrite_fn, &rw);
	got_seg = calloc(io.nr_segments, sizeof(*got_seg));
	ASSERT_NE(NULL, got_seg);
	xpv_blkif_indirect_copy(got_seg, (const void *const *)self->ind,
				io.nr_segments);
	EXPECT_EQ(1, hostile_watch.reads);
	hostile_disarm();
	EXPECT_EQ(1511, got_seg[511].gref);
	EXPECT_EQ(7, got_seg[511].last_sect);
	EXPECT_EQ(0, xpv_blkif_segs_check(&self->lim, &io, got_seg,
					  io.nr_segments));
	EXPECT_EQ(IND_SEGS * 8, io.nr_sectors);
	free(got_seg);
	ASSERT_TRUE(xpv_blkif_back_respond(&self->br, got.id,
					   xpv_blkif_rsp_op(&got), 0));
	xpv_back_push_rsps(&self->br.r);
}

/* The back end rewrites the response after the front end's copy. */
TEST_F(blk, copy_once_response)
{
	struct xpv_blkif_req req, got;
	struct xpv_blkif_rsp rsp;
	struct xpv_blkif_io io;
	struct rewrite rw;
	u32 first;

	rw_req(&req, XPV_BLKIF_OP_READ, 1, 0);
	ASSERT_EQ(0, xpv_blkif_shadow_alloc(&self->tab, &req));
	first = (u32)req.id;
	ASSERT_TRUE(front_raw(self, &req));
	ASSERT_EQ(0, back_serve(self, &got, &io));
	rw.at = req_slot(self, self->fr.r.rsp_cons);
	rw.len = xpv_blkif_rsp_size(variant->abi);
	rw.byte = 0x7f;	/* id, op and status all garbage */
	hostile_arm(rw.at, rw.len, rewrite_fn, &rw);
	EXPECT_EQ(0, front_reap(self, &rsp));
	EXPECT_EQ(1, hostile_watch.reads);
	hostile_disarm();
	EXPECT_EQ(first, rsp.id);
	EXPECT_EQ(XPV_BLKIF_OP_READ, rsp.operation);
	EXPECT_EQ(XPV_BLKIF_RSP_OKAY, rsp.status);
	EXPECT_EQ(0, still_works(self));
}

/* ------------------------------------------------------------------ */
/* Rule 2: producer indexes.                                           */
/* ------------------------------------------------------------------ */

TEST_F(blk, request_producer_far_ahead)
{
	struct xpv_blkif_req got;
	struct xpv_blkif_io io;
	u32 rsp_prod = self->s->rsp_prod;

	WRITE_ONCE(self->s->req_prod, self->br.r.req_cons + 33);
	EXPECT_EQ(-1000, back_serve(self, &got, &io));
	EXPECT_TRUE(self->br.r.broken);
	EXPECT_EQ(rsp_prod, self->s->rsp_prod);	/* nothing answered */
	/* Broken stays broken, even once the index looks sane again. */
	WRITE_ONCE(self->s->req_prod, self->br.r.req_cons + 1);
	EXPECT_FALSE(xpv_blkif_back_get(&self->br, &got));
	/* A reconnect gets a working ring. */
	ASSERT_EQ(0, attach(self, variant->abi, self->fr.r.req_prod_pvt));
	EXPECT_EQ(0, still_works(self));
}

TEST_F(blk, request_producer_behind)
{
	struct xpv_blkif_req got;

	EXPECT_EQ(0, still_works(self));
	WRITE_ONCE(self->s->req_prod, self->br.r.req_cons - 1);
	EXPECT_FALSE(xpv_blkif_back_get(&self->br, &got));
	EXPECT_TRUE(self->br.r.broken);
	WRITE_ONCE(self->s->req_prod, self->br.r.req_cons - 0x80000000U);
	EXPECT_FALSE(xpv_blkif_back_get(&self->br, &got));
	ASSERT_EQ(0, attach(self, variant->abi, self->fr.r.req_prod_pvt));
	EXPECT_EQ(0, still_works(self));
}

/*
 * Requests taken but not yet answered own their slots: a producer that
 * claims those slots again (less room than the ring size) breaks the ring.
 */
TEST_F(blk, request_producer_over_unanswered_slots)
{
	struct xpv_blkif_req req, got;
	u32 cons;

	rw_req(&req, XPV_BLKIF_OP_READ, 1, 0);
	ASSERT_TRUE(front_raw(self, &req));
	ASSERT_TRUE(front_raw(self, &req));
	ASSERT_TRUE(xpv_blkif_back_get(&self->br, &got));
	ASSERT_TRUE(xpv_blkif_back_get(&self->br, &got));
	cons = self->br.r.req_cons;
	/* 30 more would fit; 31 would overwrite an unanswered slot. */
	WRITE_ONCE(self->s->req_prod, cons + 31);
	EXPECT_FALSE(xpv_blkif_back_get(&self->br, &got));
	EXPECT_TRUE(self->br.r.broken);
	EXPECT_EQ(cons, self->br.r.req_cons);
}

TEST_F(blk, response_producer_hostile)
{
	struct xpv_blkif_req req, got;
	struct xpv_blkif_rsp rsp;
	struct xpv_blkif_io io;

	/* One request outstanding; the back end claims two answers. */
	rw_req(&req, XPV_BLKIF_OP_READ, 1, 0);
	ASSERT_EQ(0, xpv_blkif_shadow_alloc(&self->tab, &req));
	ASSERT_TRUE(front_raw(self, &req));
	ASSERT_EQ(0, back_serve(self, &got, &io));
	WRITE_ONCE(self->s->rsp_prod, self->fr.r.rsp_cons + 2);
	EXPECT_EQ(-1000, front_reap(self, &rsp));
	EXPECT_TRUE(self->fr.r.broken);
	ASSERT_EQ(0, attach(self, variant->abi, self->fr.r.req_prod_pvt));
	EXPECT_EQ(0, still_works(self));
	/* Behind the consumer. */
	WRITE_ONCE(self->s->rsp_prod, self->fr.r.rsp_cons - 1);
	EXPECT_EQ(-1000, front_reap(self, &rsp));
	EXPECT_TRUE(self->fr.r.broken);
	ASSERT_EQ(0, attach(self, variant->abi, self->fr.r.req_prod_pvt));
	EXPECT_EQ(0, still_works(self));
}

/* Many requests through the ring: indexes wrap (the _wrap variants). */
TEST_F(blk, traffic_across_the_wrap)
{
	unsigned int i;

	for (i = 0; i < 100; i++)
		ASSERT_EQ(0, still_works(self));
	EXPECT_EQ(variant->start + 100, self->br.r.req_cons);
}

/* ------------------------------------------------------------------ */
/* Rule 3: ids against the front end's shadow state.                   */
/* ------------------------------------------------------------------ */

TEST_F(blk, response_ids_and_status)
{
	static const u64 bad_ids[] = {
		32, 33, 0xffffffffULL, 0x100000000ULL, ~0ULL,
	};
	static const s16 bad_status[] = { 1, -3, 0x7fff, -0x8000 };
	struct xpv_blkif_rsp rsp;
	struct xpv_blkif_req req;
	unsigned int i;
	u32 id;

	rw_req(&req, XPV_BLKIF_OP_READ, 1, 0);
	ASSERT_EQ(0, xpv_blkif_shadow_alloc(&self->tab, &req));
	id = (u32)req.id;
	rsp.operation = XPV_BLKIF_OP_READ;
	rsp.status = XPV_BLKIF_RSP_OKAY;

	/* Out of range, and an in-range id never handed out. */
	for (i = 0; i < ARRAY_SIZE(bad_ids); i++) {
		rsp.id = bad_ids[i];
		EXPECT_EQ(-EINVAL, xpv_blkif_rsp_check(&self->tab, &rsp));
		EXPECT_EQ(-EINVAL, xpv_blkif_shadow_free(&self->tab, rsp.id));
	}
	rsp.id = (id + 1) % 32;
	EXPECT_EQ(-EINVAL, xpv_blkif_rsp_check(&self->tab, &rsp));
	/* The id with the upper half set is not the id. */
	rsp.id = (1ULL << 32) | id;
	EXPECT_EQ(-EINVAL, xpv_blkif_rsp_check(&self->tab, &rsp));
	/* Right id, wrong operation; unknown status. */
	rsp.id = id;
	rsp.operation = XPV_BLKIF_OP_WRITE;
	EXPECT_EQ(-EPROTO, xpv_blkif_rsp_check(&self->tab, &rsp));
	rsp.operation = XPV_BLKIF_OP_READ;
	for (i = 0; i < ARRAY_SIZE(bad_status); i++) {
		rsp.status = bad_status[i];
		EXPECT_EQ(-EBADMSG, xpv_blkif_rsp_check(&self->tab, &rsp));
	}
	EXPECT_EQ(31, self->tab.nr_free);	/* nothing retired */

	/* The genuine answer; then the same id once more. */
	rsp.status = XPV_BLKIF_RSP_OKAY;
	EXPECT_EQ(0, xpv_blkif_rsp_check(&self->tab, &rsp));
	EXPECT_EQ(0, xpv_blkif_shadow_free(&self->tab, id));
	EXPECT_EQ(-EINVAL, xpv_blkif_rsp_check(&self->tab, &rsp));
	EXPECT_EQ(-EINVAL, xpv_blkif_shadow_free(&self->tab, id));
	EXPECT_EQ(32, self->tab.nr_free);
	EXPECT_EQ(0, still_works(self));
}

/* A duplicate answer on the ring itself. */
TEST_F(blk, duplicate_response_on_the_ring)
{
	struct xpv_blkif_req req, got;
	struct xpv_blkif_rsp rsp;
	struct xpv_blkif_io io;

	rw_req(&req, XPV_BLKIF_OP_READ, 1, 0);
	ASSERT_EQ(0, xpv_blkif_shadow_alloc(&self->tab, &req));
	ASSERT_TRUE(front_raw(self, &req));
	rw_req(&req, XPV_BLKIF_OP_READ, 1, 8);
	ASSERT_EQ(0, xpv_blkif_shadow_alloc(&self->tab, &req));
	ASSERT_TRUE(front_raw(self, &req));
	ASSERT_TRUE(xpv_blkif_back_get(&self->br, &got));
	ASSERT_EQ(0, xpv_blkif_req_check(&self->lim, &got, &io));
	/* The hostile back end answers the first request twice. */
	ASSERT_TRUE(xpv_blkif_back_respond(&self->br, got.id, 0, 0));
	ASSERT_TRUE(xpv_blkif_back_get(&self->br, &req));
	ASSERT_TRUE(xpv_blkif_back_respond(&self->br, got.id, 0, 0));
	xpv_back_push_rsps(&self->br.r);
	EXPECT_EQ(0, front_reap(self, &rsp));
	EXPECT_EQ(-EINVAL, front_reap(self, &rsp));
	EXPECT_EQ(31, self->tab.nr_free);	/* the second stays out */
	/* The late genuine answer still retires it. */
	rsp.id = req.id;
	EXPECT_EQ(0, xpv_blkif_shadow_free(&self->tab, req.id));
	EXPECT_EQ(0, still_works(self));
}

/* ------------------------------------------------------------------ */
/* Rule 4: responses built zeroed.                                     */
/* ------------------------------------------------------------------ */

TEST_F(blk, response_padding_is_zero)
{
	struct xpv_blkif_req req, got;
	struct xpv_blkif_io io;
	u8 *slot;

	rw_req(&req, XPV_BLKIF_OP_READ, 1, 0);
	req.id = 0x1122334455667788ULL;
	ASSERT_TRUE(front_raw(self, &req));
	slot = req_slot(self, self->br.r.req_cons);
	memset(slot, 0xa5, self->slot);
	xpv_blkif_req_encode(variant->abi, &req, slot);
	ASSERT_EQ(0, back_serve(self, &got, &io));
	EXPECT_EQ(0, slot[9]);
	if (variant->abi == XPV_BLKIF_ABI_X86_64) {
		u8 zero[4] = { 0 };

		EXPECT_EQ(0, memcmp(slot + 12, zero, 4));
	}
}

/* ------------------------------------------------------------------ */
/* Rule 11: counts; sector ranges; grant references.                   */
/* ------------------------------------------------------------------ */

struct bad_req {
	const char *what;
	u8 op;
	u16 nr;
	u64 sector;
	u64 nr_sectors;	/* discard */
	int gref0;	/* segment (or indirect page) with gref 0, or -1 */
	u8 first, last;
	u8 indirect_op;
	int err;
};

static const struct bad_req bad_reqs[] = {
	{ "read, 0 segments", 0, 0, 0, 0, -1, 0, 7, 0, -EINVAL },
	{ "write, 12 segments", 1, 12, 0, 0, -1, 0, 7, 0, -EINVAL },
	{ "read, 255 segments", 0, 255, 0, 0, -1, 0, 7, 0, -EINVAL },
	{ "read past the end", 0, 1, DEV_SECTORS, 0, -1, 0, 7, 0, -ERANGE },
	{ "read across the end", 0, 2, DEV_SECTORS - 8, 0, -1, 0, 7, 0,
	  -ERANGE },
	{ "sector + length overflows", 0, 2, ~0ULL - 7, 0, -1, 0, 7, 0,
	  -ERANGE },
	{ "gref 0", 0, 3, 0, 0, 2, 0, 7, 0, -EINVAL },
	{ "first > last", 0, 1, 0, 0, -1, 5, 4, 0, -EINVAL },
	{ "last past the page", 0, 1, 0, 0, -1, 0, 8, 0, -EINVAL },
	{ "last 255", 0, 1, 0, 0, -1, 0, 255, 0, -EINVAL },
	{ "discard of 0 sectors", 5, 0, 0, 0, -1, 0, 0, 0, -EINVAL },
	{ "discard past the end", 5, 0, DEV_SECTORS, 8, -1, 0, 0, 0, -ERANGE },
	{ "discard length overflows", 5, 0, 8, ~0ULL - 3, -1, 0, 0, 0,
	  -ERANGE },
	{ "discard sector overflows", 5, 0, ~0ULL - 7, 16, -1, 0, 0, 0,
	  -ERANGE },
	{ "indirect, 0 segments", 6, 0, 0, 0, -1, 0, 7, 0, -EINVAL },
	{ "indirect, 4097 segments", 6, 4097, 0, 0, -1, 0, 7, 0, -EINVAL },
	{ "indirect, 65535 segments", 6, 65535, 0, 0, -1, 0, 7, 0, -EINVAL },
	{ "indirect page gref 0", 6, 600, 0, 0, 1, 0, 7, 0, -EINVAL },
	{ "indirect flush", 6, 1, 0, 0, -1, 0, 7, 3, -EINVAL },
	{ "indirect inside indirect", 6, 1, 0, 0, -1, 0, 7, 6, -EINVAL },
	{ "indirect across the end", 6, 600, DEV_SECTORS - 8, 0, -1, 0, 7, 0,
	  -ERANGE },
	{ "indirect segment gref 0", 6, 600, 0, 0, 500, 0, 7, 0, -EINVAL },
	{ "unknown op 4", 4, 1, 0, 0, -1, 0, 7, 0, -EOPNOTSUPP },
	{ "unknown op 255", 255, 1, 0, 0, -1, 0, 7, 0, -EOPNOTSUPP },
};

static void make_bad(struct _test_data_blk *self, const struct bad_req *b,
		     struct xpv_blkif_req *req)
{
	struct xpv_blkif_seg seg = { .gref = 7, .first_sect = b->first,
				     .last_sect = b->last };
	unsigned int i;

	rw_req(req, b->op, b->nr, b->sector);
	req->id = 0xbad;
	if (b->op == XPV_BLKIF_OP_DISCARD) {
		req->nr_sectors = b->nr_sectors;
		return;
	}
	if (b->op == XPV_BLKIF_OP_INDIRECT) {
		req->indirect_op = b->indirect_op;
		for (i = 0; i < XPV_BLKIF_MAX_INDIRECT_PAGES; i++)
			req->indirect_grefs[i] = 900 + i;
		if (b->gref0 >= 0 && b->gref0 < 8)
			req->indirect_grefs[b->gref0] = 0;
		for (i = 0; i < b->nr && i < XPV_BLKIF_MAX_INDIRECT_SEGS; i++) {
			seg.gref = b->gref0 >= 8 && (int)i == b->gref0 ? 0 : 1000 + i;
			xpv_blkif_indirect_put(self->ind, i, &seg);
		}
		return;
	}
	for (i = 0; i < XPV_BLKIF_MAX_SEGS; i++) {
		req->seg[i].first_sect = b->first;
		req->seg[i].last_sect = b->last;
	}
	if (b->gref0 >= 0)
		req->seg[b->gref0].gref = 0;
}

TEST_F(blk, bad_counts_ranges_and_grants)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad_reqs); i++) {
		const struct bad_req *b = &bad_reqs[i];
		struct xpv_blkif_req req, got;
		struct xpv_blkif_rsp rsp;
		struct xpv_blkif_io io;
		int err;

		make_bad(self, b, &req);
		ASSERT_TRUE(front_raw(self, &req));
		err = back_serve(self, &got, &io);
		EXPECT_EQ(b->err, err) TH_LOG("%s", b->what);
		EXPECT_FALSE(self->br.r.broken) TH_LOG("%s", b->what);
		/* An error answer with the request's own id. */
		ASSERT_TRUE(xpv_blkif_front_get(&self->fr, &rsp));
		EXPECT_EQ(0xbad, rsp.id);
		EXPECT_EQ(b->err == -EOPNOTSUPP ? XPV_BLKIF_RSP_EOPNOTSUPP :
			  XPV_BLKIF_RSP_ERROR, rsp.status) TH_LOG("%s", b->what);
		/* The next valid request still works. */
		EXPECT_EQ(0, still_works(self)) TH_LOG("after %s", b->what);
	}
}

/* The last sector of the disk is fine; one more is not. */
TEST_F(blk, range_edges)
{
	struct xpv_blkif_req req, got;
	struct xpv_blkif_io io;

	rw_req(&req, XPV_BLKIF_OP_READ, 1, DEV_SECTORS - 8);
	ASSERT_TRUE(front_raw(self, &req));
	EXPECT_EQ(0, back_serve(self, &got, &io));
	rw_req(&req, XPV_BLKIF_OP_READ, 1, DEV_SECTORS - 7);
	ASSERT_TRUE(front_raw(self, &req));
	EXPECT_EQ(-ERANGE, back_serve(self, &got, &io));
	/* A read-only device refuses writes of every kind. */
	self->lim.readonly = true;
	rw_req(&req, XPV_BLKIF_OP_WRITE, 1, 0);
	ASSERT_TRUE(front_raw(self, &req));
	EXPECT_EQ(-EROFS, back_serve(self, &got, &io));
}

static void shrink_fn(void *arg)
{
	struct xpv_blkif_limits *lim = arg;

	lim->sectors = 8;	/* an online resize, right after the first read */
}

/*
 * The back end checks a request against one reading of the device size:
 * the disk may shrink (online resize) between two readings, and a range
 * test that read it twice (len <= size, then sector <= size - len) would
 * wrap and let a request past the new end.
 */
TEST_F(blk, range_reads_size_once)
{
	struct xpv_blkif_req req, got;
	struct xpv_blkif_io io;

	rw_req(&req, XPV_BLKIF_OP_READ, 1, DEV_SECTORS - 8);
	ASSERT_TRUE(front_raw(self, &req));
	hostile_arm(&self->lim.sectors, sizeof(self->lim.sectors), shrink_fn,
		    &self->lim);
	EXPECT_EQ(0, back_serve(self, &got, &io));
	EXPECT_EQ(1, hostile_watch.reads);	/* read exactly once */
	hostile_disarm();
	/* Against the new size, the same request is refused. */
	ASSERT_TRUE(front_raw(self, &req));
	EXPECT_EQ(-ERANGE, back_serve(self, &got, &io));
}

/*
 * The count check on its own: twelve direct segments are refused even when
 * the bytes after the eleventh look like a twelfth valid one.
 */
TEST_F(blk, direct_segment_count_alone)
{
	struct xpv_blkif_req req;
	struct xpv_blkif_io io;
	unsigned int i;

	rw_req(&req, XPV_BLKIF_OP_READ, XPV_BLKIF_MAX_SEGS, 0);
	/* Where a seg[11] would lie: gref 900, sectors 0..7. */
	for (i = 0; i < XPV_BLKIF_MAX_INDIRECT_PAGES; i += 2) {
		req.indirect_grefs[i] = 900;
		req.indirect_grefs[i + 1] = 0x0700;
	}
	EXPECT_EQ(0, xpv_blkif_req_check(&self->lim, &req, &io));
	req.nr_segments = XPV_BLKIF_MAX_SEGS + 1;
	EXPECT_EQ(-EINVAL, xpv_blkif_req_check(&self->lim, &req, &io));
	req.nr_segments = 0xffff;
	EXPECT_EQ(-EINVAL, xpv_blkif_req_check(&self->lim, &req, &io));
}

/* Indirect segments that disagree with the request's count. */
TEST_F(blk, indirect_segment_count_mismatch)
{
	struct xpv_blkif_seg seg[3] = {
		{ 1, 0, 7 }, { 2, 0, 7 }, { 3, 0, 7 },
	};
	struct xpv_blkif_io io = { .indirect = true, .nr_segments = 2 };

	EXPECT_EQ(-EINVAL, xpv_blkif_segs_check(&self->lim, &io, seg, 3));
	EXPECT_EQ(-EINVAL, xpv_blkif_segs_check(&self->lim, &io, seg, 0));
	io.nr_segments = 3;
	EXPECT_EQ(0, xpv_blkif_segs_check(&self->lim, &io, seg, 3));
	self->lim.max_indirect_segs = 2;
	EXPECT_EQ(-EINVAL, xpv_blkif_segs_check(&self->lim, &io, seg, 3));
}

/* ------------------------------------------------------------------ */
/* Rule 11 in the handshake: ring order, queues, indirect segments.    */
/* ------------------------------------------------------------------ */

TEST(negotiated_counts)
{
	static const u64 bad_order[] = {
		5, 16, 31, 32, 0x100000000ULL, ~0ULL,
	};
	static const u64 bad_queues[] = {
		0, 5, 0x100000000ULL, 0x100000001ULL, ~0ULL,
	};
	unsigned int i;

	/* Back end: what a hostile front end writes. */
	for (i = 0; i < ARRAY_SIZE(bad_order); i++)
		EXPECT_EQ(-EINVAL, xpv_blkif_back_ring_order(true, bad_order[i],
							     XPV_BLKIF_MAX_RING_ORDER))
			TH_LOG("ring order %llu",
			       (unsigned long long)bad_order[i]);
	EXPECT_EQ(-EINVAL, xpv_blkif_back_ring_order(true, 3, 2));
	EXPECT_EQ(4, xpv_blkif_back_ring_order(true, 4, 4));
	EXPECT_EQ(0, xpv_blkif_back_ring_order(false, ~0ULL, 4));
	for (i = 0; i < ARRAY_SIZE(bad_queues); i++)
		EXPECT_EQ(-EINVAL, xpv_blkif_back_queues(true, bad_queues[i], 4))
			TH_LOG("queues %llu", (unsigned long long)bad_queues[i]);
	EXPECT_EQ(4, xpv_blkif_back_queues(true, 4, 4));
	EXPECT_EQ(1, xpv_blkif_back_queues(false, 0, 4));
	EXPECT_EQ(-EINVAL, xpv_blkif_back_queues(true, 2, 0));

	/* Front end: what a hostile back end offers is clamped. */
	EXPECT_EQ(XPV_BLKIF_MAX_RING_ORDER,
		  xpv_blkif_front_ring_order(~0U, ~0ULL));
	EXPECT_EQ(0, xpv_blkif_front_ring_order(4, 0));
	EXPECT_EQ(1, xpv_blkif_front_queues(8, 0));
	EXPECT_EQ(8, xpv_blkif_front_queues(8, ~0ULL));
	EXPECT_EQ(8, xpv_blkif_front_queues(8, 0x100000000ULL));
	EXPECT_EQ(1, xpv_blkif_front_queues(0, 1));
	EXPECT_EQ(XPV_BLKIF_MAX_INDIRECT_SEGS,
		  xpv_blkif_front_indirect_segs(~0U, ~0ULL));
	EXPECT_EQ(0, xpv_blkif_front_indirect_segs(256, 0));
	EXPECT_EQ(0, xpv_blkif_front_indirect_segs(256, 11));
	EXPECT_EQ(32, xpv_blkif_front_indirect_segs(256, 32));
}

/* The disk a hostile back end describes. */
TEST(disk_description)
{
	static const struct xpv_blkif_disk bad[] = {
		{ .sectors = 8, .sector_size = 0 },
		{ .sectors = 8, .sector_size = 256 },
		{ .sectors = 8, .sector_size = 513 },
		{ .sectors = 8, .sector_size = 8192 },
		{ .sectors = 8, .sector_size = 0xffffffffU },
		{ .sectors = 7, .sector_size = 4096 },
		{ .sectors = 8, .sector_size = 4096,
		  .physical_sector_size = 512 },
		{ .sectors = 8, .sector_size = 512,
		  .physical_sector_size = 768 },
	};
	struct xpv_blkif_disk d;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		d = bad[i];
		EXPECT_EQ(-EINVAL, xpv_blkif_disk_check(&d)) TH_LOG("#%u", i);
	}
	d = (struct xpv_blkif_disk){ .sectors = ~0ULL & ~7ULL,
				     .sector_size = 4096 };
	EXPECT_EQ(0, xpv_blkif_disk_check(&d));
	EXPECT_EQ(4096, d.physical_sector_size);
}

/* Garbage in the keys the blkif handshake parses itself. */
TEST(garbage_keys)
{
	static const char *const bad_proto[] = {
		"", "x86_64", "x86_32-abi ", "x86_64-abi\n", "X86_64-ABI",
		"x86_64-abix", "x86_32-ab",
	};
	static const char *const bad_physdev[] = {
		"", ":", "8", "8:", ":1", "8:1:2", "g:1", "8:-1", " 8:1",
		"8:1 ", "1000:0", "0:100000", "fffffffff:1", "8::1", "0x8:1",
	};
	enum xpv_blkif_abi abi = XPV_BLKIF_ABI_X86_32;
	u32 major = 77, minor = 77;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad_proto); i++) {
		const char *v = bad_proto[i];

		EXPECT_EQ(-EINVAL, xpv_blkif_parse_protocol(v, strlen(v), &abi))
			TH_LOG("'%s'", v);
		EXPECT_EQ(XPV_BLKIF_ABI_X86_32, abi);	/* untouched */
	}
	/* An embedded NUL is not the end of the name. */
	EXPECT_EQ(-EINVAL, xpv_blkif_parse_protocol("x86_64-abi\0", 11, &abi));
	EXPECT_EQ(0, xpv_blkif_parse_protocol("x86_64-abi", 10, &abi));
	EXPECT_EQ(XPV_BLKIF_ABI_X86_64, abi);

	for (i = 0; i < ARRAY_SIZE(bad_physdev); i++) {
		const char *v = bad_physdev[i];

		EXPECT_NE(0, xpv_blkback_parse_physdev(v, strlen(v), &major,
						       &minor))
			TH_LOG("'%s'", v);
	}
	EXPECT_EQ(0, xpv_blkback_parse_physdev("fd:10", 5, &major, &minor));
	EXPECT_EQ(0xfd, major);
	EXPECT_EQ(0x10, minor);
}

/* ------------------------------------------------------------------ */
/* Rule 7: the persistent grants a front end can make us keep.         */
/* ------------------------------------------------------------------ */

TEST(persistent_grants_are_bounded)
{
	enum { CAP = 16, BUCKETS = 4 };
	struct xpv_blkback_pgnt_cache c;
	struct xpv_blkback_pgnt *ent = calloc(CAP, sizeof(*ent));
	struct xpv_blkback_pgnt out[CAP];
	u32 *bucket = calloc(BUCKETS, sizeof(*bucket));
	u32 idx[CAP], i, n;

	ASSERT_NE(NULL, ent);
	ASSERT_NE(NULL, bucket);
	ASSERT_EQ(0, xpv_blkback_pgnt_init(&c, ent, CAP, bucket, BUCKETS));
	/* Every request names new grants: the table fills and stops. */
	for (i = 0; i < CAP; i++) {
		idx[i] = xpv_blkback_pgnt_add(&c, 1000 + i, i, NULL);
		ASSERT_NE(XPV_BLKBACK_PGNT_NONE, idx[i]);
	}
	for (i = 0; i < 1000; i++)
		EXPECT_EQ(XPV_BLKBACK_PGNT_NONE,
			  xpv_blkback_pgnt_add(&c, 5000 + i, 0, NULL));
	EXPECT_EQ(CAP, c.nr);
	EXPECT_TRUE(xpv_blkback_pgnt_full(&c));
	/* All in flight: nothing may be evicted under the I/O. */
	EXPECT_EQ(0, xpv_blkback_pgnt_evict(&c, CAP, out));
	/* The same grant twice is refused (one mapping per grant). */
	EXPECT_EQ(0, xpv_blkback_pgnt_put(&c, idx[3]));
	EXPECT_EQ(XPV_BLKBACK_PGNT_NONE, xpv_blkback_pgnt_add(&c, 1003, 0, NULL));
	/* Bad puts: twice, out of range. */
	EXPECT_EQ(-EINVAL, xpv_blkback_pgnt_put(&c, idx[3]));
	EXPECT_EQ(-EINVAL, xpv_blkback_pgnt_put(&c, CAP));
	EXPECT_EQ(-EINVAL, xpv_blkback_pgnt_put(&c, XPV_BLKBACK_PGNT_NONE));
	/* Only the idle one goes; then the next grant fits. */
	n = xpv_blkback_pgnt_evict(&c, CAP, out);
	EXPECT_EQ(1, n);
	EXPECT_EQ(1003, out[0].gref);
	EXPECT_NE(XPV_BLKBACK_PGNT_NONE, xpv_blkback_pgnt_add(&c, 7000, 0, NULL));
	EXPECT_EQ(CAP, c.nr);
	free(bucket);
	free(ent);
}

TEST_HARNESS_MAIN
