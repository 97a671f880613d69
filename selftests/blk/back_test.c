// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of drivers/block/xen-blk/back_proto.c, the block back end's
 * pure logic: the persistent-grant cache a hostile front end feeds with
 * references of its choosing (it must stay within its capacity, never
 * reclaim an entry in use, reclaim the least recently used first, and
 * survive references that all hash alike), checked against a simple
 * model; and the strict parsers of the toolstack's keys.
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include "back_proto.h"
#include "kselftest_harness.h"

#define NONE	XPV_BLKBACK_PGNT_NONE

FIXTURE(pgnt) {
	struct xpv_blkback_pgnt_cache c;
	struct xpv_blkback_pgnt ent[64];
	u32 bucket[64];
	struct xpv_blkback_pgnt out[64];
};

FIXTURE_VARIANT(pgnt) {
	u32 cap;
	u32 nr_buckets;
};

FIXTURE_VARIANT_ADD(pgnt, cap8) { .cap = 8, .nr_buckets = 8, };
FIXTURE_VARIANT_ADD(pgnt, cap64) { .cap = 64, .nr_buckets = 64, };
/* One bucket: every reference collides. */
FIXTURE_VARIANT_ADD(pgnt, cap16_one_bucket) { .cap = 16, .nr_buckets = 1, };

FIXTURE_SETUP(pgnt)
{
	memset(self->ent, 0xa5, sizeof(self->ent));
	ASSERT_EQ(0, xpv_blkback_pgnt_init(&self->c, self->ent, variant->cap,
					   self->bucket, variant->nr_buckets));
}

FIXTURE_TEARDOWN(pgnt)
{
}

/* The page pointer we record for a gref, so hits can be checked. */
static void *page_of(u32 gref)
{
	return (void *)(uintptr_t)(0x100000 + (uintptr_t)gref * 16);
}

TEST_F(pgnt, add_get_put)
{
	u32 idx, again;

	EXPECT_EQ(NONE, xpv_blkback_pgnt_get(&self->c, 7));
	idx = xpv_blkback_pgnt_add(&self->c, 7, 70, page_of(7));
	ASSERT_NE(NONE, idx);
	EXPECT_EQ(1, self->c.nr);
	EXPECT_EQ(1, self->ent[idx].users);
	/* The same gref cannot be added twice. */
	EXPECT_EQ(NONE, xpv_blkback_pgnt_add(&self->c, 7, 71, page_of(7)));
	again = xpv_blkback_pgnt_get(&self->c, 7);
	EXPECT_EQ(idx, again);
	EXPECT_EQ(2, self->ent[idx].users);
	EXPECT_EQ(70, self->ent[idx].handle);
	EXPECT_EQ(page_of(7), self->ent[idx].page);
	EXPECT_EQ(0, xpv_blkback_pgnt_put(&self->c, idx));
	EXPECT_EQ(0, xpv_blkback_pgnt_put(&self->c, idx));
	/* A put without a user, or of a dead index, is refused. */
	EXPECT_EQ(-EINVAL, xpv_blkback_pgnt_put(&self->c, idx));
	EXPECT_EQ(-EINVAL, xpv_blkback_pgnt_put(&self->c, variant->cap));
	EXPECT_EQ(-EINVAL, xpv_blkback_pgnt_put(&self->c, NONE));
}

TEST_F(pgnt, never_grows_past_capacity)
{
	u32 g, idx;

	for (g = 1; g <= variant->cap; g++) {
		idx = xpv_blkback_pgnt_add(&self->c, g, g, page_of(g));
		ASSERT_NE(NONE, idx);
		ASSERT_EQ(0, xpv_blkback_pgnt_put(&self->c, idx));
	}
	EXPECT_TRUE(xpv_blkback_pgnt_full(&self->c));
	/* A hostile front end offering ever new grefs gets no more room. */
	for (g = 1000; g < 1000 + 4 * variant->cap; g++)
		EXPECT_EQ(NONE, xpv_blkback_pgnt_add(&self->c, g, g, page_of(g)));
	EXPECT_EQ(variant->cap, self->c.nr);
}

TEST_F(pgnt, evicts_least_recently_used_idle_only)
{
	u32 g, idx[64], n, i;

	for (g = 0; g < variant->cap; g++) {
		idx[g] = xpv_blkback_pgnt_add(&self->c, 100 + g, g,
					      page_of(100 + g));
		ASSERT_NE(NONE, idx[g]);
	}
	/* All in use: nothing may be reclaimed. */
	EXPECT_EQ(0, xpv_blkback_pgnt_evict(&self->c, variant->cap,
					    self->out));
	for (g = 0; g < variant->cap; g++)
		ASSERT_EQ(0, xpv_blkback_pgnt_put(&self->c, idx[g]));
	/* Touch the first entry: it becomes the most recently used. */
	ASSERT_EQ(idx[0], xpv_blkback_pgnt_get(&self->c, 100));
	ASSERT_EQ(0, xpv_blkback_pgnt_put(&self->c, idx[0]));
	/* Keep the second one busy. */
	ASSERT_EQ(idx[1], xpv_blkback_pgnt_get(&self->c, 101));

	n = xpv_blkback_pgnt_evict(&self->c, 2, self->out);
	ASSERT_EQ(2, n);
	/* Oldest idle first: 102 and 103 (101 is busy, 100 was touched). */
	EXPECT_EQ(102, self->out[0].gref);
	EXPECT_EQ(page_of(102), self->out[0].page);
	EXPECT_EQ(2, self->out[0].handle);
	EXPECT_EQ(103, self->out[1].gref);
	EXPECT_EQ(NONE, xpv_blkback_pgnt_get(&self->c, 102));
	EXPECT_EQ(variant->cap - 2, self->c.nr);

	/* Drain everything idle: only the busy entry remains. */
	n = xpv_blkback_pgnt_evict(&self->c, variant->cap, self->out);
	EXPECT_EQ(variant->cap - 3, n);
	for (i = 0; i < n; i++)
		EXPECT_NE(101, self->out[i].gref);
	EXPECT_EQ(100, self->out[n - 1].gref);	/* the most recent, last */
	EXPECT_EQ(1, self->c.nr);
	EXPECT_EQ(idx[1], xpv_blkback_pgnt_get(&self->c, 101));
	/* Room again for new references. */
	EXPECT_NE(NONE, xpv_blkback_pgnt_add(&self->c, 5000, 0, page_of(5000)));
}

/*
 * A random hostile sequence against a model: the cache never exceeds its
 * capacity, every hit returns what was recorded for that gref, busy
 * entries survive eviction, and the entry count matches the model.
 */
TEST_F(pgnt, random_against_model)
{
	struct { u32 gref; u32 users; bool live; } model[64];
	u32 cap = variant->cap, step, i, idx, n;
	unsigned int seed = 12345;

	memset(model, 0, sizeof(model));
	for (step = 0; step < 200000; step++) {
		u32 gref = rand_r(&seed) % (3 * cap) + 1;
		int op = rand_r(&seed) % 4;
		u32 live = 0;

		for (i = 0; i < cap; i++)
			live += model[i].live;
		ASSERT_EQ(live, self->c.nr);
		ASSERT_LE(self->c.nr, cap);

		switch (op) {
		case 0:	/* lookup */
			idx = xpv_blkback_pgnt_get(&self->c, gref);
			for (i = 0; i < cap; i++)
				if (model[i].live && model[i].gref == gref)
					break;
			if (i == cap) {
				ASSERT_EQ(NONE, idx);
				break;
			}
			ASSERT_EQ(i, idx);
			ASSERT_EQ(page_of(gref), self->ent[idx].page);
			model[i].users++;
			break;
		case 1:	/* add (after a miss) */
			idx = xpv_blkback_pgnt_get(&self->c, gref);
			if (idx != NONE) {
				/* a hit: undo its use; adding it again fails */
				ASSERT_EQ(0, xpv_blkback_pgnt_put(&self->c, idx));
				ASSERT_EQ(NONE, xpv_blkback_pgnt_add(&self->c, gref,
								     0, NULL));
				break;
			}
			idx = xpv_blkback_pgnt_add(&self->c, gref, gref,
						   page_of(gref));
			if (live == cap) {
				ASSERT_EQ(NONE, idx);
				break;
			}
			ASSERT_NE(NONE, idx);
			ASSERT_LT(idx, cap);
			ASSERT_FALSE(model[idx].live);
			model[idx].live = true;
			model[idx].gref = gref;
			model[idx].users = 1;
			break;
		case 2:	/* release one use of some busy entry */
			for (i = 0; i < cap; i++) {
				u32 j = (gref + i) % cap;

				if (model[j].live && model[j].users) {
					ASSERT_EQ(0, xpv_blkback_pgnt_put(&self->c, j));
					model[j].users--;
					break;
				}
			}
			break;
		case 3:	/* reclaim a few */
			n = xpv_blkback_pgnt_evict(&self->c, gref % 5, self->out);
			for (i = 0; i < n; i++) {
				u32 j;

				for (j = 0; j < cap; j++)
					if (model[j].live &&
					    model[j].gref == self->out[i].gref)
						break;
				ASSERT_LT(j, cap);
				ASSERT_EQ(0, model[j].users);
				ASSERT_EQ(page_of(self->out[i].gref),
					  self->out[i].page);
				model[j].live = false;
			}
			break;
		}
	}
}

TEST(pgnt_init_rejects_bad_sizes)
{
	struct xpv_blkback_pgnt_cache c;
	struct xpv_blkback_pgnt ent[4];
	u32 bucket[4];

	EXPECT_EQ(-EINVAL, xpv_blkback_pgnt_init(&c, ent, 4, bucket, 3));
	EXPECT_EQ(-EINVAL, xpv_blkback_pgnt_init(&c, ent, 4, bucket, 0));
	EXPECT_EQ(-EINVAL, xpv_blkback_pgnt_init(&c, NULL, 4, bucket, 4));
	EXPECT_EQ(-EINVAL, xpv_blkback_pgnt_init(&c, ent, XPV_BLKBACK_PGNT_MAX + 1,
						 bucket, 4));
	/* Capacity 0: disabled, every lookup misses, nothing is added. */
	EXPECT_EQ(0, xpv_blkback_pgnt_init(&c, NULL, 0, NULL, 0));
	EXPECT_EQ(NONE, xpv_blkback_pgnt_get(&c, 1));
	EXPECT_EQ(NONE, xpv_blkback_pgnt_add(&c, 1, 1, NULL));
	EXPECT_EQ(0, xpv_blkback_pgnt_evict(&c, 4, ent));
	EXPECT_EQ(-EINVAL, xpv_blkback_pgnt_put(&c, 0));
}

static int physdev(const char *s, u32 *ma, u32 *mi)
{
	return xpv_blkback_parse_physdev(s, strlen(s), ma, mi);
}

TEST(physical_device_parsing)
{
	u32 ma = 0, mi = 0;

	ASSERT_EQ(0, physdev("7:0", &ma, &mi));
	EXPECT_EQ(7, ma);
	EXPECT_EQ(0, mi);
	ASSERT_EQ(0, physdev("fd:1A", &ma, &mi));
	EXPECT_EQ(0xfd, ma);
	EXPECT_EQ(0x1a, mi);
	ASSERT_EQ(0, physdev("fff:fffff", &ma, &mi));
	EXPECT_EQ(-ERANGE, physdev("1000:0", &ma, &mi));
	EXPECT_EQ(-ERANGE, physdev("0:100000", &ma, &mi));
	EXPECT_EQ(-EINVAL, physdev("123456789:0", &ma, &mi));
	EXPECT_EQ(-EINVAL, physdev("", &ma, &mi));
	EXPECT_EQ(-EINVAL, physdev(":", &ma, &mi));
	EXPECT_EQ(-EINVAL, physdev("7:", &ma, &mi));
	EXPECT_EQ(-EINVAL, physdev(":7", &ma, &mi));
	EXPECT_EQ(-EINVAL, physdev("7", &ma, &mi));
	EXPECT_EQ(-EINVAL, physdev("7:0:1", &ma, &mi));
	EXPECT_EQ(-EINVAL, physdev(" 7:0", &ma, &mi));
	EXPECT_EQ(-EINVAL, physdev("0x7:0", &ma, &mi));
	EXPECT_EQ(-EINVAL, physdev("7:0\n", &ma, &mi));
	EXPECT_EQ(-EINVAL, physdev("-7:0", &ma, &mi));
	EXPECT_EQ(-EINVAL, xpv_blkback_parse_physdev(NULL, 3, &ma, &mi));
	/* Not NUL-terminated: only @len bytes count. */
	ASSERT_EQ(0, xpv_blkback_parse_physdev("8:10garbage", 4, &ma, &mi));
	EXPECT_EQ(8, ma);
	EXPECT_EQ(0x10, mi);
}

TEST(mode_parsing)
{
	EXPECT_TRUE(xpv_blkback_mode_writable("w", 1));
	EXPECT_TRUE(xpv_blkback_mode_writable("rw", 2));
	EXPECT_FALSE(xpv_blkback_mode_writable("r", 1));
	EXPECT_FALSE(xpv_blkback_mode_writable("", 0));
	EXPECT_FALSE(xpv_blkback_mode_writable("rw", 1));
	EXPECT_FALSE(xpv_blkback_mode_writable(NULL, 4));
}

TEST_HARNESS_MAIN
