// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of xpv's FIFO event-queue walk (drivers/xen/events_fifo_queue.h)
 * against a simulated Xen: an event array, one vCPU's control block (HEAD
 * per priority, READY) and Xen's side of the ABI as its public header and
 * design describe it: raising a port sets PENDING and, when the port is
 * unmasked and not LINKED, appends it to its queue (LINK of the tail while
 * the tail is LINKED, else HEAD plus READY); EVTCHNOP_unmask clears MASKED
 * and queues a pending port.  The walk's environment hooks let the
 * simulated Xen act "concurrently" just before or after an unlink, or
 * scribble over the shared memory like a hostile peer.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>

#include "kselftest_harness.h"
#include "events_fifo_queue.h"

#define SIM_WORDS	4096	/* memory behind the array; the walk gets nr_ports */
#define MAX_LOG		20000
#define BIG_BUDGET	100000

/* The kernel's BIT(); events_fifo_queue.h includes nothing that has it. */
#define BIT(nr)		(1UL << (nr))
#define W_PENDING	BIT(XPV_FIFO_PENDING)
#define W_MASKED	BIT(XPV_FIFO_MASKED)
#define W_LINKED	BIT(XPV_FIFO_LINKED)
#define W_BUSY		BIT(XPV_FIFO_BUSY)

struct sim;
typedef void (*sim_hook)(struct sim *s, unsigned int port);

struct sim {
	/* shared memory */
	__u32 word[SIM_WORDS];
	__u32 ready;
	__u32 head[XPV_FIFO_NR_QUEUES];
	unsigned int nr_ports;
	/* Xen's private state */
	unsigned int tail[XPV_FIFO_NR_QUEUES];
	unsigned int prio[SIM_WORDS];
	unsigned int upcalls;
	/* the guest */
	struct xpv_fifo_queues q;
	unsigned int log[MAX_LOG];
	unsigned int nlog;
	unsigned int take_ready_calls;
	unsigned int out_of_range;	/* accesses at or above nr_ports */
	/* scripted behaviour */
	sim_hook before_unlink, after_unlink, in_handler;
	unsigned int arg_port, arg_port2, arg_count;
};

/* The ports served so far, in order, must be exactly the ones listed. */
#define EXPECT_LOG(s, ...)						\
	do {								\
		const struct sim *s_ = (s);				\
		const unsigned int want_[] = { __VA_ARGS__ };		\
		unsigned int i_;					\
									\
		ASSERT_EQ(ARRAY_SIZE(want_), s_->nlog);			\
		for (i_ = 0; i_ < s_->nlog; i_++)			\
			EXPECT_EQ(want_[i_], s_->log[i_]);		\
	} while (0)

static void sim_init(struct sim *s, unsigned int nr_ports)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->nr_ports = nr_ports;
	for (i = 0; i < SIM_WORDS; i++) {
		s->prio[i] = 7;		/* EVTCHN_FIFO_PRIORITY_DEFAULT */
		s->word[i] = 0;		/* bound and unmasked */
	}
}

/* Xen: raise @port (evtchn_fifo_set_pending as the ABI describes it). */
static void xen_raise(struct sim *s, unsigned int port)
{
	unsigned int p = s->prio[port], t;
	int linked = 0;

	s->word[port] |= W_PENDING;
	if (s->word[port] & (W_MASKED | W_LINKED))
		return;
	s->word[port] |= W_LINKED;
	/* A re-raised former tail: that queue emptied since. */
	if (s->tail[p] == port)
		s->tail[p] = 0;
	t = s->tail[p];
	if (t && (s->word[t] & W_LINKED)) {
		s->word[t] = (s->word[t] & ~XPV_FIFO_LINK_MASK) | port;
		linked = 1;
	}
	if (!linked)
		s->head[p] = port;
	s->tail[p] = port;
	if (!linked && !(s->ready & (1U << p))) {
		s->ready |= 1U << p;
		s->upcalls++;
	}
}

/* Xen: EVTCHNOP_unmask. */
static void xen_unmask(struct sim *s, unsigned int port)
{
	s->word[port] &= ~W_MASKED;
	if (s->word[port] & W_PENDING) {
		s->word[port] &= ~W_PENDING;
		xen_raise(s, port);
	}
}

/* Plain access to a simulated word, for the guest's unmask below. */
static unsigned int word_read(void *word)
{
	return *(__u32 *)word;
}

static unsigned int word_cmpxchg(void *word, unsigned int old, unsigned int new)
{
	__u32 *w = word, seen = *w;

	if (seen == old)
		*w = new;
	return seen;
}

static const struct xpv_fifo_word_ops word_ops = {
	.read		= word_read,
	.exchange	= word_cmpxchg,
};

/* The guest's unmask, as the kernel does it: the header, else Xen. */
static void guest_unmask(struct sim *s, unsigned int port)
{
	if (xpv_fifo_unmask_local(&word_ops, &s->word[port],
				  XPV_FIFO_UNMASK_TRIES))
		xen_unmask(s, port);
}

static void guest_mask(struct sim *s, unsigned int port)
{
	s->word[port] |= W_MASKED;
}

/* ---- the walk's environment ---- */

static unsigned int sim_take_ready(void *ctx)
{
	struct sim *s = ctx;
	unsigned int v = s->ready;

	s->ready = 0;
	s->take_ready_calls++;
	return v;
}

static unsigned int sim_read_head(void *ctx, unsigned int prio)
{
	struct sim *s = ctx;

	if (prio >= XPV_FIFO_NR_QUEUES) {
		s->out_of_range++;
		return 0;
	}
	return s->head[prio];
}

static unsigned int sim_unlink(void *ctx, unsigned int port)
{
	struct sim *s = ctx;
	__u32 old;

	if (port == 0 || port >= s->nr_ports) {
		s->out_of_range++;
		return 0;
	}
	if (s->before_unlink)
		s->before_unlink(s, port);
	old = s->word[port];
	s->word[port] &= ~(W_LINKED | XPV_FIFO_LINK_MASK);
	if (s->after_unlink)
		s->after_unlink(s, port);
	return old;
}

static void sim_handle(void *ctx, unsigned int port)
{
	struct sim *s = ctx;

	if (port == 0 || port >= s->nr_ports) {
		s->out_of_range++;
		return;
	}
	/* The edge flow acknowledges (clears PENDING) before the handler. */
	s->word[port] &= ~W_PENDING;
	if (s->nlog < MAX_LOG)
		s->log[s->nlog++] = port;
	if (s->in_handler)
		s->in_handler(s, port);
}

static const struct xpv_fifo_ops sim_ops = {
	.take_ready	= sim_take_ready,
	.read_head	= sim_read_head,
	.unlink		= sim_unlink,
	.handle		= sim_handle,
};

static int consume(struct sim *s, unsigned int budget)
{
	return xpv_fifo_consume(&s->q, &sim_ops, s, s->nr_ports, budget);
}

/* Consume until done; returns the number of calls it took. */
static unsigned int drain(struct sim *s, unsigned int budget)
{
	unsigned int calls = 1;

	while (consume(s, budget) && calls < 100000)
		calls++;
	return calls;
}

static int any_linked(struct sim *s)
{
	unsigned int i;

	for (i = 0; i < s->nr_ports; i++)
		if (s->word[i] & W_LINKED)
			return 1;
	return 0;
}

static unsigned int count_of(struct sim *s, unsigned int port)
{
	unsigned int i, n = 0;

	for (i = 0; i < s->nlog; i++)
		n += s->log[i] == port;
	return n;
}

FIXTURE(fifo) {
	struct sim s;
};

FIXTURE_SETUP(fifo)
{
	sim_init(&self->s, 1024);
}

FIXTURE_TEARDOWN(fifo)
{
	EXPECT_EQ(0, self->s.out_of_range);
}

/* ---- order ---- */

TEST_F(fifo, single_event)
{
	struct sim *s = &self->s;

	xen_raise(s, 5);
	EXPECT_EQ(1, s->upcalls);
	EXPECT_EQ(0, consume(s, BIG_BUDGET));
	EXPECT_LOG(s, 5);
	EXPECT_EQ(0, s->word[5] & (W_LINKED | W_PENDING));
	EXPECT_EQ(0, s->q.ready);
	EXPECT_EQ(0, s->q.head[7]);
	/* Nothing left: a second walk serves nothing. */
	EXPECT_EQ(0, consume(s, BIG_BUDGET));
	EXPECT_EQ(1, s->nlog);
}

TEST_F(fifo, queue_order_not_port_order)
{
	struct sim *s = &self->s;
	unsigned int want[] = { 9, 3, 700, 7, 100 };
	unsigned int i;

	for (i = 0; i < 5; i++)
		xen_raise(s, want[i]);
	/* Only the first event of an empty queue raises the upcall. */
	EXPECT_EQ(1, s->upcalls);
	EXPECT_EQ(0, consume(s, BIG_BUDGET));
	ASSERT_EQ(5, s->nlog);
	for (i = 0; i < 5; i++)
		EXPECT_EQ(want[i], s->log[i]);
	EXPECT_FALSE(any_linked(s));
}

TEST_F(fifo, raise_while_linked_is_one_event)
{
	struct sim *s = &self->s;

	xen_raise(s, 4);
	xen_raise(s, 4);
	xen_raise(s, 6);
	xen_raise(s, 4);
	EXPECT_EQ(0, consume(s, BIG_BUDGET));
	EXPECT_LOG(s, 4, 6);
}

/* ---- priorities ---- */

TEST_F(fifo, priorities_highest_first)
{
	struct sim *s = &self->s;
	unsigned int want[] = { 30, 31, 20, 10, 11, 40 };

	s->prio[10] = 7;
	s->prio[11] = 7;
	s->prio[20] = 3;
	s->prio[30] = 0;
	s->prio[31] = 0;
	s->prio[40] = 15;
	xen_raise(s, 10);
	xen_raise(s, 40);
	xen_raise(s, 20);
	xen_raise(s, 30);
	xen_raise(s, 11);
	xen_raise(s, 31);
	EXPECT_EQ(0, consume(s, BIG_BUDGET));
	ASSERT_EQ(6, s->nlog);
	for (unsigned int i = 0; i < 6; i++)
		EXPECT_EQ(want[i], s->log[i]);
}

/* When the walk reaches arg_port2 (arg_count times): Xen raises arg_port. */
static void raise_arg(struct sim *s, unsigned int port)
{
	if (port == s->arg_port2 && s->arg_count) {
		s->arg_count--;
		xen_raise(s, s->arg_port);
	}
}

TEST_F(fifo, higher_priority_raised_meanwhile_goes_next)
{
	struct sim *s = &self->s;

	s->prio[50] = 2;
	s->arg_port = 50;	/* raised by the handler of 10 */
	s->arg_port2 = 10;
	s->arg_count = 1;
	s->in_handler = raise_arg;
	xen_raise(s, 10);
	xen_raise(s, 11);
	xen_raise(s, 12);
	EXPECT_EQ(0, consume(s, BIG_BUDGET));
	EXPECT_LOG(s, 10, 50, 11, 12);
}

/* ---- masking ---- */

TEST_F(fifo, masked_port_is_not_queued)
{
	struct sim *s = &self->s;

	guest_mask(s, 8);
	xen_raise(s, 8);
	xen_raise(s, 9);
	EXPECT_EQ(0, consume(s, BIG_BUDGET));
	EXPECT_LOG(s, 9);
	EXPECT_TRUE(s->word[8] & W_PENDING);
	/* Unmasking a pending port goes through Xen, which queues it. */
	guest_unmask(s, 8);
	EXPECT_EQ(0, consume(s, BIG_BUDGET));
	EXPECT_LOG(s, 9, 8);
}

TEST_F(fifo, masked_while_queued_is_unlinked_not_served)
{
	struct sim *s = &self->s;

	xen_raise(s, 8);
	xen_raise(s, 9);
	guest_mask(s, 8);
	EXPECT_EQ(0, consume(s, BIG_BUDGET));
	EXPECT_LOG(s, 9);
	EXPECT_FALSE(s->word[8] & W_LINKED);
	EXPECT_TRUE(s->word[8] & W_PENDING);
	guest_unmask(s, 8);
	EXPECT_EQ(0, consume(s, BIG_BUDGET));
	EXPECT_LOG(s, 9, 8);
}

TEST_F(fifo, acknowledged_while_queued_is_not_served)
{
	struct sim *s = &self->s;

	xen_raise(s, 8);
	xen_raise(s, 9);
	s->word[8] &= ~W_PENDING;	/* e.g. cleared on unbind */
	EXPECT_EQ(0, consume(s, BIG_BUDGET));
	EXPECT_LOG(s, 9);
	EXPECT_FALSE(any_linked(s));
}

/* ---- appends racing with the walk ---- */

TEST_F(fifo, append_to_tail_before_unlink_follows_link)
{
	struct sim *s = &self->s;

	/* Xen links 21 onto 20 just before the guest unlinks 20. */
	s->before_unlink = raise_arg;
	s->arg_port2 = 20;
	s->arg_port = 21;
	s->arg_count = 1;
	xen_raise(s, 20);
	EXPECT_EQ(1, s->upcalls);
	EXPECT_EQ(0, consume(s, BIG_BUDGET));
	EXPECT_LOG(s, 20, 21);
	/* It went through 20's LINK: no second HEAD/READY. */
	EXPECT_EQ(1, s->upcalls);
	EXPECT_FALSE(any_linked(s));
}

TEST_F(fifo, append_after_tail_unlinked_goes_to_head)
{
	struct sim *s = &self->s;

	/* Xen raises 21 right after the guest unlinked the tail 20. */
	s->after_unlink = raise_arg;
	s->arg_port2 = 20;
	s->arg_port = 21;
	s->arg_count = 1;
	xen_raise(s, 20);
	EXPECT_EQ(0, consume(s, BIG_BUDGET));
	EXPECT_LOG(s, 20, 21);
	/* The queue had emptied: HEAD and READY again. */
	EXPECT_EQ(2, s->upcalls);
	EXPECT_EQ(0, s->ready);
	EXPECT_FALSE(any_linked(s));
}

TEST_F(fifo, append_mid_queue)
{
	struct sim *s = &self->s;

	s->before_unlink = raise_arg;
	s->arg_port2 = 31;	/* while the walk is at the 2nd of 3 */
	s->arg_port = 40;
	s->arg_count = 1;
	xen_raise(s, 30);
	xen_raise(s, 31);
	xen_raise(s, 32);
	EXPECT_EQ(0, consume(s, BIG_BUDGET));
	EXPECT_LOG(s, 30, 31, 32, 40);
}

static void storm(struct sim *s, unsigned int port)
{
	if (port == s->arg_port && s->arg_count) {
		s->arg_count--;
		xen_raise(s, port);
	}
}

TEST_F(fifo, storm_port_does_not_starve_its_queue)
{
	struct sim *s = &self->s;
	unsigned int i, second = 0, p11 = 0, p500 = 0;

	s->in_handler = storm;
	s->arg_port = 10;
	s->arg_count = 1000;
	xen_raise(s, 10);
	xen_raise(s, 11);
	xen_raise(s, 500);
	EXPECT_EQ(1, drain(s, BIG_BUDGET));
	ASSERT_EQ(1003, s->nlog);
	for (i = 0; i < s->nlog; i++) {
		if (s->log[i] == 10 && i && !second)
			second = i;
		if (s->log[i] == 11)
			p11 = i;
		if (s->log[i] == 500)
			p500 = i;
	}
	/* Re-queued at the tail: the others go before its second turn. */
	EXPECT_EQ(10, s->log[0]);
	EXPECT_LT(p11, second);
	EXPECT_LT(p500, second);
}

/* ---- the budget ---- */

TEST_F(fifo, budget_stops_and_resumes_in_order)
{
	struct sim *s = &self->s;
	unsigned int i, calls;

	for (i = 1; i <= 50; i++)
		xen_raise(s, 100 + i);
	EXPECT_EQ(1, consume(s, 10));
	EXPECT_EQ(10, s->nlog);
	EXPECT_NE(0, s->q.ready);
	calls = drain(s, 10);
	EXPECT_EQ(4, calls);	/* 40 left: the 4th call ends the queue */
	ASSERT_EQ(50, s->nlog);
	for (i = 0; i < 50; i++)
		EXPECT_EQ(101 + i, s->log[i]);
	EXPECT_EQ(0, s->q.ready);
	EXPECT_FALSE(any_linked(s));
}

TEST_F(fifo, budget_keeps_new_events_of_a_nonempty_queue)
{
	struct sim *s = &self->s;

	xen_raise(s, 1);
	xen_raise(s, 2);
	xen_raise(s, 3);
	EXPECT_EQ(1, consume(s, 1));
	/* Appended to a queue Xen sees as non-empty: no READY, no upcall. */
	xen_raise(s, 4);
	EXPECT_EQ(0, s->ready);
	EXPECT_EQ(0, consume(s, BIG_BUDGET));
	EXPECT_LOG(s, 1, 2, 3, 4);
}

/* ---- a hostile or corrupted peer ---- */

TEST_F(fifo, link_outside_array_is_not_followed)
{
	struct sim *s = &self->s;

	xen_raise(s, 20);
	xen_raise(s, 21);
	/* 20's LINK now points past the array (1024 ports). */
	s->word[20] = (s->word[20] & ~XPV_FIFO_LINK_MASK) | 3000;
	EXPECT_EQ(0, consume(s, BIG_BUDGET));
	EXPECT_LOG(s, 20);
	EXPECT_EQ(1, s->q.bad);
	EXPECT_EQ(0, s->q.head[7]);
	/* The next event with HEAD and READY is served again. */
	s->tail[7] = 0;
	s->word[21] = 0;
	xen_raise(s, 22);
	EXPECT_EQ(0, consume(s, BIG_BUDGET));
	EXPECT_LOG(s, 20, 22);
}

TEST_F(fifo, link_at_max_is_not_followed)
{
	struct sim *s = &self->s;

	xen_raise(s, 20);
	s->word[20] |= XPV_FIFO_LINK_MASK;	/* 131071 */
	EXPECT_EQ(0, consume(s, BIG_BUDGET));
	EXPECT_EQ(1, s->nlog);
	EXPECT_EQ(1, s->q.bad);
}

TEST_F(fifo, head_outside_array_is_not_followed)
{
	struct sim *s = &self->s;

	s->head[3] = 1024;		/* first port past the array */
	s->head[4] = 0xffffffffU;
	s->ready = (1U << 3) | (1U << 4);
	EXPECT_EQ(0, consume(s, BIG_BUDGET));
	EXPECT_EQ(0, s->nlog);
	EXPECT_EQ(2, s->q.bad);
}

TEST_F(fifo, ready_without_head_serves_nothing)
{
	struct sim *s = &self->s;

	s->ready = 1U << 7;		/* HEAD still 0 */
	EXPECT_EQ(0, consume(s, BIG_BUDGET));
	EXPECT_EQ(0, s->nlog);
	EXPECT_EQ(0, s->q.bad);
}

TEST_F(fifo, ready_bits_beyond_the_queues_are_ignored)
{
	struct sim *s = &self->s;

	s->ready = 0xffffffffU;		/* 16 queues, all empty, and garbage */
	EXPECT_EQ(0, consume(s, BIG_BUDGET));
	EXPECT_EQ(0, s->nlog);
	/* One READY read per queue looked at, plus the first. */
	EXPECT_LE(s->take_ready_calls, 1 + XPV_FIFO_NR_QUEUES);
}

TEST_F(fifo, static_link_cycle_ends)
{
	struct sim *s = &self->s;

	/* 5 -> 6 -> 7 -> 5 ..., all LINKED and PENDING, HEAD 5. */
	s->word[5] = W_PENDING | W_LINKED | 6;
	s->word[6] = W_PENDING | W_LINKED | 7;
	s->word[7] = W_PENDING | W_LINKED | 5;
	s->head[7] = 5;
	s->ready = 1U << 7;
	EXPECT_EQ(0, consume(s, BIG_BUDGET));
	/*
	 * Each word's LINK is cleared as it is passed: 5, 6, 7, then 5 again
	 * with LINK 0 (and no longer pending) ends the queue.
	 */
	EXPECT_EQ(3, s->nlog);
	EXPECT_EQ(1, count_of(s, 5));
	EXPECT_EQ(1, count_of(s, 6));
	EXPECT_EQ(1, count_of(s, 7));
	EXPECT_FALSE(any_linked(s));
}

TEST_F(fifo, self_link_cycle_ends)
{
	struct sim *s = &self->s;

	s->word[9] = W_PENDING | W_LINKED | 9;
	s->head[0] = 9;
	s->ready = 1U << 0;
	EXPECT_EQ(0, consume(s, BIG_BUDGET));
	EXPECT_EQ(1, s->nlog);
	EXPECT_FALSE(any_linked(s));
}

/* A peer that re-links the word the guest is unlinking, forever. */
static void relink_self(struct sim *s, unsigned int port)
{
	s->word[port] |= W_PENDING | W_LINKED;
	s->word[port] = (s->word[port] & ~XPV_FIFO_LINK_MASK) | port;
}

TEST_F(fifo, relinking_peer_is_bounded_by_the_budget)
{
	struct sim *s = &self->s;
	unsigned int i;

	s->before_unlink = relink_self;
	xen_raise(s, 12);
	for (i = 0; i < 5; i++) {
		EXPECT_EQ(1, consume(s, 64));
		EXPECT_EQ(64 * (i + 1), s->nlog);
	}
	/* The peer stops: the walk gets to the end. */
	s->before_unlink = NULL;
	EXPECT_EQ(0, consume(s, BIG_BUDGET));
}

TEST_F(fifo, garbage_array_never_leaves_it)
{
	struct sim *s = &self->s;
	unsigned int i, round;

	srandom(4242);
	for (round = 0; round < 200; round++) {
		for (i = 0; i < SIM_WORDS; i++)
			s->word[i] = (__u32)random() ^ ((__u32)random() << 16);
		for (i = 0; i < XPV_FIFO_NR_QUEUES; i++)
			s->head[i] = (__u32)random() % (2 * s->nr_ports);
		s->ready = (__u32)random();
		memset(&s->q, 0, sizeof(s->q));
		/* Static garbage: ends within one pass over the words. */
		ASSERT_EQ(0, consume(s, s->nr_ports + 2 * XPV_FIFO_NR_QUEUES));
		ASSERT_EQ(0, s->out_of_range);
	}
}

/* ---- port -> event word ---- */

TEST(port_to_word_covers_every_port_once)
{
	unsigned int wpp, port, page, slot, last_page = 0, last_slot = 0;

	for (wpp = 1024; wpp <= 16384; wpp *= 4) {	/* 4, 16 and 64 KiB pages */
		for (port = 0; port < XPV_FIFO_NR_PORTS; port++) {
			page = xpv_fifo_port_page(port, wpp);
			slot = xpv_fifo_port_slot(port, wpp);
			ASSERT_LT(slot, wpp);
			ASSERT_EQ(port, page * wpp + slot);
			if (port) {
				/* Consecutive ports: the next slot or the next page. */
				if (slot) {
					ASSERT_TRUE(page == last_page &&
						    slot == last_slot + 1);
				} else {
					ASSERT_TRUE(page == last_page + 1 &&
						    last_slot == wpp - 1);
				}
			}
			last_page = page;
			last_slot = slot;
		}
		/* The ABI's last port is in the last of the pages it needs. */
		EXPECT_EQ(XPV_FIFO_NR_PORTS / wpp - 1,
			  xpv_fifo_port_page(XPV_FIFO_NR_PORTS - 1, wpp));
	}
	EXPECT_EQ(1, xpv_fifo_port_page(1024, 1024));
	EXPECT_EQ(0, xpv_fifo_port_slot(1024, 1024));
	EXPECT_EQ(127, xpv_fifo_port_page(131071, 1024));
	EXPECT_EQ(1023, xpv_fifo_port_slot(131071, 1024));
}

/* The bit a long-wide operation touches is the word's own bit. */
TEST(long_view_addresses_the_word_bit)
{
	union {
		__u64 l64[4];
		__u32 l32[8];
		__u32 w[8];
	} page;
	const unsigned int bits[] = { 0, 1, 16, XPV_FIFO_LINK_BITS - 1,
		XPV_FIFO_BUSY, XPV_FIFO_LINKED, XPV_FIFO_MASKED,
		XPV_FIFO_PENDING };
	unsigned int slot, b, nr, idx, i;

	if (*(const __u8 *)&(const __u16){ 1 } != 1)
		SKIP(return, "big-endian host: the long view is x86's");
	for (slot = 0; slot < 8; slot++) {
		for (b = 0; b < ARRAY_SIZE(bits); b++) {
			/* 64-bit longs: two words each. */
			memset(&page, 0, sizeof(page));
			nr = xpv_fifo_long_bit(slot, bits[b], 2, &idx);
			ASSERT_LT(idx, 4);
			ASSERT_LT(nr, 64);
			page.l64[idx] |= 1ULL << nr;
			for (i = 0; i < 8; i++)
				ASSERT_EQ(i == slot ? 1U << bits[b] : 0, page.w[i]);
			/* 32-bit longs: one word each. */
			memset(&page, 0, sizeof(page));
			nr = xpv_fifo_long_bit(slot, bits[b], 1, &idx);
			ASSERT_EQ(slot, idx);
			ASSERT_EQ(bits[b], nr);
		}
	}
}

/* ---- the guest's unmask and Xen's BUSY ---- */

/*
 * One event word with a scripted Xen acting between the guest's read and
 * each of its exchanges.
 */
struct uword {
	__u32 w;
	unsigned int reads, tries;
	unsigned int busy_tries;	/* Xen holds BUSY for this many tries */
	__u32 raise_at_try;		/* Xen sets PENDING before this try (1-based) */
	__u32 link_at_try;		/* Xen links port 77 onto the word before it */
};

static unsigned int uword_read(void *ctx)
{
	struct uword *u = ctx;

	u->reads++;
	if (u->busy_tries)
		u->w |= W_BUSY;
	return u->w;
}

static unsigned int uword_cmpxchg(void *ctx, unsigned int old, unsigned int new)
{
	struct uword *u = ctx;
	__u32 seen;

	u->tries++;
	if (u->tries == u->raise_at_try)
		u->w |= W_PENDING;
	if (u->tries == u->link_at_try)
		u->w = (u->w & ~XPV_FIFO_LINK_MASK) | 77;
	/* Xen lets go of BUSY after its own exchange. */
	if (u->busy_tries && u->tries > u->busy_tries)
		u->w &= ~W_BUSY;
	seen = u->w;
	if (seen == old)
		u->w = new;
	return seen;
}

static const struct xpv_fifo_word_ops uword_ops = {
	.read		= uword_read,
	.exchange	= uword_cmpxchg,
};

static int unmask(struct uword *u)
{
	return xpv_fifo_unmask_local(&uword_ops, u, XPV_FIFO_UNMASK_TRIES);
}

TEST(unmask_not_masked_is_nothing)
{
	struct uword u = { .w = W_LINKED | 12 };

	EXPECT_EQ(0, unmask(&u));
	EXPECT_EQ(0, u.tries);
	EXPECT_EQ(W_LINKED | 12, u.w);
}

TEST(unmask_idle_word_locally)
{
	struct uword u = { .w = W_MASKED | W_LINKED | 12 };

	EXPECT_EQ(0, unmask(&u));
	EXPECT_EQ(1, u.tries);
	/* Only MASKED changed: LINKED and LINK are Xen's and stay. */
	EXPECT_EQ(W_LINKED | 12, u.w);
}

TEST(unmask_pending_goes_to_xen)
{
	struct uword u = { .w = W_MASKED | W_PENDING };

	EXPECT_EQ(1, unmask(&u));
	EXPECT_EQ(0, u.tries);
	EXPECT_EQ(W_MASKED | W_PENDING, u.w);
}

TEST(unmask_waits_for_busy_then_local)
{
	struct uword u = { .w = W_MASKED | W_LINKED, .busy_tries = 2 };

	EXPECT_EQ(0, unmask(&u));
	/* Two exchanges refused while BUSY, the third one took. */
	EXPECT_EQ(3, u.tries);
	EXPECT_EQ(W_LINKED, u.w);
}

TEST(unmask_busy_throughout_goes_to_xen)
{
	struct uword u = { .w = W_MASKED | W_LINKED, .busy_tries = 1000 };

	EXPECT_EQ(1, unmask(&u));
	EXPECT_EQ(XPV_FIFO_UNMASK_TRIES, u.tries);
	/* The guest never cleared MASKED (nor BUSY, which is Xen's). */
	EXPECT_EQ(W_MASKED | W_LINKED | W_BUSY, u.w);
}

TEST(unmask_raced_by_pending_goes_to_xen)
{
	struct uword u = { .w = W_MASKED, .raise_at_try = 1 };

	EXPECT_EQ(1, unmask(&u));
	EXPECT_EQ(1, u.tries);
	/* Still masked: Xen's EVTCHNOP_unmask will queue the event. */
	EXPECT_EQ(W_MASKED | W_PENDING, u.w);
}

TEST(unmask_raced_by_link_keeps_the_link)
{
	struct uword u = { .w = W_MASKED | W_LINKED, .link_at_try = 1 };

	EXPECT_EQ(0, unmask(&u));
	EXPECT_EQ(2, u.tries);
	EXPECT_EQ(W_LINKED | 77, u.w);
}

/* In the simulated domain: an event raised while masked is not lost. */
TEST_F(fifo, unmask_of_pending_port_queues_it_once)
{
	struct sim *s = &self->s;

	guest_mask(s, 8);
	xen_raise(s, 8);
	xen_raise(s, 8);
	EXPECT_EQ(0, consume(s, BIG_BUDGET));
	EXPECT_EQ(0, s->nlog);
	guest_unmask(s, 8);
	EXPECT_FALSE(s->word[8] & W_MASKED);
	EXPECT_EQ(0, consume(s, BIG_BUDGET));
	EXPECT_LOG(s, 8);
	/* Not pending: unmasked locally, nothing queued. */
	guest_mask(s, 8);
	guest_unmask(s, 8);
	EXPECT_FALSE(s->word[8] & W_MASKED);
	EXPECT_EQ(0, consume(s, BIG_BUDGET));
	EXPECT_EQ(1, s->nlog);
}

/* ---- random sequences against a model ---- */

FIXTURE(fifo_random) {
	struct sim s;
};

FIXTURE_VARIANT(fifo_random) {
	unsigned int budget;
	int concurrent;		/* raise more ports from inside the walk */
};

FIXTURE_VARIANT_ADD(fifo_random, big_budget) {
	.budget = BIG_BUDGET,
	.concurrent = 0,
};

FIXTURE_VARIANT_ADD(fifo_random, budget_1) {
	.budget = 1,
	.concurrent = 0,
};

FIXTURE_VARIANT_ADD(fifo_random, concurrent) {
	.budget = BIG_BUDGET,
	.concurrent = 1,
};

FIXTURE_VARIANT_ADD(fifo_random, concurrent_budget_7) {
	.budget = 7,
	.concurrent = 1,
};

FIXTURE_SETUP(fifo_random)
{
}

FIXTURE_TEARDOWN(fifo_random)
{
}

/* Raise order and priority of each port, for the checks. */
static unsigned int raised_seq[SIM_WORDS];
static unsigned int pending_late[64];
static unsigned int n_late, late_next, seq_no;

static void raise_recorded(struct sim *s, unsigned int port)
{
	raised_seq[port] = ++seq_no;
	xen_raise(s, port);
}

static void concurrent_raise(struct sim *s, unsigned int port)
{
	(void)port;
	if (late_next < n_late && random() % 3 == 0)
		raise_recorded(s, pending_late[late_next++]);
}

TEST_F(fifo_random, each_event_once_in_queue_order)
{
	struct sim *s = &self->s;
	unsigned int round, i, n, port, prev_prio, prev_seq[XPV_FIFO_NR_QUEUES];
	unsigned char used[SIM_WORDS];

	srandom(777);
	for (round = 0; round < 300; round++) {
		sim_init(s, 1024 * (1 + random() % 4));
		memset(used, 0, sizeof(used));
		memset(raised_seq, 0, sizeof(raised_seq));
		seq_no = 0;
		n = random() % 150;
		n_late = variant->concurrent ? random() % 40 : 0;
		late_next = 0;
		for (i = 0; i < n + n_late; i++) {
			do
				port = 1 + random() % (s->nr_ports - 1);
			while (used[port]);
			used[port] = 1;
			s->prio[port] = random() % XPV_FIFO_NR_QUEUES;
			if (i < n)
				raise_recorded(s, port);
			else
				pending_late[i - n] = port;
		}
		if (variant->concurrent) {
			s->before_unlink = concurrent_raise;
			s->after_unlink = concurrent_raise;
		}
		drain(s, variant->budget);
		/* Late ports the walk gave no chance to: raise and drain. */
		s->before_unlink = NULL;
		s->after_unlink = NULL;
		while (late_next < n_late)
			raise_recorded(s, pending_late[late_next++]);
		drain(s, variant->budget);

		ASSERT_EQ(n + n_late, s->nlog);
		ASSERT_FALSE(any_linked(s));
		memset(prev_seq, 0, sizeof(prev_seq));
		prev_prio = 0;
		for (i = 0; i < s->nlog; i++) {
			port = s->log[i];
			ASSERT_EQ(1, used[port]);
			used[port] = 2;		/* served once */
			/* FIFO within a priority. */
			ASSERT_GT(raised_seq[port], prev_seq[s->prio[port]]);
			prev_seq[s->prio[port]] = raised_seq[port];
			/* Without concurrent raises: by priority. */
			if (!variant->concurrent) {
				ASSERT_GE(s->prio[port], prev_prio);
				prev_prio = s->prio[port];
			}
		}
		ASSERT_EQ(0, s->out_of_range);
		ASSERT_EQ(0, s->q.bad);
	}
}

TEST_HARNESS_MAIN
