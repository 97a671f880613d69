// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hostile-peer tests of the netif proto (drivers/net/xen-net/
 * netif_proto.c) that selftests/net does not already make: copy-once of
 * tx requests and rx responses (the copy-once hook, hook.h), and a hostile
 * front end's bad packets on one long-lived ring, each dropped and
 * answered while the next valid packet still goes through, under ASan and
 * UBSan.  The per-rule cases selftests/net covers (slot counts, zero-length
 * and page-crossing slots, GSO, producer indexes, ids, queue keys, MAC) are
 * listed in docs/selftests.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include "netif_proto.h"
#include "netif_peer.h"
#include "kselftest_harness.h"

#define PAGE		XPV_NETIF_PAGE_SIZE
#define NR_SLOTS	256
#define MORE		XPV_NETTXF_MORE_DATA

FIXTURE(net) {
	struct xpv_sring *tx_s, *rx_s;
	struct xpv_netif_tx_front txf;
	struct xpv_netif_tx_back txb;
	struct xpv_netif_rx_front rxf;
	struct xpv_netif_rx_back rxb;
	struct xpv_netif_tx_limits txlim;
	struct xpv_netif_rx_limits rxlim;
	struct xpv_netif_ids tx_ids, rx_ids;
	u32 rsp_idx;
	unsigned int dropped;
};

FIXTURE_VARIANT(net) {
	u32 start;
};

FIXTURE_VARIANT_ADD(net, index0) { .start = 0 };
FIXTURE_VARIANT_ADD(net, index_wrap) { .start = 0xffffff80U };

FIXTURE_SETUP(net)
{
	u32 at = variant->start;

	self->tx_s = aligned_alloc(PAGE, PAGE);
	self->rx_s = aligned_alloc(PAGE, PAGE);
	ASSERT_NE(NULL, self->tx_s);
	ASSERT_NE(NULL, self->rx_s);
	memset(self->tx_s, 0, PAGE);
	memset(self->rx_s, 0, PAGE);
	xpv_sring_init_at(self->tx_s, at);
	xpv_sring_init_at(self->rx_s, at);
	ASSERT_EQ(0, xpv_netif_tx_front_attach(&self->txf, self->tx_s, PAGE, at));
	ASSERT_EQ(0, xpv_netif_tx_back_attach(&self->txb, self->tx_s, PAGE, at));
	ASSERT_EQ(0, xpv_netif_rx_front_attach(&self->rxf, self->rx_s, PAGE, at));
	ASSERT_EQ(0, xpv_netif_rx_back_attach(&self->rxb, self->rx_s, PAGE, at));
	xpv_netif_tx_limits_default(&self->txlim);
	self->txlim.gso_tcpv4 = true;
	memset(&self->rxlim, 0, sizeof(self->rxlim));
	self->rxlim.max_slots = XPV_NETIF_SLOTS_MAX;
	self->rxlim.max_len = XPV_NETIF_MAX_RX_SIZE;
	ASSERT_EQ(0, xpv_netif_ids_init(&self->tx_ids, NR_SLOTS));
	ASSERT_EQ(0, xpv_netif_ids_init(&self->rx_ids, NR_SLOTS));
	self->rsp_idx = at;
	self->dropped = 0;
	netif_peer_rx_post(&self->rxf, &self->rx_ids);
	hostile_disarm();
}

FIXTURE_TEARDOWN(net)
{
	hostile_disarm();
	free(self->rx_s);
	free(self->tx_s);
}

/* A data slot. */
static struct xpv_netif_tx_request txs(u16 id, u16 off, u16 size, u16 flags)
{
	struct xpv_netif_tx_request r = {
		.gref = 100 + id, .offset = off, .flags = flags, .id = id,
		.size = size,
	};

	return r;
}

/* A GSO extra slot. */
static struct xpv_netif_tx_request gso_slot(u16 mss)
{
	struct xpv_netif_extra ex;
	struct xpv_netif_tx_request r;

	memset(&ex, 0, sizeof(ex));
	memset(&r, 0, sizeof(r));
	ex.type = XPV_NETIF_EXTRA_GSO;
	ex.u.gso.type = XPV_NETIF_GSO_TCPV4;
	ex.u.gso.size = mss;
	xpv_netif_extra_tx_slot(&ex, &r);
	return r;
}

/*
 * Our back end: take one chain, answer every slot of it (data with the
 * verdict, extras with NULL), count drops.  Returns the parser's verdict;
 * -1000 when the ring ran dry or broke.
 */
static int tx_serve(struct _test_data_net *self, struct xpv_netif_tx_pkt *pkt)
{
	struct xpv_netif_tx_request slot;
	struct xpv_netif_tx_parser p;
	struct xpv_netif_tx_response rsp;
	unsigned int i, e;
	int ret = xpv_netif_tx_parse_init(&p, &self->txlim);

	if (ret)
		return ret;
	ret = 1;
	while (ret == 1) {
		if (!xpv_netif_tx_back_get_request(&self->txb, &slot))
			return -1000;
		ret = xpv_netif_tx_parse_slot(&p, &slot);
	}
	*pkt = p.pkt;
	if (xpv_netif_err_fatal(ret))
		return ret;
	if (ret)
		self->dropped++;
	for (i = 0, e = 0; i < pkt->nr_data; i++) {
		rsp.id = pkt->seg[i].id;
		rsp.status = ret ? XPV_NETIF_RSP_ERROR : XPV_NETIF_RSP_OKAY;
		if (!xpv_netif_tx_back_put_response(&self->txb, &rsp))
			return -1001;
		for (; i == 0 && e < pkt->nr_extras; e++) {
			rsp.id = 0;
			rsp.status = XPV_NETIF_RSP_NULL;
			if (!xpv_netif_tx_back_put_response(&self->txb, &rsp))
				return -1002;
		}
	}
	xpv_netif_tx_back_push_responses(&self->txb);
	return ret;
}

/* Our front end: take @n answers; returns how many said OKAY. */
static int tx_reap(struct _test_data_net *self, unsigned int n)
{
	struct xpv_netif_tx_response rsp;
	int okay = 0;

	while (n--) {
		int r;

		if (!xpv_netif_tx_front_get_response(&self->txf, &rsp))
			return -1000;
		r = xpv_netif_tx_rsp_check(&self->tx_ids, &rsp);
		if (r < 0)
			return r;
		if (r == 0) {
			if (xpv_netif_ids_put(&self->tx_ids, rsp.id))
				return -1001;
			okay += rsp.status == XPV_NETIF_RSP_OKAY;
		}
	}
	return okay;
}

/* A valid three-slot packet, sent and answered: the ring still works. */
static int tx_still_works(struct _test_data_net *self)
{
	struct xpv_netif_tx_request slot[3];
	struct xpv_netif_tx_pkt pkt;
	int ids[3], i, ret;

	for (i = 0; i < 3; i++) {
		ids[i] = xpv_netif_ids_alloc(&self->tx_ids);
		if (ids[i] < 0)
			return -2000;
	}
	slot[0] = txs(ids[0], 0, 3000, MORE);
	slot[1] = txs(ids[1], 0, 1000, MORE);
	slot[2] = txs(ids[2], 100, 1000, 0);
	if (!netif_peer_tx_send(&self->txf, slot, 3))
		return -2001;
	ret = tx_serve(self, &pkt);
	if (ret)
		return ret;
	if (pkt.len != 3000 || pkt.nr_data != 3)
		return -2002;
	ret = tx_reap(self, 3);
	return ret == 3 ? 0 : -2003;
}

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

/* ------------------------------------------------------------------ */
/* Rule 1: copy once.                                                  */
/* ------------------------------------------------------------------ */

/*
 * The front end rewrites each slot right after the back end copied it:
 * size 0xffff, offset 0xffff, every flag.  The parse must be the copy's.
 */
TEST_F(net, copy_once_tx_request)
{
	struct xpv_netif_tx_request slot[3];
	struct xpv_netif_tx_request sl;
	struct xpv_netif_tx_parser p;
	unsigned int i;
	struct rewrite rw;
	int ret = 1;

	slot[0] = txs(0, 0, 3000, MORE);
	slot[1] = gso_slot(1448);
	slot[0].flags |= XPV_NETTXF_EXTRA_INFO;
	slot[2] = txs(2, 64, 2000, 0);
	ASSERT_TRUE(netif_peer_tx_send(&self->txf, slot, 3));
	ASSERT_EQ(0, xpv_netif_tx_parse_init(&p, &self->txlim));
	for (i = 0; i < 3 && ret == 1; i++) {
		rw.at = xpv_ring_entry(self->tx_s, NR_SLOTS,
				       self->txb.r.req_cons, sizeof(sl));
		rw.len = sizeof(sl);
		rw.byte = 0xff;
		hostile_arm(rw.at, rw.len, rewrite_fn, &rw);
		ASSERT_TRUE(xpv_netif_tx_back_get_request(&self->txb, &sl));
		EXPECT_EQ(1, hostile_watch.reads);
		hostile_disarm();
		ret = xpv_netif_tx_parse_slot(&p, &sl);
	}
	EXPECT_EQ(0, ret);
	EXPECT_EQ(3, i);
	EXPECT_EQ(3000, p.pkt.len);
	EXPECT_EQ(2, p.pkt.nr_data);
	EXPECT_EQ(1, p.pkt.nr_extras);
	EXPECT_EQ(1448, p.pkt.gso.size);
	EXPECT_EQ(1000, p.pkt.seg[0].size);
	EXPECT_EQ(2000, p.pkt.seg[1].size);
	EXPECT_EQ(64, p.pkt.seg[1].offset);
}

/* The back end rewrites each rx response after the front end's copy. */
TEST_F(net, copy_once_rx_response)
{
	struct xpv_netif_rx_request req;
	struct xpv_netif_rx_response rsp;
	struct xpv_netif_rx_parser p;
	struct rewrite rw;
	unsigned int i;
	int ret = 1;

	for (i = 0; i < 2; i++) {
		ASSERT_TRUE(xpv_netif_rx_back_get_request(&self->rxb, &req));
		rsp.id = req.id;
		rsp.offset = 0;
		rsp.flags = i == 0 ? XPV_NETRXF_MORE_DATA : 0;
		rsp.status = 1000;
		ASSERT_TRUE(xpv_netif_rx_back_put_response(&self->rxb, &rsp));
	}
	xpv_netif_rx_back_push_responses(&self->rxb);
	ASSERT_EQ(0, xpv_netif_rx_parse_init(&p, &self->rxlim, &self->rx_ids));
	for (i = 0; i < 2 && ret == 1; i++) {
		rw.at = xpv_ring_entry(self->rx_s, NR_SLOTS,
				       self->rxf.r.rsp_cons, sizeof(rsp));
		rw.len = sizeof(rsp);
		rw.byte = 0x7f;	/* another id, offset past the page, flags */
		hostile_arm(rw.at, rw.len, rewrite_fn, &rw);
		ASSERT_TRUE(xpv_netif_rx_front_get_response(&self->rxf, &rsp));
		EXPECT_EQ(1, hostile_watch.reads);
		hostile_disarm();
		ret = xpv_netif_rx_parse_rsp(&p, self->rsp_idx++, &rsp);
	}
	EXPECT_EQ(0, ret);
	EXPECT_EQ(2000, p.pkt.len);
	EXPECT_EQ(2, p.pkt.nr_data);
	EXPECT_EQ(2, p.pkt.nr_frags);
	EXPECT_EQ((variant->start + 1) & (NR_SLOTS - 1), p.pkt.ids[1]);
}

/* ------------------------------------------------------------------ */
/* Dropped and answered, then the next packet goes through.            */
/* ------------------------------------------------------------------ */

struct bad_chain {
	const char *what;
	unsigned int n;
	struct xpv_netif_tx_request slot[4];
	int err;
};

TEST_F(net, bad_packets_on_one_ring)
{
	const struct bad_chain bad[] = {
		{ "GSO size 0", 3,
		  { txs(0, 0, 3000, MORE | XPV_NETTXF_EXTRA_INFO), gso_slot(0),
		    txs(2, 0, 1000, 0) }, -XPV_NETIF_E_GSO_SIZE },
		{ "GSO size above the packet", 3,
		  { txs(0, 0, 3000, MORE | XPV_NETTXF_EXTRA_INFO),
		    gso_slot(3001), txs(2, 0, 1000, 0) },
		  -XPV_NETIF_E_GSO_SIZE },
		{ "shorter than an Ethernet header", 1,
		  { txs(0, 0, 13, 0) }, -XPV_NETIF_E_SHORT },
		{ "length 0", 1, { txs(0, 0, 0, 0) }, -XPV_NETIF_E_SHORT },
		{ "fragments longer than the packet", 3,
		  { txs(0, 0, 1000, MORE), txs(1, 0, 900, MORE),
		    txs(2, 0, 200, 0) }, -XPV_NETIF_E_FRAG_OVERRUN },
	};
	unsigned int i, before;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct xpv_netif_tx_pkt pkt;
		unsigned int j;

		/* The ids of the data slots (an extra's bytes alias id 0). */
		for (j = 0; j < bad[i].n; j++) {
			u16 id = bad[i].slot[j].id;

			if (!xpv_netif_ids_outstanding(&self->tx_ids, id))
				ASSERT_EQ(0, xpv_netif_ids_take(&self->tx_ids,
								id));
		}
		before = self->dropped;
		ASSERT_TRUE(netif_peer_tx_send(&self->txf, bad[i].slot, bad[i].n));
		EXPECT_EQ(bad[i].err, tx_serve(self, &pkt))
			TH_LOG("%s", bad[i].what);
		EXPECT_EQ(before + 1, self->dropped);
		EXPECT_FALSE(self->txb.r.broken);
		EXPECT_EQ(bad[i].n, pkt.nr_slots) TH_LOG("%s", bad[i].what);
		EXPECT_EQ(0, tx_reap(self, bad[i].n)) TH_LOG("%s",
							     bad[i].what);
		/* Every id was answered and retired. */
		EXPECT_EQ(0, self->tx_ids.nr_out);
		EXPECT_EQ(0, tx_still_works(self)) TH_LOG("after %s",
							  bad[i].what);
	}
}

/* Zero-length slots are skipped, never fragments; the packet goes on. */
TEST_F(net, zero_length_fragments)
{
	struct xpv_netif_tx_request slot[4] = {
		txs(0, 0, 1500, MORE), txs(1, 0, 0, MORE), txs(2, 0, 500, MORE),
		txs(3, 4096 - 1, 0, 0),
	};
	struct xpv_netif_tx_pkt pkt;
	unsigned int i;

	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, xpv_netif_ids_take(&self->tx_ids, i));
	ASSERT_TRUE(netif_peer_tx_send(&self->txf, slot, 4));
	ASSERT_EQ(0, tx_serve(self, &pkt));
	EXPECT_EQ(2, pkt.nr_zero);
	for (i = 0; i < pkt.nr_frags; i++)
		EXPECT_NE(0, pkt.frag[i].size);
	EXPECT_EQ(4, tx_reap(self, 4));
	EXPECT_EQ(0, tx_still_works(self));
}

/* A slot across its page end breaks the ring; a reconnect works. */
TEST_F(net, page_crossing_fragment)
{
	struct xpv_netif_tx_request slot[2] = {
		txs(0, 0, 2000, MORE), txs(1, 4000, 200, 0),
	};
	struct xpv_netif_tx_pkt pkt;
	u32 at;

	ASSERT_EQ(0, xpv_netif_ids_take(&self->tx_ids, 0));
	ASSERT_EQ(0, xpv_netif_ids_take(&self->tx_ids, 1));
	ASSERT_TRUE(netif_peer_tx_send(&self->txf, slot, 2));
	EXPECT_EQ(-XPV_NETIF_E_CROSS_PAGE, tx_serve(self, &pkt));
	/* Reconnect: fresh ids, a fresh ring at the same index. */
	at = self->txf.r.req_prod_pvt;
	xpv_sring_init_at(self->tx_s, at);
	ASSERT_EQ(0, xpv_netif_tx_front_attach(&self->txf, self->tx_s, PAGE, at));
	ASSERT_EQ(0, xpv_netif_tx_back_attach(&self->txb, self->tx_s, PAGE, at));
	ASSERT_EQ(0, xpv_netif_ids_init(&self->tx_ids, NR_SLOTS));
	EXPECT_EQ(0, tx_still_works(self));
}

/* The back end answers ids it never got, or twice. */
TEST_F(net, hostile_tx_answers)
{
	struct xpv_netif_tx_response rsp = { .id = 5, .status = 0 };

	EXPECT_EQ(-XPV_NETIF_E_ID_STALE,
		  xpv_netif_tx_rsp_check(&self->tx_ids, &rsp));
	rsp.id = NR_SLOTS;
	EXPECT_EQ(-XPV_NETIF_E_ID_RANGE,
		  xpv_netif_tx_rsp_check(&self->tx_ids, &rsp));
	rsp.id = 0xffff;
	EXPECT_EQ(-XPV_NETIF_E_ID_RANGE,
		  xpv_netif_tx_rsp_check(&self->tx_ids, &rsp));
	ASSERT_EQ(0, xpv_netif_ids_take(&self->tx_ids, 5));
	rsp.id = 5;
	rsp.status = 2;
	EXPECT_EQ(-XPV_NETIF_E_RSP_STATUS,
		  xpv_netif_tx_rsp_check(&self->tx_ids, &rsp));
	rsp.status = -3;
	EXPECT_EQ(-XPV_NETIF_E_RSP_STATUS,
		  xpv_netif_tx_rsp_check(&self->tx_ids, &rsp));
	rsp.status = XPV_NETIF_RSP_OKAY;
	EXPECT_EQ(0, xpv_netif_tx_rsp_check(&self->tx_ids, &rsp));
	EXPECT_EQ(0, xpv_netif_ids_put(&self->tx_ids, 5));
	EXPECT_EQ(-XPV_NETIF_E_ID_STALE,
		  xpv_netif_tx_rsp_check(&self->tx_ids, &rsp));
	EXPECT_EQ(-EINVAL, xpv_netif_ids_put(&self->tx_ids, 5));
	EXPECT_EQ(0, tx_still_works(self));
}

/* Queue counts 0 and huge, from either side. */
TEST(queue_counts)
{
	struct xpv_netif_back_offer back = { .rx_copy = true, .max_queues = 4 };
	struct xpv_netif_front_keys front = { .rx_copy = true,
					      .rx_notify = true };
	static const u64 bad[] = {
		0, 5, 64, 65, 0x100000000ULL, 0x100000001ULL, ~0ULL,
	};
	struct xpv_netif_features f;
	unsigned int i;

	front.has_num_queues = true;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		front.num_queues = bad[i];
		EXPECT_EQ(-EINVAL, xpv_netif_negotiate(&back, &front, &f))
			TH_LOG("%llu queues", (unsigned long long)bad[i]);
		EXPECT_EQ(0, f.nr_queues);
	}
	front.num_queues = 4;
	EXPECT_EQ(0, xpv_netif_negotiate(&back, &front, &f));
	EXPECT_EQ(4, f.nr_queues);
	/* A back end offering a huge count: capped by the front end. */
	EXPECT_EQ(XPV_NETIF_MAX_QUEUES, xpv_netif_front_queues(~0U, ~0ULL));
	EXPECT_EQ(XPV_NETIF_MAX_QUEUES,
		  xpv_netif_front_queues(~0U, 0x100000000ULL));
	EXPECT_EQ(1, xpv_netif_front_queues(8, 0));
	EXPECT_EQ(1, xpv_netif_front_queues(0, 8));
}

TEST_HARNESS_MAIN
