// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of drivers/block/xen-blk/blkif_proto.c, in the style of
 * FreeBSD's netback_unit_tests: one buffer is initialised as the shared
 * ring, the test plays one side (often a hostile one) and asserts on what
 * the other side's parser does.  Every ring test runs for both request
 * layouts (x86_64, x86_32) and two ring sizes (fixture variants).  The
 * wire layouts are checked against an independent peer built on Xen's own
 * public headers (xen_oracle.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include "blkif_proto.h"
#include "xen_oracle.h"
#include "kselftest_harness.h"

#define DEV_SECTORS	(1024ULL * 1024)	/* a 512 MiB disk */
#define MAX_INDIRECT	256
#define MAX_IDS		1024

static const struct xpv_blkif_limits full_limits = {
	.sectors = DEV_SECTORS,
	.sector_size = 512,
	.max_indirect_segs = MAX_INDIRECT,
	.flush = true,
	.barrier = true,
	.discard = true,
	.secure_discard = true,
};

/* ------------------------------------------------------------------ */
/* The shared-ring fixture: our front end and our back end on one page. */
/* ------------------------------------------------------------------ */

FIXTURE(ring) {
	struct xpv_sring *s;
	size_t bytes;
	struct xpv_blkif_front_ring fr;
	struct xpv_blkif_back_ring br;
	struct xpv_blkif_limits lim;
	struct xpv_blkif_shadow ent[MAX_IDS];
	struct xpv_blkif_shadow_tab tab;
	enum xpv_blkif_abi abi;
};

FIXTURE_VARIANT(ring) {
	enum xpv_blkif_abi abi;
	unsigned int order;
	unsigned int slots;	/* expected slot count */
};

FIXTURE_VARIANT_ADD(ring, x86_64_order0) {
	.abi = XPV_BLKIF_ABI_X86_64, .order = 0, .slots = 32,
};

FIXTURE_VARIANT_ADD(ring, x86_32_order0) {
	.abi = XPV_BLKIF_ABI_X86_32, .order = 0, .slots = 32,
};

FIXTURE_VARIANT_ADD(ring, x86_64_order2) {
	.abi = XPV_BLKIF_ABI_X86_64, .order = 2, .slots = 128,
};

FIXTURE_VARIANT_ADD(ring, x86_32_order2) {
	.abi = XPV_BLKIF_ABI_X86_32, .order = 2, .slots = 128,
};

FIXTURE_SETUP(ring)
{
	self->abi = variant->abi;
	self->bytes = (size_t)XPV_BLKIF_PAGE_SIZE << variant->order;
	self->s = aligned_alloc(XPV_BLKIF_PAGE_SIZE, self->bytes);
	ASSERT_NE(NULL, self->s);
	memset(self->s, 0xa5, self->bytes);	/* front init must zero it */
	ASSERT_EQ(0, xpv_blkif_front_init(&self->fr, variant->abi, self->s,
					  self->bytes));
	ASSERT_EQ(0, xpv_blkif_back_attach(&self->br, variant->abi, self->s,
					   self->bytes));
	ASSERT_EQ(variant->slots, self->fr.r.nr_ents);
	ASSERT_EQ(variant->slots, self->br.r.nr_ents);
	self->lim = full_limits;
	ASSERT_EQ(0, xpv_blkif_shadow_init(&self->tab, self->ent,
					   self->fr.r.nr_ents));
}

FIXTURE_TEARDOWN(ring)
{
	free(self->s);
}

/* Front: send one request.  Back: take it off the ring and validate it. */
static int send_and_check(struct _test_data_ring *self,
			  const struct xpv_blkif_req *req,
			  struct xpv_blkif_req *got, struct xpv_blkif_io *io)
{
	if (!xpv_blkif_front_put(&self->fr, req))
		return -1000;
	xpv_front_push_reqs(&self->fr.r);
	if (!xpv_blkif_back_get(&self->br, got))
		return -1001;
	return xpv_blkif_req_check(&self->lim, got, io);
}

static void segs(struct xpv_blkif_seg *seg, unsigned int n, u8 first,
		 u8 last)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		seg[i].gref = 100 + i;
		seg[i].first_sect = first;
		seg[i].last_sect = last;
	}
}

/* A direct request with @n full-page segments at @sector, sent raw. */
static int check_rw(struct _test_data_ring *self, u8 op, unsigned int n,
		    u64 sector, struct xpv_blkif_io *io)
{
	struct xpv_blkif_req req = { 0 }, got;
	struct xpv_blkif_seg seg[XPV_BLKIF_MAX_SEGS];

	segs(seg, XPV_BLKIF_MAX_SEGS, 0, 7);
	req.operation = op;
	req.id = 77;
	req.sector_number = sector;
	req.nr_segments = n;
	memcpy(req.seg, seg, sizeof(seg));
	return send_and_check(self, &req, &got, io);
}

TEST_F(ring, read_write_round_trip)
{
	struct xpv_blkif_seg seg[3] = {
		{ .gref = 11, .first_sect = 0, .last_sect = 7 },
		{ .gref = 12, .first_sect = 2, .last_sect = 5 },
		{ .gref = 13, .first_sect = 7, .last_sect = 7 },
	};
	struct xpv_blkif_req req, got;
	struct xpv_blkif_io io;
	struct xpv_blkif_rsp rsp;
	u8 op;

	for (op = XPV_BLKIF_OP_READ; op <= XPV_BLKIF_OP_WRITE; op++) {
		ASSERT_EQ(0, xpv_blkif_build_rw(&req, op, 0, 0x0ca0, 4096,
						seg, 3));
		ASSERT_EQ(0, xpv_blkif_shadow_alloc(&self->tab, &req));
		ASSERT_EQ(0, send_and_check(self, &req, &got, &io));
		EXPECT_EQ(req.id, got.id);
		EXPECT_EQ(op, got.operation);
		EXPECT_EQ(0x0ca0, got.handle);
		EXPECT_EQ(3, got.nr_segments);
		EXPECT_EQ(0, memcmp(seg, got.seg, sizeof(seg)));
		EXPECT_EQ(op, io.op);
		EXPECT_FALSE(io.indirect);
		EXPECT_EQ(4096, io.sector_number);
		EXPECT_EQ(8 + 4 + 1, io.nr_sectors);

		ASSERT_TRUE(xpv_blkif_back_respond(&self->br, got.id,
						   xpv_blkif_rsp_op(&got),
						   XPV_BLKIF_RSP_OKAY));
		xpv_back_push_rsps(&self->br.r);
		ASSERT_TRUE(xpv_blkif_front_get(&self->fr, &rsp));
		EXPECT_EQ(req.id, rsp.id);
		EXPECT_EQ(op, rsp.operation);
		EXPECT_EQ(XPV_BLKIF_RSP_OKAY, rsp.status);
		ASSERT_EQ(0, xpv_blkif_rsp_check(&self->tab, &rsp));
		ASSERT_EQ(0, xpv_blkif_shadow_free(&self->tab, rsp.id));
	}
	EXPECT_EQ(self->tab.nr, self->tab.nr_free);
}

/* Many batches through the ring, its indices crossing 2^32. */
TEST_F(ring, wrap_around_indices)
{
	u32 start = 0xffffffffU - 3 * self->fr.r.nr_ents / 2;
	unsigned int round, i, batch, done = 0;
	struct xpv_blkif_seg seg[1] = { { 9, 0, 7 } };

	xpv_sring_init_at(self->s, start);
	ASSERT_EQ(0, xpv_front_attach(&self->fr.r, self->s, self->bytes,
				      xpv_blkif_slot_size(self->abi), start));
	ASSERT_EQ(0, xpv_back_attach(&self->br.r, self->s, self->bytes,
				     xpv_blkif_slot_size(self->abi), start));

	for (round = 0; round < 40; round++) {
		batch = 1 + round % self->fr.r.nr_ents;
		for (i = 0; i < batch; i++) {
			struct xpv_blkif_req req;

			ASSERT_EQ(0, xpv_blkif_build_rw(&req, XPV_BLKIF_OP_READ,
							0, 1, 8 * (done + i),
							seg, 1));
			ASSERT_EQ(0, xpv_blkif_shadow_alloc(&self->tab, &req));
			ASSERT_TRUE(xpv_blkif_front_put(&self->fr, &req));
		}
		/* The ring is full now or has room: never more than slots. */
		if (batch == self->fr.r.nr_ents)
			EXPECT_EQ(0, xpv_front_free(&self->fr.r));
		xpv_front_push_reqs(&self->fr.r);
		ASSERT_EQ((int)batch, xpv_back_req_avail(&self->br.r));
		for (i = 0; i < batch; i++) {
			struct xpv_blkif_req got;
			struct xpv_blkif_io io;

			ASSERT_TRUE(xpv_blkif_back_get(&self->br, &got));
			ASSERT_EQ(0, xpv_blkif_req_check(&self->lim, &got,
							 &io));
			EXPECT_EQ(8ULL * (done + i), io.sector_number);
			ASSERT_TRUE(xpv_blkif_back_respond(&self->br, got.id,
							   XPV_BLKIF_OP_READ,
							   0));
		}
		EXPECT_FALSE(xpv_blkif_back_get(&self->br, &(struct xpv_blkif_req){ 0 }));
		xpv_back_push_rsps(&self->br.r);
		for (i = 0; i < batch; i++) {
			struct xpv_blkif_rsp rsp;

			ASSERT_TRUE(xpv_blkif_front_get(&self->fr, &rsp));
			ASSERT_EQ(0, xpv_blkif_rsp_check(&self->tab, &rsp));
			ASSERT_EQ(0, xpv_blkif_shadow_free(&self->tab, rsp.id));
		}
		done += batch;
	}
	EXPECT_LT(self->s->req_prod, start);	/* really wrapped */
	EXPECT_FALSE(self->fr.r.broken);
	EXPECT_FALSE(self->br.r.broken);
}

TEST_F(ring, unknown_operations_are_not_supported)
{
	static const u8 bad[] = { 4, 7, 8, 0x80, 0xff };
	struct xpv_blkif_io io;
	unsigned int i;

	for (i = 0; i < sizeof(bad); i++) {
		EXPECT_EQ(-EOPNOTSUPP, check_rw(self, bad[i], 1, 0, &io));
		EXPECT_EQ(XPV_BLKIF_RSP_EOPNOTSUPP,
			  xpv_blkif_rsp_status(-EOPNOTSUPP));
	}
}

TEST_F(ring, segment_counts)
{
	struct xpv_blkif_io io;

	EXPECT_EQ(-EINVAL, check_rw(self, XPV_BLKIF_OP_READ, 0, 0, &io));
	EXPECT_EQ(-EINVAL, check_rw(self, XPV_BLKIF_OP_WRITE, 0, 0, &io));
	EXPECT_EQ(0, check_rw(self, XPV_BLKIF_OP_READ, 1, 0, &io));
	EXPECT_EQ(0, check_rw(self, XPV_BLKIF_OP_READ, 11, 0, &io));
	EXPECT_EQ(88, io.nr_sectors);
	EXPECT_EQ(-EINVAL, check_rw(self, XPV_BLKIF_OP_READ, 12, 0, &io));
	EXPECT_EQ(-EINVAL, check_rw(self, XPV_BLKIF_OP_WRITE, 255, 0, &io));
	/* A flush or barrier alone carries no data. */
	EXPECT_EQ(0, check_rw(self, XPV_BLKIF_OP_FLUSH_DISKCACHE, 0, 0, &io));
	EXPECT_EQ(0, io.nr_segments);
	EXPECT_EQ(0, check_rw(self, XPV_BLKIF_OP_WRITE_BARRIER, 0, 0, &io));
	EXPECT_EQ(0, check_rw(self, XPV_BLKIF_OP_FLUSH_DISKCACHE, 2, 0, &io));
	EXPECT_EQ(16, io.nr_sectors);
	EXPECT_EQ(-EINVAL, check_rw(self, XPV_BLKIF_OP_FLUSH_DISKCACHE, 12, 0,
				    &io));
}

TEST_F(ring, bad_segments)
{
	struct xpv_blkif_req req, got;
	struct xpv_blkif_seg seg[2];
	struct xpv_blkif_io io;

	segs(seg, 2, 0, 7);
	seg[1].first_sect = 5;
	seg[1].last_sect = 4;		/* first_sect > last_sect */
	ASSERT_EQ(0, xpv_blkif_build_rw(&req, XPV_BLKIF_OP_READ, 1, 0, 0,
					seg, 2));
	EXPECT_EQ(-EINVAL, send_and_check(self, &req, &got, &io));

	segs(seg, 2, 0, 7);
	seg[1].last_sect = 8;		/* past the 4 KiB page */
	ASSERT_EQ(0, xpv_blkif_build_rw(&req, XPV_BLKIF_OP_READ, 1, 0, 0,
					seg, 2));
	EXPECT_EQ(-EINVAL, send_and_check(self, &req, &got, &io));

	segs(seg, 2, 0, 7);
	seg[0].first_sect = 0xff;
	seg[0].last_sect = 0xff;
	ASSERT_EQ(0, xpv_blkif_build_rw(&req, XPV_BLKIF_OP_READ, 1, 0, 0,
					seg, 2));
	EXPECT_EQ(-EINVAL, send_and_check(self, &req, &got, &io));

	segs(seg, 2, 0, 7);
	seg[1].gref = 0;		/* no grant */
	ASSERT_EQ(0, xpv_blkif_build_rw(&req, XPV_BLKIF_OP_WRITE, 1, 0, 0,
					seg, 2));
	EXPECT_EQ(-EINVAL, send_and_check(self, &req, &got, &io));

	segs(seg, 2, 7, 7);		/* boundary: one sector each */
	ASSERT_EQ(0, xpv_blkif_build_rw(&req, XPV_BLKIF_OP_WRITE, 1, 0, 0,
					seg, 2));
	EXPECT_EQ(0, send_and_check(self, &req, &got, &io));
	EXPECT_EQ(2, io.nr_sectors);
}

TEST_F(ring, sector_range)
{
	struct xpv_blkif_io io;

	/* Two full pages = 16 sectors. */
	EXPECT_EQ(0, check_rw(self, XPV_BLKIF_OP_READ, 2, DEV_SECTORS - 16,
			      &io));
	EXPECT_EQ(-ERANGE, check_rw(self, XPV_BLKIF_OP_READ, 2,
				    DEV_SECTORS - 15, &io));
	EXPECT_EQ(-ERANGE, check_rw(self, XPV_BLKIF_OP_WRITE, 1, DEV_SECTORS,
				    &io));
	/* sector_number + length wraps through 2^64. */
	EXPECT_EQ(-ERANGE, check_rw(self, XPV_BLKIF_OP_READ, 2,
				    UINT64_MAX - 7, &io));
	EXPECT_EQ(-ERANGE, check_rw(self, XPV_BLKIF_OP_READ, 1, UINT64_MAX,
				    &io));
	self->lim.sectors = 0;		/* an empty (CD-ROM) drive */
	EXPECT_EQ(-ERANGE, check_rw(self, XPV_BLKIF_OP_READ, 1, 0, &io));
}

TEST_F(ring, logical_block_alignment)
{
	struct xpv_blkif_req req, got;
	struct xpv_blkif_seg seg[1] = { { 5, 0, 3 } };
	struct xpv_blkif_io io;

	self->lim.sector_size = 4096;
	EXPECT_EQ(0, check_rw(self, XPV_BLKIF_OP_READ, 2, 8, &io));
	EXPECT_EQ(-EINVAL, check_rw(self, XPV_BLKIF_OP_READ, 2, 4, &io));
	ASSERT_EQ(0, xpv_blkif_build_rw(&req, XPV_BLKIF_OP_READ, 1, 0, 0,
					seg, 1));
	EXPECT_EQ(-EINVAL, send_and_check(self, &req, &got, &io));
	self->lim.sector_size = 1000;	/* our own limits are checked, too */
	EXPECT_EQ(-EINVAL, check_rw(self, XPV_BLKIF_OP_READ, 2, 8, &io));
}

TEST_F(ring, features_gate_operations)
{
	struct xpv_blkif_req req, got;
	struct xpv_blkif_io io;
	u32 gref = 50;

	self->lim = (struct xpv_blkif_limits){ .sectors = DEV_SECTORS,
					       .sector_size = 512 };
	EXPECT_EQ(-EOPNOTSUPP, check_rw(self, XPV_BLKIF_OP_FLUSH_DISKCACHE, 0,
					0, &io));
	EXPECT_EQ(-EOPNOTSUPP, check_rw(self, XPV_BLKIF_OP_WRITE_BARRIER, 0,
					0, &io));
	xpv_blkif_build_discard(&req, 1, 0, 8, false);
	EXPECT_EQ(-EOPNOTSUPP, send_and_check(self, &req, &got, &io));
	ASSERT_EQ(0, xpv_blkif_build_indirect(&req, XPV_BLKIF_OP_READ, 1, 0,
					      0, 20, &gref));
	EXPECT_EQ(-EOPNOTSUPP, send_and_check(self, &req, &got, &io));
	EXPECT_EQ(0, check_rw(self, XPV_BLKIF_OP_READ, 1, 0, &io));
}

TEST_F(ring, read_only_device)
{
	struct xpv_blkif_req req, got;
	struct xpv_blkif_io io;
	u32 gref = 50;

	self->lim.readonly = true;
	EXPECT_EQ(0, check_rw(self, XPV_BLKIF_OP_READ, 1, 0, &io));
	EXPECT_EQ(-EROFS, check_rw(self, XPV_BLKIF_OP_WRITE, 1, 0, &io));
	EXPECT_EQ(-EROFS, check_rw(self, XPV_BLKIF_OP_FLUSH_DISKCACHE, 1, 0,
				   &io));
	EXPECT_EQ(0, check_rw(self, XPV_BLKIF_OP_FLUSH_DISKCACHE, 0, 0, &io));
	xpv_blkif_build_discard(&req, 1, 0, 8, false);
	EXPECT_EQ(-EROFS, send_and_check(self, &req, &got, &io));
	ASSERT_EQ(0, xpv_blkif_build_indirect(&req, XPV_BLKIF_OP_WRITE, 1, 0,
					      0, 20, &gref));
	EXPECT_EQ(-EROFS, send_and_check(self, &req, &got, &io));
	EXPECT_EQ(XPV_BLKIF_RSP_ERROR, xpv_blkif_rsp_status(-EROFS));
}

TEST_F(ring, discard)
{
	struct xpv_blkif_req req, got;
	struct xpv_blkif_io io;

	xpv_blkif_build_discard(&req, 3, 100, 2000, false);
	ASSERT_EQ(0, send_and_check(self, &req, &got, &io));
	EXPECT_EQ(3, got.id);
	EXPECT_EQ(XPV_BLKIF_OP_DISCARD, io.op);
	EXPECT_EQ(100, io.sector_number);
	EXPECT_EQ(2000, io.nr_sectors);

	xpv_blkif_build_discard(&req, 3, 0, DEV_SECTORS, true);
	EXPECT_EQ(0, send_and_check(self, &req, &got, &io));
	EXPECT_EQ(XPV_BLKIF_DISCARD_SECURE, got.flag);

	xpv_blkif_build_discard(&req, 3, 1, DEV_SECTORS, false);
	EXPECT_EQ(-ERANGE, send_and_check(self, &req, &got, &io));
	xpv_blkif_build_discard(&req, 3, 16, UINT64_MAX - 8, false);
	EXPECT_EQ(-ERANGE, send_and_check(self, &req, &got, &io));
	xpv_blkif_build_discard(&req, 3, 16, 0, false);
	EXPECT_EQ(-EINVAL, send_and_check(self, &req, &got, &io));
	xpv_blkif_build_discard(&req, 3, 16, 8, false);
	req.flag = 0x02;		/* unknown flag bit */
	EXPECT_EQ(-EINVAL, send_and_check(self, &req, &got, &io));

	self->lim.secure_discard = false;
	xpv_blkif_build_discard(&req, 3, 16, 8, true);
	EXPECT_EQ(-EOPNOTSUPP, send_and_check(self, &req, &got, &io));

	self->lim.sector_size = 4096;
	xpv_blkif_build_discard(&req, 3, 16, 12, false);
	EXPECT_EQ(-EINVAL, send_and_check(self, &req, &got, &io));
}

/* Indirect requests: header first, then the segments from the pages. */
TEST_F(ring, indirect)
{
	static u8 page_mem[2][XPV_BLKIF_PAGE_SIZE];
	void *pages[2] = { page_mem[0], page_mem[1] };
	struct xpv_blkif_seg in[MAX_INDIRECT], out[MAX_INDIRECT];
	u32 grefs[2] = { 900, 901 };
	struct xpv_blkif_req req, got;
	struct xpv_blkif_io io;
	unsigned int i, n = MAX_INDIRECT;

	memset(in, 0, sizeof(in));	/* padding compared below */
	memset(out, 0, sizeof(out));
	for (i = 0; i < n; i++) {
		in[i].gref = 1000 + i;
		in[i].first_sect = i % 8;
		in[i].last_sect = 7;
		xpv_blkif_indirect_put(pages, i, &in[i]);
	}
	ASSERT_EQ(0, xpv_blkif_build_indirect(&req, XPV_BLKIF_OP_WRITE, 9, 3,
					      64, n, grefs));
	ASSERT_EQ(0, send_and_check(self, &req, &got, &io));
	EXPECT_TRUE(io.indirect);
	EXPECT_EQ(XPV_BLKIF_OP_WRITE, io.op);
	EXPECT_EQ(1, io.nr_indirect_pages);
	EXPECT_EQ(n, io.nr_segments);
	EXPECT_EQ(900, got.indirect_grefs[0]);
	EXPECT_EQ(XPV_BLKIF_OP_WRITE, xpv_blkif_rsp_op(&got));

	xpv_blkif_indirect_copy(out, (const void *const *)pages,
				io.nr_segments);
	EXPECT_EQ(0, memcmp(in, out, n * sizeof(in[0])));
	ASSERT_EQ(0, xpv_blkif_segs_check(&self->lim, &io, out, n));
	EXPECT_EQ(n / 8 * (8 + 7 + 6 + 5 + 4 + 3 + 2 + 1), io.nr_sectors);

	/* A bad segment deep inside the indirect page. */
	out[200].last_sect = 8;
	EXPECT_EQ(-EINVAL, xpv_blkif_segs_check(&self->lim, &io, out, n));
	out[200].last_sect = 7;
	out[255].gref = 0;
	EXPECT_EQ(-EINVAL, xpv_blkif_segs_check(&self->lim, &io, out, n));
	out[255].gref = 1;
	/* The count must match what the header promised. */
	EXPECT_EQ(-EINVAL, xpv_blkif_segs_check(&self->lim, &io, out, n - 1));
	/* Range: the device ends inside the request. */
	self->lim.sectors = 64 + io.nr_sectors - 1;
	EXPECT_EQ(-ERANGE, xpv_blkif_segs_check(&self->lim, &io, out, n));
}

TEST_F(ring, indirect_malformed)
{
	u32 grefs[8] = { 900, 901, 902, 903, 904, 905, 906, 907 };
	struct xpv_blkif_req req, got;
	struct xpv_blkif_io io;

	ASSERT_EQ(0, xpv_blkif_build_indirect(&req, XPV_BLKIF_OP_READ, 9, 3,
					      64, 12, grefs));
	req.indirect_op = XPV_BLKIF_OP_FLUSH_DISKCACHE;
	EXPECT_EQ(-EINVAL, send_and_check(self, &req, &got, &io));
	req.indirect_op = XPV_BLKIF_OP_INDIRECT;
	EXPECT_EQ(-EINVAL, send_and_check(self, &req, &got, &io));
	req.indirect_op = 0xee;
	EXPECT_EQ(-EINVAL, send_and_check(self, &req, &got, &io));

	req.indirect_op = XPV_BLKIF_OP_READ;
	req.nr_segments = 0;
	EXPECT_EQ(-EINVAL, send_and_check(self, &req, &got, &io));
	req.nr_segments = MAX_INDIRECT + 1;
	EXPECT_EQ(-EINVAL, send_and_check(self, &req, &got, &io));
	req.nr_segments = 0xffff;
	EXPECT_EQ(-EINVAL, send_and_check(self, &req, &got, &io));
	req.nr_segments = MAX_INDIRECT;
	EXPECT_EQ(0, send_and_check(self, &req, &got, &io));

	/* Enough segments for two pages: both grant refs must be set. */
	self->lim.max_indirect_segs = XPV_BLKIF_MAX_INDIRECT_SEGS;
	req.nr_segments = XPV_BLKIF_SEGS_PER_INDIRECT_PAGE + 1;
	req.indirect_grefs[1] = 0;
	EXPECT_EQ(-EINVAL, send_and_check(self, &req, &got, &io));
	req.indirect_grefs[1] = 901;
	req.indirect_grefs[2] = 0;	/* unused page: not looked at */
	EXPECT_EQ(0, send_and_check(self, &req, &got, &io));
	EXPECT_EQ(2, io.nr_indirect_pages);
	req.nr_segments = XPV_BLKIF_MAX_INDIRECT_SEGS;
	memcpy(req.indirect_grefs, grefs, sizeof(grefs));
	EXPECT_EQ(0, send_and_check(self, &req, &got, &io));
	EXPECT_EQ(8, io.nr_indirect_pages);
	req.nr_segments = XPV_BLKIF_MAX_INDIRECT_SEGS + 1;
	EXPECT_EQ(-EINVAL, send_and_check(self, &req, &got, &io));
	/* Limits above what the wire can carry are refused outright. */
	self->lim.max_indirect_segs = XPV_BLKIF_MAX_INDIRECT_SEGS + 1;
	req.nr_segments = XPV_BLKIF_MAX_INDIRECT_SEGS + 1;
	EXPECT_NE(0, send_and_check(self, &req, &got, &io));
}

/* The back end's responses: in place, zeroed, no stale bytes leak. */
TEST_F(ring, response_has_no_stale_bytes)
{
	struct xpv_blkif_io io;
	size_t rsz = xpv_blkif_rsp_size(self->abi);
	u8 *slot;
	size_t i;

	ASSERT_EQ(0, check_rw(self, XPV_BLKIF_OP_READ, 1, 0, &io));
	slot = xpv_ring_entry(self->s, self->br.r.nr_ents,
			      self->br.r.rsp_prod_pvt,
			      xpv_blkif_slot_size(self->abi));
	memset(slot, 0xee, rsz);	/* as if left by the peer */
	ASSERT_TRUE(xpv_blkif_back_respond(&self->br, 0x1122334455667788ULL,
					   XPV_BLKIF_OP_READ,
					   XPV_BLKIF_RSP_ERROR));
	EXPECT_EQ(0x88, slot[0]);
	EXPECT_EQ(0x11, slot[7]);
	EXPECT_EQ(XPV_BLKIF_OP_READ, slot[8]);
	EXPECT_EQ(0, slot[9]);		/* padding */
	EXPECT_EQ(0xff, slot[10]);
	EXPECT_EQ(0xff, slot[11]);
	for (i = 12; i < rsz; i++)
		EXPECT_EQ(0, slot[i]);
	/* No second response without a second request. */
	EXPECT_FALSE(xpv_blkif_back_respond(&self->br, 1, 0, 0));
}

/* A front end claiming more requests than slots breaks the ring. */
TEST_F(ring, request_producer_overflow)
{
	struct xpv_blkif_req got;
	struct xpv_blkif_io io;

	ASSERT_EQ(0, check_rw(self, XPV_BLKIF_OP_READ, 1, 0, &io));
	WRITE_ONCE(self->s->req_prod, self->s->req_prod +
		   self->br.r.nr_ents + 1);
	EXPECT_FALSE(xpv_blkif_back_get(&self->br, &got));
	EXPECT_TRUE(self->br.r.broken);
	EXPECT_FALSE(xpv_blkif_back_respond(&self->br, 0, 0, 0));
}

/* Responses: every way a hostile back end can lie. */
TEST_F(ring, hostile_responses)
{
	struct xpv_blkif_seg seg[1] = { { 9, 0, 7 } };
	struct xpv_blkif_req req, idr;
	struct xpv_blkif_rsp rsp;
	u32 g = 5;

	ASSERT_EQ(0, xpv_blkif_build_rw(&req, XPV_BLKIF_OP_WRITE, 0, 0, 0,
					seg, 1));
	ASSERT_EQ(0, xpv_blkif_shadow_alloc(&self->tab, &req));
	ASSERT_EQ(0, xpv_blkif_build_indirect(&idr, XPV_BLKIF_OP_READ, 0, 0,
					      0, 30, &g));
	ASSERT_EQ(0, xpv_blkif_shadow_alloc(&self->tab, &idr));

	rsp = (struct xpv_blkif_rsp){ req.id, XPV_BLKIF_OP_WRITE, 0 };
	EXPECT_EQ(0, xpv_blkif_rsp_check(&self->tab, &rsp));
	rsp.id = self->tab.nr;				/* out of range */
	EXPECT_EQ(-EINVAL, xpv_blkif_rsp_check(&self->tab, &rsp));
	rsp.id = UINT64_MAX;
	EXPECT_EQ(-EINVAL, xpv_blkif_rsp_check(&self->tab, &rsp));
	rsp.id = 1ULL << 32 | req.id;			/* truncation */
	EXPECT_EQ(-EINVAL, xpv_blkif_rsp_check(&self->tab, &rsp));
	rsp.id = self->tab.nr - 1;			/* never sent */
	EXPECT_EQ(-EINVAL, xpv_blkif_rsp_check(&self->tab, &rsp));
	rsp.id = req.id;
	rsp.operation = XPV_BLKIF_OP_READ;		/* wrong op */
	EXPECT_EQ(-EPROTO, xpv_blkif_rsp_check(&self->tab, &rsp));
	rsp.operation = XPV_BLKIF_OP_WRITE;
	rsp.status = 1;					/* unknown status */
	EXPECT_EQ(-EBADMSG, xpv_blkif_rsp_check(&self->tab, &rsp));
	rsp.status = -3;
	EXPECT_EQ(-EBADMSG, xpv_blkif_rsp_check(&self->tab, &rsp));
	rsp.status = XPV_BLKIF_RSP_EOPNOTSUPP;
	EXPECT_EQ(0, xpv_blkif_rsp_check(&self->tab, &rsp));
	/* Duplicate: the second answer to one id. */
	ASSERT_EQ(0, xpv_blkif_shadow_free(&self->tab, rsp.id));
	EXPECT_EQ(-EINVAL, xpv_blkif_rsp_check(&self->tab, &rsp));
	EXPECT_EQ(-EINVAL, xpv_blkif_shadow_free(&self->tab, rsp.id));

	/* An indirect request is answered with its indirect_op. */
	rsp = (struct xpv_blkif_rsp){ idr.id, XPV_BLKIF_OP_READ, 0 };
	EXPECT_EQ(0, xpv_blkif_rsp_check(&self->tab, &rsp));
	rsp.operation = XPV_BLKIF_OP_INDIRECT;
	EXPECT_EQ(-EPROTO, xpv_blkif_rsp_check(&self->tab, &rsp));
}

/* A back end claiming more responses than requests breaks the ring. */
TEST_F(ring, response_producer_overflow)
{
	struct xpv_blkif_io io;
	struct xpv_blkif_rsp rsp;

	ASSERT_EQ(0, check_rw(self, XPV_BLKIF_OP_READ, 1, 0, &io));
	WRITE_ONCE(self->s->rsp_prod, self->s->rsp_prod + 2);
	EXPECT_FALSE(xpv_blkif_front_get(&self->fr, &rsp));
	EXPECT_TRUE(self->fr.r.broken);
}

/* ------------------------------------------------------------------ */
/* Interoperability with a peer built on Xen's public headers.          */
/* ------------------------------------------------------------------ */

static const struct oracle_ops *const oracles[] = {
	[XPV_BLKIF_ABI_X86_64] = &oracle64_ops,
	[XPV_BLKIF_ABI_X86_32] = &oracle32_ops,
};

static void to_oracle(const struct xpv_blkif_req *r, struct oracle_req *o)
{
	unsigned int i;

	memset(o, 0, sizeof(*o));
	o->op = r->operation;
	o->indirect_op = r->indirect_op;
	o->flag = r->flag;
	o->nr_segments = r->nr_segments;
	o->handle = r->handle;
	o->id = r->id;
	o->sector = r->sector_number;
	o->nr_sectors = r->nr_sectors;
	for (i = 0; i < XPV_BLKIF_MAX_SEGS; i++) {
		o->gref[i] = r->seg[i].gref;
		o->first[i] = r->seg[i].first_sect;
		o->last[i] = r->seg[i].last_sect;
	}
	for (i = 0; i < XPV_BLKIF_MAX_INDIRECT_PAGES; i++)
		o->indirect_grefs[i] = r->indirect_grefs[i];
}

/* A sample of every request kind, with distinctive values. */
static unsigned int sample_requests(struct xpv_blkif_req *r)
{
	struct xpv_blkif_seg seg[XPV_BLKIF_MAX_SEGS];
	u32 grefs[8] = { 0x81828384, 0x91929394, 3, 4, 5, 6, 7, 8 };
	unsigned int i, n = 0;

	for (i = 0; i < XPV_BLKIF_MAX_SEGS; i++) {
		seg[i].gref = 0xa0b0c0d0 + i;
		seg[i].first_sect = i % 8;
		seg[i].last_sect = 7;
	}
	xpv_blkif_build_rw(&r[n++], XPV_BLKIF_OP_READ, 0x0102030405060708ULL,
			   0x3344, 0x1112131415161718ULL, seg, 11);
	xpv_blkif_build_rw(&r[n++], XPV_BLKIF_OP_WRITE, 42, 0xffff, 7, seg, 1);
	xpv_blkif_build_rw(&r[n++], XPV_BLKIF_OP_FLUSH_DISKCACHE, 43, 1, 99,
			   seg, 3);
	xpv_blkif_build_flush(&r[n++], XPV_BLKIF_OP_WRITE_BARRIER, 44, 2);
	xpv_blkif_build_discard(&r[n++], 0xdeadbeefcafef00dULL,
				0x2122232425262728ULL, 0x3132333435363738ULL,
				true);
	xpv_blkif_build_indirect(&r[n++], XPV_BLKIF_OP_WRITE,
				 0x5152535455565758ULL, 0x6162,
				 0x7172737475767778ULL, 1000, grefs);
	r[n - 1].indirect_grefs[7] = 0xf1f2f3f4;	/* all 8 on the wire */
	return n;
}

/* Our encoder writes byte-for-byte what Xen's structs would. */
TEST_F(ring, layout_matches_xen_headers)
{
	const struct oracle_ops *o = oracles[self->abi];
	struct xpv_blkif_req r[8], back;
	u8 ours[128], theirs[128];
	struct oracle_req oreq;
	unsigned int i, n = sample_requests(r);

	ASSERT_EQ(o->req_size(), xpv_blkif_req_size(self->abi));
	ASSERT_EQ(o->slot_size(), xpv_blkif_slot_size(self->abi));
	for (i = 0; i < n; i++) {
		to_oracle(&r[i], &oreq);
		memset(ours, 0x5a, sizeof(ours));
		memset(theirs, 0x5a, sizeof(theirs));
		xpv_blkif_req_encode(self->abi, &r[i], ours);
		o->encode(&oreq, theirs);
		EXPECT_EQ(0, memcmp(ours, theirs, sizeof(ours)))
			TH_LOG("request %u (op %u) differs", i, r[i].operation);
		xpv_blkif_req_decode(self->abi, theirs, &back);
		EXPECT_EQ(0, memcmp(&back, &r[i], sizeof(back)))
			TH_LOG("request %u (op %u) decodes differently", i,
			       r[i].operation);
	}
	memset(ours, 0x5a, sizeof(ours));
	memset(theirs, 0x5a, sizeof(theirs));
	xpv_blkif_rsp_encode(self->abi, &(struct xpv_blkif_rsp){
			     0x0102030405060708ULL, 6, -2 }, ours);
	o->rsp_encode(0x0102030405060708ULL, 6, -2, theirs);
	EXPECT_EQ(0, memcmp(ours, theirs, sizeof(ours)));
}

/* A front end built on Xen's ring macros drives our back end. */
TEST_F(ring, xen_front_to_our_back)
{
	const struct oracle_ops *o = oracles[self->abi];
	struct xpv_blkif_req r[8], got;
	struct oracle_req oreq;
	struct xpv_blkif_io io;
	unsigned int i, round, n = sample_requests(r);
	__u64 id;
	__u8 op;
	__s16 st;

	o->front_init(self->s, self->bytes);
	ASSERT_EQ(self->fr.r.nr_ents, o->front_nr_ents());
	ASSERT_EQ(0, xpv_blkif_back_attach(&self->br, self->abi, self->s,
					   self->bytes));
	self->lim.sectors = UINT64_MAX;
	self->lim.max_indirect_segs = XPV_BLKIF_MAX_INDIRECT_SEGS;
	for (round = 0; round < 3 * self->br.r.nr_ents / n + 2; round++) {
		for (i = 0; i < n; i++) {
			to_oracle(&r[i], &oreq);
			o->front_put(&oreq);
		}
		o->front_push();
		for (i = 0; i < n; i++) {
			ASSERT_TRUE(xpv_blkif_back_get(&self->br, &got));
			ASSERT_EQ(0, memcmp(&got, &r[i], sizeof(got)));
			ASSERT_EQ(0, xpv_blkif_req_check(&self->lim, &got,
							 &io)) {
				TH_LOG("request %u refused", i);
			}
			ASSERT_TRUE(xpv_blkif_back_respond(&self->br, got.id,
							   xpv_blkif_rsp_op(&got),
							   -(int)(i % 3)));
		}
		xpv_back_push_rsps(&self->br.r);
		for (i = 0; i < n; i++) {
			ASSERT_EQ(1, o->front_get_rsp(&id, &op, &st));
			EXPECT_EQ(r[i].id, id);
			EXPECT_EQ(xpv_blkif_rsp_op(&r[i]), op);
			EXPECT_EQ(-(int)(i % 3), st);
		}
		ASSERT_EQ(0, o->front_get_rsp(&id, &op, &st));
	}
}

/* Our front end drives a back end built on Xen's ring macros. */
TEST_F(ring, our_front_to_xen_back)
{
	const struct oracle_ops *o = oracles[self->abi];
	struct xpv_blkif_req r[8];
	struct oracle_req oreq, want;
	struct xpv_blkif_rsp rsp;
	unsigned int i, round, n = sample_requests(r);

	o->back_attach(self->s, self->bytes);
	for (round = 0; round < 3 * self->fr.r.nr_ents / n + 2; round++) {
		for (i = 0; i < n; i++) {
			ASSERT_EQ(0, xpv_blkif_shadow_alloc(&self->tab, &r[i]));
			ASSERT_TRUE(xpv_blkif_front_put(&self->fr, &r[i]));
		}
		xpv_front_push_reqs(&self->fr.r);
		for (i = 0; i < n; i++) {
			ASSERT_EQ(1, o->back_get_req(&oreq));
			to_oracle(&r[i], &want);
			EXPECT_EQ(0, memcmp(&oreq, &want, sizeof(want)))
				TH_LOG("request %u differs", i);
			o->back_put_rsp(oreq.id, xpv_blkif_rsp_op(&r[i]), 0);
		}
		ASSERT_EQ(0, o->back_get_req(&oreq));
		o->back_push();
		for (i = 0; i < n; i++) {
			ASSERT_TRUE(xpv_blkif_front_get(&self->fr, &rsp));
			ASSERT_EQ(0, xpv_blkif_rsp_check(&self->tab, &rsp));
			ASSERT_EQ(0, xpv_blkif_shadow_free(&self->tab, rsp.id));
		}
	}
}

/* ------------------------------------------------------------------ */
/* Shadow table.                                                       */
/* ------------------------------------------------------------------ */

TEST(shadow_ids_exhaust_and_recycle)
{
	struct xpv_blkif_shadow ent[4];
	struct xpv_blkif_shadow_tab tab;
	struct xpv_blkif_req req = { .operation = XPV_BLKIF_OP_READ };
	int seen[4] = { 0 };
	unsigned int i;

	ASSERT_EQ(-EINVAL, xpv_blkif_shadow_init(&tab, ent, 0));
	ASSERT_EQ(0, xpv_blkif_shadow_init(&tab, ent, 4));
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, xpv_blkif_shadow_alloc(&tab, &req));
		ASSERT_LT(req.id, 4);
		ASSERT_EQ(0, seen[req.id]);
		seen[req.id] = 1;
	}
	EXPECT_EQ(-ENOSPC, xpv_blkif_shadow_alloc(&tab, &req));
	EXPECT_EQ(0, tab.nr_free);
	EXPECT_EQ(0, xpv_blkif_shadow_free(&tab, 2));
	EXPECT_EQ(-EINVAL, xpv_blkif_shadow_free(&tab, 2));
	EXPECT_EQ(-EINVAL, xpv_blkif_shadow_free(&tab, 4));
	ASSERT_EQ(0, xpv_blkif_shadow_alloc(&tab, &req));
	EXPECT_EQ(2, req.id);
	EXPECT_EQ(-ENOSPC, xpv_blkif_shadow_alloc(&tab, &req));
}

/* ------------------------------------------------------------------ */
/* Negotiation helpers.                                                */
/* ------------------------------------------------------------------ */

/*
 * The numbers the drivers read are parsed by xpv_xs_parse_uint()
 * (selftests/xen-core/test_xs_proto.c); the ring and queue key names are
 * built by xpv_xb_*() (selftests/xen-core/test_xenbus_keys.c).
 */

TEST(protocol_names)
{
	enum xpv_blkif_abi abi = XPV_BLKIF_ABI_X86_32;

	EXPECT_EQ(0, xpv_blkif_parse_protocol(NULL, 0, &abi));
	EXPECT_EQ(XPV_BLKIF_ABI_X86_64, abi);
	EXPECT_EQ(0, xpv_blkif_parse_protocol("x86_32-abi", 10, &abi));
	EXPECT_EQ(XPV_BLKIF_ABI_X86_32, abi);
	EXPECT_EQ(0, xpv_blkif_parse_protocol("x86_64-abi", 10, &abi));
	EXPECT_EQ(XPV_BLKIF_ABI_X86_64, abi);
	EXPECT_EQ(-EINVAL, xpv_blkif_parse_protocol("x86_64-ab", 9, &abi));
	EXPECT_EQ(-EINVAL, xpv_blkif_parse_protocol("arm-abi", 7, &abi));
	EXPECT_EQ(-EINVAL, xpv_blkif_parse_protocol("x86_32-abiX", 11,
						    &abi));
	EXPECT_STREQ("x86_32-abi",
		     xpv_blkif_protocol_name(XPV_BLKIF_ABI_X86_32));
	EXPECT_STREQ("x86_64-abi",
		     xpv_blkif_protocol_name(XPV_BLKIF_ABI_X86_64));
}

TEST(front_end_clamps)
{
	EXPECT_EQ(0, xpv_blkif_front_ring_order(4, 0));
	EXPECT_EQ(2, xpv_blkif_front_ring_order(4, 2));
	EXPECT_EQ(4, xpv_blkif_front_ring_order(9, 1000));
	EXPECT_EQ(4, xpv_blkif_front_ring_order(9, UINT64_MAX));
	EXPECT_EQ(1, xpv_blkif_front_queues(4, 0));
	EXPECT_EQ(1, xpv_blkif_front_queues(0, 8));
	EXPECT_EQ(2, xpv_blkif_front_queues(2, 8));
	EXPECT_EQ(3, xpv_blkif_front_queues(8, 3));
	EXPECT_EQ(8, xpv_blkif_front_queues(8, UINT64_MAX));
	EXPECT_EQ(0, xpv_blkif_front_indirect_segs(256, 0));
	EXPECT_EQ(0, xpv_blkif_front_indirect_segs(256, 11));
	EXPECT_EQ(12, xpv_blkif_front_indirect_segs(256, 12));
	EXPECT_EQ(256, xpv_blkif_front_indirect_segs(256, 4096));
	EXPECT_EQ(XPV_BLKIF_MAX_INDIRECT_SEGS,
		  xpv_blkif_front_indirect_segs(100000, UINT64_MAX));
}

TEST(front_end_persistent_pool_is_bounded)
{
	unsigned int segs;

	/* Bounded by the front end's limit, and one request always fits. */
	segs = 256;
	EXPECT_EQ(1024, xpv_blkif_front_pgnt_pool(1024, 128, &segs));
	EXPECT_EQ(256, segs);
	segs = 256;
	EXPECT_EQ(100, xpv_blkif_front_pgnt_pool(100, 32, &segs));
	EXPECT_EQ(100, segs);
	/* Never below a direct request, never above what the ring can use. */
	segs = 256;
	EXPECT_EQ(XPV_BLKIF_MAX_SEGS, xpv_blkif_front_pgnt_pool(1, 32, &segs));
	EXPECT_EQ(XPV_BLKIF_MAX_SEGS, segs);
	segs = 11;
	EXPECT_EQ(32 * 11, xpv_blkif_front_pgnt_pool(100000, 32, &segs));
	EXPECT_EQ(11, segs);
	segs = 4096;
	EXPECT_EQ(512 * 4096, xpv_blkif_front_pgnt_pool(0, 512, &segs));
	EXPECT_EQ(4096, segs);
	/* No ring, no segments: no pool. */
	segs = 0;
	EXPECT_EQ(0, xpv_blkif_front_pgnt_pool(1024, 32, &segs));
	segs = 11;
	EXPECT_EQ(0, xpv_blkif_front_pgnt_pool(1024, 0, &segs));
	EXPECT_EQ(11, segs);
}

TEST(back_end_rejects_bad_counts)
{
	EXPECT_EQ(0, xpv_blkif_back_ring_order(false, 99, 4));
	EXPECT_EQ(0, xpv_blkif_back_ring_order(true, 0, 4));
	EXPECT_EQ(4, xpv_blkif_back_ring_order(true, 4, 4));
	EXPECT_EQ(-EINVAL, xpv_blkif_back_ring_order(true, 5, 4));
	EXPECT_EQ(-EINVAL, xpv_blkif_back_ring_order(true, 3, 2));
	EXPECT_EQ(-EINVAL, xpv_blkif_back_ring_order(true, 5, 9));
	EXPECT_EQ(-EINVAL, xpv_blkif_back_ring_order(true, 1ULL << 32, 4));
	EXPECT_EQ(1, xpv_blkif_back_queues(false, 0, 4));
	EXPECT_EQ(-EINVAL, xpv_blkif_back_queues(true, 0, 4));
	EXPECT_EQ(4, xpv_blkif_back_queues(true, 4, 4));
	EXPECT_EQ(-EINVAL, xpv_blkif_back_queues(true, 5, 4));
	EXPECT_EQ(-EINVAL, xpv_blkif_back_queues(true, 1ULL << 32 | 1, 4));
	EXPECT_EQ(1, xpv_blkif_back_queues(true, 1, 0));
}

TEST(disk_description)
{
	struct xpv_blkif_disk d = { .sectors = 800, .sector_size = 512 };

	EXPECT_EQ(0, xpv_blkif_disk_check(&d));
	EXPECT_EQ(512, d.physical_sector_size);
	d = (struct xpv_blkif_disk){ 800, 4096, 0, XPV_VDISK_READONLY };
	EXPECT_EQ(0, xpv_blkif_disk_check(&d));
	d = (struct xpv_blkif_disk){ 801, 4096, 0, 0 };
	EXPECT_EQ(-EINVAL, xpv_blkif_disk_check(&d));
	d = (struct xpv_blkif_disk){ 800, 0, 0, 0 };
	EXPECT_EQ(-EINVAL, xpv_blkif_disk_check(&d));
	d = (struct xpv_blkif_disk){ 800, 768, 0, 0 };
	EXPECT_EQ(-EINVAL, xpv_blkif_disk_check(&d));
	d = (struct xpv_blkif_disk){ 800, 8192, 0, 0 };
	EXPECT_EQ(-EINVAL, xpv_blkif_disk_check(&d));
	d = (struct xpv_blkif_disk){ 800, 512, 4096, 0 };
	EXPECT_EQ(0, xpv_blkif_disk_check(&d));
	d = (struct xpv_blkif_disk){ 800, 512, 1000, 0 };
	EXPECT_EQ(-EINVAL, xpv_blkif_disk_check(&d));
}

TEST(builders_refuse_impossible_requests)
{
	struct xpv_blkif_seg seg[12] = { { 0 } };
	struct xpv_blkif_req req;
	u32 g = 1;

	EXPECT_EQ(-EINVAL, xpv_blkif_build_rw(&req, XPV_BLKIF_OP_READ, 0, 0,
					      0, seg, 0));
	EXPECT_EQ(-EINVAL, xpv_blkif_build_rw(&req, XPV_BLKIF_OP_READ, 0, 0,
					      0, seg, 12));
	EXPECT_EQ(-EINVAL, xpv_blkif_build_rw(&req, XPV_BLKIF_OP_DISCARD, 0,
					      0, 0, seg, 1));
	EXPECT_EQ(-EINVAL, xpv_blkif_build_flush(&req, XPV_BLKIF_OP_WRITE, 0,
						 0));
	EXPECT_EQ(-EINVAL, xpv_blkif_build_indirect(&req,
						    XPV_BLKIF_OP_FLUSH_DISKCACHE,
						    0, 0, 0, 20, &g));
	EXPECT_EQ(-EINVAL, xpv_blkif_build_indirect(&req, XPV_BLKIF_OP_READ,
						    0, 0, 0, 0, &g));
	EXPECT_EQ(-EINVAL, xpv_blkif_build_indirect(&req, XPV_BLKIF_OP_READ,
						    0, 0, 0, 4097, &g));
}

TEST_HARNESS_MAIN
