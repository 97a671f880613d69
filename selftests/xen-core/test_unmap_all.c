// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of drivers/xen/proto/unmap_all.c, the loop under
 * xpv_xenbus_unmap_ring() and the error path of xpv_xenbus_map_ring():
 * with failures injected at chosen indices, every mapping is still
 * undone, the failures are counted, and only the frames undone are
 * handed back to be freed.
 */
#include <stdio.h>
#include "unmap_all.h"
#include "kselftest_harness.h"

#define N 16

struct fake {
	unsigned int calls[N];		/* unmap calls per index */
	bool fail[N];			/* inject a failure here */
};

static int fake_unmap(void *ctx, unsigned int i)
{
	struct fake *f = ctx;

	f->calls[i]++;
	return f->fail[i] ? -EINVAL : 0;
}

/* Run over @nr with failures at @fails; check every invariant. */
static void check(struct __test_metadata *_metadata, unsigned int nr,
		  const unsigned int *fails, unsigned int nr_fails)
{
	struct fake f = { };
	unsigned int ok[N], nr_ok = 12345, failed, i, j = 0;

	for (i = 0; i < nr_fails; i++)
		f.fail[fails[i]] = true;
	failed = xpv_unmap_all(nr, fake_unmap, &f, ok, &nr_ok);
	EXPECT_EQ(nr_fails, failed);
	EXPECT_EQ(nr - nr_fails, nr_ok);
	for (i = 0; i < nr; i++) {
		EXPECT_EQ(1, f.calls[i])
			TH_LOG("index %u unmapped %u times", i, f.calls[i]);
		if (f.fail[i])
			continue;
		ASSERT_LT(j, nr_ok);
		EXPECT_EQ(i, ok[j]);
		j++;
	}
	for (i = nr; i < N; i++)
		EXPECT_EQ(0, f.calls[i]);
}

TEST(none_fails)
{
	check(_metadata, N, NULL, 0);
}

TEST(first_failure_leaves_nothing_else_mapped)
{
	static const unsigned int fails[] = { 0 };

	check(_metadata, 4, fails, 1);
}

TEST(failure_in_the_middle)
{
	static const unsigned int fails[] = { 1 };

	check(_metadata, 4, fails, 1);
}

TEST(several_failures)
{
	static const unsigned int fails[] = { 0, 2, 15 };

	check(_metadata, N, fails, 3);
}

TEST(all_fail)
{
	static const unsigned int fails[] = { 0, 1, 2, 3 };

	check(_metadata, 4, fails, 4);
}

TEST(nothing_to_unmap)
{
	check(_metadata, 0, NULL, 0);
}

TEST_HARNESS_MAIN
