// SPDX-License-Identifier: GPL-2.0-only
/*
 * Correctness selftests of include/xpv/proto/ring.h (pass/fail, TAP).
 *
 * Layout against the Xen public headers, interoperation with the public
 * ring macros, slot counts, full and empty rings, index wrap-around across
 * 2^32, the notification hold-off rule, no lost wake-up under concurrency
 * (threads and processes), a slow consumer, hostile producer indices and
 * copy-once consumption.  Speed is never asserted here.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

#if __has_include(<xen/io/ring.h>)
#define HAVE_XEN_PUBLIC 1
#define __XEN_INTERFACE_VERSION__ 0x00040e00
#define xen_mb()	virt_mb()
#define xen_rmb()	virt_rmb()
#define xen_wmb()	virt_wmb()
#include <xen/xen.h>
#include <xen/io/ring.h>
#include <xen/io/blkif.h>
#include <xen/io/netif.h>
XPV_RING_DEFINE(xblkif, blkif_request_t, blkif_response_t)
#endif

#include "kselftest_harness.h"

#define PAGE 4096

/* A page-aligned, zeroed shared area (private to the test). */
static void *area(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* ---------------- layout and slot counts ---------------- */

TEST(slots_power_of_two_from_area_size)
{
	struct tblk_front f;
	void *mem = area(PAGE);

	ASSERT_NE(NULL, mem);
	EXPECT_EQ(32, tblk_slots(PAGE));
	EXPECT_EQ(256, tblk_slots(8 * PAGE));
	EXPECT_EQ(512, tblk_slots(16 * PAGE));
	EXPECT_EQ(256, tnet_slots(PAGE));
	EXPECT_EQ(512, tnet_slots(2 * PAGE));
	EXPECT_EQ(32, tnet_slots(ring_area_bytes(32, sizeof(union tnet_entry))));
	EXPECT_EQ(16, tnet_slots(ring_area_bytes(31, sizeof(union tnet_entry))));
	EXPECT_EQ(0, xpv_ring_slots(XPV_SRING_HDR_SIZE + 7, 8));
	EXPECT_EQ(1, xpv_ring_slots(XPV_SRING_HDR_SIZE + 8, 8));
	EXPECT_EQ(2, xpv_ring_slots(XPV_SRING_HDR_SIZE + 3 * 8, 8));
	EXPECT_EQ(-EINVAL, tblk_front_init(&f, mem, 100));
	EXPECT_EQ(0, tblk_front_init(&f, mem, PAGE));
	EXPECT_EQ(32, f.r.nr_ents);
	/* slot i lives at 64 + i * 112 and index 32 + i maps onto it */
	EXPECT_EQ((u8 *)mem + 64 + 5 * 112,
		  xpv_ring_entry(mem, 32, 5, sizeof(union tblk_entry)));
	EXPECT_EQ((u8 *)mem + 64 + 5 * 112,
		  xpv_ring_entry(mem, 32, 37, sizeof(union tblk_entry)));
	munmap(mem, PAGE);
}

TEST(layout_matches_xen_public_headers)
{
#ifdef HAVE_XEN_PUBLIC
	unsigned int order;

	EXPECT_EQ(offsetof(struct blkif_sring, req_prod),
		  offsetof(struct xpv_sring, req_prod));
	EXPECT_EQ(offsetof(struct blkif_sring, req_event),
		  offsetof(struct xpv_sring, req_event));
	EXPECT_EQ(offsetof(struct blkif_sring, rsp_prod),
		  offsetof(struct xpv_sring, rsp_prod));
	EXPECT_EQ(offsetof(struct blkif_sring, rsp_event),
		  offsetof(struct xpv_sring, rsp_event));
	EXPECT_EQ(offsetof(struct blkif_sring, ring), XPV_SRING_HDR_SIZE);
	EXPECT_EQ(sizeof(union blkif_sring_entry), sizeof(union tblk_entry));
	EXPECT_EQ(sizeof(union netif_tx_sring_entry), sizeof(union tnet_entry));
	for (order = 0; order <= 4; order++) {
		size_t b = (size_t)PAGE << order;

		EXPECT_EQ(__CONST_RING_SIZE(blkif, b), tblk_slots(b));
		EXPECT_EQ(__CONST_RING_SIZE(blkif, b), xblkif_slots(b));
		EXPECT_EQ(__CONST_RING_SIZE(netif_tx, b), tnet_slots(b));
		EXPECT_EQ(__CONST_RING_SIZE(netif_rx, b),
			  xpv_ring_slots(b, sizeof(union netif_rx_sring_entry)));
	}
#else
	SKIP(return, "libxen-dev headers not installed");
#endif
}

/*
 * Our front end against a back end written with the public io/ring.h
 * macros, and the public front end against our back end, on one page.
 */
TEST(interop_with_public_ring_macros)
{
#ifdef HAVE_XEN_PUBLIC
	struct blkif_sring *xs;
	blkif_back_ring_t xb;
	blkif_front_ring_t xf;
	struct xblkif_front f;
	struct xblkif_back b;
	blkif_request_t q;
	blkif_response_t r;
	int notify, more, i, round;
	void *mem = area(PAGE);

	ASSERT_NE(NULL, mem);
	/* ours -> public */
	ASSERT_EQ(0, xblkif_front_init(&f, mem, PAGE));
	xs = mem;
	BACK_RING_INIT(&xb, xs, PAGE);
	ASSERT_EQ(RING_SIZE(&xb), f.r.nr_ents);
	for (round = 0; round < 5; round++) {
		for (i = 0; i < 20; i++) {
			memset(&q, 0, sizeof(q));
			q.id = round * 100 + i;
			q.operation = BLKIF_OP_READ;
			ASSERT_TRUE(xblkif_front_put_request(&f, &q));
		}
		notify = xblkif_front_push_requests(&f);
		EXPECT_EQ(round == 0, notify);	/* back never re-armed after round 0 */
		for (i = 0; i < 20; i++) {
			ASSERT_TRUE(RING_HAS_UNCONSUMED_REQUESTS(&xb));
			RING_COPY_REQUEST(&xb, xb.req_cons, &q);
			xb.req_cons++;
			EXPECT_EQ((uint64_t)(round * 100 + i), q.id);
			RING_GET_RESPONSE(&xb, xb.rsp_prod_pvt)->id = q.id;
			RING_GET_RESPONSE(&xb, xb.rsp_prod_pvt)->status = 0;
			xb.rsp_prod_pvt++;
		}
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&xb, notify);
		EXPECT_EQ(1, notify);	/* our final_check re-armed rsp_event */
		for (i = 0; i < 20; i++) {
			ASSERT_TRUE(xblkif_front_get_response(&f, &r));
			EXPECT_EQ((uint64_t)(round * 100 + i), r.id);
		}
		EXPECT_FALSE(xblkif_front_final_check(&f));
		EXPECT_FALSE(f.r.broken);
	}
	/* public -> ours */
	SHARED_RING_INIT(xs);
	FRONT_RING_INIT(&xf, xs, PAGE);
	ASSERT_EQ(0, xblkif_back_init(&b, mem, PAGE));
	for (round = 0; round < 5; round++) {
		for (i = 0; i < 20; i++) {
			blkif_request_t *p = RING_GET_REQUEST(&xf, xf.req_prod_pvt);

			memset(p, 0, sizeof(*p));
			p->id = round * 100 + i;
			xf.req_prod_pvt++;
		}
		RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&xf, notify);
		EXPECT_EQ(1, notify);	/* we re-arm through final_check */
		for (i = 0; i < 20; i++) {
			ASSERT_TRUE(xblkif_back_get_request(&b, &q));
			EXPECT_EQ((uint64_t)(round * 100 + i), q.id);
			memset(&r, 0, sizeof(r));
			r.id = q.id;
			ASSERT_TRUE(xblkif_back_put_response(&b, &r));
		}
		EXPECT_FALSE(xblkif_back_final_check(&b));
		notify = xblkif_back_push_responses(&b);
		EXPECT_EQ(round == 0, notify);
		for (i = 0; i < 20; i++) {
			RING_FINAL_CHECK_FOR_RESPONSES(&xf, more);
			ASSERT_TRUE(more);
			RING_COPY_RESPONSE(&xf, xf.rsp_cons, &r);
			xf.rsp_cons++;
			EXPECT_EQ((uint64_t)(round * 100 + i), r.id);
		}
		EXPECT_FALSE(b.r.broken);
	}
	munmap(mem, PAGE);
#else
	SKIP(return, "libxen-dev headers not installed");
#endif
}

/* ---------------- full and empty ---------------- */

TEST(full_and_empty_ring)
{
	struct tblk_front f;
	struct tblk_back b;
	struct blk_req q = { 0 };
	struct blk_rsp r = { 0 };
	unsigned int i, n;
	void *mem = area(PAGE);

	ASSERT_NE(NULL, mem);
	ASSERT_EQ(0, tblk_front_init(&f, mem, PAGE));
	ASSERT_EQ(0, tblk_back_init(&b, mem, PAGE));
	n = f.r.nr_ents;

	/* empty */
	EXPECT_EQ(n, tblk_front_free(&f));
	EXPECT_EQ(0, tblk_front_responses(&f));
	EXPECT_FALSE(tblk_front_get_response(&f, &r));
	EXPECT_EQ(0, tblk_back_requests(&b));
	EXPECT_FALSE(tblk_back_get_request(&b, &q));
	EXPECT_FALSE(tblk_back_put_response(&b, &r));	/* nothing to answer */
	EXPECT_EQ(NULL, tblk_back_new_response(&b));
	EXPECT_FALSE(tblk_back_final_check(&b));
	EXPECT_FALSE(tblk_front_final_check(&f));

	/* fill to the brim, one more is refused */
	for (i = 0; i < n; i++) {
		q.seq = i;
		ASSERT_TRUE(tblk_front_put_request(&f, &q));
	}
	EXPECT_EQ(0, tblk_front_free(&f));
	EXPECT_FALSE(tblk_front_put_request(&f, &q));
	EXPECT_EQ(NULL, tblk_front_new_request(&f));
	tblk_front_push_requests(&f);
	EXPECT_EQ((int)n, tblk_back_requests(&b));
	EXPECT_TRUE(tblk_back_final_check(&b));

	/* consume all; only as many responses as requests consumed */
	for (i = 0; i < n; i++) {
		ASSERT_TRUE(tblk_back_get_request(&b, &q));
		EXPECT_EQ(i, q.seq);
	}
	EXPECT_FALSE(tblk_back_get_request(&b, &q));
	for (i = 0; i < n; i++) {
		r.seq = i;
		ASSERT_TRUE(tblk_back_put_response(&b, &r));
	}
	EXPECT_FALSE(tblk_back_put_response(&b, &r));
	tblk_back_push_responses(&b);
	EXPECT_EQ(0, tblk_front_free(&f));	/* slots hold responses */
	EXPECT_EQ((int)n, tblk_front_responses(&f));
	for (i = 0; i < n; i++) {
		ASSERT_TRUE(tblk_front_get_response(&f, &r));
		EXPECT_EQ(i, r.seq);
	}
	EXPECT_FALSE(tblk_front_get_response(&f, &r));
	EXPECT_EQ(n, tblk_front_free(&f));
	EXPECT_FALSE(tblk_front_final_check(&f));
	EXPECT_FALSE(tblk_back_final_check(&b));
	EXPECT_FALSE(f.r.broken);
	EXPECT_FALSE(b.r.broken);

	/* a new request slot comes back zeroed over the request's size */
	memset(xpv_ring_entry(mem, n, f.r.req_prod_pvt, sizeof(union tblk_entry)),
	       0xa5, sizeof(struct blk_req));
	{
		struct blk_req *p = tblk_front_new_request(&f);
		struct blk_req zero = { 0 };

		ASSERT_NE(NULL, p);
		EXPECT_EQ(0, memcmp(p, &zero, sizeof(zero)));
	}
	munmap(mem, PAGE);
}

/* ---------------- wrap-around across 2^32 ---------------- */

FIXTURE(wrap) {
	void *mem;
};

FIXTURE_VARIANT(wrap) {
	uint32_t start;
};

FIXTURE_VARIANT_ADD(wrap, max_minus_3) { .start = UINT32_MAX - 3 };
FIXTURE_VARIANT_ADD(wrap, max_minus_40) { .start = UINT32_MAX - 40 };
FIXTURE_VARIANT_ADD(wrap, max) { .start = UINT32_MAX };

FIXTURE_SETUP(wrap)
{
	self->mem = area(PAGE);
	ASSERT_NE(NULL, self->mem);
}

FIXTURE_TEARDOWN(wrap)
{
	munmap(self->mem, PAGE);
}

TEST_F(wrap, index_crosses_2_32_single_thread)
{
	struct tnet_front f;
	struct tnet_back b;
	struct net_req q = { 0 };
	struct net_rsp r;
	uint32_t start = variant->start, next_req = 0, next_rsp = 0;
	unsigned int n, k, round;
	bool notify;

	xpv_sring_init_at(self->mem, start);
	ASSERT_EQ(0, tnet_front_attach(&f, self->mem, 512, start));
	ASSERT_EQ(0, tnet_back_attach(&b, self->mem, 512, start));
	n = f.r.nr_ents;
	ASSERT_EQ(32, n);
	/* odd batch sizes so every slot and every index offset is used */
	for (round = 0; round < 40; round++) {
		unsigned int want = 1 + (round * 7) % n;

		for (k = 0; k < want; k++) {
			q.seq = next_req++;
			q.check = ~q.seq;
			ASSERT_TRUE(tnet_front_put_request(&f, &q));
		}
		notify = tnet_front_push_requests(&f);
		EXPECT_TRUE(notify) TH_LOG("round %u", round);	/* re-armed */
		ASSERT_EQ((int)want, tnet_back_requests(&b));
		for (k = 0; k < want; k++) {
			ASSERT_TRUE(tnet_back_get_request(&b, &q));
			ASSERT_EQ(next_rsp + k, q.seq);
			ASSERT_EQ(~q.seq, q.check);
			r.seq = q.seq;
			ASSERT_TRUE(tnet_back_put_response(&b, &r));
		}
		EXPECT_FALSE(tnet_back_final_check(&b));
		tnet_back_push_responses(&b);
		ASSERT_EQ((int)want, tnet_front_responses(&f));
		for (k = 0; k < want; k++) {
			ASSERT_TRUE(tnet_front_get_response(&f, &r));
			ASSERT_EQ(next_rsp++, r.seq);
		}
		EXPECT_EQ(n, tnet_front_free(&f));
		ASSERT_FALSE(f.r.broken);
		ASSERT_FALSE(b.r.broken);
	}
	/* the indices really went through zero */
	EXPECT_LT(f.r.req_prod_pvt, start);
	EXPECT_EQ((uint32_t)(start + next_req), f.r.req_prod_pvt);
	EXPECT_EQ((uint32_t)(start + next_req), b.r.rsp_prod_pvt);
}

TEST_F(wrap, index_crosses_2_32_threads)
{
	struct eng_params p = {
		.kind = K_XBLK, .slots = 32, .batch = 8, .wait = WAIT_SLEEP,
		.nreq = 20000, .start = variant->start,
		.timeout_ns = 20000000000ull,
	};
	struct eng_result r;

	ASSERT_EQ(0, eng_run(&p, &r));
	EXPECT_TRUE(eng_ok(&p, &r))
		TH_LOG("completed %lu answered %lu errors %lu/%lu lost %lu/%lu",
		       r.completed, r.answered, r.front.errors, r.back.errors,
		       r.front.lost, r.back.lost);
	p.kind = K_XNET;
	p.slots = 256;
	ASSERT_EQ(0, eng_run(&p, &r));
	EXPECT_TRUE(eng_ok(&p, &r));
}

/* ---------------- notification hold-off rule ---------------- */

/*
 * The stall report (xpv_front_snapshot, xpv_front_stall_hint): each way a
 * request or response can wait with nobody told reads as itself.
 */
TEST(stall_hint_names_where_the_work_waits)
{
	struct xpv_front_ring_snap snap;
	struct tblk_front f;
	struct tblk_back b;
	struct blk_req q = { 0 };
	struct blk_rsp r = { 0 };
	void *mem = area(PAGE);

	ASSERT_NE(NULL, mem);
	ASSERT_EQ(0, tblk_front_init(&f, mem, PAGE));
	ASSERT_EQ(0, tblk_back_init(&b, mem, PAGE));

	xpv_front_snapshot(&f.r, &snap);
	EXPECT_EQ(32, snap.free);
	EXPECT_STREQ("nothing outstanding on the ring",
		     xpv_front_stall_hint(&snap));

	/* filled, not pushed */
	ASSERT_TRUE(tblk_front_put_request(&f, &q));
	ASSERT_TRUE(tblk_front_put_request(&f, &q));
	xpv_front_snapshot(&f.r, &snap);
	EXPECT_EQ(2, snap.req_prod_pvt);
	EXPECT_EQ(0, snap.req_prod);
	EXPECT_EQ(30, snap.free);
	EXPECT_STREQ("requests filled but not pushed",
		     xpv_front_stall_hint(&snap));

	/* pushed; the back end asked for a notification on the first one */
	EXPECT_TRUE(tblk_front_push_requests(&f));
	xpv_front_snapshot(&f.r, &snap);
	EXPECT_EQ(2, snap.req_prod);
	EXPECT_EQ(1, snap.req_event);
	EXPECT_NE(NULL, strstr(xpv_front_stall_hint(&snap),
			       "lost event to it"));

	/* the back end took both and re-armed: it owes the responses */
	ASSERT_TRUE(tblk_back_get_request(&b, &q));
	ASSERT_TRUE(tblk_back_get_request(&b, &q));
	EXPECT_FALSE(tblk_back_final_check(&b));
	xpv_front_snapshot(&f.r, &snap);
	EXPECT_EQ(3, snap.req_event);
	EXPECT_STREQ("back end consumed every request and owes the responses",
		     xpv_front_stall_hint(&snap));

	/* one response pushed past rsp_event (1): a lost event to us */
	ASSERT_TRUE(tblk_back_put_response(&b, &r));
	EXPECT_TRUE(tblk_back_push_responses(&b));
	xpv_front_snapshot(&f.r, &snap);
	EXPECT_EQ(1, snap.rsp_prod);
	EXPECT_EQ(0, snap.rsp_cons);
	EXPECT_NE(NULL, strstr(xpv_front_stall_hint(&snap),
			       "lost event to the front end"));

	/* consumed, re-armed at 2; a response pushed without passing it */
	ASSERT_TRUE(tblk_front_get_response(&f, &r));
	EXPECT_FALSE(tblk_front_final_check(&f));
	f.r.sring->rsp_event = 5;	/* as if armed far ahead */
	ASSERT_TRUE(tblk_back_put_response(&b, &r));
	EXPECT_FALSE(tblk_back_push_responses(&b));
	xpv_front_snapshot(&f.r, &snap);
	EXPECT_EQ(2, snap.rsp_prod);
	EXPECT_EQ(1, snap.rsp_cons);
	EXPECT_STREQ("unconsumed responses, rsp_event not armed for them",
		     xpv_front_stall_hint(&snap));

	/* near 2^32 the comparison still holds */
	EXPECT_TRUE(xpv_ring_idx_le(UINT32_MAX - 1, 2));
	EXPECT_FALSE(xpv_ring_idx_le(2, UINT32_MAX - 1));
	EXPECT_TRUE(xpv_ring_idx_le(7, 7));
	munmap(mem, PAGE);
}

TEST(notify_only_when_event_index_passed)
{
	struct tblk_front f;
	struct tblk_back b;
	struct blk_req q = { 0 };
	struct blk_rsp r = { 0 };
	struct xpv_sring *s;
	int i;
	void *mem = area(PAGE);

	ASSERT_NE(NULL, mem);
	s = mem;
	ASSERT_EQ(0, tblk_front_init(&f, mem, PAGE));
	ASSERT_EQ(0, tblk_back_init(&b, mem, PAGE));
	EXPECT_EQ(1, s->req_event);
	EXPECT_EQ(1, s->rsp_event);

	EXPECT_FALSE(tblk_front_push_requests(&f));	/* nothing new */
	ASSERT_TRUE(tblk_front_put_request(&f, &q));
	EXPECT_TRUE(tblk_front_push_requests(&f));	/* 0 -> 1 passes 1 */
	ASSERT_TRUE(tblk_front_put_request(&f, &q));
	EXPECT_FALSE(tblk_front_push_requests(&f));	/* back not re-armed */

	/* back drains and re-arms at cons + 1 */
	ASSERT_TRUE(tblk_back_get_request(&b, &q));
	ASSERT_TRUE(tblk_back_get_request(&b, &q));
	EXPECT_FALSE(tblk_back_final_check(&b));
	EXPECT_EQ(3, s->req_event);
	for (i = 0; i < 5; i++)
		ASSERT_TRUE(tblk_front_put_request(&f, &q));
	EXPECT_TRUE(tblk_front_push_requests(&f));	/* 2 -> 7 passes 3 */
	ASSERT_TRUE(tblk_front_put_request(&f, &q));
	EXPECT_FALSE(tblk_front_push_requests(&f));

	/* final check with work pending does not re-arm */
	EXPECT_TRUE(tblk_back_final_check(&b));
	EXPECT_EQ(3, s->req_event);

	/* a consumer that re-armed further ahead is not notified early */
	s->req_event = 12;	/* (what a batching consumer could ask) */
	for (i = 0; i < 3; i++)
		ASSERT_TRUE(tblk_front_put_request(&f, &q));
	EXPECT_FALSE(tblk_front_push_requests(&f));	/* 8 -> 11 */
	ASSERT_TRUE(tblk_front_put_request(&f, &q));
	EXPECT_TRUE(tblk_front_push_requests(&f));	/* 11 -> 12 */

	/* responses: the same rule on rsp_event */
	ASSERT_TRUE(tblk_back_put_response(&b, &r));
	ASSERT_TRUE(tblk_back_put_response(&b, &r));
	EXPECT_TRUE(tblk_back_push_responses(&b));	/* 0 -> 2 passes 1 */
	ASSERT_TRUE(tblk_front_get_response(&f, &r));
	ASSERT_TRUE(tblk_front_get_response(&f, &r));
	EXPECT_FALSE(tblk_front_final_check(&f));
	EXPECT_EQ(3, s->rsp_event);
	ASSERT_TRUE(tblk_back_get_request(&b, &q));
	ASSERT_TRUE(tblk_back_put_response(&b, &r));
	EXPECT_TRUE(tblk_back_push_responses(&b));	/* 2 -> 3 passes 3 */
	ASSERT_TRUE(tblk_back_get_request(&b, &q));
	ASSERT_TRUE(tblk_back_put_response(&b, &r));
	EXPECT_FALSE(tblk_back_push_responses(&b));
	munmap(mem, PAGE);
}

/*
 * Concurrency: with event hold-off and sleeping waiters a lost wake-up
 * shows as a wait that times out while work is pending (counted) or as
 * a run that never completes.  Every request must be seen and answered.
 */
FIXTURE(holdoff) {
	int unused;
};

FIXTURE_VARIANT(holdoff) {
	enum ring_kind kind;
	unsigned int slots, batch;
	bool always;
	enum wait_mode wait;
	bool fork;
	unsigned int window;
	unsigned int grace;	/* poll-before-arm polls (0: plain) */
};

FIXTURE_VARIANT_ADD(holdoff, blk32_b1_event_sleep) { K_XBLK, 32, 1, false, WAIT_SLEEP, false, 0, 0 };
FIXTURE_VARIANT_ADD(holdoff, blk32_b8_event_sleep) { K_XBLK, 32, 8, false, WAIT_SLEEP, false, 0, 0 };
FIXTURE_VARIANT_ADD(holdoff, blk256_b32_event_sleep) { K_XBLK, 256, 32, false, WAIT_SLEEP, false, 0, 0 };
FIXTURE_VARIANT_ADD(holdoff, blk512_b1_event_spin) { K_XBLK, 512, 1, false, WAIT_SPIN, false, 0, 0 };
FIXTURE_VARIANT_ADD(holdoff, net32_b8_event_sleep) { K_XNET, 32, 8, false, WAIT_SLEEP, false, 0, 0 };
FIXTURE_VARIANT_ADD(holdoff, net256_b1_event_sleep) { K_XNET, 256, 1, false, WAIT_SLEEP, false, 0, 0 };
FIXTURE_VARIANT_ADD(holdoff, net512_b32_always_spin) { K_XNET, 512, 32, true, WAIT_SPIN, false, 0, 0 };
FIXTURE_VARIANT_ADD(holdoff, virtio_blk32_b8_event_sleep) { K_VBLK, 32, 8, false, WAIT_SLEEP, false, 0, 0 };
FIXTURE_VARIANT_ADD(holdoff, virtio_net256_b1_event_sleep) { K_VNET, 256, 1, false, WAIT_SLEEP, false, 0, 0 };
FIXTURE_VARIANT_ADD(holdoff, process_blk32_b1_event_sleep) { K_XBLK, 32, 1, false, WAIT_SLEEP, true, 0, 0 };
FIXTURE_VARIANT_ADD(holdoff, process_net256_b8_event_sleep) { K_XNET, 256, 8, false, WAIT_SLEEP, true, 0, 0 };
FIXTURE_VARIANT_ADD(holdoff, process_blk512_b32_event_spin) { K_XBLK, 512, 32, false, WAIT_SPIN, true, 0, 0 };
/* one request in flight: every request finds the peer idle and armed */
FIXTURE_VARIANT_ADD(holdoff, sync_blk32_event_sleep) { K_XBLK, 32, 1, false, WAIT_SLEEP, false, 1, 0 };
FIXTURE_VARIANT_ADD(holdoff, sync_net256_event_spin) { K_XNET, 256, 1, false, WAIT_SPIN, false, 1, 0 };
FIXTURE_VARIANT_ADD(holdoff, sync_process_blk32_event_sleep) { K_XBLK, 32, 1, false, WAIT_SLEEP, true, 1, 0 };
FIXTURE_VARIANT_ADD(holdoff, sync_virtio_blk32_event_sleep) { K_VBLK, 32, 1, false, WAIT_SLEEP, false, 1, 0 };
/*
 * Poll-before-arm grace on both consumers: small graces run out all the
 * time (the arm-and-recheck after the grace is exercised), large ones
 * mostly find the next entry while the event index stays behind.
 */
FIXTURE_VARIANT_ADD(holdoff, grace1_blk32_b1_event_sleep) { K_XBLK, 32, 1, false, WAIT_SLEEP, false, 0, 1 };
FIXTURE_VARIANT_ADD(holdoff, grace64_blk32_b8_event_sleep) { K_XBLK, 32, 8, false, WAIT_SLEEP, false, 0, 64 };
FIXTURE_VARIANT_ADD(holdoff, grace1024_blk256_b32_event_sleep) { K_XBLK, 256, 32, false, WAIT_SLEEP, false, 0, 1024 };
FIXTURE_VARIANT_ADD(holdoff, grace1024_net32_b8_event_spin) { K_XNET, 32, 8, false, WAIT_SPIN, false, 0, 1024 };
FIXTURE_VARIANT_ADD(holdoff, grace16_net512_b32_event_sleep) { K_XNET, 512, 32, false, WAIT_SLEEP, false, 0, 16 };
FIXTURE_VARIANT_ADD(holdoff, grace256_virtio_blk32_b8_event_sleep) { K_VBLK, 32, 8, false, WAIT_SLEEP, false, 0, 256 };
FIXTURE_VARIANT_ADD(holdoff, grace64_process_blk32_b1_event_sleep) { K_XBLK, 32, 1, false, WAIT_SLEEP, true, 0, 64 };
FIXTURE_VARIANT_ADD(holdoff, grace1024_process_net256_b8_event_sleep) { K_XNET, 256, 8, false, WAIT_SLEEP, true, 0, 1024 };
/* one in flight: every request finds the peer idle, in or after its grace */
FIXTURE_VARIANT_ADD(holdoff, grace_sync4_blk32_event_sleep) { K_XBLK, 32, 1, false, WAIT_SLEEP, false, 1, 4 };
FIXTURE_VARIANT_ADD(holdoff, grace_sync64_net256_event_sleep) { K_XNET, 256, 1, false, WAIT_SLEEP, false, 1, 64 };
FIXTURE_VARIANT_ADD(holdoff, grace_sync1024_blk32_event_spin) { K_XBLK, 32, 1, false, WAIT_SPIN, false, 1, 1024 };
FIXTURE_VARIANT_ADD(holdoff, grace_sync4_process_blk32_event_sleep) { K_XBLK, 32, 1, false, WAIT_SLEEP, true, 1, 4 };
FIXTURE_VARIANT_ADD(holdoff, grace_sync1024_process_net32_event_sleep) { K_XNET, 32, 1, false, WAIT_SLEEP, true, 1, 1024 };
FIXTURE_VARIANT_ADD(holdoff, grace_sync64_virtio_blk32_event_sleep) { K_VBLK, 32, 1, false, WAIT_SLEEP, false, 1, 64 };

FIXTURE_SETUP(holdoff) { }
FIXTURE_TEARDOWN(holdoff) { }

TEST_F(holdoff, every_request_answered_no_lost_wakeup)
{
	struct eng_params p = {
		.kind = variant->kind, .slots = variant->slots,
		.batch = variant->batch, .notify_always = variant->always,
		.wait = variant->wait, .fork = variant->fork,
		.window = variant->window, .grace = variant->grace,
		.nreq = variant->window ? 5000 : 30000, .timeout_ns = 20000000000ull,
	};
	struct eng_result r;

	ASSERT_EQ(0, eng_run(&p, &r));
	TH_LOG("%s %s grace %u: %lu answered, notifications %lu+%lu, sleeps %lu+%lu, lost %lu+%lu, polls %lu+%lu, grace hits %lu+%lu",
	       kind_ring(p.kind), kind_entry(p.kind), p.grace, r.completed,
	       r.front.notifies, r.back.notifies, r.front.sleeps,
	       r.back.sleeps, r.front.lost, r.back.lost, r.front.polls,
	       r.back.polls, r.front.grace_hits, r.back.grace_hits);
	EXPECT_EQ(p.nreq, r.answered);
	EXPECT_EQ(p.nreq, r.completed);
	EXPECT_EQ(0, r.front.errors);
	EXPECT_EQ(0, r.back.errors);
	EXPECT_EQ(0, r.front.lost);
	EXPECT_EQ(0, r.back.lost);
	EXPECT_FALSE(r.front_broken);
	EXPECT_FALSE(r.back_broken);
	if (!p.notify_always)	/* hold-off sends at most one per push */
		EXPECT_LE(r.back.notifies, p.nreq);
	/* one in flight: both sides go idle for every request, so a grace
	 * polled on both sides (and never more than it allows per idle entry)
	 */
	if (p.grace && p.window) {
		EXPECT_LT(0, r.front.polls);
		EXPECT_LT(0, r.back.polls);
		EXPECT_LE(r.back.polls, (uint64_t)p.grace * (p.nreq + 1));
	}
	if (!p.grace) {
		EXPECT_EQ(0, r.front.polls + r.back.polls);
	}
}

/* ---------------- poll-before-arm grace ---------------- */

/*
 * On an idle ring the grace polls exactly as often as allowed, then arms
 * the event index as the final check does; with work waiting it stops at
 * the first poll and leaves the event index alone.
 */
TEST(grace_is_bounded_then_arms_like_the_final_check)
{
	struct tblk_front f;
	struct tblk_back b;
	struct blk_req q = { 0 };
	struct blk_rsp r = { 0 };
	struct xpv_sring *s;
	u32 polls;
	void *mem = area(PAGE);

	ASSERT_NE(NULL, mem);
	s = mem;
	ASSERT_EQ(0, tblk_front_init(&f, mem, PAGE));
	ASSERT_EQ(0, tblk_back_init(&b, mem, PAGE));

	/* one request through, consumed and answered, nobody re-armed */
	ASSERT_TRUE(tblk_front_put_request(&f, &q));
	EXPECT_TRUE(tblk_front_push_requests(&f));
	ASSERT_TRUE(tblk_back_get_request(&b, &q));
	ASSERT_TRUE(tblk_back_put_response(&b, &r));
	EXPECT_TRUE(tblk_back_push_responses(&b));
	ASSERT_TRUE(tblk_front_get_response(&f, &r));
	EXPECT_EQ(1, s->req_event);
	EXPECT_EQ(1, s->rsp_event);

	/* grace 0 is the final check */
	polls = 99;
	EXPECT_FALSE(tblk_back_final_check_grace(&b, 0, &polls));
	EXPECT_EQ(0, polls);
	EXPECT_EQ(2, s->req_event);
	s->req_event = 1;

	/* idle: every poll used, then armed at cons + 1 */
	EXPECT_FALSE(tblk_back_final_check_grace(&b, 1000, &polls));
	EXPECT_EQ(1000, polls);
	EXPECT_EQ(2, s->req_event);
	EXPECT_FALSE(tblk_front_final_check_grace(&f, 37, &polls));
	EXPECT_EQ(37, polls);
	EXPECT_EQ(2, s->rsp_event);
	EXPECT_FALSE(tblk_back_final_check_grace(&b, 5, NULL));

	/* armed, so the next push notifies; work waiting: one poll, no arm */
	ASSERT_TRUE(tblk_front_put_request(&f, &q));
	EXPECT_TRUE(tblk_front_push_requests(&f));
	s->req_event = 1;	/* as if not re-armed since */
	EXPECT_TRUE(tblk_back_final_check_grace(&b, 1000, &polls));
	EXPECT_EQ(1, polls);
	EXPECT_EQ(1, s->req_event);
	ASSERT_TRUE(tblk_back_get_request(&b, &q));
	ASSERT_TRUE(tblk_back_put_response(&b, &r));
	EXPECT_TRUE(tblk_back_push_responses(&b));	/* rsp_event 2 */
	s->rsp_event = 1;
	EXPECT_TRUE(tblk_front_final_check_grace(&f, 1000, &polls));
	EXPECT_EQ(1, polls);
	EXPECT_EQ(1, s->rsp_event);
	ASSERT_TRUE(tblk_front_get_response(&f, &r));
	EXPECT_FALSE(f.r.broken);
	EXPECT_FALSE(b.r.broken);
	munmap(mem, PAGE);
}

struct grace_poller {
	struct tblk_front *f;
	struct tblk_back *b;
	u32 grace, polls;
	_Atomic int started;
	bool more;
};

static void *grace_poll_back(void *arg)
{
	struct grace_poller *g = arg;

	atomic_store(&g->started, 1);
	g->more = tblk_back_final_check_grace(g->b, g->grace, &g->polls);
	return NULL;
}

static void *grace_poll_front(void *arg)
{
	struct grace_poller *g = arg;

	atomic_store(&g->started, 1);
	g->more = tblk_front_final_check_grace(g->f, g->grace, &g->polls);
	return NULL;
}

/*
 * The point of the grace: a consumer polling in its grace has not re-armed
 * its event index, so the producer's push sends no notification, and the
 * poll finds the entry.  Both directions, with the consumer on another
 * thread; a grace of 2^30 polls (~16 s here) cannot run out first.
 */
TEST(grace_push_while_polling_needs_no_notification)
{
	struct tblk_front f;
	struct tblk_back b;
	struct blk_req q = { 0 };
	struct blk_rsp r = { 0 };
	struct grace_poller g = { .f = &f, .b = &b, .grace = 1u << 30 };
	struct xpv_sring *s;
	pthread_t t;
	void *mem = area(PAGE);

	ASSERT_NE(NULL, mem);
	s = mem;
	ASSERT_EQ(0, tblk_front_init(&f, mem, PAGE));
	ASSERT_EQ(0, tblk_back_init(&b, mem, PAGE));
	ASSERT_TRUE(tblk_front_put_request(&f, &q));
	EXPECT_TRUE(tblk_front_push_requests(&f));
	ASSERT_TRUE(tblk_back_get_request(&b, &q));

	/* back polls for requests; the front pushes one meanwhile */
	ASSERT_EQ(0, pthread_create(&t, NULL, grace_poll_back, &g));
	while (!atomic_load(&g.started))
		sched_yield();
	usleep(2000);
	q.seq = 2;
	ASSERT_TRUE(tblk_front_put_request(&f, &q));
	EXPECT_FALSE(tblk_front_push_requests(&f));	/* no event needed */
	ASSERT_EQ(0, pthread_join(t, NULL));
	TH_LOG("back found the request after %u polls", g.polls);
	EXPECT_TRUE(g.more);
	EXPECT_LT(g.polls, g.grace);
	EXPECT_EQ(1, s->req_event);	/* never re-armed */
	ASSERT_TRUE(tblk_back_get_request(&b, &q));
	EXPECT_EQ(2, q.seq);

	/* front polls for responses; the back answers meanwhile */
	ASSERT_TRUE(tblk_back_put_response(&b, &r));
	EXPECT_TRUE(tblk_back_push_responses(&b));	/* rsp_event was 1 */
	ASSERT_TRUE(tblk_front_get_response(&f, &r));
	atomic_store(&g.started, 0);
	ASSERT_EQ(0, pthread_create(&t, NULL, grace_poll_front, &g));
	while (!atomic_load(&g.started))
		sched_yield();
	usleep(2000);
	r.seq = 2;
	ASSERT_TRUE(tblk_back_put_response(&b, &r));
	EXPECT_FALSE(tblk_back_push_responses(&b));	/* no event needed */
	ASSERT_EQ(0, pthread_join(t, NULL));
	TH_LOG("front found the response after %u polls", g.polls);
	EXPECT_TRUE(g.more);
	EXPECT_LT(g.polls, g.grace);
	EXPECT_EQ(1, s->rsp_event);
	ASSERT_TRUE(tblk_front_get_response(&f, &r));
	EXPECT_EQ(2, r.seq);

	/* a grace that runs out arms: the next push notifies again */
	EXPECT_FALSE(tblk_back_final_check_grace(&b, 64, NULL));
	ASSERT_TRUE(tblk_front_put_request(&f, &q));
	EXPECT_TRUE(tblk_front_push_requests(&f));
	munmap(mem, PAGE);
}

/* A consumer much slower than the producer: the ring is full most of the
 * time and every request is still seen exactly once, in order.
 */
TEST(slow_consumer_sees_every_request_once)
{
	struct eng_params p = {
		.kind = K_XBLK, .slots = 32, .batch = 8, .wait = WAIT_SLEEP,
		.nreq = 4000, .consumer_delay_ns = 20000,
		.timeout_ns = 30000000000ull,
	};
	struct eng_result r;

	ASSERT_EQ(0, eng_run(&p, &r));
	TH_LOG("ring full %lu times, producer slept %lu times",
	       r.front.full, r.front.sleeps);
	EXPECT_TRUE(eng_ok(&p, &r));
	/* the producer ran into a full ring again and again */
	EXPECT_GE(r.front.full, p.nreq / p.slots);
	p.fork = true;
	p.kind = K_XNET;
	ASSERT_EQ(0, eng_run(&p, &r));
	EXPECT_TRUE(eng_ok(&p, &r));
	EXPECT_GE(r.front.full, p.nreq / p.slots);
}

/* ---------------- hostile peers ---------------- */

FIXTURE(hostile) {
	void *mem;
	struct xpv_sring *s;
	struct tblk_front f;
	struct tblk_back b;
	unsigned int n;
};

FIXTURE_SETUP(hostile)
{
	self->mem = area(PAGE);
	ASSERT_NE(NULL, self->mem);
	self->s = self->mem;
	ASSERT_EQ(0, tblk_front_init(&self->f, self->mem, PAGE));
	ASSERT_EQ(0, tblk_back_init(&self->b, self->mem, PAGE));
	self->n = self->f.r.nr_ents;
}

FIXTURE_TEARDOWN(hostile)
{
	munmap(self->mem, PAGE);
}

/* Consume @k requests honestly produced, answer @a of them. */
static void prime(struct tblk_front *f, struct tblk_back *b, int k, int a)
{
	struct blk_req q = { 0 };
	struct blk_rsp r = { 0 };
	int i;

	for (i = 0; i < k; i++)
		tblk_front_put_request(f, &q);
	tblk_front_push_requests(f);
	for (i = 0; i < k; i++)
		tblk_back_get_request(b, &q);
	for (i = 0; i < a; i++)
		tblk_back_put_response(b, &r);
}

static void assert_back_dead(struct __test_metadata *_metadata,
			     struct tblk_back *b)
{
	struct blk_req q;
	struct blk_rsp r = { 0 };

	EXPECT_TRUE(b->r.broken);
	EXPECT_EQ(-EIO, tblk_back_requests(b));
	EXPECT_FALSE(tblk_back_get_request(b, &q));
	EXPECT_FALSE(tblk_back_put_response(b, &r));
	EXPECT_FALSE(tblk_back_final_check(b));
	EXPECT_FALSE(tblk_back_push_responses(b));
}

TEST_F(hostile, req_prod_beyond_ring_size_breaks_ring)
{
	prime(&self->f, &self->b, 5, 5);
	/* 5 consumed and answered: the front may claim up to 5 + n */
	self->s->req_prod = 5 + self->n;
	EXPECT_EQ((int)self->n, tblk_back_requests(&self->b));
	EXPECT_FALSE(self->b.r.broken);
	self->s->req_prod = 5 + self->n + 1;
	EXPECT_EQ(-EIO, tblk_back_requests(&self->b));
	assert_back_dead(_metadata, &self->b);
	/* an honest value later does not revive the ring */
	self->s->req_prod = 6;
	EXPECT_EQ(-EIO, tblk_back_requests(&self->b));
}

TEST_F(hostile, req_prod_beyond_unanswered_room_breaks_ring)
{
	/* 10 consumed, 4 answered: 6 slots still hold unanswered requests */
	prime(&self->f, &self->b, 10, 4);
	self->s->req_prod = 10 + self->n - 6;
	EXPECT_EQ((int)self->n - 6, tblk_back_requests(&self->b));
	self->s->req_prod = 10 + self->n - 6 + 1;
	EXPECT_EQ(-EIO, tblk_back_requests(&self->b));
	assert_back_dead(_metadata, &self->b);
}

TEST_F(hostile, req_prod_moved_backwards_breaks_ring)
{
	prime(&self->f, &self->b, 7, 0);
	self->s->req_prod = 6;
	EXPECT_EQ(-EIO, tblk_back_requests(&self->b));
	assert_back_dead(_metadata, &self->b);
}

TEST_F(hostile, huge_req_prod_on_final_check_breaks_ring)
{
	self->s->req_prod = 0x80000000u;
	EXPECT_FALSE(tblk_back_final_check(&self->b));
	assert_back_dead(_metadata, &self->b);
}

TEST_F(hostile, huge_req_prod_during_grace_breaks_ring)
{
	u32 polls;

	self->s->req_prod = 0x80000000u;
	EXPECT_FALSE(tblk_back_final_check_grace(&self->b, 1000, &polls));
	EXPECT_EQ(1, polls);	/* the grace ends at the bad index */
	assert_back_dead(_metadata, &self->b);
	EXPECT_FALSE(tblk_back_final_check_grace(&self->b, 1000, &polls));
}

TEST_F(hostile, rsp_prod_beyond_pushed_requests_during_grace_breaks_ring)
{
	struct blk_req q = { 0 };
	struct blk_rsp r;
	u32 polls;

	ASSERT_TRUE(tblk_front_put_request(&self->f, &q));
	tblk_front_push_requests(&self->f);
	self->s->rsp_prod = 2;	/* answers a request it never saw */
	EXPECT_FALSE(tblk_front_final_check_grace(&self->f, 1000, &polls));
	EXPECT_EQ(1, polls);
	EXPECT_TRUE(self->f.r.broken);
	EXPECT_FALSE(tblk_front_get_response(&self->f, &r));
	EXPECT_FALSE(tblk_front_final_check_grace(&self->f, 1000, &polls));
}

TEST_F(hostile, rsp_prod_beyond_pushed_requests_breaks_ring)
{
	struct blk_req q = { 0 };
	struct blk_rsp r;
	int i;

	for (i = 0; i < 4; i++)
		ASSERT_TRUE(tblk_front_put_request(&self->f, &q));
	tblk_front_push_requests(&self->f);
	ASSERT_TRUE(tblk_front_put_request(&self->f, &q));	/* not pushed */
	self->s->rsp_prod = 4;
	EXPECT_EQ(4, tblk_front_responses(&self->f));
	self->s->rsp_prod = 5;	/* answers a request it never saw */
	EXPECT_EQ(-EIO, tblk_front_responses(&self->f));
	EXPECT_TRUE(self->f.r.broken);
	EXPECT_FALSE(tblk_front_get_response(&self->f, &r));
	EXPECT_FALSE(tblk_front_final_check(&self->f));
	EXPECT_FALSE(tblk_front_put_request(&self->f, &q));
	EXPECT_FALSE(tblk_front_push_requests(&self->f));
}

TEST_F(hostile, rsp_prod_moved_backwards_breaks_ring)
{
	struct blk_req q = { 0 };
	struct blk_rsp r;
	int i;

	for (i = 0; i < 4; i++)
		ASSERT_TRUE(tblk_front_put_request(&self->f, &q));
	tblk_front_push_requests(&self->f);
	self->s->rsp_prod = 2;
	ASSERT_TRUE(tblk_front_get_response(&self->f, &r));
	ASSERT_TRUE(tblk_front_get_response(&self->f, &r));
	self->s->rsp_prod = 1;
	EXPECT_FALSE(tblk_front_get_response(&self->f, &r));
	EXPECT_TRUE(self->f.r.broken);
}

/*
 * A peer that rewrites the producer index we own cannot talk us out of a
 * notification it asked for: the old value is our private copy.
 */
TEST_F(hostile, peer_rewriting_our_producer_index_cannot_suppress_notify)
{
	struct blk_req q = { 0 };
	struct blk_rsp r = { 0 };

	prime(&self->f, &self->b, 2, 2);
	EXPECT_FALSE(tblk_back_final_check(&self->b));	/* req_event = 3 */
	ASSERT_TRUE(tblk_front_put_request(&self->f, &q));
	self->s->req_prod = 3;	/* the back end pretends 3 is old news */
	EXPECT_TRUE(tblk_front_push_requests(&self->f));
	EXPECT_EQ(3, self->s->req_prod);

	tblk_back_push_responses(&self->b);
	ASSERT_TRUE(tblk_front_get_response(&self->f, &r));
	ASSERT_TRUE(tblk_front_get_response(&self->f, &r));
	EXPECT_FALSE(tblk_front_final_check(&self->f));	/* rsp_event = 3 */
	ASSERT_TRUE(tblk_back_get_request(&self->b, &q));
	ASSERT_TRUE(tblk_back_put_response(&self->b, &r));
	self->s->rsp_prod = 3;	/* the front end does the same */
	EXPECT_TRUE(tblk_back_push_responses(&self->b));
	EXPECT_FALSE(self->f.r.broken);
	EXPECT_FALSE(self->b.r.broken);
}

/* ---------------- copy once ---------------- */

TEST_F(hostile, request_copied_once)
{
	struct blk_req q = { 0 }, got;
	u8 *slot;
	int i;

	for (i = 0; i < 3; i++) {
		q.seq = 100 + i;
		q.check = ~q.seq;
		memset(q.body, 0x10 + i, sizeof(q.body));
		ASSERT_TRUE(tblk_front_put_request(&self->f, &q));
	}
	tblk_front_push_requests(&self->f);
	ASSERT_TRUE(tblk_back_get_request(&self->b, &got));
	EXPECT_EQ(100, got.seq);

	/* the peer rewrites the next slot before we copy it: we see that */
	slot = xpv_ring_entry(self->s, self->n, 1, sizeof(union tblk_entry));
	memset(slot, 0x5a, sizeof(struct blk_req));
	ASSERT_TRUE(tblk_back_get_request(&self->b, &got));
	EXPECT_EQ(0x5a5a5a5a5a5a5a5aull, got.seq);

	/* ... and rewrites a slot after we copied it: our copy holds */
	ASSERT_TRUE(tblk_back_get_request(&self->b, &got));
	slot = xpv_ring_entry(self->s, self->n, 2, sizeof(union tblk_entry));
	memset(slot, 0xee, sizeof(struct blk_req));
	EXPECT_EQ(102, got.seq);
	EXPECT_EQ(~102ull, got.check);
	for (i = 0; i < (int)sizeof(got.body); i++)
		ASSERT_EQ(0x12, got.body[i]);
}

TEST_F(hostile, response_copied_once)
{
	struct blk_req q = { 0 };
	struct blk_rsp r = { 0 }, got;
	u8 *slot;

	ASSERT_TRUE(tblk_front_put_request(&self->f, &q));
	tblk_front_push_requests(&self->f);
	ASSERT_TRUE(tblk_back_get_request(&self->b, &q));
	r.seq = 42;
	r.check = ~42u;
	r.status = -5;
	ASSERT_TRUE(tblk_back_put_response(&self->b, &r));
	tblk_back_push_responses(&self->b);
	ASSERT_TRUE(tblk_front_get_response(&self->f, &got));
	slot = xpv_ring_entry(self->s, self->n, 0, sizeof(union tblk_entry));
	memset(slot, 0x77, sizeof(struct blk_rsp));
	EXPECT_EQ(42, got.seq);
	EXPECT_EQ(~42u, got.check);
	EXPECT_EQ(-5, got.status);
}

/* The typed helpers and the generic ones agree on the slot a message takes. */
TEST_F(hostile, new_response_is_built_in_the_answered_slot)
{
	struct blk_req q = { 0 };
	struct blk_rsp *rp, got;

	ASSERT_TRUE(tblk_front_put_request(&self->f, &q));
	ASSERT_TRUE(tblk_front_put_request(&self->f, &q));
	tblk_front_push_requests(&self->f);
	ASSERT_TRUE(tblk_back_get_request(&self->b, &q));
	rp = tblk_back_new_response(&self->b);
	ASSERT_NE(NULL, rp);
	EXPECT_EQ((void *)rp, xpv_ring_entry(self->s, self->n, 0,
					      sizeof(union tblk_entry)));
	EXPECT_EQ(0, rp->seq);
	rp->seq = 9;
	EXPECT_EQ(NULL, tblk_back_new_response(&self->b));	/* 1 consumed */
	tblk_back_push_responses(&self->b);
	ASSERT_TRUE(tblk_front_get_response(&self->f, &got));
	EXPECT_EQ(9, got.seq);
}

TEST_HARNESS_MAIN
