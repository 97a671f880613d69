// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: our front end posts rx requests (id = slot) and a
 * hostile back end answers with arbitrary response bytes and arbitrary
 * producer indices; the front end takes the responses (copied once)
 * through the rx chain parser, frees the ids of each packet and posts
 * again.
 *
 * Input: [flags u8] then commands, each [cmd u8] + operands:
 *   0: the back end writes a raw response (8 bytes) into its next slot
 *   1: the back end publishes the responses it wrote
 *   2: the back end publishes an arbitrary rsp_prod (u32 delta)
 *   3: the front end takes every response available
 *   4: the front end posts requests into every free slot
 * flags: bit 0 gso_tcpv4, 1 gso_tcpv6, 2 hash, 3 no feature-sg.
 *
 * Properties: no out-of-bounds access or undefined behaviour; the front
 * end never takes more responses than requests it pushed; a packet the
 * parser completes (accepted or dropped) names only ids that were
 * outstanding, each once, each of them its slot's (checked against a
 * model kept here), so freeing them always succeeds; its fragments are
 * non-empty, within their page and add up to its length; an accepted
 * packet obeys the limits.
 */
#include "fuzz_input.h"
#include "netif_proto.h"

#define NR	256

static void check_pkt(const struct xpv_netif_rx_limits *lim, int ret,
		      const struct xpv_netif_rx_pkt *pkt)
{
	u32 sum = 0;
	unsigned int i;

	PROPERTY(pkt->nr_slots == pkt->nr_data + pkt->nr_extras);
	PROPERTY(pkt->nr_data >= 1 && pkt->nr_data <= XPV_NETIF_SLOTS_CAP);
	PROPERTY(pkt->nr_extras <= 3);
	PROPERTY(pkt->nr_frags + pkt->nr_zero == pkt->nr_data);
	for (i = 0; i < pkt->nr_frags; i++) {
		PROPERTY(pkt->frag[i].size != 0);
		PROPERTY((u32)pkt->frag[i].offset + pkt->frag[i].size <=
			 XPV_NETIF_PAGE_SIZE);
		sum += pkt->frag[i].size;
	}
	PROPERTY(sum == pkt->len);
	if (ret)
		return;
	PROPERTY(pkt->nr_data <= lim->max_slots);
	PROPERTY(pkt->len >= XPV_NETIF_ETH_HLEN && pkt->len <= lim->max_len);
	if (pkt->gso.type) {
		PROPERTY(pkt->gso.size >= 1 && pkt->gso.size <= pkt->len);
		PROPERTY(pkt->gso.type == XPV_NETIF_GSO_TCPV4 ?
			 lim->gso_tcpv4 : lim->gso_tcpv6);
	}
	PROPERTY(!pkt->hash.valid || lim->hash);
	PROPERTY(!(pkt->flags & XPV_NETRXF_GSO_PREFIX));
}

/* The front end's side of one run. */
struct front {
	struct xpv_netif_rx_limits lim;
	struct xpv_netif_rx_front fr;
	struct xpv_netif_rx_parser p;
	struct xpv_netif_ids ids;
	bool out[NR];		/* the model of outstanding ids */
	u32 idx;		/* ring index of the next response */
	bool in_chain;
};

/* Feed one response copied off the ring.  False when the ring died. */
static bool front_feed(struct front *f, const struct xpv_netif_rx_response *rsp)
{
	unsigned int i;
	int ret;

	if (!f->in_chain) {
		PROPERTY(!xpv_netif_rx_parse_init(&f->p, &f->lim, &f->ids));
		f->in_chain = true;
	}
	ret = xpv_netif_rx_parse_rsp(&f->p, f->idx++, rsp);
	if (ret == 1)
		return true;
	f->in_chain = false;
	if (xpv_netif_err_fatal(ret)) {
		PROPERTY(ret != -XPV_NETIF_E_STATE);
		return false;
	}
	PROPERTY(ret <= 0);
	check_pkt(&f->lim, ret, &f->p.pkt);
	for (i = 0; i < f->p.pkt.nr_slots; i++) {
		u16 id = f->p.pkt.ids[i];
		u32 at = f->idx - f->p.pkt.nr_slots + i;

		PROPERTY(id < NR && f->out[id]);
		PROPERTY(id == (at & (NR - 1)));
		f->out[id] = false;
		PROPERTY(xpv_netif_ids_put(&f->ids, id) == 0);
	}
	return true;
}

/* Post a request (id = slot) into every free slot. */
static void front_post(struct front *f)
{
	struct xpv_netif_rx_request req;

	while (xpv_netif_rx_front_free(&f->fr)) {
		u32 id = f->fr.r.req_prod_pvt & (NR - 1);

		if (xpv_netif_ids_take(&f->ids, id)) {
			PROPERTY(f->out[id]);	/* an unfinished chain's */
			break;
		}
		PROPERTY(!f->out[id]);
		f->out[id] = true;
		memset(&req, 0, sizeof(req));
		req.id = (u16)id;
		req.gref = 1000 + id;
		PROPERTY(xpv_netif_rx_front_put_request(&f->fr, &req));
	}
	xpv_netif_rx_front_push_requests(&f->fr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static u8 ring_mem[XPV_NETIF_PAGE_SIZE] __attribute__((aligned(4096)));
	static struct front f;
	struct xpv_sring *s = (struct xpv_sring *)ring_mem;
	struct fuzz_in in = { data, size };
	struct xpv_netif_rx_response rsp;
	unsigned int steps = 0;
	u32 back_prod = 0;	/* the hostile back end's next slot */
	u8 flags = fuzz_u8(&in);

	memset(&f, 0, sizeof(f));
	f.lim.gso_tcpv4 = flags & 1;
	f.lim.gso_tcpv6 = flags & 2;
	f.lim.hash = flags & 4;
	f.lim.max_slots = flags & 8 ? 1 : XPV_NETIF_SLOTS_MAX;
	f.lim.max_len = XPV_NETIF_MAX_RX_SIZE;

	memset(ring_mem, 0, sizeof(ring_mem));
	PROPERTY(xpv_netif_rx_front_init(&f.fr, s, sizeof(ring_mem)) == 0);
	PROPERTY(f.fr.r.nr_ents == NR);
	PROPERTY(xpv_netif_ids_init(&f.ids, NR) == 0);

	while (in.left && steps++ < 4096 && !f.fr.r.broken) {
		u8 cmd = fuzz_u8(&in) % 5;

		if (cmd == 0) {
			fuzz_take(&in, &rsp, sizeof(rsp));
			memcpy(xpv_ring_entry(s, NR, back_prod++,
					      sizeof(union xpv_netif_rx_entry)),
			       &rsp, sizeof(rsp));
		} else if (cmd == 1) {
			WRITE_ONCE(s->rsp_prod, back_prod);
		} else if (cmd == 2) {
			WRITE_ONCE(s->rsp_prod, s->rsp_prod + fuzz_u32(&in));
		} else if (cmd == 3) {
			while (xpv_netif_rx_front_get_response(&f.fr, &rsp))
				if (!front_feed(&f, &rsp))
					return 0;	/* the ring is broken */
			/* Never more answers taken than requests pushed. */
			PROPERTY((u32)(f.fr.r.req_pushed - f.fr.r.rsp_cons)
				 <= NR);
		} else {
			front_post(&f);
		}
		PROPERTY(f.ids.nr_out <= NR);
	}
	return 0;
}
