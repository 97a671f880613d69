// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv netif proto: the tx request chain and rx response chain parsers, the
 * linear-area plan, rx slot accounting, the front end's shadow ids and the
 * feature negotiation.  Pure C over include/xpv/proto/compat.h; see
 * netif_proto.h and docs/netif.md.
 */
#include "netif_proto.h"

#define NETIF_U32_MAX	0xffffffffULL

static u32 netif_min(u32 a, u32 b)
{
	return a < b ? a : b;
}

static u16 netif_be16(const u8 *p)
{
	return (u16)((p[0] << 8) | p[1]);
}

/* ================================================================== */
/* Error names.                                                        */
/* ================================================================== */

static const char *const netif_err_names[XPV_NETIF_E_STATE + 1] = {
	[XPV_NETIF_OK] = "ok",
	[XPV_NETIF_E_SHORT] = "packet shorter than an Ethernet header",
	[XPV_NETIF_E_TOO_BIG] = "packet too long",
	[XPV_NETIF_E_TOO_MANY_SLOTS] = "too many slots",
	[XPV_NETIF_E_FRAG_OVERRUN] = "fragments exceed the packet length",
	[XPV_NETIF_E_GSO_TYPE] = "bad GSO type",
	[XPV_NETIF_E_GSO_SIZE] = "bad GSO size",
	[XPV_NETIF_E_EXTRA_UNSUPP] = "extra info not negotiated",
	[XPV_NETIF_E_MCAST_ADDR] = "multicast extra with a unicast address",
	[XPV_NETIF_E_HASH] = "bad hash extra",
	[XPV_NETIF_E_STATUS] = "error status",
	[XPV_NETIF_E_RX_BOUNDS] = "rx data crosses the page",
	[XPV_NETIF_E_FLAGS] = "unsupported flags",
	[XPV_NETIF_E_CROSS_PAGE] = "slot crosses the page",
	[XPV_NETIF_E_SLOT_LIMIT] = "chain longer than the fatal bound",
	[XPV_NETIF_E_EXTRA_TYPE] = "unknown extra type",
	[XPV_NETIF_E_EXTRA_DUP] = "extra type repeated",
	[XPV_NETIF_E_ID_RANGE] = "id out of range",
	[XPV_NETIF_E_ID_STALE] = "id not outstanding",
	[XPV_NETIF_E_ID_SLOT] = "id not the one posted in its slot",
	[XPV_NETIF_E_RSP_STATUS] = "unknown response status",
	[XPV_NETIF_E_STATE] = "parser misused",
};

const char *xpv_netif_err_str(int err)
{
	unsigned int e = err < 0 ? 0U - (unsigned int)err : (unsigned int)err;

	if (e > XPV_NETIF_E_STATE || !netif_err_names[e])
		return "unknown";
	return netif_err_names[e];
}

/* ================================================================== */
/* Shadow ids.                                                         */
/* ================================================================== */

int xpv_netif_ids_init(struct xpv_netif_ids *ids, u32 nr)
{
	memset(ids, 0, sizeof(*ids));
	if (nr == 0 || nr > XPV_NETIF_MAX_IDS)
		return -EINVAL;
	ids->nr = nr;
	return 0;
}

bool xpv_netif_ids_outstanding(const struct xpv_netif_ids *ids, u32 id)
{
	return id < ids->nr && (ids->bits[id / 64] >> (id % 64)) & 1;
}

int xpv_netif_ids_take(struct xpv_netif_ids *ids, u32 id)
{
	if (id >= ids->nr || xpv_netif_ids_outstanding(ids, id))
		return -EINVAL;
	ids->bits[id / 64] |= 1ULL << (id % 64);
	ids->nr_out++;
	return 0;
}

int xpv_netif_ids_alloc(struct xpv_netif_ids *ids)
{
	u32 id;

	for (id = 0; id < ids->nr; id++) {
		if (!xpv_netif_ids_outstanding(ids, id)) {
			xpv_netif_ids_take(ids, id);
			return (int)id;
		}
	}
	return -ENOSPC;
}

int xpv_netif_ids_put(struct xpv_netif_ids *ids, u32 id)
{
	if (!xpv_netif_ids_outstanding(ids, id))
		return -EINVAL;
	ids->bits[id / 64] &= ~(1ULL << (id % 64));
	ids->nr_out--;
	return 0;
}

/* ================================================================== */
/* Extra-info slots (both directions).                                 */
/* ================================================================== */

/* What one direction accepts, and where an accepted extra goes. */
struct netif_extras {
	bool gso_tcpv4;
	bool gso_tcpv6;
	bool hash_ok;
	u8 *mcast_op;		/* NULL: multicast extras not accepted */
	u8 *mcast_addr;
	struct xpv_netif_gso *gso;
	struct xpv_netif_hash *hash;
	u8 seen;		/* bit per kind already taken */
};

/* Kinds for the duplicate check: add and delete count as one kind. */
static u8 netif_extra_kind(u8 type)
{
	return type == XPV_NETIF_EXTRA_MCAST_DEL ?
		1U << XPV_NETIF_EXTRA_MCAST_ADD : 1U << type;
}

static int netif_take_extra(struct netif_extras *x,
			    const struct xpv_netif_extra *ex)
{
	u8 kind;

	if (ex->type == XPV_NETIF_EXTRA_NONE ||
	    ex->type >= XPV_NETIF_EXTRA_TYPE_MAX)
		return -XPV_NETIF_E_EXTRA_TYPE;
	kind = netif_extra_kind(ex->type);
	if (x->seen & kind)
		return -XPV_NETIF_E_EXTRA_DUP;
	x->seen |= kind;

	switch (ex->type) {
	case XPV_NETIF_EXTRA_GSO:
		if (ex->u.gso.type != XPV_NETIF_GSO_TCPV4 &&
		    ex->u.gso.type != XPV_NETIF_GSO_TCPV6)
			return -XPV_NETIF_E_GSO_TYPE;
		if ((ex->u.gso.type == XPV_NETIF_GSO_TCPV4 && !x->gso_tcpv4) ||
		    (ex->u.gso.type == XPV_NETIF_GSO_TCPV6 && !x->gso_tcpv6))
			return -XPV_NETIF_E_EXTRA_UNSUPP;
		if (ex->u.gso.size == 0)
			return -XPV_NETIF_E_GSO_SIZE;
		x->gso->type = ex->u.gso.type;
		x->gso->size = ex->u.gso.size;
		return 0;
	case XPV_NETIF_EXTRA_MCAST_ADD:
	case XPV_NETIF_EXTRA_MCAST_DEL:
		if (!x->mcast_op)
			return -XPV_NETIF_E_EXTRA_UNSUPP;
		if (!(ex->u.mcast.addr[0] & 1))
			return -XPV_NETIF_E_MCAST_ADDR;
		*x->mcast_op = ex->type;
		memcpy(x->mcast_addr, ex->u.mcast.addr, 6);
		return 0;
	default:	/* XPV_NETIF_EXTRA_HASH */
		if (!x->hash_ok)
			return -XPV_NETIF_E_EXTRA_UNSUPP;
		if (ex->u.hash.type > XPV_NETIF_HASH_TYPE_IPV6_TCP ||
		    ex->u.hash.algorithm != XPV_NETIF_HASH_ALG_TOEPLITZ)
			return -XPV_NETIF_E_HASH;
		x->hash->valid = true;
		x->hash->type = ex->u.hash.type;
		x->hash->value = (u32)ex->u.hash.value[0] |
				 (u32)ex->u.hash.value[1] << 8 |
				 (u32)ex->u.hash.value[2] << 16 |
				 (u32)ex->u.hash.value[3] << 24;
		return 0;
	}
}

/* Keep the first packet-dropping error; a fatal one is returned at once. */
static void netif_latch(int *latched, int err)
{
	if (err && !*latched)
		*latched = err;
}

/* ================================================================== */
/* Back end: the tx chain.                                             */
/* ================================================================== */

enum {
	NETIF_ST_FIRST,
	NETIF_ST_EXTRA,
	NETIF_ST_DATA,
	NETIF_ST_DONE,
};

void xpv_netif_tx_limits_default(struct xpv_netif_tx_limits *lim)
{
	memset(lim, 0, sizeof(*lim));
	lim->max_slots = XPV_NETIF_SLOTS_MAX;
	lim->fatal_slots = XPV_NETIF_FATAL_SLOTS;
	lim->max_len = XPV_NETIF_MAX_TX_SIZE;
	lim->hdr_copy = XPV_NETIF_HDR_COPY;
}

static bool netif_tx_limits_ok(const struct xpv_netif_tx_limits *lim)
{
	return lim->max_slots >= 1 && lim->max_slots <= lim->fatal_slots &&
	       lim->fatal_slots <= XPV_NETIF_SLOTS_CAP &&
	       lim->max_len >= XPV_NETIF_ETH_HLEN &&
	       lim->max_len <= XPV_NETIF_MAX_TX_SIZE &&
	       lim->hdr_copy >= XPV_NETIF_ETH_HLEN &&
	       lim->hdr_copy <= XPV_NETIF_HDR_MAX;
}

int xpv_netif_tx_parse_init(struct xpv_netif_tx_parser *p,
			    const struct xpv_netif_tx_limits *lim)
{
	memset(p, 0, sizeof(*p));
	p->lim = lim;
	if (!netif_tx_limits_ok(lim)) {
		p->state = NETIF_ST_DONE;
		return -XPV_NETIF_E_STATE;
	}
	p->state = NETIF_ST_FIRST;
	return 0;
}

u16 xpv_netif_tx_plan(struct xpv_netif_tx_pkt *pkt, u32 hdr_len)
{
	u32 want = netif_min(netif_min(hdr_len, pkt->len), XPV_NETIF_HDR_MAX);
	u32 n = netif_min(pkt->nr_data, XPV_NETIF_SLOTS_CAP);
	u32 left = want, i;

	pkt->hdr_segs = 0;
	pkt->nr_frags = 0;
	for (i = 0; i < n; i++) {
		const struct xpv_netif_seg *seg = &pkt->seg[i];
		u32 off = seg->offset, size = seg->size;
		u32 take = netif_min(left, size);

		if (take) {
			left -= take;
			off += take;
			size -= take;
			pkt->hdr_segs = (u16)(i + 1);
		}
		if (size) {	/* zero-length slots never become fragments */
			struct xpv_netif_frag *f = &pkt->frag[pkt->nr_frags++];

			f->seg = (u8)i;
			f->offset = (u16)off;
			f->size = (u16)size;
		}
	}
	pkt->hdr_len = (u16)(want - left);
	return pkt->hdr_len;
}

static int netif_tx_finish(struct xpv_netif_tx_parser *p)
{
	const struct xpv_netif_tx_limits *lim = p->lim;
	struct xpv_netif_tx_pkt *pkt = &p->pkt;
	unsigned int i;

	p->state = NETIF_ST_DONE;
	if (pkt->nr_data > lim->max_slots)
		netif_latch(&p->err, -XPV_NETIF_E_TOO_MANY_SLOTS);
	/* The first slot holds what the following ones do not. */
	if (p->frag_sum > pkt->len)
		netif_latch(&p->err, -XPV_NETIF_E_FRAG_OVERRUN);
	else
		pkt->seg[0].size = (u16)(pkt->len - p->frag_sum);
	if ((u32)pkt->seg[0].offset + pkt->seg[0].size > XPV_NETIF_PAGE_SIZE)
		return -XPV_NETIF_E_CROSS_PAGE;
	if (pkt->len < XPV_NETIF_ETH_HLEN)
		netif_latch(&p->err, -XPV_NETIF_E_SHORT);
	if (pkt->len > lim->max_len)
		netif_latch(&p->err, -XPV_NETIF_E_TOO_BIG);
	if (pkt->gso.type != XPV_NETIF_GSO_NONE && pkt->gso.size > pkt->len)
		netif_latch(&p->err, -XPV_NETIF_E_GSO_SIZE);
	for (i = 0; i < pkt->nr_data; i++)
		if (!pkt->seg[i].size)
			pkt->nr_zero++;
	xpv_netif_tx_plan(pkt, lim->hdr_copy);
	return p->err;
}

static int netif_tx_extra(struct xpv_netif_tx_parser *p,
			  const struct xpv_netif_tx_request *slot)
{
	struct xpv_netif_tx_pkt *pkt = &p->pkt;
	struct netif_extras x = {
		.gso_tcpv4 = p->lim->gso_tcpv4,
		.gso_tcpv6 = p->lim->gso_tcpv6,
		.hash_ok = p->lim->hash,
		.mcast_op = p->lim->mcast ? &pkt->mcast_op : NULL,
		.mcast_addr = pkt->mcast_addr,
		.gso = &pkt->gso,
		.hash = &pkt->hash,
	};
	struct xpv_netif_extra ex;
	int err;

	/* No count check is needed: each kind is marked seen before it is
	 * validated, so a fourth extra is a repeat or an unknown type, both
	 * fatal.
	 */
	xpv_netif_tx_slot_extra(slot, &ex);
	pkt->nr_slots++;
	pkt->nr_extras++;
	x.seen = p->seen;
	err = netif_take_extra(&x, &ex);
	p->seen = x.seen;
	if (xpv_netif_err_fatal(err))
		return err;
	netif_latch(&p->err, err);
	return ex.flags & XPV_NETIF_EXTRA_FLAG_MORE ? 1 : 0;
}

int xpv_netif_tx_parse_slot(struct xpv_netif_tx_parser *p,
			    const struct xpv_netif_tx_request *slot)
{
	struct xpv_netif_tx_pkt *pkt = &p->pkt;
	struct xpv_netif_seg *seg;
	int ret;

	switch (p->state) {
	case NETIF_ST_FIRST:
		seg = &pkt->seg[0];
		seg->gref = slot->gref;
		seg->offset = slot->offset;
		seg->id = slot->id;
		pkt->len = slot->size;
		pkt->flags = slot->flags;
		pkt->nr_data = 1;
		pkt->nr_slots = 1;
		p->more = slot->flags & XPV_NETTXF_MORE_DATA;
		if (slot->flags & XPV_NETTXF_EXTRA_INFO) {
			p->state = NETIF_ST_EXTRA;
			return 1;
		}
		break;
	case NETIF_ST_EXTRA:
		ret = netif_tx_extra(p, slot);
		if (ret)	/* another extra follows, or fatal */
			return ret;
		break;
	case NETIF_ST_DATA:
		if (pkt->nr_data >= p->lim->fatal_slots)
			return -XPV_NETIF_E_SLOT_LIMIT;
		if ((u32)slot->offset + slot->size > XPV_NETIF_PAGE_SIZE)
			return -XPV_NETIF_E_CROSS_PAGE;
		seg = &pkt->seg[pkt->nr_data++];
		seg->gref = slot->gref;
		seg->offset = slot->offset;
		seg->size = slot->size;
		seg->id = slot->id;
		pkt->nr_slots++;
		p->frag_sum += slot->size;
		/* Only more_data counts on the following slots (io/netif.h). */
		p->more = slot->flags & XPV_NETTXF_MORE_DATA;
		break;
	default:
		return -XPV_NETIF_E_STATE;
	}
	if (p->more) {
		p->state = NETIF_ST_DATA;
		return 1;
	}
	return netif_tx_finish(p);
}

int xpv_netif_tx_parse(const struct xpv_netif_tx_limits *lim,
		       const struct xpv_netif_tx_request *slots,
		       unsigned int nr, struct xpv_netif_tx_pkt *pkt,
		       unsigned int *used)
{
	struct xpv_netif_tx_parser p;
	unsigned int i = 0;
	int ret = xpv_netif_tx_parse_init(&p, lim);

	if (!ret) {
		ret = 1;
		while (ret == 1 && i < nr)
			ret = xpv_netif_tx_parse_slot(&p, &slots[i++]);
	}
	*pkt = p.pkt;
	*used = i;
	return ret;
}

/* ================================================================== */
/* Front end: building a tx packet.                                    */
/* ================================================================== */

int xpv_netif_tx_build(struct xpv_netif_tx_request *slots, unsigned int max,
		       const struct xpv_netif_seg *seg, unsigned int nr,
		       u16 flags, const struct xpv_netif_extra *ex,
		       unsigned int nex)
{
	u32 total = 0;
	unsigned int i, n = 0;

	if (nr < 1 || nr > XPV_NETIF_SLOTS_MAX || nex > 3 || (nex && !ex) ||
	    (flags & ~(XPV_NETTXF_CSUM_BLANK | XPV_NETTXF_DATA_VALIDATED)))
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		if ((u32)seg[i].offset + seg[i].size > XPV_NETIF_PAGE_SIZE)
			return -EINVAL;
		total += seg[i].size;
	}
	if (total < XPV_NETIF_ETH_HLEN || total > XPV_NETIF_MAX_TX_SIZE)
		return -EINVAL;
	if (max < nr + nex)
		return -ENOSPC;

	for (i = 0; i < nr; i++) {
		struct xpv_netif_tx_request *r = &slots[n++];

		memset(r, 0, sizeof(*r));
		r->gref = seg[i].gref;
		r->offset = seg[i].offset;
		r->id = seg[i].id;
		r->size = i ? seg[i].size : (u16)total;
		r->flags = i + 1 < nr ? XPV_NETTXF_MORE_DATA : 0;
		if (i)
			continue;
		r->flags |= flags | (nex ? XPV_NETTXF_EXTRA_INFO : 0);
		for (; n <= nex; n++) {
			struct xpv_netif_extra e = ex[n - 1];

			e.flags = n < nex ? XPV_NETIF_EXTRA_FLAG_MORE : 0;
			xpv_netif_extra_tx_slot(&e, &slots[n]);
		}
	}
	return (int)n;
}

/* ================================================================== */
/* Header length (XSA-423).                                            */
/* ================================================================== */

#define NETIF_ETH_P_IP		0x0800
#define NETIF_ETH_P_IPV6	0x86dd
#define NETIF_ETH_P_8021Q	0x8100
#define NETIF_ETH_P_8021AD	0x88a8
#define NETIF_IPPROTO_TCP	6
#define NETIF_IPPROTO_UDP	17
#define NETIF_IPV6_MAX_EXT	8

/* The packet bytes the header parser looks at. */
struct netif_hdr {
	const u8 *buf;
	u32 avail;
	u32 pkt_len;
	u32 *hdr_len;
};

/* 0 when @n bytes are there; otherwise the error hdr_len() returns. */
static int netif_need(const struct netif_hdr *h, u32 n)
{
	if (n > h->pkt_len)
		return -EINVAL;
	if (n > XPV_NETIF_HDR_MAX)
		return -E2BIG;
	if (n > h->avail) {
		*h->hdr_len = n;
		return -EAGAIN;
	}
	return 0;
}

static int netif_ipv4_len(const struct netif_hdr *h, u32 *off, u8 *l4)
{
	const u8 *ip = h->buf + *off;
	u32 ihl;
	int err;

	err = netif_need(h, *off + 20);
	if (err)
		return err;
	if (ip[0] >> 4 != 4)
		return -EINVAL;
	ihl = (ip[0] & 0xf) * 4U;
	if (ihl < 20)
		return -EINVAL;
	err = netif_need(h, *off + ihl);
	if (err)
		return err;
	if (!(netif_be16(ip + 6) & 0x1fff))	/* first fragment only */
		*l4 = ip[9];
	*off += ihl;
	return 0;
}

static int netif_ipv6_len(const struct netif_hdr *h, u32 *off, u8 *l4)
{
	u32 o = *off, i, len;
	u8 nh;
	int err;

	err = netif_need(h, o + 40);
	if (err)
		return err;
	if (h->buf[o] >> 4 != 6)
		return -EINVAL;
	nh = h->buf[o + 6];
	o += 40;
	for (i = 0; i < NETIF_IPV6_MAX_EXT; i++) {
		if (nh != 0 && nh != 43 && nh != 44 && nh != 60) {
			*l4 = nh;
			*off = o;
			return 0;
		}
		err = netif_need(h, o + 8);
		if (err)
			return err;
		if (nh == 44) {
			len = 8;
			if (netif_be16(h->buf + o + 2) & 0xfff8) {
				*off = o + len;	/* not the first fragment */
				return 0;
			}
		} else {
			len = (h->buf[o + 1] + 1U) * 8;
			err = netif_need(h, o + len);
			if (err)
				return err;
		}
		nh = h->buf[o];
		o += len;
	}
	return -EINVAL;		/* more extension headers than we follow */
}

static int netif_l4_len(const struct netif_hdr *h, u32 *off, u8 l4)
{
	u32 doff;
	int err;

	if (l4 == NETIF_IPPROTO_UDP) {
		err = netif_need(h, *off + 8);
		if (!err)
			*off += 8;
		return err;
	}
	if (l4 != NETIF_IPPROTO_TCP)
		return 0;
	err = netif_need(h, *off + 20);
	if (err)
		return err;
	doff = (h->buf[*off + 12] >> 4) * 4U;
	if (doff < 20)
		return -EINVAL;
	err = netif_need(h, *off + doff);
	if (!err)
		*off += doff;
	return err;
}

int xpv_netif_hdr_len(const u8 *buf, u32 avail, u32 pkt_len, u32 *hdr_len)
{
	struct netif_hdr h = {
		.buf = buf,
		.avail = avail < pkt_len ? avail : pkt_len,
		.pkt_len = pkt_len,
		.hdr_len = hdr_len,
	};
	u32 off = XPV_NETIF_ETH_HLEN, i;
	u16 proto;
	u8 l4 = 0;
	int err;

	err = netif_need(&h, XPV_NETIF_ETH_HLEN);
	if (err)
		return err;
	proto = netif_be16(buf + 12);
	for (i = 0; i < 2 && (proto == NETIF_ETH_P_8021Q ||
			      proto == NETIF_ETH_P_8021AD); i++) {
		err = netif_need(&h, off + 4);
		if (err)
			return err;
		proto = netif_be16(buf + off + 2);
		off += 4;
	}
	if (proto == NETIF_ETH_P_IP)
		err = netif_ipv4_len(&h, &off, &l4);
	else if (proto == NETIF_ETH_P_IPV6)
		err = netif_ipv6_len(&h, &off, &l4);
	if (!err)
		err = netif_l4_len(&h, &off, l4);
	if (err)
		return err;
	*hdr_len = off;
	return 0;
}

/* ================================================================== */
/* Back end: rx slot accounting (XSA-392).                             */
/* ================================================================== */

u32 xpv_netif_rx_slots_needed(u32 len, bool gso, bool hash)
{
	u32 n = len / XPV_NETIF_PAGE_SIZE + (len % XPV_NETIF_PAGE_SIZE != 0);

	if (!n)
		n = 1;
	return n + gso + hash;
}

u32 xpv_netif_rx_slots_needed_frags(const u32 *sizes, unsigned int nr,
				    bool gso, bool hash)
{
	u64 n = 0;
	unsigned int i;

	for (i = 0; i < nr; i++)
		n += ((u64)sizes[i] + XPV_NETIF_PAGE_SIZE - 1) /
		     XPV_NETIF_PAGE_SIZE;
	if (!n)
		n = 1;
	n += (u64)gso + hash;
	return n > NETIF_U32_MAX ? (u32)NETIF_U32_MAX : (u32)n;
}

enum xpv_netif_rx_room xpv_netif_rx_room(u32 needed, u32 nr_extras,
					 u32 max_data, u32 ring_slots,
					 u32 req_avail)
{
	if (needed <= nr_extras || needed - nr_extras > max_data ||
	    needed > ring_slots)
		return XPV_NETIF_RX_DROP;
	if (needed > req_avail)
		return XPV_NETIF_RX_WAIT;
	return XPV_NETIF_RX_FITS;
}

bool xpv_netif_rx_stall_update(struct xpv_netif_rx_stall *st, u64 now,
			       bool fits, u64 timeout)
{
	if (fits) {
		st->waiting = false;
		st->stalled = false;
		return false;
	}
	if (!st->waiting) {
		st->waiting = true;
		st->since = now;
	}
	if (now - st->since >= timeout)
		st->stalled = true;
	return st->stalled;
}

bool xpv_netif_rx_queue_admit(u64 queued, u32 len, u64 max)
{
	if (!queued)
		return true;
	return len <= max && queued <= max - len;
}

/* ================================================================== */
/* Front end: the rx chain and tx responses.                           */
/* ================================================================== */

int xpv_netif_rx_parse_init(struct xpv_netif_rx_parser *p,
			    const struct xpv_netif_rx_limits *lim,
			    const struct xpv_netif_ids *ids)
{
	memset(p, 0, sizeof(*p));
	p->lim = lim;
	p->ids = ids;
	if (lim->max_slots < 1 || lim->max_slots > XPV_NETIF_SLOTS_CAP ||
	    lim->max_len < XPV_NETIF_ETH_HLEN || ids->nr == 0 ||
	    ids->nr > XPV_NETIF_MAX_IDS || (ids->nr & (ids->nr - 1))) {
		p->state = NETIF_ST_DONE;
		return -XPV_NETIF_E_STATE;
	}
	p->state = NETIF_ST_FIRST;
	return 0;
}

static int netif_rx_finish(struct xpv_netif_rx_parser *p)
{
	struct xpv_netif_rx_pkt *pkt = &p->pkt;

	p->state = NETIF_ST_DONE;
	if (pkt->nr_data > p->lim->max_slots)
		netif_latch(&p->err, -XPV_NETIF_E_TOO_MANY_SLOTS);
	if (pkt->len < XPV_NETIF_ETH_HLEN)
		netif_latch(&p->err, -XPV_NETIF_E_SHORT);
	if (pkt->len > p->lim->max_len)
		netif_latch(&p->err, -XPV_NETIF_E_TOO_BIG);
	if (pkt->gso.type != XPV_NETIF_GSO_NONE && pkt->gso.size > pkt->len)
		netif_latch(&p->err, -XPV_NETIF_E_GSO_SIZE);
	return p->err;
}

static int netif_rx_extra(struct xpv_netif_rx_parser *p, u16 slot_id,
			  const struct xpv_netif_rx_response *rsp)
{
	struct xpv_netif_rx_pkt *pkt = &p->pkt;
	struct netif_extras x = {
		.gso_tcpv4 = p->lim->gso_tcpv4,
		.gso_tcpv6 = p->lim->gso_tcpv6,
		.hash_ok = p->lim->hash,
		.gso = &pkt->gso,
		.hash = &pkt->hash,
	};
	struct xpv_netif_extra ex;
	int err;

	/* The extra took the slot of the request posted there. */
	if (!xpv_netif_ids_outstanding(p->ids, slot_id))
		return -XPV_NETIF_E_ID_STALE;
	/* At most XPV_NETIF_MAX_EXTRAS: see netif_tx_extra(). */
	pkt->ids[pkt->nr_slots++] = slot_id;
	pkt->nr_extras++;
	memcpy(&ex, rsp, sizeof(ex));
	x.seen = p->seen;
	err = netif_take_extra(&x, &ex);
	p->seen = x.seen;
	if (xpv_netif_err_fatal(err))
		return err;
	netif_latch(&p->err, err);
	return ex.flags & XPV_NETIF_EXTRA_FLAG_MORE ? 1 : 0;
}

int xpv_netif_rx_parse_rsp(struct xpv_netif_rx_parser *p, u32 idx,
			   const struct xpv_netif_rx_response *rsp)
{
	struct xpv_netif_rx_pkt *pkt = &p->pkt;
	u16 slot_id;
	u32 size;
	int ret;

	if (p->state == NETIF_ST_DONE)
		return -XPV_NETIF_E_STATE;
	slot_id = (u16)(idx & (p->ids->nr - 1));

	if (p->state == NETIF_ST_EXTRA) {
		ret = netif_rx_extra(p, slot_id, rsp);
		if (ret)
			return ret;
		goto next;
	}

	if (rsp->id >= p->ids->nr)
		return -XPV_NETIF_E_ID_RANGE;
	if (rsp->id != slot_id)
		return -XPV_NETIF_E_ID_SLOT;
	if (!xpv_netif_ids_outstanding(p->ids, rsp->id))
		return -XPV_NETIF_E_ID_STALE;
	if (pkt->nr_data >= XPV_NETIF_SLOTS_CAP)
		return -XPV_NETIF_E_SLOT_LIMIT;
	pkt->ids[pkt->nr_slots++] = rsp->id;
	pkt->nr_data++;

	size = 0;
	if (rsp->status < 0)
		netif_latch(&p->err, -XPV_NETIF_E_STATUS);
	else if ((u32)rsp->offset + (u32)rsp->status > XPV_NETIF_PAGE_SIZE)
		netif_latch(&p->err, -XPV_NETIF_E_RX_BOUNDS);
	else
		size = (u32)rsp->status;
	if (rsp->flags & XPV_NETRXF_GSO_PREFIX)
		netif_latch(&p->err, -XPV_NETIF_E_FLAGS);
	if (size) {
		pkt->frag[pkt->nr_frags].id = rsp->id;
		pkt->frag[pkt->nr_frags].offset = rsp->offset;
		pkt->frag[pkt->nr_frags].size = (u16)size;
		pkt->nr_frags++;
		pkt->len += size;
	} else {
		pkt->nr_zero++;
	}
	p->more = rsp->flags & XPV_NETRXF_MORE_DATA;
	if (p->state == NETIF_ST_FIRST) {
		pkt->flags = rsp->flags;
		if (rsp->flags & XPV_NETRXF_EXTRA_INFO) {
			p->state = NETIF_ST_EXTRA;
			return 1;
		}
	}
next:
	if (p->more) {
		p->state = NETIF_ST_DATA;
		return 1;
	}
	return netif_rx_finish(p);
}

int xpv_netif_tx_rsp_check(const struct xpv_netif_ids *ids,
			   const struct xpv_netif_tx_response *rsp)
{
	if (rsp->status == XPV_NETIF_RSP_NULL)
		return 1;
	if (rsp->id >= ids->nr)
		return -XPV_NETIF_E_ID_RANGE;
	if (!xpv_netif_ids_outstanding(ids, rsp->id))
		return -XPV_NETIF_E_ID_STALE;
	if (rsp->status != XPV_NETIF_RSP_OKAY &&
	    rsp->status != XPV_NETIF_RSP_ERROR &&
	    rsp->status != XPV_NETIF_RSP_DROPPED)
		return -XPV_NETIF_E_RSP_STATUS;
	return 0;
}

/* ================================================================== */
/* Feature negotiation.                                                */
/* ================================================================== */

/* A grant reference or event channel port: 1..2^32-1. */
static int netif_u32_key(u64 val, u32 *out)
{
	if (val > NETIF_U32_MAX)
		return -ERANGE;
	if (val == 0)
		return -EINVAL;
	*out = (u32)val;
	return 0;
}

static int netif_ctrl_ring(const struct xpv_netif_back_offer *back,
			   const struct xpv_netif_front_keys *front,
			   struct xpv_netif_features *f)
{
	int err;

	if (!front->has_ctrl_ring_ref && !front->has_evtchn_ctrl)
		return 0;
	if (!back->ctrl_ring ||
	    !front->has_ctrl_ring_ref || !front->has_evtchn_ctrl)
		return -EINVAL;
	err = netif_u32_key(front->ctrl_ring_ref, &f->ctrl_ring_ref);
	if (!err)
		err = netif_u32_key(front->evtchn_ctrl, &f->evtchn_ctrl);
	f->ctrl_ring = !err;
	return err;
}

int xpv_netif_negotiate(const struct xpv_netif_back_offer *back,
			const struct xpv_netif_front_keys *front,
			struct xpv_netif_features *out)
{
	struct xpv_netif_features f;
	u64 max = back->max_queues ? back->max_queues : 1;
	int err;

	memset(out, 0, sizeof(*out));
	memset(&f, 0, sizeof(f));
	if (!back->rx_copy || !front->rx_copy || !front->rx_notify)
		return -EOPNOTSUPP;
	if (max > XPV_NETIF_MAX_QUEUES)
		max = XPV_NETIF_MAX_QUEUES;
	f.nr_queues = 1;
	if (front->has_num_queues) {
		if (front->num_queues == 0 || front->num_queues > max)
			return -EINVAL;
		f.nr_queues = (u32)front->num_queues;
	}
	err = netif_ctrl_ring(back, front, &f);
	if (err)
		return err;

	/* Guest transmit: whatever the back end accepts. */
	f.tx.sg = back->sg;
	f.tx.gso_tcpv4 = back->sg && back->gso_tcpv4;
	f.tx.gso_tcpv6 = back->sg && back->gso_tcpv6;
	f.tx.csum = !back->no_csum;
	f.tx.ipv6_csum = back->ipv6_csum;
	/* Guest receive: what the front end takes and the back end does. */
	f.rx.sg = back->sg && front->sg;
	f.rx.gso_tcpv4 = f.rx.sg && back->gso_tcpv4 && front->gso_tcpv4;
	f.rx.gso_tcpv6 = f.rx.sg && back->gso_tcpv6 && front->gso_tcpv6;
	f.rx.csum = !back->no_csum && !front->no_csum;
	f.rx.ipv6_csum = back->ipv6_csum && front->ipv6_csum;
	f.mcast = back->mcast_ctrl && front->mcast;
	*out = f;
	return 0;
}

int xpv_netif_queue_check(const struct xpv_netif_back_offer *back,
			  const struct xpv_netif_queue_keys *q,
			  struct xpv_netif_queue *out)
{
	struct xpv_netif_queue r;
	int err;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	if (!q->has_tx_ring_ref || !q->has_rx_ring_ref)
		return -ENOENT;
	err = netif_u32_key(q->tx_ring_ref, &r.tx_ring_ref);
	if (!err)
		err = netif_u32_key(q->rx_ring_ref, &r.rx_ring_ref);
	if (err)
		return err;

	if (q->has_evtchn_tx || q->has_evtchn_rx) {
		if (!back->split_evtchn || !q->has_evtchn_tx ||
		    !q->has_evtchn_rx)
			return -EINVAL;
		err = netif_u32_key(q->evtchn_tx, &r.evtchn_tx);
		if (!err)
			err = netif_u32_key(q->evtchn_rx, &r.evtchn_rx);
		if (err)
			return err;
		r.split = true;
	} else if (q->has_evtchn) {
		err = netif_u32_key(q->evtchn, &r.evtchn_tx);
		if (err)
			return err;
		r.evtchn_rx = r.evtchn_tx;
	} else {
		return -ENOENT;
	}
	*out = r;
	return 0;
}

u32 xpv_netif_front_queues(u32 want, u64 backend_max)
{
	u64 max = backend_max ? backend_max : 1;

	if (!want)
		want = 1;
	if (max > XPV_NETIF_MAX_QUEUES)
		max = XPV_NETIF_MAX_QUEUES;
	return want < max ? want : (u32)max;
}

static int netif_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int xpv_netif_parse_mac(const char *s, size_t len, u8 mac[6])
{
	u8 m[6], any = 0;
	unsigned int i;

	if (!s)
		return -EINVAL;
	if (len && s[len - 1] == '\0')
		len--;
	if (len != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		int hi = netif_hex(s[3 * i]), lo = netif_hex(s[3 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		if (i < 5 && s[3 * i + 2] != ':')
			return -EINVAL;
		m[i] = (u8)(hi << 4 | lo);
		any |= m[i];
	}
	if ((m[0] & 1) || !any)
		return -EADDRNOTAVAIL;
	memcpy(mac, m, sizeof(m));
	return 0;
}
