// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of drivers/xen/proto/gref_alloc.c: the grant reference
 * allocator (free list, batch allocation, growth, exhaustion waiters,
 * double free and out-of-range frees).
 */
#include <stdio.h>
#include <stdlib.h>
#include "gref_alloc.h"
#include "kselftest_harness.h"

#define CAP 64
#define RESERVED 8

FIXTURE(pool) {
	struct xpv_gref_pool pool;
	uint32_t next[CAP];
	uint8_t state[CAP];
};

FIXTURE_SETUP(pool)
{
	ASSERT_EQ(0, xpv_gref_pool_init(&self->pool, self->next, self->state,
					CAP, RESERVED));
	ASSERT_EQ(0, xpv_gref_pool_grow(&self->pool, 32));
}

FIXTURE_TEARDOWN(pool)
{
}

TEST_F(pool, never_hands_out_reserved_and_no_duplicates)
{
	uint32_t refs[24];
	int seen[CAP] = { 0 };
	int i;

	EXPECT_EQ(24, self->pool.nr_free);
	ASSERT_EQ(0, xpv_gref_alloc(&self->pool, 24, refs));
	for (i = 0; i < 24; i++) {
		ASSERT_GE(refs[i], RESERVED);
		ASSERT_LT(refs[i], 32);
		ASSERT_EQ(0, seen[refs[i]]);
		seen[refs[i]] = 1;
	}
	EXPECT_EQ(0, self->pool.nr_free);
	EXPECT_EQ(-ENOSPC, xpv_gref_alloc(&self->pool, 1, refs));
}

TEST_F(pool, batch_is_all_or_nothing)
{
	uint32_t refs[32];

	ASSERT_EQ(0, xpv_gref_alloc(&self->pool, 20, refs));
	EXPECT_EQ(-ENOSPC, xpv_gref_alloc(&self->pool, 5, refs + 20));
	EXPECT_EQ(4, self->pool.nr_free);
	EXPECT_EQ(0, xpv_gref_alloc(&self->pool, 4, refs + 20));
	EXPECT_EQ(-EINVAL, xpv_gref_alloc(&self->pool, 0, refs));
}

TEST_F(pool, free_and_reuse)
{
	uint32_t a, b;

	ASSERT_EQ(0, xpv_gref_alloc(&self->pool, 1, &a));
	EXPECT_TRUE(xpv_gref_in_use(&self->pool, a));
	ASSERT_EQ(0, xpv_gref_free(&self->pool, a));
	EXPECT_FALSE(xpv_gref_in_use(&self->pool, a));
	ASSERT_EQ(0, xpv_gref_alloc(&self->pool, 1, &b));
	EXPECT_EQ(a, b);
}

TEST_F(pool, bad_frees_rejected)
{
	uint32_t a, refs[23];

	ASSERT_EQ(0, xpv_gref_alloc(&self->pool, 1, &a));
	ASSERT_EQ(0, xpv_gref_free(&self->pool, a));
	EXPECT_EQ(-EINVAL, xpv_gref_free(&self->pool, a));	/* double */
	EXPECT_EQ(-EINVAL, xpv_gref_free(&self->pool, 3));	/* reserved */
	EXPECT_EQ(-EINVAL, xpv_gref_free(&self->pool, 40));	/* not grown */
	EXPECT_EQ(-EINVAL, xpv_gref_free(&self->pool, CAP));
	EXPECT_EQ(-EINVAL, xpv_gref_free(&self->pool, 0xffffffffu));
	/* The list survived: exactly 24 distinct refs still come out. */
	EXPECT_EQ(24, self->pool.nr_free);
	ASSERT_EQ(0, xpv_gref_alloc(&self->pool, 23, refs));
	ASSERT_EQ(0, xpv_gref_alloc(&self->pool, 1, &a));
	EXPECT_EQ(-ENOSPC, xpv_gref_alloc(&self->pool, 1, &a));
}

TEST_F(pool, grow_limits)
{
	uint32_t refs[CAP];

	EXPECT_EQ(-EINVAL, xpv_gref_pool_grow(&self->pool, 16));
	EXPECT_EQ(-EINVAL, xpv_gref_pool_grow(&self->pool, CAP + 1));
	ASSERT_EQ(0, xpv_gref_pool_grow(&self->pool, CAP));
	EXPECT_EQ(CAP - RESERVED, self->pool.nr_free);
	ASSERT_EQ(0, xpv_gref_alloc(&self->pool, CAP - RESERVED, refs));
	EXPECT_EQ(-ENOSPC, xpv_gref_alloc(&self->pool, 1, refs));
}

static int calls;
static void note_call(void *arg)
{
	calls += (int)(long)arg;
}

TEST_F(pool, waiters_fifo)
{
	struct xpv_gref_waiter w1 = { .fn = note_call, .arg = (void *)1L, .count = 3 };
	struct xpv_gref_waiter w2 = { .fn = note_call, .arg = (void *)10L, .count = 1 };
	struct xpv_gref_waiter *w;
	uint32_t refs[24];
	int i;

	ASSERT_EQ(0, xpv_gref_alloc(&self->pool, 24, refs));
	EXPECT_NULL(xpv_gref_take_ready(&self->pool));
	ASSERT_TRUE(xpv_gref_wait(&self->pool, &w1));
	EXPECT_FALSE(xpv_gref_wait(&self->pool, &w1));	/* already queued */
	ASSERT_TRUE(xpv_gref_wait(&self->pool, &w2));
	/* One free ref: w2 could run, but w1 is first and needs 3. */
	ASSERT_EQ(0, xpv_gref_free(&self->pool, refs[0]));
	EXPECT_NULL(xpv_gref_take_ready(&self->pool));
	ASSERT_EQ(0, xpv_gref_free(&self->pool, refs[1]));
	ASSERT_EQ(0, xpv_gref_free(&self->pool, refs[2]));
	calls = 0;
	while ((w = xpv_gref_take_ready(&self->pool)))
		w->fn(w->arg);
	EXPECT_EQ(11, calls);
	EXPECT_FALSE(w1.queued);
	EXPECT_NULL(self->pool.wait_head);
	EXPECT_NULL(self->pool.wait_tail);
	/* Re-queue after dequeue works; zero / impossible counts refused. */
	EXPECT_TRUE(xpv_gref_wait(&self->pool, &w1));
	w2.count = 0;
	EXPECT_FALSE(xpv_gref_wait(&self->pool, &w2));
	w2.count = CAP + 1;
	EXPECT_FALSE(xpv_gref_wait(&self->pool, &w2));
	for (i = 0; i < 1; i++)
		EXPECT_TRUE(xpv_gref_cancel_wait(&self->pool, &w1));
	EXPECT_FALSE(xpv_gref_cancel_wait(&self->pool, &w1));
	EXPECT_NULL(self->pool.wait_head);
}

TEST_F(pool, cancel_middle_waiter)
{
	struct xpv_gref_waiter w[3] = {
		{ .fn = note_call, .count = 1 }, { .fn = note_call, .count = 1 },
		{ .fn = note_call, .count = 1 },
	};

	ASSERT_TRUE(xpv_gref_wait(&self->pool, &w[0]));
	ASSERT_TRUE(xpv_gref_wait(&self->pool, &w[1]));
	ASSERT_TRUE(xpv_gref_wait(&self->pool, &w[2]));
	ASSERT_TRUE(xpv_gref_cancel_wait(&self->pool, &w[2]));
	EXPECT_EQ(&w[1], self->pool.wait_tail);
	ASSERT_TRUE(xpv_gref_cancel_wait(&self->pool, &w[0]));
	EXPECT_EQ(&w[1], self->pool.wait_head);
	EXPECT_EQ(&w[1], xpv_gref_take_ready(&self->pool));
	EXPECT_NULL(xpv_gref_take_ready(&self->pool));
}

TEST(init_rejects_bad_reserved)
{
	struct xpv_gref_pool p;
	uint32_t next[4];
	uint8_t state[4];

	EXPECT_EQ(-EINVAL, xpv_gref_pool_init(&p, next, state, 4, 5));
	EXPECT_EQ(0, xpv_gref_pool_init(&p, next, state, 4, 4));
	EXPECT_EQ(0, p.nr_free);
}

/* Random alloc/free stress against a shadow model. */
TEST(random_stress_matches_model)
{
	static uint32_t next[4096];
	static uint8_t state[4096];
	static char model[4096];
	static uint32_t held[4096];
	struct xpv_gref_pool p;
	uint32_t nheld = 0, r[8];
	int i, j;

	srand(12345);
	ASSERT_EQ(0, xpv_gref_pool_init(&p, next, state, 4096, 8));
	ASSERT_EQ(0, xpv_gref_pool_grow(&p, 512));
	for (i = 0; i < 200000; i++) {
		if (i == 100000)
			ASSERT_EQ(0, xpv_gref_pool_grow(&p, 4096));
		if (rand() & 1) {
			uint32_t n = 1 + rand() % 8;
			int ret = xpv_gref_alloc(&p, n, r);

			if (ret) {
				ASSERT_EQ(-ENOSPC, ret);
				ASSERT_LT(p.nr_free, n);
				continue;
			}
			for (j = 0; j < (int)n; j++) {
				ASSERT_EQ(0, model[r[j]]);
				ASSERT_GE(r[j], 8);
				model[r[j]] = 1;
				held[nheld++] = r[j];
			}
		} else if (nheld) {
			uint32_t k = rand() % nheld;

			ASSERT_EQ(0, xpv_gref_free(&p, held[k]));
			model[held[k]] = 0;
			held[k] = held[--nheld];
		}
		ASSERT_EQ(p.nr - 8 - nheld, p.nr_free);
	}
}

TEST_HARNESS_MAIN
