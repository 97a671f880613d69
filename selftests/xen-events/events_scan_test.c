// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of xpv's 2-level event-channel scan (drivers/xen/events_2l_scan.h):
 * a simulated shared_info (pending/mask bitmaps, one vCPU's selector) and a
 * handler that records the order ports are served in.
 */
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "events_2l_scan.h"

#define MAX_LOG 20000

struct sim {
	unsigned long pending[XPV_2L_BITS];
	unsigned long mask[XPV_2L_BITS];
	unsigned long mine[XPV_2L_BITS];	/* ports bound to this vCPU */
	unsigned long sel;
	unsigned int log[MAX_LOG];
	unsigned int nlog;
	/* a port that re-raises itself this many times when served */
	unsigned int storm_port, storm_left;
	/* a port raised by the handler of another one */
	unsigned int chain_from, chain_to;
	unsigned int take_sel_calls;
};

static void sim_init(struct sim *s)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < XPV_2L_BITS; i++)
		s->mine[i] = ~0UL;
	s->storm_port = ~0U;
	s->chain_from = ~0U;
}

/* What Xen does when it raises a port (2-level ABI). */
static void xen_raise(struct sim *s, unsigned int port)
{
	unsigned int w = port / XPV_2L_BITS, b = port % XPV_2L_BITS;

	if (s->pending[w] & (1UL << b))
		return;
	s->pending[w] |= 1UL << b;
	if (!(s->mask[w] & (1UL << b)))
		s->sel |= 1UL << w;
}

static int is_pending(struct sim *s, unsigned int port)
{
	return !!(s->pending[port / XPV_2L_BITS] & (1UL << (port % XPV_2L_BITS)));
}

static unsigned long sim_take_sel(void *ctx)
{
	struct sim *s = ctx;
	unsigned long v = s->sel;

	s->sel = 0;
	s->take_sel_calls++;
	return v;
}

static unsigned long sim_active(void *ctx, unsigned int w)
{
	struct sim *s = ctx;

	return s->pending[w] & ~s->mask[w] & s->mine[w];
}

static void sim_handle(void *ctx, unsigned int port)
{
	struct sim *s = ctx;

	/* The edge flow clears the pending bit before the handler runs. */
	s->pending[port / XPV_2L_BITS] &= ~(1UL << (port % XPV_2L_BITS));
	if (s->nlog < MAX_LOG)
		s->log[s->nlog++] = port;
	if (port == s->storm_port && s->storm_left) {
		s->storm_left--;
		xen_raise(s, port);
	}
	if (port == s->chain_from)
		xen_raise(s, s->chain_to);
}

static const struct xpv_2l_ops sim_ops = {
	.take_sel = sim_take_sel,
	.active = sim_active,
	.handle = sim_handle,
};

static unsigned int scan(struct sim *s, struct xpv_2l_cursor *cur)
{
	return xpv_2l_scan(cur, &sim_ops, s);
}

TEST(first_from_wraps)
{
	EXPECT_EQ(3, xpv_2l_first_from(0x8UL, 0));
	EXPECT_EQ(3, xpv_2l_first_from(0x8UL, 3));
	EXPECT_EQ(3, xpv_2l_first_from(0x8UL, 4));	/* wrapped */
	EXPECT_EQ(5, xpv_2l_first_from(0x28UL, 4));
	EXPECT_EQ(3, xpv_2l_first_from(0x28UL, XPV_2L_BITS));
	EXPECT_EQ(0UL, xpv_2l_above(XPV_2L_BITS - 1));
	EXPECT_EQ(~0UL << 1, xpv_2l_above(0));
}

TEST(single_port)
{
	struct sim s;
	struct xpv_2l_cursor cur;

	sim_init(&s);
	xpv_2l_cursor_init(&cur);
	xen_raise(&s, 5);
	ASSERT_EQ(1, scan(&s, &cur));
	EXPECT_EQ(5, s.log[0]);
	EXPECT_FALSE(is_pending(&s, 5));
	EXPECT_EQ(0, cur.word);
	EXPECT_EQ(5, cur.bit);
	/* Nothing left: a second scan serves nothing. */
	EXPECT_EQ(0, scan(&s, &cur));
}

TEST(masked_port_waits)
{
	struct sim s;
	struct xpv_2l_cursor cur;

	sim_init(&s);
	xpv_2l_cursor_init(&cur);
	s.mask[0] = 1UL << 7;
	xen_raise(&s, 7);
	xen_raise(&s, 8);
	ASSERT_EQ(1, scan(&s, &cur));
	EXPECT_EQ(8, s.log[0]);
	EXPECT_TRUE(is_pending(&s, 7));
}

TEST(other_vcpu_ports_skipped)
{
	struct sim s;
	struct xpv_2l_cursor cur;

	sim_init(&s);
	xpv_2l_cursor_init(&cur);
	s.mine[1] &= ~(1UL << 2);		/* port 66 belongs elsewhere */
	xen_raise(&s, 66);
	xen_raise(&s, 67);
	ASSERT_EQ(1, scan(&s, &cur));
	EXPECT_EQ(67, s.log[0]);
	EXPECT_TRUE(is_pending(&s, 66));
}

TEST(ascending_from_start)
{
	struct sim s;
	struct xpv_2l_cursor cur;
	unsigned int want[] = { 3, 70, 200, XPV_2L_NR_PORTS - 1 };
	unsigned int i;

	sim_init(&s);
	xpv_2l_cursor_init(&cur);
	for (i = 4; i-- > 0;)
		xen_raise(&s, want[i]);
	ASSERT_EQ(4, scan(&s, &cur));
	for (i = 0; i < 4; i++)
		EXPECT_EQ(want[i], s.log[i]);
}

TEST(cyclic_after_cursor)
{
	struct sim s;
	struct xpv_2l_cursor cur = { .word = 70 / XPV_2L_BITS,
				     .bit = 70 % XPV_2L_BITS };
	unsigned int want[] = { 71, 200, 3, 65, 70 };
	unsigned int i;

	sim_init(&s);
	for (i = 0; i < 5; i++)
		xen_raise(&s, want[i]);
	ASSERT_EQ(5, scan(&s, &cur));
	/* Above the cursor in its word, later words, then wrap around. */
	for (i = 0; i < 5; i++)
		EXPECT_EQ(want[i], s.log[i]);
}

TEST(storm_does_not_starve)
{
	struct sim s;
	struct xpv_2l_cursor cur;
	unsigned int i, first10 = ~0U, second10 = ~0U, p11 = ~0U, p500 = ~0U;

	sim_init(&s);
	xpv_2l_cursor_init(&cur);
	s.storm_port = 10;
	s.storm_left = 1000;
	xen_raise(&s, 10);
	xen_raise(&s, 11);
	xen_raise(&s, 500);
	scan(&s, &cur);
	ASSERT_EQ(1003, s.nlog);
	for (i = 0; i < s.nlog; i++) {
		if (s.log[i] == 10) {
			if (first10 == ~0U)
				first10 = i;
			else if (second10 == ~0U)
				second10 = i;
		}
		if (s.log[i] == 11 && p11 == ~0U)
			p11 = i;
		if (s.log[i] == 500 && p500 == ~0U)
			p500 = i;
	}
	/* Everyone else is served before the storm port comes round again. */
	EXPECT_LT(p11, second10);
	EXPECT_LT(p500, second10);
	EXPECT_EQ(0, first10);
}

TEST(event_raised_by_handler_served_same_scan)
{
	struct sim s;
	struct xpv_2l_cursor cur;

	sim_init(&s);
	xpv_2l_cursor_init(&cur);
	s.chain_from = 300;
	s.chain_to = 2;		/* behind the cursor: needs the wrap */
	xen_raise(&s, 300);
	ASSERT_EQ(2, scan(&s, &cur));
	EXPECT_EQ(300, s.log[0]);
	EXPECT_EQ(2, s.log[1]);
	EXPECT_FALSE(is_pending(&s, 2));
}

TEST(stale_selector_terminates)
{
	struct sim s;
	struct xpv_2l_cursor cur;

	sim_init(&s);
	xpv_2l_cursor_init(&cur);
	s.sel = ~0UL;		/* every word flagged, nothing pending */
	EXPECT_EQ(0, scan(&s, &cur));
	EXPECT_EQ(2, s.take_sel_calls);
}

/* Random sets: each active port exactly once, in cyclic order. */
TEST(random_sets_cyclic_exactly_once)
{
	struct sim s;
	struct xpv_2l_cursor cur;
	unsigned int round, i, n, start, expect_n, prev_key, key;

	srandom(12345);
	for (round = 0; round < 500; round++) {
		sim_init(&s);
		cur.word = random() % XPV_2L_BITS;
		cur.bit = random() % XPV_2L_BITS;
		start = cur.word * XPV_2L_BITS + cur.bit;
		n = random() % 200;
		for (i = 0; i < n; i++)
			xen_raise(&s, random() % XPV_2L_NR_PORTS);
		for (i = 0; i < 20; i++)
			s.mask[random() % XPV_2L_BITS] |= 1UL << (random() % XPV_2L_BITS);
		expect_n = 0;
		for (i = 0; i < XPV_2L_NR_PORTS; i++)
			if (sim_active(&s, i / XPV_2L_BITS) & (1UL << (i % XPV_2L_BITS)) &&
			    (s.sel & (1UL << (i / XPV_2L_BITS))))
				expect_n++;
		ASSERT_EQ(expect_n, scan(&s, &cur));
		prev_key = 0;
		for (i = 0; i < s.nlog; i++) {
			/* distance after the starting cursor, 1..NR_PORTS */
			key = (s.log[i] + XPV_2L_NR_PORTS - start - 1) % XPV_2L_NR_PORTS + 1;
			ASSERT_GT(key, prev_key);
			prev_key = key;
		}
	}
}

TEST_HARNESS_MAIN
