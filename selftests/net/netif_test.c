// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of drivers/net/xen-net/netif_proto.c, in the style of
 * FreeBSD's netback_unit_tests: one buffer is initialised as the shared
 * ring, the test plays one side (often a hostile one) and asserts on what
 * the other side's parser does.  The ring tests run with the indices
 * starting at 0 and just below 2^32 (fixture variants), so every chain
 * also crosses the index wrap.  The wire layout is checked against Xen's
 * own public headers (xen_layout.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include "netif_proto.h"
#include "netif_peer.h"
#include "xen_layout.h"
#include "kselftest_harness.h"

#define PAGE		XPV_NETIF_PAGE_SIZE
#define NR_SLOTS	256
#define MORE		XPV_NETTXF_MORE_DATA
#define EXTRA		XPV_NETTXF_EXTRA_INFO

static const u8 mcast_mac[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };

/* ------------------------------------------------------------------ */
/* Building tx chains.                                                 */
/* ------------------------------------------------------------------ */

static struct xpv_netif_extra gso_extra(u8 type, u16 size)
{
	struct xpv_netif_extra ex;

	memset(&ex, 0, sizeof(ex));
	ex.type = XPV_NETIF_EXTRA_GSO;
	ex.u.gso.type = type;
	ex.u.gso.size = size;
	return ex;
}

static struct xpv_netif_extra typed_extra(u8 type)
{
	struct xpv_netif_extra ex;

	memset(&ex, 0, sizeof(ex));
	ex.type = type;
	return ex;
}

static struct xpv_netif_extra mcast_extra(u8 type, const u8 *addr)
{
	struct xpv_netif_extra ex = typed_extra(type);

	memcpy(ex.u.mcast.addr, addr, 6);
	return ex;
}

static struct xpv_netif_extra hash_extra(u8 htype, u8 alg, u32 value)
{
	struct xpv_netif_extra ex = typed_extra(XPV_NETIF_EXTRA_HASH);

	ex.u.hash.type = htype;
	ex.u.hash.algorithm = alg;
	ex.u.hash.value[0] = (u8)value;
	ex.u.hash.value[1] = (u8)(value >> 8);
	ex.u.hash.value[2] = (u8)(value >> 16);
	ex.u.hash.value[3] = (u8)(value >> 24);
	return ex;
}

/*
 * A packet as a well-behaved front end writes it: the first slot (gref
 * 100, offset 0, id 0) with the total @len, then the @nex extras (MORE set
 * on all but the last), then one slot per entry of @frag (gref 101 + i,
 * offset 0, id 1 + i).  Returns the slot count.
 */
static unsigned int build(struct xpv_netif_tx_request *out, u16 len,
			  const u16 *frag, unsigned int nfrag,
			  const struct xpv_netif_extra *ex, unsigned int nex)
{
	unsigned int n = 0, i;

	memset(&out[n], 0, sizeof(out[n]));
	out[n].gref = 100;
	out[n].size = len;
	out[n].flags = (nfrag ? MORE : 0) | (nex ? EXTRA : 0);
	n++;
	for (i = 0; i < nex; i++) {
		struct xpv_netif_extra e = ex[i];

		if (i + 1 < nex)
			e.flags |= XPV_NETIF_EXTRA_FLAG_MORE;
		xpv_netif_extra_tx_slot(&e, &out[n++]);
	}
	for (i = 0; i < nfrag; i++) {
		memset(&out[n], 0, sizeof(out[n]));
		out[n].gref = 101 + i;
		out[n].id = (u16)(1 + i);
		out[n].size = frag[i];
		out[n].flags = i + 1 < nfrag ? MORE : 0;
		n++;
	}
	return n;
}

static void fill(u16 *a, unsigned int n, u16 v)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		a[i] = v;
}

/* Sum of the fragments plus the linear header equals the packet. */
static u32 pkt_bytes(const struct xpv_netif_tx_pkt *pkt)
{
	u32 sum = pkt->hdr_len;
	unsigned int i;

	for (i = 0; i < pkt->nr_frags; i++)
		sum += pkt->frag[i].size;
	return sum;
}

/* ------------------------------------------------------------------ */
/* The tx fixture: a hostile front end and our back end on one page.   */
/* ------------------------------------------------------------------ */

FIXTURE(tx) {
	struct xpv_sring *s;
	struct xpv_netif_tx_front fr;
	struct xpv_netif_tx_back br;
	struct xpv_netif_tx_limits lim;
	struct xpv_netif_ids ids;
};

FIXTURE_VARIANT(tx) {
	u32 start;
};

FIXTURE_VARIANT_ADD(tx, index0) {
	.start = 0,
};

FIXTURE_VARIANT_ADD(tx, index_wrap) {
	.start = 0xffffff80U,
};

FIXTURE_SETUP(tx)
{
	self->s = aligned_alloc(PAGE, PAGE);
	ASSERT_NE(NULL, self->s);
	memset(self->s, 0, PAGE);
	xpv_sring_init_at(self->s, variant->start);
	ASSERT_EQ(0, xpv_netif_tx_front_attach(&self->fr, self->s, PAGE,
					       variant->start));
	ASSERT_EQ(0, xpv_netif_tx_back_attach(&self->br, self->s, PAGE,
					      variant->start));
	ASSERT_EQ(NR_SLOTS, self->br.r.nr_ents);
	xpv_netif_tx_limits_default(&self->lim);
	ASSERT_EQ(0, xpv_netif_ids_init(&self->ids, NR_SLOTS));
}

FIXTURE_TEARDOWN(tx)
{
	free(self->s);
}

/* Front: put @n slots and push.  Returns false when the ring is full. */
static bool tx_send(struct _test_data_tx *self,
		    const struct xpv_netif_tx_request *slot, unsigned int n)
{
	return netif_peer_tx_send(&self->fr, slot, n);
}

/*
 * Back: take one packet off the ring, slot by slot, through the
 * incremental parser.  Returns its result, -1000 when the ring ran dry
 * mid-chain.
 */
static int tx_take(struct _test_data_tx *self, struct xpv_netif_tx_pkt *pkt,
		   unsigned int *used)
{
	struct xpv_netif_tx_parser p;
	struct xpv_netif_tx_request slot;
	int ret = xpv_netif_tx_parse_init(&p, &self->lim);

	*used = 0;
	if (ret)
		return ret;
	ret = 1;
	while (ret == 1) {
		if (!xpv_netif_tx_back_get_request(&self->br, &slot))
			return -1000;
		ret = xpv_netif_tx_parse_slot(&p, &slot);
		(*used)++;
	}
	*pkt = p.pkt;
	return ret;
}

/*
 * Start afresh on an empty ring at the current index (as after a
 * reconnect): a fatal error leaves the rest of a chain unread.
 */
static int tx_reset(struct _test_data_tx *self)
{
	u32 at = self->fr.r.req_prod_pvt;

	xpv_sring_init_at(self->s, at);
	if (xpv_netif_tx_front_attach(&self->fr, self->s, PAGE, at) ||
	    xpv_netif_tx_back_attach(&self->br, self->s, PAGE, at))
		return -1;
	return 0;
}

/* Send a chain, take it back; the result of the parse. */
static int tx_round(struct _test_data_tx *self,
		    const struct xpv_netif_tx_request *slot, unsigned int n,
		    struct xpv_netif_tx_pkt *pkt)
{
	unsigned int used;
	int ret;

	if (tx_reset(self) || !tx_send(self, slot, n))
		return -1001;
	ret = tx_take(self, pkt, &used);
	if (ret != -1000 && !xpv_netif_err_fatal(ret) && used != n)
		return -1002;	/* the chain's end was misjudged */
	return ret;
}

/* Back: answer a parsed packet's slots in ring order (extras: NULL). */
static bool tx_answer(struct _test_data_tx *self,
		      const struct xpv_netif_tx_pkt *pkt, s16 status)
{
	struct xpv_netif_tx_response rsp;
	unsigned int i;

	for (i = 0; i < pkt->nr_slots; i++) {
		memset(&rsp, 0, sizeof(rsp));
		if (i >= 1 && i <= pkt->nr_extras) {
			rsp.status = XPV_NETIF_RSP_NULL;
		} else {
			unsigned int d = i ? i - pkt->nr_extras : 0;

			rsp.id = pkt->seg[d].id;
			rsp.status = status;
		}
		if (!xpv_netif_tx_back_put_response(&self->br, &rsp))
			return false;
	}
	xpv_netif_tx_back_push_responses(&self->br);
	return true;
}

TEST_F(tx, single_slot_packet)
{
	struct xpv_netif_tx_request slot[1];
	struct xpv_netif_tx_pkt pkt;

	build(slot, 60, NULL, 0, NULL, 0);
	slot[0].offset = 200;
	slot[0].flags |= XPV_NETTXF_CSUM_BLANK;
	ASSERT_EQ(0, tx_round(self, slot, 1, &pkt));
	EXPECT_EQ(60, pkt.len);
	EXPECT_EQ(1, pkt.nr_slots);
	EXPECT_EQ(1, pkt.nr_data);
	EXPECT_EQ(60, pkt.seg[0].size);
	EXPECT_EQ(200, pkt.seg[0].offset);
	EXPECT_EQ(100, pkt.seg[0].gref);
	EXPECT_EQ(60, pkt.hdr_len);
	EXPECT_EQ(1, pkt.hdr_segs);
	EXPECT_EQ(0, pkt.nr_frags);
	EXPECT_TRUE(pkt.flags & XPV_NETTXF_CSUM_BLANK);
	EXPECT_EQ(XPV_NETIF_GSO_NONE, pkt.gso.type);
}

TEST_F(tx, first_size_is_the_packet_length)
{
	struct xpv_netif_tx_request slot[4];
	struct xpv_netif_tx_pkt pkt;
	u16 frag[2] = { 1000, 500 };

	build(slot, 3000, frag, 2, NULL, 0);
	ASSERT_EQ(0, tx_round(self, slot, 3, &pkt));
	EXPECT_EQ(3000, pkt.len);
	EXPECT_EQ(3, pkt.nr_data);
	EXPECT_EQ(1500, pkt.seg[0].size);
	EXPECT_EQ(1000, pkt.seg[1].size);
	EXPECT_EQ(500, pkt.seg[2].size);
	EXPECT_EQ(1, pkt.seg[1].id);
	/* 128 header bytes from the first slot, the rest as fragments. */
	EXPECT_EQ(XPV_NETIF_HDR_COPY, pkt.hdr_len);
	EXPECT_EQ(1, pkt.hdr_segs);
	ASSERT_EQ(3, pkt.nr_frags);
	EXPECT_EQ(0, pkt.frag[0].seg);
	EXPECT_EQ(XPV_NETIF_HDR_COPY, pkt.frag[0].offset);
	EXPECT_EQ(1500 - XPV_NETIF_HDR_COPY, pkt.frag[0].size);
	EXPECT_EQ(1, pkt.frag[1].seg);
	EXPECT_EQ(3000, pkt_bytes(&pkt));

	/* The following slots may fill the whole packet: first slot empty. */
	frag[0] = 2500;
	build(slot, 3000, frag, 2, NULL, 0);
	ASSERT_EQ(0, tx_round(self, slot, 3, &pkt));
	EXPECT_EQ(0, pkt.seg[0].size);
	EXPECT_EQ(1, pkt.nr_zero);

	/* One byte more than the packet: dropped, the whole chain taken. */
	frag[0] = 2501;
	build(slot, 3000, frag, 2, NULL, 0);
	EXPECT_EQ(-XPV_NETIF_E_FRAG_OVERRUN, tx_round(self, slot, 3, &pkt));
	EXPECT_EQ(3, pkt.nr_slots);

	/* Fragments that would overflow 16 bits when summed. */
	frag[0] = 0xffff;
	frag[1] = 0xffff;
	build(slot, 3000, frag, 2, NULL, 0);
	slot[1].size = 4000;	/* keep each within its page */
	slot[2].size = 4000;
	EXPECT_EQ(-XPV_NETIF_E_FRAG_OVERRUN, tx_round(self, slot, 3, &pkt));
}

TEST_F(tx, slot_count_limits)
{
	struct xpv_netif_tx_request slot[40];
	struct xpv_netif_tx_pkt pkt;
	u16 frag[39];
	unsigned int n;

	fill(frag, 39, 10);
	/* 18 data slots: the minimum every back end accepts. */
	n = build(slot, 1000, frag, 17, NULL, 0);
	ASSERT_EQ(0, tx_round(self, slot, n, &pkt));
	EXPECT_EQ(18, pkt.nr_data);

	/* 19 and 20: dropped, the chain consumed, the ring goes on. */
	n = build(slot, 1000, frag, 18, NULL, 0);
	EXPECT_EQ(-XPV_NETIF_E_TOO_MANY_SLOTS, tx_round(self, slot, n, &pkt));
	EXPECT_EQ(19, pkt.nr_slots);
	n = build(slot, 1000, frag, 19, NULL, 0);
	EXPECT_EQ(-XPV_NETIF_E_TOO_MANY_SLOTS, tx_round(self, slot, n, &pkt));
	EXPECT_FALSE(xpv_netif_err_fatal(-XPV_NETIF_E_TOO_MANY_SLOTS));

	/* 21: hostile, fatal at the 21st data slot. */
	n = build(slot, 1000, frag, 20, NULL, 0);
	EXPECT_EQ(-XPV_NETIF_E_SLOT_LIMIT, tx_round(self, slot, n, &pkt));
	EXPECT_TRUE(xpv_netif_err_fatal(-XPV_NETIF_E_SLOT_LIMIT));
}

TEST_F(tx, configurable_slot_limit)
{
	struct xpv_netif_tx_request slot[8];
	struct xpv_netif_tx_pkt pkt;
	u16 frag[7];
	unsigned int n;

	fill(frag, 7, 100);
	self->lim.max_slots = 4;
	self->lim.fatal_slots = 6;
	n = build(slot, 1000, frag, 3, NULL, 0);
	EXPECT_EQ(0, tx_round(self, slot, n, &pkt));
	n = build(slot, 1000, frag, 4, NULL, 0);
	EXPECT_EQ(-XPV_NETIF_E_TOO_MANY_SLOTS, tx_round(self, slot, n, &pkt));
	n = build(slot, 1000, frag, 6, NULL, 0);
	EXPECT_EQ(-XPV_NETIF_E_SLOT_LIMIT, tx_round(self, slot, n, &pkt));

	/* Limits out of range are refused before any slot is read. */
	self->lim.max_slots = 7;
	EXPECT_EQ(-XPV_NETIF_E_STATE, tx_round(self, slot, 1, &pkt));
	self->lim.max_slots = 4;
	self->lim.fatal_slots = XPV_NETIF_SLOTS_CAP + 1;
	EXPECT_EQ(-XPV_NETIF_E_STATE, tx_round(self, slot, 1, &pkt));
}

TEST_F(tx, slots_stay_within_their_page)
{
	struct xpv_netif_tx_request slot[3];
	struct xpv_netif_tx_pkt pkt;
	u16 frag[1] = { 100 };

	/* A following slot ending exactly at the page end is fine. */
	build(slot, 1000, frag, 1, NULL, 0);
	slot[1].offset = PAGE - 100;
	EXPECT_EQ(0, tx_round(self, slot, 2, &pkt));
	/* One byte more crosses it: fatal. */
	build(slot, 1000, frag, 1, NULL, 0);
	slot[1].offset = PAGE - 99;
	EXPECT_EQ(-XPV_NETIF_E_CROSS_PAGE, tx_round(self, slot, 2, &pkt));
}

TEST_F(tx, first_slot_stays_within_its_page)
{
	struct xpv_netif_tx_request slot[3];
	struct xpv_netif_tx_pkt pkt;
	u16 frag[1] = { 100 };

	/* The first slot holds len - 100 = 900 bytes at offset 3196: ok. */
	build(slot, 1000, frag, 1, NULL, 0);
	slot[0].offset = PAGE - 900;
	EXPECT_EQ(0, tx_round(self, slot, 2, &pkt));
	/* At 3197 it crosses. */
	build(slot, 1000, frag, 1, NULL, 0);
	slot[0].offset = PAGE - 899;
	EXPECT_EQ(-XPV_NETIF_E_CROSS_PAGE, tx_round(self, slot, 2, &pkt));
}

TEST_F(tx, packet_length_bounds)
{
	struct xpv_netif_tx_request slot[2];
	struct xpv_netif_tx_pkt pkt;

	build(slot, XPV_NETIF_ETH_HLEN - 1, NULL, 0, NULL, 0);
	EXPECT_EQ(-XPV_NETIF_E_SHORT, tx_round(self, slot, 1, &pkt));
	build(slot, 0, NULL, 0, NULL, 0);
	EXPECT_EQ(-XPV_NETIF_E_SHORT, tx_round(self, slot, 1, &pkt));
	build(slot, XPV_NETIF_ETH_HLEN, NULL, 0, NULL, 0);
	EXPECT_EQ(0, tx_round(self, slot, 1, &pkt));

	self->lim.max_len = 1514;
	build(slot, 1514, NULL, 0, NULL, 0);
	EXPECT_EQ(0, tx_round(self, slot, 1, &pkt));
	build(slot, 1515, NULL, 0, NULL, 0);
	EXPECT_EQ(-XPV_NETIF_E_TOO_BIG, tx_round(self, slot, 1, &pkt));
}

/* XSA-448: zero-length slots are legal but never become fragments. */
TEST_F(tx, xsa448_zero_length_slots_are_skipped)
{
	struct xpv_netif_tx_request slot[8];
	struct xpv_netif_tx_pkt pkt;
	u16 frag[5] = { 0, 700, 0, 0, 300 };
	unsigned int i;

	build(slot, 2000, frag, 5, NULL, 0);
	ASSERT_EQ(0, tx_round(self, slot, 6, &pkt));
	EXPECT_EQ(6, pkt.nr_data);
	EXPECT_EQ(3, pkt.nr_zero);
	ASSERT_EQ(3, pkt.nr_frags);	/* rest of slot 0, slots 2 and 5 */
	for (i = 0; i < pkt.nr_frags; i++)
		EXPECT_NE(0, pkt.frag[i].size);
	EXPECT_EQ(2, pkt.frag[1].seg);
	EXPECT_EQ(5, pkt.frag[2].seg);
	EXPECT_EQ(2000, pkt_bytes(&pkt));

	/* Every following slot empty: only the first slot's data. */
	fill(frag, 5, 0);
	build(slot, 1000, frag, 5, NULL, 0);
	ASSERT_EQ(0, tx_round(self, slot, 6, &pkt));
	EXPECT_EQ(5, pkt.nr_zero);
	ASSERT_EQ(1, pkt.nr_frags);
	EXPECT_EQ(0, pkt.frag[0].seg);

	/* Everything in the linear area: no fragment at all. */
	build(slot, 100, frag, 5, NULL, 0);
	ASSERT_EQ(0, tx_round(self, slot, 6, &pkt));
	EXPECT_EQ(0, pkt.nr_frags);
	EXPECT_EQ(100, pkt.hdr_len);
}

/* XSA-423: headers split over several slots all reach the linear area. */
TEST_F(tx, xsa423_headers_span_slots)
{
	struct xpv_netif_tx_request slot[20];
	struct xpv_netif_tx_pkt pkt;
	u16 frag[16];
	u32 want = 0;

	/* The first slot carries 1 byte; 16 slots of 10 bytes; 1000 more. */
	fill(frag, 16, 10);
	frag[15] = 1000;
	build(slot, 1 + 150 + 1000, frag, 16, NULL, 0);
	ASSERT_EQ(0, tx_round(self, slot, 17, &pkt));
	EXPECT_EQ(1, pkt.seg[0].size);
	EXPECT_EQ(XPV_NETIF_HDR_COPY, pkt.hdr_len);
	/* 1 + 12 * 10 = 121 bytes, then 7 of slot 13. */
	EXPECT_EQ(14, pkt.hdr_segs);
	ASSERT_GE(pkt.nr_frags, 1);
	EXPECT_EQ(13, pkt.frag[0].seg);
	EXPECT_EQ(7, pkt.frag[0].offset);
	EXPECT_EQ(3, pkt.frag[0].size);
	EXPECT_EQ(1151, pkt_bytes(&pkt));

	/* Longer headers: re-plan for what xpv_netif_hdr_len() found. */
	want = 200;
	EXPECT_EQ(200, xpv_netif_tx_plan(&pkt, want));
	EXPECT_EQ(17, pkt.hdr_segs);	/* 1 + 15 * 10, then 49 of slot 16 */
	EXPECT_EQ(1151, pkt_bytes(&pkt));
	/* Never more than the packet or XPV_NETIF_HDR_MAX. */
	EXPECT_EQ(XPV_NETIF_HDR_MAX, xpv_netif_tx_plan(&pkt, 100000));
	EXPECT_EQ(1151, pkt_bytes(&pkt));
}

/*
 * XSA-432: the extreme case of XSA-423, every slot tiny and the whole
 * packet shorter than the header copy: all of it goes linear, from every
 * slot, and nothing is written past the slot arrays.
 */
TEST_F(tx, xsa432_whole_packet_in_tiny_slots)
{
	struct xpv_netif_tx_request slot[20];
	struct xpv_netif_tx_pkt pkt;
	u16 frag[17];
	unsigned int i;

	fill(frag, 17, 5);
	build(slot, 5 * 18, frag, 17, NULL, 0);
	ASSERT_EQ(0, tx_round(self, slot, 18, &pkt));
	EXPECT_EQ(18, pkt.nr_data);
	EXPECT_EQ(90, pkt.hdr_len);
	EXPECT_EQ(18, pkt.hdr_segs);
	EXPECT_EQ(0, pkt.nr_frags);
	/* Re-planning reads the packet's slots only, whatever lies after. */
	pkt.seg[pkt.nr_data].size = 100;
	pkt.seg[pkt.nr_data].offset = 7;
	xpv_netif_tx_plan(&pkt, 1000);
	EXPECT_EQ(90, pkt.hdr_len);
	EXPECT_EQ(0, pkt.nr_frags);
	EXPECT_EQ(18, pkt.hdr_segs);

	/* The same with the fatal bound raised to the array size. */
	self->lim.max_slots = XPV_NETIF_SLOTS_CAP;
	self->lim.fatal_slots = XPV_NETIF_SLOTS_CAP;
	fill(frag, 17, 1);
	build(slot, 18, frag, 17, NULL, 0);
	ASSERT_EQ(0, tx_round(self, slot, 18, &pkt));
	EXPECT_EQ(18, pkt.hdr_len);
	EXPECT_EQ(0, pkt.nr_frags);
	for (i = 0; i < pkt.nr_data; i++)
		EXPECT_EQ(1, pkt.seg[i].size);
}

TEST_F(tx, gso_extra)
{
	struct xpv_netif_tx_request slot[4];
	struct xpv_netif_tx_pkt pkt;
	struct xpv_netif_extra ex = gso_extra(XPV_NETIF_GSO_TCPV4, 1448);
	u16 frag[1] = { 3000 };

	/* Not offered: refused. */
	build(slot, 4000, frag, 1, &ex, 1);
	EXPECT_EQ(-XPV_NETIF_E_EXTRA_UNSUPP, tx_round(self, slot, 3, &pkt));

	self->lim.gso_tcpv4 = true;
	build(slot, 4000, frag, 1, &ex, 1);
	ASSERT_EQ(0, tx_round(self, slot, 3, &pkt));
	EXPECT_EQ(XPV_NETIF_GSO_TCPV4, pkt.gso.type);
	EXPECT_EQ(1448, pkt.gso.size);
	EXPECT_EQ(3, pkt.nr_slots);
	EXPECT_EQ(1, pkt.nr_extras);
	EXPECT_EQ(2, pkt.nr_data);
	EXPECT_EQ(1000, pkt.seg[0].size);
	EXPECT_EQ(1, pkt.seg[1].id);	/* the data after the extra */

	/* TCPv6 not offered; unknown GSO type; size 0; size > packet. */
	ex = gso_extra(XPV_NETIF_GSO_TCPV6, 1448);
	build(slot, 4000, frag, 1, &ex, 1);
	EXPECT_EQ(-XPV_NETIF_E_EXTRA_UNSUPP, tx_round(self, slot, 3, &pkt));
	ex = gso_extra(3, 1448);
	build(slot, 4000, frag, 1, &ex, 1);
	EXPECT_EQ(-XPV_NETIF_E_GSO_TYPE, tx_round(self, slot, 3, &pkt));
	ex = gso_extra(XPV_NETIF_GSO_NONE, 1448);
	build(slot, 4000, frag, 1, &ex, 1);
	EXPECT_EQ(-XPV_NETIF_E_GSO_TYPE, tx_round(self, slot, 3, &pkt));
	ex = gso_extra(XPV_NETIF_GSO_TCPV4, 0);
	build(slot, 4000, frag, 1, &ex, 1);
	EXPECT_EQ(-XPV_NETIF_E_GSO_SIZE, tx_round(self, slot, 3, &pkt));
	ex = gso_extra(XPV_NETIF_GSO_TCPV4, 4001);
	build(slot, 4000, frag, 1, &ex, 1);
	EXPECT_EQ(-XPV_NETIF_E_GSO_SIZE, tx_round(self, slot, 3, &pkt));
	ex = gso_extra(XPV_NETIF_GSO_TCPV4, 4000);
	build(slot, 4000, frag, 1, &ex, 1);
	EXPECT_EQ(0, tx_round(self, slot, 3, &pkt));
}

TEST_F(tx, extra_types_and_chain)
{
	struct xpv_netif_tx_request slot[10];
	struct xpv_netif_tx_pkt pkt;
	struct xpv_netif_extra ex[6];
	u16 frag[1] = { 500 };

	self->lim.gso_tcpv4 = true;
	self->lim.hash = true;
	self->lim.mcast = true;

	/* Unknown types are fatal: 0 (NONE) and 5 and above. */
	ex[0] = typed_extra(XPV_NETIF_EXTRA_NONE);
	build(slot, 1000, frag, 1, ex, 1);
	EXPECT_EQ(-XPV_NETIF_E_EXTRA_TYPE, tx_round(self, slot, 3, &pkt));
	ex[0] = typed_extra(XPV_NETIF_EXTRA_TYPE_MAX);
	build(slot, 1000, frag, 1, ex, 1);
	EXPECT_EQ(-XPV_NETIF_E_EXTRA_TYPE, tx_round(self, slot, 3, &pkt));
	ex[0] = typed_extra(0xff);
	build(slot, 1000, frag, 1, ex, 1);
	EXPECT_EQ(-XPV_NETIF_E_EXTRA_TYPE, tx_round(self, slot, 3, &pkt));

	/* Two extras chained by the MORE flag, then the data. */
	ex[0] = gso_extra(XPV_NETIF_GSO_TCPV4, 500);
	ex[1] = hash_extra(XPV_NETIF_HASH_TYPE_IPV4_TCP,
			   XPV_NETIF_HASH_ALG_TOEPLITZ, 0x12345678);
	build(slot, 1000, frag, 1, ex, 2);
	ASSERT_EQ(0, tx_round(self, slot, 4, &pkt));
	EXPECT_EQ(2, pkt.nr_extras);
	EXPECT_EQ(4, pkt.nr_slots);
	EXPECT_TRUE(pkt.hash.valid);
	EXPECT_EQ(0x12345678, pkt.hash.value);
	EXPECT_EQ(XPV_NETIF_HASH_TYPE_IPV4_TCP, pkt.hash.type);

	/* The same type twice: fatal (a chain could never end otherwise). */
	ex[1] = gso_extra(XPV_NETIF_GSO_TCPV4, 600);
	build(slot, 1000, frag, 1, ex, 2);
	EXPECT_EQ(-XPV_NETIF_E_EXTRA_DUP, tx_round(self, slot, 4, &pkt));
	ex[0] = mcast_extra(XPV_NETIF_EXTRA_MCAST_ADD, mcast_mac);
	ex[1] = mcast_extra(XPV_NETIF_EXTRA_MCAST_DEL, mcast_mac);
	build(slot, 1000, frag, 1, ex, 2);
	EXPECT_EQ(-XPV_NETIF_E_EXTRA_DUP, tx_round(self, slot, 4, &pkt));

	/* An endless MORE chain of invalid extras ends at the bound. */
	ex[0] = gso_extra(9, 1);
	ex[1] = gso_extra(9, 1);
	ex[2] = gso_extra(9, 1);
	ex[3] = gso_extra(9, 1);
	ex[4] = gso_extra(9, 1);
	build(slot, 1000, frag, 1, ex, 5);
	EXPECT_EQ(-XPV_NETIF_E_EXTRA_DUP, tx_round(self, slot, 7, &pkt));

	/* Hash: known type, Toeplitz only; not accepted when not agreed. */
	ex[0] = hash_extra(4, XPV_NETIF_HASH_ALG_TOEPLITZ, 1);
	build(slot, 1000, frag, 1, ex, 1);
	EXPECT_EQ(-XPV_NETIF_E_HASH, tx_round(self, slot, 3, &pkt));
	ex[0] = hash_extra(XPV_NETIF_HASH_TYPE_IPV6, 0, 1);
	build(slot, 1000, frag, 1, ex, 1);
	EXPECT_EQ(-XPV_NETIF_E_HASH, tx_round(self, slot, 3, &pkt));
	self->lim.hash = false;
	ex[0] = hash_extra(XPV_NETIF_HASH_TYPE_IPV6, 1, 1);
	build(slot, 1000, frag, 1, ex, 1);
	EXPECT_EQ(-XPV_NETIF_E_EXTRA_UNSUPP, tx_round(self, slot, 3, &pkt));
}

TEST_F(tx, multicast_extra)
{
	struct xpv_netif_tx_request slot[3];
	struct xpv_netif_tx_pkt pkt;
	struct xpv_netif_extra ex;
	const u8 unicast[6] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x01 };

	ex = mcast_extra(XPV_NETIF_EXTRA_MCAST_ADD, mcast_mac);
	build(slot, 60, NULL, 0, &ex, 1);
	EXPECT_EQ(-XPV_NETIF_E_EXTRA_UNSUPP, tx_round(self, slot, 2, &pkt));

	self->lim.mcast = true;
	build(slot, 60, NULL, 0, &ex, 1);
	ASSERT_EQ(0, tx_round(self, slot, 2, &pkt));
	EXPECT_EQ(XPV_NETIF_EXTRA_MCAST_ADD, pkt.mcast_op);
	EXPECT_EQ(0, memcmp(pkt.mcast_addr, mcast_mac, 6));
	ex = mcast_extra(XPV_NETIF_EXTRA_MCAST_DEL, mcast_mac);
	build(slot, 60, NULL, 0, &ex, 1);
	ASSERT_EQ(0, tx_round(self, slot, 2, &pkt));
	EXPECT_EQ(XPV_NETIF_EXTRA_MCAST_DEL, pkt.mcast_op);
	ex = mcast_extra(XPV_NETIF_EXTRA_MCAST_ADD, unicast);
	build(slot, 60, NULL, 0, &ex, 1);
	EXPECT_EQ(-XPV_NETIF_E_MCAST_ADDR, tx_round(self, slot, 2, &pkt));
}

TEST_F(tx, dropped_packet_keeps_the_ring_in_step)
{
	struct xpv_netif_tx_request slot[12];
	struct xpv_netif_tx_pkt pkt;
	struct xpv_netif_extra ex = gso_extra(XPV_NETIF_GSO_TCPV4, 0);
	u16 frag[3] = { 100, 100, 100 };
	unsigned int n, used;

	/* A bad GSO extra early in a 5-slot chain, then a good packet. */
	self->lim.gso_tcpv4 = true;
	n = build(slot, 1000, frag, 3, &ex, 1);
	n += build(slot + n, 60, NULL, 0, NULL, 0);
	ASSERT_TRUE(tx_send(self, slot, n));
	EXPECT_EQ(-XPV_NETIF_E_GSO_SIZE, tx_take(self, &pkt, &used));
	EXPECT_EQ(5, used);
	EXPECT_EQ(5, pkt.nr_slots);
	EXPECT_EQ(0, tx_take(self, &pkt, &used));
	EXPECT_EQ(1, used);
	EXPECT_EQ(60, pkt.len);
}

TEST_F(tx, chain_cut_short_by_the_producer)
{
	struct xpv_netif_tx_request slot[4];
	struct xpv_netif_tx_pkt pkt;
	u16 frag[2] = { 100, 100 };
	unsigned int used;

	build(slot, 1000, frag, 2, NULL, 0);
	ASSERT_TRUE(tx_send(self, slot, 2));	/* the last slot never comes */
	EXPECT_EQ(-1000, tx_take(self, &pkt, &used));
	EXPECT_EQ(2, used);
	/* The array form says the same: chain not complete. */
	EXPECT_EQ(1, xpv_netif_tx_parse(&self->lim, slot, 2, &pkt, &used));
	EXPECT_EQ(2, used);
	EXPECT_EQ(0, xpv_netif_tx_parse(&self->lim, slot, 3, &pkt, &used));
	EXPECT_EQ(3, used);
}

TEST_F(tx, parser_refuses_slots_after_completion)
{
	struct xpv_netif_tx_parser p;
	struct xpv_netif_tx_request slot[1];

	build(slot, 60, NULL, 0, NULL, 0);
	ASSERT_EQ(0, xpv_netif_tx_parse_init(&p, &self->lim));
	EXPECT_EQ(0, xpv_netif_tx_parse_slot(&p, &slot[0]));
	EXPECT_EQ(-XPV_NETIF_E_STATE, xpv_netif_tx_parse_slot(&p, &slot[0]));
}

/* What our front end builds, our back end accepts unchanged. */
TEST_F(tx, build_round_trip)
{
	struct xpv_netif_tx_request slot[24];
	struct xpv_netif_seg seg[XPV_NETIF_SLOTS_MAX + 1];
	struct xpv_netif_extra ex[4];
	struct xpv_netif_tx_pkt pkt;
	unsigned int i;
	int n;

	for (i = 0; i <= XPV_NETIF_SLOTS_MAX; i++) {
		seg[i].gref = 500 + i;
		seg[i].offset = (u16)(i * 100);
		seg[i].size = (u16)(1000 + i);
		seg[i].id = (u16)(40 + i);
	}
	ex[0] = gso_extra(XPV_NETIF_GSO_TCPV6, 1400);
	ex[1] = hash_extra(XPV_NETIF_HASH_TYPE_IPV6_TCP,
			   XPV_NETIF_HASH_ALG_TOEPLITZ, 77);
	self->lim.gso_tcpv6 = true;
	self->lim.hash = true;
	n = xpv_netif_tx_build(slot, 24, seg, 5, XPV_NETTXF_CSUM_BLANK, ex, 2);
	ASSERT_EQ(7, n);
	ASSERT_EQ(0, tx_round(self, slot, n, &pkt));
	EXPECT_EQ(5 * 1000 + 10, pkt.len);
	EXPECT_EQ(5, pkt.nr_data);
	EXPECT_EQ(2, pkt.nr_extras);
	EXPECT_EQ(1400, pkt.gso.size);
	EXPECT_EQ(77, pkt.hash.value);
	EXPECT_TRUE(pkt.flags & XPV_NETTXF_CSUM_BLANK);
	for (i = 0; i < 5; i++) {
		EXPECT_EQ(seg[i].gref, pkt.seg[i].gref);
		EXPECT_EQ(seg[i].offset, pkt.seg[i].offset);
		EXPECT_EQ(seg[i].size, pkt.seg[i].size);
		EXPECT_EQ(seg[i].id, pkt.seg[i].id);
	}

	/* One piece, no extra. */
	n = xpv_netif_tx_build(slot, 24, seg, 1, 0, NULL, 0);
	ASSERT_EQ(1, n);
	EXPECT_EQ(0, slot[0].flags);
	EXPECT_EQ(0, tx_round(self, slot, n, &pkt));

	/* What it refuses to build. */
	EXPECT_EQ(-EINVAL, xpv_netif_tx_build(slot, 24, seg, 0, 0, NULL, 0));
	EXPECT_EQ(-EINVAL, xpv_netif_tx_build(slot, 24, seg,
					      XPV_NETIF_SLOTS_MAX + 1, 0,
					      NULL, 0));
	EXPECT_EQ(-EINVAL, xpv_netif_tx_build(slot, 24, seg, 2,
					      XPV_NETTXF_MORE_DATA, NULL, 0));
	EXPECT_EQ(-EINVAL, xpv_netif_tx_build(slot, 24, seg, 2, 0, ex, 4));
	EXPECT_EQ(-ENOSPC, xpv_netif_tx_build(slot, 6, seg, 5, 0, ex, 2));
	seg[3].offset = 3100;	/* 3100 + 1003 crosses */
	EXPECT_EQ(-EINVAL, xpv_netif_tx_build(slot, 24, seg, 5, 0, NULL, 0));
	seg[3].offset = 0;
	seg[0].size = 13;
	EXPECT_EQ(-EINVAL, xpv_netif_tx_build(slot, 24, seg, 1, 0, NULL, 0));
	for (i = 0; i < XPV_NETIF_SLOTS_MAX; i++) {
		seg[i].offset = 0;
		seg[i].size = 4096;
	}
	EXPECT_EQ(-EINVAL, xpv_netif_tx_build(slot, 24, seg, 16, 0, NULL, 0));
	EXPECT_EQ(15, xpv_netif_tx_build(slot, 24, seg, 15, 0, NULL, 0));
}

/* Responses go back in ring order; extras are answered with NULL. */
TEST_F(tx, answers_and_front_end_checks)
{
	struct xpv_netif_tx_request slot[6];
	struct xpv_netif_tx_response rsp;
	struct xpv_netif_tx_pkt pkt;
	struct xpv_netif_extra ex = gso_extra(XPV_NETIF_GSO_TCPV4, 1000);
	u16 frag[2] = { 100, 100 };
	unsigned int i, n, nulls = 0, done = 0;

	self->lim.gso_tcpv4 = true;
	n = build(slot, 1500, frag, 2, &ex, 1);
	/* The front end allocates the ids of the data slots. */
	for (i = 0; i < n; i++) {
		if (i == 1)
			continue;
		slot[i].id = (u16)xpv_netif_ids_alloc(&self->ids);
	}
	EXPECT_EQ(3, self->ids.nr_out);
	ASSERT_EQ(0, tx_round(self, slot, n, &pkt));
	ASSERT_TRUE(tx_answer(self, &pkt, XPV_NETIF_RSP_OKAY));
	while (xpv_netif_tx_front_get_response(&self->fr, &rsp)) {
		int ret = xpv_netif_tx_rsp_check(&self->ids, &rsp);

		ASSERT_GE(ret, 0);
		if (ret == 1) {
			nulls++;
			continue;
		}
		ASSERT_EQ(0, xpv_netif_ids_put(&self->ids, rsp.id));
		done++;
	}
	EXPECT_EQ(1, nulls);
	EXPECT_EQ(3, done);
	EXPECT_EQ(0, self->ids.nr_out);
}

TEST_F(tx, hostile_request_producer)
{
	struct xpv_netif_tx_request slot[1];
	struct xpv_netif_tx_pkt pkt;

	/* Far ahead of anything the ring can hold: broken, nothing read. */
	WRITE_ONCE(self->s->req_prod, self->br.r.req_cons + 1000);
	EXPECT_EQ(-EIO, xpv_netif_tx_back_requests(&self->br));
	EXPECT_TRUE(self->br.r.broken);
	EXPECT_FALSE(xpv_netif_tx_back_get_request(&self->br, &slot[0]));

	/* Backwards is as bad. */
	ASSERT_EQ(0, xpv_netif_tx_back_attach(&self->br, self->s, PAGE,
					      self->fr.r.req_prod_pvt));
	WRITE_ONCE(self->s->req_prod, self->br.r.req_cons - 1);
	EXPECT_EQ(-EIO, xpv_netif_tx_back_requests(&self->br));
	(void)pkt;
}

/* Many packets through the ring: indices wrap (and cross 2^32). */
TEST_F(tx, wrap_around)
{
	struct xpv_netif_tx_request slot[8];
	struct xpv_netif_tx_response rsp;
	struct xpv_netif_tx_pkt pkt;
	u16 frag[4] = { 100, 0, 200, 300 };
	unsigned int round, n, used;
	u32 start = self->br.r.req_cons;

	for (round = 0; round < 300; round++) {
		n = build(slot, (u16)(1000 + round), frag, round % 5, NULL, 0);
		ASSERT_TRUE(tx_send(self, slot, n));
		ASSERT_EQ(0, tx_take(self, &pkt, &used));
		ASSERT_EQ(n, used);
		ASSERT_EQ(1000 + round, pkt.len);
		ASSERT_EQ(1000 + round, pkt_bytes(&pkt));
		ASSERT_TRUE(tx_answer(self, &pkt, XPV_NETIF_RSP_OKAY));
		while (xpv_netif_tx_front_get_response(&self->fr, &rsp))
			;
		ASSERT_FALSE(self->fr.r.broken);
	}
	EXPECT_GT(self->br.r.req_cons - start, 2 * NR_SLOTS);
}

/* A front end written with Xen's own ring macros, our back end. */
TEST_F(tx, xen_front_to_our_back)
{
	struct xpv_netif_tx_response rsp;
	struct xpv_netif_tx_pkt pkt;
	unsigned int used, round;
	u16 id;
	s16 st;

	self->lim.gso_tcpv4 = true;
	xen_tx_front_init(self->s);
	ASSERT_EQ(0, xpv_netif_tx_back_attach(&self->br, self->s, PAGE, 0));
	for (round = 0; round < 100; round++) {
		xen_tx_front_put(7, 10, MORE | EXTRA, 1, 3000);
		xen_tx_front_put_gso(1400, XPV_NETIF_GSO_TCPV4, 0);
		xen_tx_front_put(8, 0, 0, 2, 2000);
		xen_tx_front_push();
		ASSERT_EQ(0, tx_take(self, &pkt, &used));
		ASSERT_EQ(3, used);
		EXPECT_EQ(1000, pkt.seg[0].size);
		EXPECT_EQ(10, pkt.seg[0].offset);
		EXPECT_EQ(1400, pkt.gso.size);
		EXPECT_EQ(2, pkt.seg[1].id);
		ASSERT_TRUE(tx_answer(self, &pkt, XPV_NETIF_RSP_OKAY));
		ASSERT_EQ(1, xen_tx_front_get_rsp(&id, &st));
		EXPECT_EQ(1, id);
		EXPECT_EQ(0, st);
		ASSERT_EQ(1, xen_tx_front_get_rsp(&id, &st));
		EXPECT_EQ(XPV_NETIF_RSP_NULL, st);
		ASSERT_EQ(1, xen_tx_front_get_rsp(&id, &st));
		EXPECT_EQ(2, id);
		EXPECT_EQ(0, xen_tx_front_get_rsp(&id, &st));
	}
	(void)rsp;
}

/* ------------------------------------------------------------------ */
/* The rx fixture: our front end and a hostile back end.               */
/* ------------------------------------------------------------------ */

FIXTURE(rx) {
	struct xpv_sring *s;
	struct xpv_netif_rx_front fr;
	struct xpv_netif_rx_back br;
	struct xpv_netif_rx_limits lim;
	struct xpv_netif_ids ids;
	u32 rsp_idx;	/* free-running index of the next response */
};

FIXTURE_VARIANT(rx) {
	u32 start;
};

FIXTURE_VARIANT_ADD(rx, index0) {
	.start = 0,
};

FIXTURE_VARIANT_ADD(rx, index_wrap) {
	.start = 0xfffffff0U,
};

/* Front: post one request per free slot, id = slot. */
static void rx_post(struct _test_data_rx *self)
{
	netif_peer_rx_post(&self->fr, &self->ids);
}

FIXTURE_SETUP(rx)
{
	self->s = aligned_alloc(PAGE, PAGE);
	ASSERT_NE(NULL, self->s);
	memset(self->s, 0, PAGE);
	xpv_sring_init_at(self->s, variant->start);
	ASSERT_EQ(0, xpv_netif_rx_front_attach(&self->fr, self->s, PAGE,
					       variant->start));
	ASSERT_EQ(0, xpv_netif_rx_back_attach(&self->br, self->s, PAGE,
					      variant->start));
	ASSERT_EQ(NR_SLOTS, self->fr.r.nr_ents);
	memset(&self->lim, 0, sizeof(self->lim));
	self->lim.max_slots = XPV_NETIF_SLOTS_MAX;
	self->lim.max_len = XPV_NETIF_MAX_RX_SIZE;
	ASSERT_EQ(0, xpv_netif_ids_init(&self->ids, NR_SLOTS));
	self->rsp_idx = variant->start;
	rx_post(self);
}

FIXTURE_TEARDOWN(rx)
{
	free(self->s);
}

/* Back: answer the next consumed request with @rsp (id from the slot). */
static bool rx_back_answer(struct _test_data_rx *self,
			   struct xpv_netif_rx_response rsp, bool keep_id)
{
	struct xpv_netif_rx_request req;

	if (!xpv_netif_rx_back_get_request(&self->br, &req))
		return false;
	if (!keep_id)
		rsp.id = req.id;
	return xpv_netif_rx_back_put_response(&self->br, &rsp);
}

static struct xpv_netif_rx_response rx_data(u16 off, s16 st, u16 flags)
{
	struct xpv_netif_rx_response r;

	memset(&r, 0, sizeof(r));
	r.offset = off;
	r.status = st;
	r.flags = flags;
	return r;
}

/* Back: answer the next request with data (the id of its slot). */
static bool rx_ans(struct _test_data_rx *self, u16 off, s16 st, u16 flags)
{
	return rx_back_answer(self, rx_data(off, st, flags), false);
}

static struct xpv_netif_rx_response rx_extra(struct xpv_netif_extra ex)
{
	struct xpv_netif_rx_response r;

	memcpy(&r, &ex, sizeof(r));
	return r;
}

/*
 * Front: take one packet's responses off the ring through the parser;
 * frees the ids of the chain on completion.  -1000 when the ring runs dry.
 */
static int rx_take(struct _test_data_rx *self, struct xpv_netif_rx_pkt *pkt)
{
	struct xpv_netif_rx_parser p;
	struct xpv_netif_rx_response rsp;
	unsigned int i;
	int ret = xpv_netif_rx_parse_init(&p, &self->lim, &self->ids);

	if (ret)
		return ret;
	ret = 1;
	while (ret == 1) {
		if (!xpv_netif_rx_front_get_response(&self->fr, &rsp))
			return -1000;
		ret = xpv_netif_rx_parse_rsp(&p, self->rsp_idx++, &rsp);
	}
	*pkt = p.pkt;
	if (!xpv_netif_err_fatal(ret))
		for (i = 0; i < pkt->nr_slots; i++)
			if (xpv_netif_ids_put(&self->ids, pkt->ids[i]))
				return -1001;
	return ret;
}

TEST_F(rx, packet_chain)
{
	struct xpv_netif_rx_pkt pkt;

	ASSERT_TRUE(rx_ans(self, 0, 4096,
			   XPV_NETRXF_MORE_DATA | XPV_NETRXF_DATA_VALIDATED));
	ASSERT_TRUE(rx_ans(self, 0, 0, XPV_NETRXF_MORE_DATA));
	ASSERT_TRUE(rx_ans(self, 100, 904, 0));
	xpv_netif_rx_back_push_responses(&self->br);
	ASSERT_EQ(0, rx_take(self, &pkt));
	EXPECT_EQ(5000, pkt.len);
	EXPECT_EQ(3, pkt.nr_slots);
	EXPECT_EQ(1, pkt.nr_zero);
	ASSERT_EQ(2, pkt.nr_frags);		/* the empty slot is skipped */
	EXPECT_EQ(100, pkt.frag[1].offset);
	EXPECT_EQ(904, pkt.frag[1].size);
	EXPECT_TRUE(pkt.flags & XPV_NETRXF_DATA_VALIDATED);
	EXPECT_EQ(NR_SLOTS - 3, self->ids.nr_out);
}

TEST_F(rx, gso_extra_as_advertised)
{
	struct xpv_netif_rx_pkt pkt;
	struct xpv_netif_extra ex = gso_extra(XPV_NETIF_GSO_TCPV6, 1440);

	/* Not advertised: dropped (every slot still consumed). */
	ASSERT_TRUE(rx_ans(self, 0, 3000, XPV_NETRXF_EXTRA_INFO));
	ASSERT_TRUE(rx_back_answer(self, rx_extra(ex), true));
	xpv_netif_rx_back_push_responses(&self->br);
	EXPECT_EQ(-XPV_NETIF_E_EXTRA_UNSUPP, rx_take(self, &pkt));
	EXPECT_EQ(2, pkt.nr_slots);

	self->lim.gso_tcpv6 = true;
	ASSERT_TRUE(rx_ans(self, 0, 3000,
			   XPV_NETRXF_EXTRA_INFO | XPV_NETRXF_MORE_DATA));
	ASSERT_TRUE(rx_back_answer(self, rx_extra(ex), true));
	ASSERT_TRUE(rx_ans(self, 0, 2000, 0));
	xpv_netif_rx_back_push_responses(&self->br);
	ASSERT_EQ(0, rx_take(self, &pkt));
	EXPECT_EQ(5000, pkt.len);
	EXPECT_EQ(1, pkt.nr_extras);
	EXPECT_EQ(XPV_NETIF_GSO_TCPV6, pkt.gso.type);

	/* Multicast extras never come on rx. */
	ex = mcast_extra(XPV_NETIF_EXTRA_MCAST_ADD, mcast_mac);
	ASSERT_TRUE(rx_ans(self, 0, 100, XPV_NETRXF_EXTRA_INFO));
	ASSERT_TRUE(rx_back_answer(self, rx_extra(ex), true));
	xpv_netif_rx_back_push_responses(&self->br);
	EXPECT_EQ(-XPV_NETIF_E_EXTRA_UNSUPP, rx_take(self, &pkt));

	/* Unknown type: fatal. */
	ex = typed_extra(7);
	ASSERT_TRUE(rx_ans(self, 0, 100, XPV_NETRXF_EXTRA_INFO));
	ASSERT_TRUE(rx_back_answer(self, rx_extra(ex), true));
	xpv_netif_rx_back_push_responses(&self->br);
	EXPECT_EQ(-XPV_NETIF_E_EXTRA_TYPE, rx_take(self, &pkt));
}

TEST_F(rx, status_offset_and_flags)
{
	struct xpv_netif_rx_pkt pkt;

	ASSERT_TRUE(rx_ans(self, 0, XPV_NETIF_RSP_ERROR, 0));
	xpv_netif_rx_back_push_responses(&self->br);
	EXPECT_EQ(-XPV_NETIF_E_STATUS, rx_take(self, &pkt));
	EXPECT_EQ(0, pkt.nr_frags);

	/* offset + size exactly at the page end, then one byte past. */
	ASSERT_TRUE(rx_ans(self, 96, 4000, 0));
	ASSERT_TRUE(rx_ans(self, 97, 4000, 0));
	ASSERT_TRUE(rx_ans(self, 4096, 0, XPV_NETRXF_MORE_DATA));
	ASSERT_TRUE(rx_ans(self, 0, 0x7fff, 0));
	xpv_netif_rx_back_push_responses(&self->br);
	EXPECT_EQ(0, rx_take(self, &pkt));
	EXPECT_EQ(-XPV_NETIF_E_RX_BOUNDS, rx_take(self, &pkt));
	EXPECT_EQ(-XPV_NETIF_E_RX_BOUNDS, rx_take(self, &pkt));
	EXPECT_EQ(2, pkt.nr_slots);
	EXPECT_EQ(0, pkt.nr_frags);

	ASSERT_TRUE(rx_ans(self, 0, 100, XPV_NETRXF_GSO_PREFIX));
	ASSERT_TRUE(rx_ans(self, 0, 13, 0));
	xpv_netif_rx_back_push_responses(&self->br);
	EXPECT_EQ(-XPV_NETIF_E_FLAGS, rx_take(self, &pkt));
	EXPECT_EQ(-XPV_NETIF_E_SHORT, rx_take(self, &pkt));
}

TEST_F(rx, slot_limits)
{
	struct xpv_netif_rx_pkt pkt;
	unsigned int i;

	/* Without feature-sg a packet has one slot. */
	self->lim.max_slots = 1;
	ASSERT_TRUE(rx_ans(self, 0, 100, XPV_NETRXF_MORE_DATA));
	ASSERT_TRUE(rx_ans(self, 0, 100, 0));
	xpv_netif_rx_back_push_responses(&self->br);
	EXPECT_EQ(-XPV_NETIF_E_TOO_MANY_SLOTS, rx_take(self, &pkt));

	/* A chain that never ends: fatal past the array. */
	self->lim.max_slots = XPV_NETIF_SLOTS_MAX;
	for (i = 0; i < XPV_NETIF_SLOTS_CAP + 1; i++)
		ASSERT_TRUE(rx_ans(self, 0, 10, XPV_NETRXF_MORE_DATA));
	xpv_netif_rx_back_push_responses(&self->br);
	EXPECT_EQ(-XPV_NETIF_E_SLOT_LIMIT, rx_take(self, &pkt));
}

TEST_F(rx, hostile_ids)
{
	struct xpv_netif_rx_response r = rx_data(0, 100, 0);
	struct xpv_netif_rx_pkt pkt;
	struct xpv_netif_rx_parser p;
	u32 idx = self->rsp_idx;

	/* Out of range. */
	r.id = NR_SLOTS;
	ASSERT_TRUE(rx_back_answer(self, r, true));
	xpv_netif_rx_back_push_responses(&self->br);
	EXPECT_EQ(-XPV_NETIF_E_ID_RANGE, rx_take(self, &pkt));

	/* Another slot's id. */
	r.id = (u16)((self->rsp_idx + 1) & (NR_SLOTS - 1));
	ASSERT_TRUE(rx_back_answer(self, r, true));
	xpv_netif_rx_back_push_responses(&self->br);
	EXPECT_EQ(-XPV_NETIF_E_ID_SLOT, rx_take(self, &pkt));

	/* An id already completed: answered once more. */
	ASSERT_TRUE(rx_ans(self, 0, 100, 0));
	xpv_netif_rx_back_push_responses(&self->br);
	ASSERT_EQ(0, rx_take(self, &pkt));
	r.id = (u16)((self->rsp_idx - 1) & (NR_SLOTS - 1));
	ASSERT_EQ(0, xpv_netif_rx_parse_init(&p, &self->lim, &self->ids));
	EXPECT_EQ(-XPV_NETIF_E_ID_STALE,
		  xpv_netif_rx_parse_rsp(&p, self->rsp_idx - 1, &r));
	/* An extra in a slot whose request was already completed. */
	r = rx_data(0, 100, XPV_NETRXF_EXTRA_INFO);
	r.id = (u16)(idx & (NR_SLOTS - 1));
	ASSERT_EQ(0, xpv_netif_ids_put(&self->ids, (idx + 1) &
				       (NR_SLOTS - 1)));
	ASSERT_EQ(0, xpv_netif_rx_parse_init(&p, &self->lim, &self->ids));
	EXPECT_EQ(1, xpv_netif_rx_parse_rsp(&p, idx, &r));
	r = rx_extra(gso_extra(XPV_NETIF_GSO_TCPV4, 1));
	EXPECT_EQ(-XPV_NETIF_E_ID_STALE,
		  xpv_netif_rx_parse_rsp(&p, idx + 1, &r));
}

TEST_F(rx, hostile_response_producer)
{
	struct xpv_netif_rx_pkt pkt;

	/* More responses than requests ever posted: the ring breaks. */
	WRITE_ONCE(self->s->rsp_prod, self->fr.r.rsp_cons + NR_SLOTS + 1);
	EXPECT_EQ(-1000, rx_take(self, &pkt));
	EXPECT_TRUE(self->fr.r.broken);
}

TEST_F(rx, wrap_around)
{
	struct xpv_netif_rx_pkt pkt;
	unsigned int round;
	u32 start = self->fr.r.rsp_cons;

	for (round = 0; round < 200; round++) {
		ASSERT_TRUE(rx_ans(self, 0, 1500, XPV_NETRXF_MORE_DATA));
		ASSERT_TRUE(rx_ans(self, 0, 500, 0));
		xpv_netif_rx_back_push_responses(&self->br);
		ASSERT_EQ(0, rx_take(self, &pkt));
		ASSERT_EQ(2000, pkt.len);
		rx_post(self);
	}
	EXPECT_EQ(400, self->fr.r.rsp_cons - start);
	EXPECT_EQ(NR_SLOTS, self->ids.nr_out);
}

/* ------------------------------------------------------------------ */
/* Front end: tx responses and the id table.                           */
/* ------------------------------------------------------------------ */

TEST(tx_response_checks)
{
	struct xpv_netif_ids ids;
	struct xpv_netif_tx_response r;
	int id;

	ASSERT_EQ(0, xpv_netif_ids_init(&ids, 16));
	id = xpv_netif_ids_alloc(&ids);
	ASSERT_EQ(0, id);
	r.id = 0;
	r.status = XPV_NETIF_RSP_OKAY;
	EXPECT_EQ(0, xpv_netif_tx_rsp_check(&ids, &r));
	r.status = XPV_NETIF_RSP_DROPPED;
	EXPECT_EQ(0, xpv_netif_tx_rsp_check(&ids, &r));
	r.status = XPV_NETIF_RSP_ERROR;
	EXPECT_EQ(0, xpv_netif_tx_rsp_check(&ids, &r));
	r.status = -3;
	EXPECT_EQ(-XPV_NETIF_E_RSP_STATUS, xpv_netif_tx_rsp_check(&ids, &r));
	r.status = 2;
	EXPECT_EQ(-XPV_NETIF_E_RSP_STATUS, xpv_netif_tx_rsp_check(&ids, &r));
	r.status = XPV_NETIF_RSP_NULL;
	r.id = 0xffff;		/* the id of a NULL answer means nothing */
	EXPECT_EQ(1, xpv_netif_tx_rsp_check(&ids, &r));
	r.status = XPV_NETIF_RSP_OKAY;
	r.id = 16;
	EXPECT_EQ(-XPV_NETIF_E_ID_RANGE, xpv_netif_tx_rsp_check(&ids, &r));
	r.id = 1;		/* never sent */
	EXPECT_EQ(-XPV_NETIF_E_ID_STALE, xpv_netif_tx_rsp_check(&ids, &r));
	/* Completed once, then answered again. */
	r.id = 0;
	EXPECT_EQ(0, xpv_netif_ids_put(&ids, 0));
	EXPECT_EQ(-XPV_NETIF_E_ID_STALE, xpv_netif_tx_rsp_check(&ids, &r));
	EXPECT_EQ(-EINVAL, xpv_netif_ids_put(&ids, 0));
}

TEST(ids_exhaust_and_recycle)
{
	struct xpv_netif_ids ids;
	unsigned int i;

	EXPECT_EQ(-EINVAL, xpv_netif_ids_init(&ids, 0));
	EXPECT_EQ(-EINVAL, xpv_netif_ids_init(&ids, XPV_NETIF_MAX_IDS + 1));
	ASSERT_EQ(0, xpv_netif_ids_init(&ids, XPV_NETIF_MAX_IDS));
	for (i = 0; i < XPV_NETIF_MAX_IDS; i++)
		ASSERT_EQ((int)i, xpv_netif_ids_alloc(&ids));
	EXPECT_EQ(-ENOSPC, xpv_netif_ids_alloc(&ids));
	EXPECT_EQ(0, xpv_netif_ids_put(&ids, 200));
	EXPECT_EQ(200, xpv_netif_ids_alloc(&ids));
	EXPECT_EQ(-EINVAL, xpv_netif_ids_take(&ids, 5));
	EXPECT_EQ(-EINVAL, xpv_netif_ids_take(&ids, XPV_NETIF_MAX_IDS));
	EXPECT_FALSE(xpv_netif_ids_outstanding(&ids, 0xffffffffU));
	EXPECT_EQ(XPV_NETIF_MAX_IDS, ids.nr_out);
}

/* ------------------------------------------------------------------ */
/* Back end rx: slots needed, room, stall (XSA-392).                   */
/* ------------------------------------------------------------------ */

TEST(rx_slots_needed)
{
	u32 sizes[4] = { 100, 0, 4097, 4096 };

	EXPECT_EQ(1, xpv_netif_rx_slots_needed(0, false, false));
	EXPECT_EQ(1, xpv_netif_rx_slots_needed(1, false, false));
	EXPECT_EQ(1, xpv_netif_rx_slots_needed(4096, false, false));
	EXPECT_EQ(2, xpv_netif_rx_slots_needed(4097, false, false));
	EXPECT_EQ(16, xpv_netif_rx_slots_needed(65535, false, false));
	EXPECT_EQ(18, xpv_netif_rx_slots_needed(65535, true, true));
	EXPECT_EQ(1048576, xpv_netif_rx_slots_needed(0xffffffffU, false,
						     false));
	/* Unpacked pieces: 1 + 0 + 2 + 1, plus the GSO extra. */
	EXPECT_EQ(5, xpv_netif_rx_slots_needed_frags(sizes, 4, true, false));
	EXPECT_EQ(1, xpv_netif_rx_slots_needed_frags(sizes, 0, false, false));
}

TEST(xsa392_ring_room)
{
	/* A packet the ring can never hold is dropped, not waited for. */
	EXPECT_EQ(XPV_NETIF_RX_DROP, xpv_netif_rx_room(257, 0, 300, 256, 256));
	/* More data slots than the front end accepts in one packet. */
	EXPECT_EQ(XPV_NETIF_RX_DROP, xpv_netif_rx_room(19, 0, 18, 256, 256));
	EXPECT_EQ(XPV_NETIF_RX_FITS, xpv_netif_rx_room(19, 1, 18, 256, 256));
	EXPECT_EQ(XPV_NETIF_RX_DROP, xpv_netif_rx_room(2, 0, 1, 256, 256));
	EXPECT_EQ(XPV_NETIF_RX_DROP, xpv_netif_rx_room(1, 1, 18, 256, 256));
	/* Not enough requests posted now: wait. */
	EXPECT_EQ(XPV_NETIF_RX_WAIT, xpv_netif_rx_room(3, 1, 18, 256, 2));
	EXPECT_EQ(XPV_NETIF_RX_FITS, xpv_netif_rx_room(3, 1, 18, 256, 3));
}

TEST(xsa392_stall_and_queue_bound)
{
	struct xpv_netif_rx_stall st = { 0 };

	EXPECT_FALSE(xpv_netif_rx_stall_update(&st, 100, false, 50));
	EXPECT_FALSE(xpv_netif_rx_stall_update(&st, 149, false, 50));
	EXPECT_TRUE(xpv_netif_rx_stall_update(&st, 150, false, 50));
	EXPECT_TRUE(xpv_netif_rx_stall_update(&st, 1000, false, 50));
	/* Requests posted again: no longer stalled, the clock restarts. */
	EXPECT_FALSE(xpv_netif_rx_stall_update(&st, 1001, true, 50));
	EXPECT_FALSE(xpv_netif_rx_stall_update(&st, 1002, false, 50));
	EXPECT_FALSE(xpv_netif_rx_stall_update(&st, 1051, false, 50));
	EXPECT_TRUE(xpv_netif_rx_stall_update(&st, 1052, false, 50));

	EXPECT_TRUE(xpv_netif_rx_queue_admit(0, 70000, 65536));
	EXPECT_TRUE(xpv_netif_rx_queue_admit(1000, 1500, 2500));
	EXPECT_FALSE(xpv_netif_rx_queue_admit(1001, 1500, 2500));
	EXPECT_FALSE(xpv_netif_rx_queue_admit(~0ULL, 1500, ~0ULL));
}

/* ------------------------------------------------------------------ */
/* Header length (XSA-423).                                            */
/* ------------------------------------------------------------------ */

static unsigned int eth(u8 *b, u16 proto)
{
	memset(b, 0, 14);
	b[12] = (u8)(proto >> 8);
	b[13] = (u8)proto;
	return 14;
}

TEST(header_length)
{
	u8 b[400];
	u32 len = 0;
	unsigned int o;

	memset(b, 0, sizeof(b));
	/* IPv4 with 8 option bytes, TCP with 12: 14 + 28 + 32. */
	o = eth(b, 0x0800);
	b[o] = 0x47;
	b[o + 9] = 6;
	b[o + 28 + 12] = 8 << 4;
	EXPECT_EQ(0, xpv_netif_hdr_len(b, sizeof(b), 1000, &len));
	EXPECT_EQ(74, len);
	/* The same seen through 20 bytes first: asks for more. */
	EXPECT_EQ(-EAGAIN, xpv_netif_hdr_len(b, 20, 1000, &len));
	EXPECT_EQ(34, len);
	EXPECT_EQ(-EAGAIN, xpv_netif_hdr_len(b, 34, 1000, &len));
	EXPECT_EQ(42, len);
	EXPECT_EQ(-EAGAIN, xpv_netif_hdr_len(b, 42, 1000, &len));
	EXPECT_EQ(62, len);
	/* Headers past the end of the packet. */
	EXPECT_EQ(-EINVAL, xpv_netif_hdr_len(b, sizeof(b), 70, &len));
	/* Bad IHL, bad TCP data offset, bad version. */
	b[o] = 0x44;
	EXPECT_EQ(-EINVAL, xpv_netif_hdr_len(b, sizeof(b), 1000, &len));
	b[o + 9] = 17;
	EXPECT_EQ(-EINVAL, xpv_netif_hdr_len(b, sizeof(b), 1000, &len));
	b[o + 9] = 6;
	b[o] = 0x45;
	b[o + 20 + 12] = 4 << 4;
	EXPECT_EQ(-EINVAL, xpv_netif_hdr_len(b, sizeof(b), 1000, &len));
	b[o] = 0x65;
	EXPECT_EQ(-EINVAL, xpv_netif_hdr_len(b, sizeof(b), 1000, &len));
	/* Not the first fragment: no transport header. */
	b[o] = 0x45;
	b[o + 7] = 0x10;
	EXPECT_EQ(0, xpv_netif_hdr_len(b, sizeof(b), 1000, &len));
	EXPECT_EQ(34, len);

	/* Two VLAN tags, IPv6, hop-by-hop (16 bytes), UDP. */
	memset(b, 0, sizeof(b));
	o = eth(b, 0x88a8);
	b[o + 2] = 0x81;
	b[o + 3] = 0x00;
	b[o + 6] = 0x86;
	b[o + 7] = 0xdd;
	o += 8;
	b[o] = 0x60;
	b[o + 6] = 0;		/* hop-by-hop */
	b[o + 40] = 17;		/* then UDP */
	b[o + 41] = 1;		/* 16 bytes */
	EXPECT_EQ(0, xpv_netif_hdr_len(b, sizeof(b), 1000, &len));
	EXPECT_EQ(22 + 40 + 16 + 8, len);
	/* Extension headers longer than we copy. */
	b[o + 41] = 40;		/* 328 bytes */
	EXPECT_EQ(-E2BIG, xpv_netif_hdr_len(b, sizeof(b), 1000, &len));
	/* A loop of extension headers. */
	b[o + 41] = 0;
	for (unsigned int i = 0; i < 10; i++)
		b[o + 40 + 8 * i] = 60;
	EXPECT_EQ(-EINVAL, xpv_netif_hdr_len(b, sizeof(b), 1000, &len));

	/* Not IP: the Ethernet header; shorter than that: invalid. */
	o = eth(b, 0x0806);
	EXPECT_EQ(0, xpv_netif_hdr_len(b, sizeof(b), 60, &len));
	EXPECT_EQ(14, len);
	EXPECT_EQ(-EINVAL, xpv_netif_hdr_len(b, sizeof(b), 13, &len));
}

/* ------------------------------------------------------------------ */
/* Negotiation and keys.                                               */
/* ------------------------------------------------------------------ */

static const struct xpv_netif_back_offer stock_back = {
	.sg = true, .gso_tcpv4 = true, .gso_tcpv6 = true, .ipv6_csum = true,
	.rx_copy = true, .split_evtchn = true, .ctrl_ring = true,
	.mcast_ctrl = true, .dynamic_mcast = true, .max_queues = 8,
};

static const struct xpv_netif_front_keys stock_front = {
	.rx_copy = true, .rx_notify = true, .sg = true, .gso_tcpv4 = true,
	.gso_tcpv6 = true, .ipv6_csum = true, .has_num_queues = true,
	.num_queues = 4,
};

TEST(negotiate)
{
	struct xpv_netif_back_offer b = stock_back;
	struct xpv_netif_front_keys f = stock_front;
	struct xpv_netif_features out;

	ASSERT_EQ(0, xpv_netif_negotiate(&b, &f, &out));
	EXPECT_EQ(4, out.nr_queues);
	EXPECT_TRUE(out.tx.sg && out.tx.gso_tcpv4 && out.tx.gso_tcpv6);
	EXPECT_TRUE(out.rx.sg && out.rx.gso_tcpv4 && out.rx.ipv6_csum);
	EXPECT_TRUE(out.tx.csum && out.rx.csum);
	EXPECT_FALSE(out.mcast);
	EXPECT_FALSE(out.ctrl_ring);

	/* rx-copy and rx-notify are mandatory. */
	f.rx_copy = false;
	EXPECT_EQ(-EOPNOTSUPP, xpv_netif_negotiate(&b, &f, &out));
	EXPECT_EQ(0, out.nr_queues);
	f = stock_front;
	f.rx_notify = false;
	EXPECT_EQ(-EOPNOTSUPP, xpv_netif_negotiate(&b, &f, &out));
	f = stock_front;
	b.rx_copy = false;
	EXPECT_EQ(-EOPNOTSUPP, xpv_netif_negotiate(&b, &f, &out));
	b = stock_back;

	/* Queues: 0 and more than offered refused; absent means 1. */
	f.num_queues = 0;
	EXPECT_EQ(-EINVAL, xpv_netif_negotiate(&b, &f, &out));
	f.num_queues = 9;
	EXPECT_EQ(-EINVAL, xpv_netif_negotiate(&b, &f, &out));
	f.num_queues = 8;
	EXPECT_EQ(0, xpv_netif_negotiate(&b, &f, &out));
	b.max_queues = 0;
	EXPECT_EQ(-EINVAL, xpv_netif_negotiate(&b, &f, &out));
	f.num_queues = 1;
	EXPECT_EQ(0, xpv_netif_negotiate(&b, &f, &out));
	f.has_num_queues = false;
	b.max_queues = 1ULL << 40;
	ASSERT_EQ(0, xpv_netif_negotiate(&b, &f, &out));
	EXPECT_EQ(1, out.nr_queues);
	f.has_num_queues = true;
	f.num_queues = XPV_NETIF_MAX_QUEUES + 1;
	EXPECT_EQ(-EINVAL, xpv_netif_negotiate(&b, &f, &out));
	b = stock_back;
	f = stock_front;

	/* Offloads: GSO needs SG; rx needs both sides. */
	b.sg = false;
	ASSERT_EQ(0, xpv_netif_negotiate(&b, &f, &out));
	EXPECT_FALSE(out.tx.gso_tcpv4 || out.rx.gso_tcpv4 || out.rx.sg);
	b = stock_back;
	f.gso_tcpv6 = false;
	f.no_csum = true;
	ASSERT_EQ(0, xpv_netif_negotiate(&b, &f, &out));
	EXPECT_TRUE(out.tx.gso_tcpv6);
	EXPECT_FALSE(out.rx.gso_tcpv6);
	EXPECT_TRUE(out.tx.csum);
	EXPECT_FALSE(out.rx.csum);
	f = stock_front;

	/* Multicast control needs the offer and the request. */
	f.mcast = true;
	ASSERT_EQ(0, xpv_netif_negotiate(&b, &f, &out));
	EXPECT_TRUE(out.mcast);
	b.mcast_ctrl = false;
	ASSERT_EQ(0, xpv_netif_negotiate(&b, &f, &out));
	EXPECT_FALSE(out.mcast);
	b = stock_back;

	/* Control ring: offered, with both keys, non-zero, 32-bit. */
	f.has_ctrl_ring_ref = true;
	f.ctrl_ring_ref = 9;
	EXPECT_EQ(-EINVAL, xpv_netif_negotiate(&b, &f, &out));
	f.has_evtchn_ctrl = true;
	f.evtchn_ctrl = 12;
	ASSERT_EQ(0, xpv_netif_negotiate(&b, &f, &out));
	EXPECT_TRUE(out.ctrl_ring);
	EXPECT_EQ(9, out.ctrl_ring_ref);
	f.evtchn_ctrl = 1ULL << 32;
	EXPECT_EQ(-ERANGE, xpv_netif_negotiate(&b, &f, &out));
	f.evtchn_ctrl = 0;
	EXPECT_EQ(-EINVAL, xpv_netif_negotiate(&b, &f, &out));
	f.evtchn_ctrl = 12;
	b.ctrl_ring = false;
	EXPECT_EQ(-EINVAL, xpv_netif_negotiate(&b, &f, &out));
}

TEST(queue_keys)
{
	struct xpv_netif_back_offer b = stock_back;
	struct xpv_netif_queue_keys q = {
		.has_tx_ring_ref = true, .tx_ring_ref = 8,
		.has_rx_ring_ref = true, .rx_ring_ref = 9,
		.has_evtchn = true, .evtchn = 5,
	};
	struct xpv_netif_queue out;

	ASSERT_EQ(0, xpv_netif_queue_check(&b, &q, &out));
	EXPECT_FALSE(out.split);
	EXPECT_EQ(5, out.evtchn_tx);
	EXPECT_EQ(5, out.evtchn_rx);
	EXPECT_EQ(8, out.tx_ring_ref);

	q.has_evtchn_tx = true;
	q.evtchn_tx = 6;
	EXPECT_EQ(-EINVAL, xpv_netif_queue_check(&b, &q, &out));
	q.has_evtchn_rx = true;
	q.evtchn_rx = 7;
	ASSERT_EQ(0, xpv_netif_queue_check(&b, &q, &out));
	EXPECT_TRUE(out.split);
	EXPECT_EQ(7, out.evtchn_rx);
	b.split_evtchn = false;
	EXPECT_EQ(-EINVAL, xpv_netif_queue_check(&b, &q, &out));
	EXPECT_EQ(0, out.tx_ring_ref);
	b = stock_back;
	q.evtchn_rx = 0;
	EXPECT_EQ(-EINVAL, xpv_netif_queue_check(&b, &q, &out));
	q.has_evtchn_tx = false;
	q.has_evtchn_rx = false;
	q.has_evtchn = false;
	EXPECT_EQ(-ENOENT, xpv_netif_queue_check(&b, &q, &out));
	q.has_evtchn = true;
	q.evtchn = 0;
	EXPECT_EQ(-EINVAL, xpv_netif_queue_check(&b, &q, &out));
	q.evtchn = 5;
	q.tx_ring_ref = 0;
	EXPECT_EQ(-EINVAL, xpv_netif_queue_check(&b, &q, &out));
	q.tx_ring_ref = 1ULL << 32;
	EXPECT_EQ(-ERANGE, xpv_netif_queue_check(&b, &q, &out));
	q.tx_ring_ref = 8;
	q.has_rx_ring_ref = false;
	EXPECT_EQ(-ENOENT, xpv_netif_queue_check(&b, &q, &out));
}

TEST(front_queues)
{
	EXPECT_EQ(1, xpv_netif_front_queues(0, 0));
	EXPECT_EQ(1, xpv_netif_front_queues(8, 0));
	EXPECT_EQ(4, xpv_netif_front_queues(4, 8));
	EXPECT_EQ(8, xpv_netif_front_queues(16, 8));
	EXPECT_EQ(XPV_NETIF_MAX_QUEUES, xpv_netif_front_queues(1000, ~0ULL));
}

TEST(mac_address)
{
	const u8 want[6] = { 0x00, 0x16, 0x3e, 0xab, 0xcd, 0xef };
	u8 mac[6] = { 0 };
	static const char *const bad[] = {
		"", "00:16:3e:ab:cd", "00:16:3e:ab:cd:ef:", "00:16:3e:ab:cd:e",
		"00-16-3e-ab-cd-ef", "00:16:3e:ab:cd:eg", " 0:16:3e:ab:cd:ef",
		"0016:3e:ab:cd:ef:0", "00:16:3e:ab:cd:ef0", "+0:16:3e:ab:cd:ef",
	};
	unsigned int i;

	EXPECT_EQ(0, xpv_netif_parse_mac("00:16:3e:ab:cd:ef", 17, mac));
	EXPECT_EQ(0, memcmp(mac, want, 6));
	memset(mac, 0, 6);
	EXPECT_EQ(0, xpv_netif_parse_mac("00:16:3E:AB:CD:EF", 18, mac));
	EXPECT_EQ(0, memcmp(mac, want, 6));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(mac, 0x55, 6);
		EXPECT_EQ(-EINVAL, xpv_netif_parse_mac(bad[i], strlen(bad[i]),
						       mac));
		EXPECT_EQ(0x55, mac[0]);	/* untouched on error */
	}
	EXPECT_EQ(-EINVAL, xpv_netif_parse_mac("00:16:3e:ab:cd:ef\0\0", 19,
					       mac));
	EXPECT_EQ(-EINVAL, xpv_netif_parse_mac(NULL, 0, mac));
	EXPECT_EQ(-EADDRNOTAVAIL,
		  xpv_netif_parse_mac("01:00:5e:00:00:01", 17, mac));
	EXPECT_EQ(-EADDRNOTAVAIL,
		  xpv_netif_parse_mac("00:00:00:00:00:00", 17, mac));
}

TEST(error_classes)
{
	EXPECT_FALSE(xpv_netif_err_fatal(0));
	EXPECT_FALSE(xpv_netif_err_fatal(1));
	EXPECT_FALSE(xpv_netif_err_fatal(-XPV_NETIF_E_FRAG_OVERRUN));
	EXPECT_FALSE(xpv_netif_err_fatal(-XPV_NETIF_E_STATUS));
	EXPECT_TRUE(xpv_netif_err_fatal(-XPV_NETIF_E_CROSS_PAGE));
	EXPECT_TRUE(xpv_netif_err_fatal(-XPV_NETIF_E_ID_STALE));
	EXPECT_STREQ("ok", xpv_netif_err_str(0));
	EXPECT_STREQ("id not outstanding",
		     xpv_netif_err_str(-XPV_NETIF_E_ID_STALE));
	EXPECT_STREQ("unknown", xpv_netif_err_str(-40));
	EXPECT_STREQ("unknown", xpv_netif_err_str(-1000));
	EXPECT_STREQ("unknown", xpv_netif_err_str(-2147483647 - 1));
}

TEST(layout_matches_xen_headers)
{
	struct xen_netif_layout l;

	xen_netif_layout(&l);
	EXPECT_EQ(l.tx_req, sizeof(struct xpv_netif_tx_request));
	EXPECT_EQ(l.tx_rsp, sizeof(struct xpv_netif_tx_response));
	EXPECT_EQ(l.rx_req, sizeof(struct xpv_netif_rx_request));
	EXPECT_EQ(l.rx_rsp, sizeof(struct xpv_netif_rx_response));
	EXPECT_EQ(l.extra, sizeof(struct xpv_netif_extra));
	EXPECT_EQ(l.tx_slot, sizeof(union xpv_netif_tx_entry));
	EXPECT_EQ(l.rx_slot, sizeof(union xpv_netif_rx_entry));
	EXPECT_EQ(l.tx_req_offset,
		  offsetof(struct xpv_netif_tx_request, offset));
	EXPECT_EQ(l.tx_req_flags, offsetof(struct xpv_netif_tx_request, flags));
	EXPECT_EQ(l.tx_req_id, offsetof(struct xpv_netif_tx_request, id));
	EXPECT_EQ(l.tx_req_size, offsetof(struct xpv_netif_tx_request, size));
	EXPECT_EQ(l.rx_req_gref, offsetof(struct xpv_netif_rx_request, gref));
	EXPECT_EQ(l.rx_rsp_offset,
		  offsetof(struct xpv_netif_rx_response, offset));
	EXPECT_EQ(l.rx_rsp_flags,
		  offsetof(struct xpv_netif_rx_response, flags));
	EXPECT_EQ(l.rx_rsp_status,
		  offsetof(struct xpv_netif_rx_response, status));
	EXPECT_EQ(l.gso_size, offsetof(struct xpv_netif_extra, u.gso.size));
	EXPECT_EQ(l.gso_type, offsetof(struct xpv_netif_extra, u.gso.type));
	EXPECT_EQ(l.gso_features,
		  offsetof(struct xpv_netif_extra, u.gso.features));
	EXPECT_EQ(l.mcast_addr, offsetof(struct xpv_netif_extra,
					 u.mcast.addr));
	EXPECT_EQ(l.hash_value, offsetof(struct xpv_netif_extra,
					 u.hash.value));
	EXPECT_EQ(l.tx_ring_one_page, xpv_netif_tx_slots(PAGE));
	EXPECT_EQ(l.rx_ring_one_page, xpv_netif_rx_slots(PAGE));
	EXPECT_EQ(l.slots_min, XPV_NETIF_SLOTS_MAX);
	EXPECT_EQ(l.max_tx_size, XPV_NETIF_MAX_TX_SIZE);
	EXPECT_EQ(l.rsp_null, XPV_NETIF_RSP_NULL);
}

TEST_HARNESS_MAIN
