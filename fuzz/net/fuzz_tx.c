// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: a hostile front end writes arbitrary tx slots and
 * producer indices; our back end takes them off the ring (copied once) and
 * through the tx chain parser, answers each packet, and plans its linear
 * area.  The header-length parser and the front end's packet builder run
 * on bytes of the input too.
 *
 * Input: [flags u8] [max_slots u8] [fatal_slots u8] [hdr_copy u16]
 *   [max_len u16] [hdr_avail u16] [hdr_pkt_len u16]
 *   [320 header bytes] [build: nr u8, flags u8, 18 x (gref u32, offset u16,
 *   size u16)] then commands, each [cmd u8] + operands:
 *   0: the front end writes a raw slot (12 bytes) into its next slot
 *   1: the front end publishes the slots it wrote
 *   2: the front end publishes an arbitrary req_prod (u32 delta)
 *   3: the back end takes every packet available
 * flags: bit 0 gso_tcpv4, 1 gso_tcpv6, 2 mcast, 3 hash, 4 use the limits
 * from the input (else the defaults).
 *
 * Properties: no out-of-bounds access or undefined behaviour; the parser
 * ends the chain exactly where the wire format says (a model walks the same
 * slots); a complete packet's description matches its slots (length,
 * segments, extras), every accepted packet obeys every rule (slot counts,
 * lengths, pages, GSO), the linear plan covers exactly the packet with no
 * empty fragment (XSA-423/432/448); fatal errors are the model's.
 */
#include "fuzz_input.h"
#include "netif_proto.h"

#define NR	256
#define MAXFED	64

static void check_plan(const struct xpv_netif_tx_pkt *pkt, u32 want)
{
	u32 sum = pkt->hdr_len, expect, i;
	int last = -1;

	expect = want < pkt->len ? want : pkt->len;
	if (expect > XPV_NETIF_HDR_MAX)
		expect = XPV_NETIF_HDR_MAX;
	PROPERTY(pkt->hdr_len == expect);
	PROPERTY(pkt->hdr_segs <= pkt->nr_data);
	PROPERTY(pkt->nr_frags <= pkt->nr_data);
	for (i = 0; i < pkt->nr_frags; i++) {
		const struct xpv_netif_frag *f = &pkt->frag[i];

		PROPERTY(f->size != 0);				/* XSA-448 */
		PROPERTY(f->seg < pkt->nr_data);
		PROPERTY((int)f->seg > last);
		PROPERTY(f->offset >= pkt->seg[f->seg].offset);
		PROPERTY((u32)f->offset + f->size <=
			 (u32)pkt->seg[f->seg].offset + pkt->seg[f->seg].size);
		PROPERTY((u32)f->offset + f->size <= XPV_NETIF_PAGE_SIZE);
		last = f->seg;
		sum += f->size;
	}
	PROPERTY(sum == pkt->len);			/* XSA-423/432 */
}

/* Where the wire format ends the chain starting at fed[0]; 0: not yet. */
static unsigned int model_chain_len(const struct xpv_netif_tx_request *fed,
				    unsigned int n)
{
	unsigned int i = 1;
	bool more = fed[0].flags & XPV_NETTXF_MORE_DATA;

	if (fed[0].flags & XPV_NETTXF_EXTRA_INFO) {
		struct xpv_netif_extra ex;

		do {
			if (i >= n)
				return 0;
			xpv_netif_tx_slot_extra(&fed[i++], &ex);
		} while (ex.flags & XPV_NETIF_EXTRA_FLAG_MORE);
	}
	while (more) {
		if (i >= n)
			return 0;
		more = fed[i++].flags & XPV_NETTXF_MORE_DATA;
	}
	return i;
}

static void check_packet(const struct xpv_netif_tx_limits *lim,
			 const struct xpv_netif_tx_request *fed,
			 unsigned int n, int ret,
			 const struct xpv_netif_tx_pkt *pkt)
{
	unsigned int i, d, zero = 0;
	u32 sum = 0;

	PROPERTY(model_chain_len(fed, n) == n);
	PROPERTY(pkt->nr_slots == n);
	PROPERTY(pkt->nr_data + pkt->nr_extras == n);
	PROPERTY(pkt->nr_data >= 1 && pkt->nr_data <= lim->fatal_slots);
	PROPERTY(pkt->nr_extras <= 3);
	PROPERTY(pkt->len == fed[0].size);
	for (i = 0; i < pkt->nr_data; i++) {
		d = i ? i + pkt->nr_extras : 0;
		PROPERTY(pkt->seg[i].gref == fed[d].gref);
		PROPERTY(pkt->seg[i].offset == fed[d].offset);
		PROPERTY(pkt->seg[i].id == fed[d].id);
		if (i) {
			PROPERTY(pkt->seg[i].size == fed[d].size);
			sum += fed[d].size;
		}
		/* Every slot within its page, or the error was fatal. */
		PROPERTY((u32)fed[d].offset + pkt->seg[i].size <=
			 XPV_NETIF_PAGE_SIZE);
	}
	if (sum > pkt->len) {
		PROPERTY(ret == -XPV_NETIF_E_FRAG_OVERRUN || ret < 0);
		return;
	}
	PROPERTY(pkt->seg[0].size == pkt->len - sum);
	for (i = 0; i < pkt->nr_data; i++)
		zero += !pkt->seg[i].size;
	PROPERTY(pkt->nr_zero == zero);
	check_plan(pkt, lim->hdr_copy);
	if (ret)
		return;
	/* Accepted: every rule holds. */
	PROPERTY(pkt->nr_data <= lim->max_slots);
	PROPERTY(pkt->len >= XPV_NETIF_ETH_HLEN && pkt->len <= lim->max_len);
	if (pkt->gso.type) {
		PROPERTY(pkt->gso.size >= 1 && pkt->gso.size <= pkt->len);
		PROPERTY(pkt->gso.type == XPV_NETIF_GSO_TCPV4 ?
			 lim->gso_tcpv4 : lim->gso_tcpv6);
	}
	PROPERTY(!pkt->mcast_op || (lim->mcast && (pkt->mcast_addr[0] & 1)));
	PROPERTY(!pkt->hash.valid || lim->hash);
}

/* The fatal errors a chain can earn, per the model, up to slot @n. */
static void check_fatal(const struct xpv_netif_tx_limits *lim,
			const struct xpv_netif_tx_request *fed,
			unsigned int n, int ret)
{
	const struct xpv_netif_tx_request *last = &fed[n - 1];

	PROPERTY(ret > -XPV_NETIF_E_STATE);
	if (ret == -XPV_NETIF_E_CROSS_PAGE && n > 1 &&
	    model_chain_len(fed, n) != n)
		PROPERTY((u32)last->offset + last->size > XPV_NETIF_PAGE_SIZE);
	if (ret == -XPV_NETIF_E_SLOT_LIMIT)
		PROPERTY(n > lim->fatal_slots);
	if (ret == -XPV_NETIF_E_EXTRA_TYPE) {
		struct xpv_netif_extra ex;

		xpv_netif_tx_slot_extra(last, &ex);
		PROPERTY(ex.type == 0 || ex.type >= XPV_NETIF_EXTRA_TYPE_MAX);
	}
}

static void check_hdr(struct fuzz_in *in)
{
	u8 buf[320];
	u16 avail = fuzz_u16(in) % (sizeof(buf) + 1);
	u16 pkt_len = fuzz_u16(in);
	u32 len = 0, again;
	int err;

	fuzz_take(in, buf, sizeof(buf));
	err = xpv_netif_hdr_len(buf, avail, pkt_len, &len);
	PROPERTY(err == 0 || err == -EAGAIN || err == -EINVAL || err == -E2BIG);
	if (err == 0) {
		PROPERTY(len >= XPV_NETIF_ETH_HLEN);
		PROPERTY(len <= pkt_len && len <= XPV_NETIF_HDR_MAX);
		PROPERTY(len <= avail);
	}
	if (err == -EAGAIN) {
		PROPERTY(len > avail && len <= pkt_len &&
			 len <= XPV_NETIF_HDR_MAX);
		/* Given what it asked for, it makes progress. */
		err = xpv_netif_hdr_len(buf, len, pkt_len, &again);
		PROPERTY(err != -EAGAIN || again > len);
	}
	/* With all the bytes it could ever want, it never asks for more. */
	err = xpv_netif_hdr_len(buf, sizeof(buf), pkt_len, &len);
	PROPERTY(err != -EAGAIN);
}

/* The front end's builder: what it builds, the back end accepts as is. */
static void check_build(struct fuzz_in *in)
{
	struct xpv_netif_tx_request slots[XPV_NETIF_SLOTS_MAX];
	struct xpv_netif_seg seg[XPV_NETIF_SLOTS_MAX];
	struct xpv_netif_tx_limits lim;
	struct xpv_netif_tx_pkt pkt;
	unsigned int nr = fuzz_u8(in) % (XPV_NETIF_SLOTS_MAX + 2);
	u16 flags = fuzz_u8(in) & 0x7;
	unsigned int i, used;
	bool valid;
	u32 total = 0;
	int n;

	memset(seg, 0, sizeof(seg));
	for (i = 0; i < XPV_NETIF_SLOTS_MAX; i++) {
		seg[i].gref = fuzz_u32(in);
		seg[i].offset = fuzz_u16(in) % 4200;
		seg[i].size = fuzz_u16(in) % 4200;
		seg[i].id = (u16)i;
	}
	valid = nr >= 1 && nr <= XPV_NETIF_SLOTS_MAX && flags < 4;
	for (i = 0; valid && i < nr; i++) {
		valid = (u32)seg[i].offset + seg[i].size <= XPV_NETIF_PAGE_SIZE;
		total += seg[i].size;
	}
	valid = valid && total >= XPV_NETIF_ETH_HLEN &&
		total <= XPV_NETIF_MAX_TX_SIZE;
	n = xpv_netif_tx_build(slots, XPV_NETIF_SLOTS_MAX, seg, nr, flags,
			       NULL, 0);
	PROPERTY((n > 0) == valid);
	if (n <= 0)
		return;
	PROPERTY((unsigned int)n == nr);
	xpv_netif_tx_limits_default(&lim);
	PROPERTY(xpv_netif_tx_parse(&lim, slots, nr, &pkt, &used) == 0);
	PROPERTY(used == nr && pkt.nr_data == nr && pkt.len == total);
	PROPERTY(pkt.flags == (flags | (nr > 1 ? XPV_NETTXF_MORE_DATA : 0)));
	for (i = 0; i < nr; i++)
		PROPERTY(pkt.seg[i].gref == seg[i].gref &&
			 pkt.seg[i].offset == seg[i].offset &&
			 pkt.seg[i].size == seg[i].size && pkt.seg[i].id == i);
}

/* The back end's side of one run. */
struct back {
	struct xpv_netif_tx_limits lim;
	struct xpv_netif_tx_back br;
	struct xpv_netif_tx_parser p;
	struct xpv_netif_tx_request fed[MAXFED];
	unsigned int nfed;
	bool in_chain;
};

/* Answer each slot of the packet just parsed, in ring order. */
static void back_answer(struct back *b, int ret)
{
	struct xpv_netif_tx_response rsp;
	unsigned int i;

	for (i = 0; i < b->nfed; i++) {
		memset(&rsp, 0, sizeof(rsp));
		rsp.id = b->fed[i].id;
		rsp.status = ret ? XPV_NETIF_RSP_ERROR : XPV_NETIF_RSP_OKAY;
		PROPERTY(xpv_netif_tx_back_put_response(&b->br, &rsp));
	}
	xpv_netif_tx_back_push_responses(&b->br);
}

/* Feed one slot copied off the ring.  Returns false when the ring died. */
static bool back_feed(struct back *b, const struct xpv_netif_tx_request *slot,
		      struct fuzz_in *in)
{
	int ret;

	if (!b->in_chain) {
		PROPERTY(xpv_netif_tx_parse_init(&b->p, &b->lim) == 0);
		b->nfed = 0;
		b->in_chain = true;
	}
	PROPERTY(b->nfed < MAXFED);
	b->fed[b->nfed++] = *slot;
	ret = xpv_netif_tx_parse_slot(&b->p, slot);
	if (ret == 1) {
		PROPERTY(model_chain_len(b->fed, b->nfed) == 0);
		return true;
	}
	b->in_chain = false;
	if (xpv_netif_err_fatal(ret)) {
		check_fatal(&b->lim, b->fed, b->nfed, ret);
		return false;
	}
	PROPERTY(ret <= 0);
	check_packet(&b->lim, b->fed, b->nfed, ret, &b->p.pkt);
	if (!ret) {	/* re-plan for any header length: still sound */
		u32 want = fuzz_u16(in);

		xpv_netif_tx_plan(&b->p.pkt, want);
		check_plan(&b->p.pkt, want);
	}
	back_answer(b, ret);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static u8 ring_mem[XPV_NETIF_PAGE_SIZE] __attribute__((aligned(4096)));
	static struct back b;
	struct xpv_sring *s = (struct xpv_sring *)ring_mem;
	struct fuzz_in in = { data, size };
	struct xpv_netif_tx_request req;
	struct xpv_netif_tx_response rsp;
	struct xpv_netif_tx_front fr;
	unsigned int steps = 0;
	u8 flags = fuzz_u8(&in);
	u8 max_slots = fuzz_u8(&in), fatal_slots = fuzz_u8(&in);
	u16 hdr_copy = fuzz_u16(&in), max_len = fuzz_u16(&in);

	memset(&b, 0, sizeof(b));
	xpv_netif_tx_limits_default(&b.lim);
	if (flags & 0x10) {
		b.lim.max_slots = max_slots;
		b.lim.fatal_slots = fatal_slots;
		b.lim.hdr_copy = hdr_copy;
		b.lim.max_len = max_len;
	}
	b.lim.gso_tcpv4 = flags & 1;
	b.lim.gso_tcpv6 = flags & 2;
	b.lim.mcast = flags & 4;
	b.lim.hash = flags & 8;
	check_hdr(&in);
	check_build(&in);
	if (xpv_netif_tx_parse_init(&b.p, &b.lim)) {
		PROPERTY(b.lim.max_slots < 1 ||
			 b.lim.max_slots > b.lim.fatal_slots ||
			 b.lim.fatal_slots > XPV_NETIF_SLOTS_CAP ||
			 b.lim.hdr_copy < XPV_NETIF_ETH_HLEN ||
			 b.lim.hdr_copy > XPV_NETIF_HDR_MAX ||
			 b.lim.max_len < XPV_NETIF_ETH_HLEN);
		return 0;
	}

	memset(ring_mem, 0, sizeof(ring_mem));
	PROPERTY(xpv_netif_tx_front_init(&fr, s, sizeof(ring_mem)) == 0);
	PROPERTY(xpv_netif_tx_back_init(&b.br, s, sizeof(ring_mem)) == 0);
	PROPERTY(b.br.r.nr_ents == NR);

	while (in.left && steps++ < 4096 && !b.br.r.broken) {
		u8 cmd = fuzz_u8(&in) % 4;

		if (cmd == 0) {
			fuzz_take(&in, &req, sizeof(req));
			xpv_netif_tx_front_put_request(&fr, &req);
		} else if (cmd == 1) {
			xpv_netif_tx_front_push_requests(&fr);
		} else if (cmd == 2) {
			WRITE_ONCE(s->req_prod, s->req_prod + fuzz_u32(&in));
		} else {
			while (xpv_netif_tx_back_get_request(&b.br, &req))
				if (!back_feed(&b, &req, &in))
					return 0;	/* the ring is broken */
			while (xpv_netif_tx_front_get_response(&fr, &rsp))
				;
			/* Never more requests taken than slots pushed. */
			PROPERTY((u32)(b.br.r.req_cons - b.br.r.rsp_prod_pvt)
				 <= NR);
		}
	}
	return 0;
}
