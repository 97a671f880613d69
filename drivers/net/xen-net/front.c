// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv network front end, data plane: the netdev's transmit path puts each
 * packet on the tx ring of its queue (netif_proto.c builds the slots), the
 * event channel's interrupt takes tx responses off the ring (checked
 * against the private id table) and schedules NAPI, which takes rx
 * response chains off the rx ring (copied once, parsed and validated by
 * netif_proto.c) and hands the packets to the stack.
 *
 * Data: rx-copy only (the back end copies into pages we post); tx grants
 * the skb's own pages read-only, or, when the back end is not trusted (or
 * the packet needs it), copies the packet into fresh pages zeroed beyond
 * the data, so no page holding anything else is ever granted (XSA-403).
 *
 * A back end that breaks the protocol (a fatal parser error, a bad
 * producer index, a grant still in use after its answer) breaks that
 * queue: its carrier goes off, nothing more is taken from or put on its
 * rings, and the device is switched to Closing from process context.
 * Nothing here BUG()s on back end input.
 */
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/highmem.h>
#include <linux/if_vlan.h>
#include <linux/interrupt.h>
#include <linux/mm.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/ip.h>
#include <xpv/events.h>
#include <xpv/grant.h>

#include "front.h"
#include "netif_skb.h"

#define XPV_NETFRONT_PAGE	XPV_NETIF_PAGE_SIZE

static_assert(PAGE_SIZE == XPV_NETIF_PAGE_SIZE,
	      "netif slots are 4 KiB pages; so are the guest's");

/* ------------------------------------------------------------------ */
/* Counters.                                                           */
/* ------------------------------------------------------------------ */

const char *const xpv_netfront_qstat_names[XPV_NETFRONT_NR_QSTATS] = {
	"tx_packets", "tx_bytes", "tx_gso", "tx_csum", "tx_bounced",
	"tx_dropped", "tx_errors", "tx_kicks", "rx_packets", "rx_bytes",
	"rx_gso", "rx_csum_ok", "rx_dropped", "rx_kicks", "tx_irqs",
	"rx_irqs", "tx_gso6", "tx_csum6", "rx_gso6",
};

/**
 * xpv_netfront_queue_stats() - read one queue's counters
 * @s: the queue's counters
 * @vals: XPV_NETFRONT_NR_QSTATS values, in the order of
 *	xpv_netfront_qstat_names
 *
 * Context: any.
 */
void xpv_netfront_queue_stats(struct xpv_netfront_stats *s, u64 *vals)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&s->tx_syncp);
		vals[0] = u64_stats_read(&s->tx_packets);
		vals[1] = u64_stats_read(&s->tx_bytes);
		vals[2] = u64_stats_read(&s->tx_gso);
		vals[3] = u64_stats_read(&s->tx_csum);
		vals[4] = u64_stats_read(&s->tx_bounced);
		vals[5] = u64_stats_read(&s->tx_dropped);
		vals[6] = u64_stats_read(&s->tx_errors);
		vals[7] = u64_stats_read(&s->tx_kicks);
		vals[16] = u64_stats_read(&s->tx_gso6);
		vals[17] = u64_stats_read(&s->tx_csum6);
	} while (u64_stats_fetch_retry(&s->tx_syncp, start));
	do {
		start = u64_stats_fetch_begin(&s->rx_syncp);
		vals[8] = u64_stats_read(&s->rx_packets);
		vals[9] = u64_stats_read(&s->rx_bytes);
		vals[10] = u64_stats_read(&s->rx_gso);
		vals[11] = u64_stats_read(&s->rx_csum_ok);
		vals[12] = u64_stats_read(&s->rx_dropped);
		vals[13] = u64_stats_read(&s->rx_kicks);
		vals[18] = u64_stats_read(&s->rx_gso6);
	} while (u64_stats_fetch_retry(&s->rx_syncp, start));
	vals[14] = READ_ONCE(s->tx_irqs);
	vals[15] = READ_ONCE(s->rx_irqs);
}

/* Under the queue's tx_lock. */
static void netfront_tx_count(struct xpv_netfront_queue *q, u64_stats_t *c,
			      unsigned long n)
{
	u64_stats_update_begin(&q->stats->tx_syncp);
	u64_stats_add(c, n);
	u64_stats_update_end(&q->stats->tx_syncp);
}

/* In NAPI context. */
static void netfront_rx_count(struct xpv_netfront_queue *q, u64_stats_t *c,
			      unsigned long n)
{
	u64_stats_update_begin(&q->stats->rx_syncp);
	u64_stats_add(c, n);
	u64_stats_update_end(&q->stats->rx_syncp);
}

/**
 * xpv_netfront_queue_broken() - the back end broke the protocol on a queue
 * @q: the queue
 * @reason: the counter it goes to (&xpv_netfront_info.breaks)
 * @why: what it did, for the log
 * @err: the parser's error (0 when none)
 *
 * The queue takes nothing more from its rings and sends nothing more; the
 * carrier goes off and the device is switched to Closing from process
 * context.  The first break of a queue is logged and counted.
 *
 * Context: any (the queue's lock need not be held).
 */
void xpv_netfront_queue_broken(struct xpv_netfront_queue *q,
			       enum xpv_netfront_break reason, const char *why,
			       int err)
{
	struct xpv_netfront_info *info = q->info;

	if (!READ_ONCE(q->broken)) {
		netdev_err(info->netdev, "queue %u: %s%s%s: queue disabled\n",
			   q->index, why, err ? ": " : "",
			   err ? xpv_netif_err_str(err) : "");
		atomic_long_inc(&info->breaks[reason]);
	}
	WRITE_ONCE(q->broken, true);
	WRITE_ONCE(info->broken, true);
	netif_carrier_off(info->netdev);
	schedule_work(&info->fatal_work);
}

static void netfront_notify(struct xpv_netfront_queue *q,
			    struct xpv_ring_evtchn *ev)
{
	xpv_evtchn_notify(ev->port);
}

/* ------------------------------------------------------------------ */
/* Transmit.                                                           */
/* ------------------------------------------------------------------ */

/**
 * struct netfront_piece - one slot's worth of a packet to transmit
 * @page: the page holding it
 * @offset: offset in @page
 * @size: bytes, never crossing @page
 */
struct netfront_piece {
	struct page *page;
	unsigned int offset;
	unsigned int size;
};

/* Split [page + offset, +len) into page-bounded pieces, appending to @p
 * (at most @max); returns the new count, or @max + 1 when they overflow.
 */
static unsigned int netfront_add_pieces(struct netfront_piece *p,
					unsigned int nr, unsigned int max,
					struct page *page, unsigned int offset,
					unsigned int len)
{
	page += offset / PAGE_SIZE;
	offset %= PAGE_SIZE;
	while (len) {
		unsigned int n = min_t(unsigned int, len, PAGE_SIZE - offset);

		if (nr >= max)
			return max + 1;
		p[nr].page = page;
		p[nr].offset = offset;
		p[nr].size = n;
		nr++;
		len -= n;
		offset = 0;
		page++;
	}
	return nr;
}

/* The skb's own data as pieces; more than @max means "bounce it". */
static unsigned int netfront_skb_pieces(struct sk_buff *skb,
					struct netfront_piece *p,
					unsigned int max)
{
	unsigned int nr, i;

	nr = netfront_add_pieces(p, 0, max, virt_to_page(skb->data),
				 offset_in_page(skb->data), skb_headlen(skb));
	for (i = 0; i < skb_shinfo(skb)->nr_frags && nr <= max; i++) {
		const skb_frag_t *f = &skb_shinfo(skb)->frags[i];

		nr = netfront_add_pieces(p, nr, max, skb_frag_page(f),
					 skb_frag_off(f), skb_frag_size(f));
	}
	return nr;
}

/* Copy the packet into fresh pages, zeroed beyond the data; the pages
 * become the pieces.  Return: the piece count, or 0 without memory or for
 * a packet needing more than @max pages.
 */
static unsigned int netfront_bounce(struct sk_buff *skb,
				    struct netfront_piece *p, unsigned int max)
{
	unsigned int nr = DIV_ROUND_UP(skb->len, PAGE_SIZE), i, off = 0;

	if (!nr || nr > max)
		return 0;
	for (i = 0; i < nr; i++) {
		unsigned int n = min_t(unsigned int, skb->len - off, PAGE_SIZE);

		p[i].page = alloc_page(GFP_ATOMIC | __GFP_ZERO | __GFP_NOWARN);
		if (!p[i].page)
			goto out_free;
		if (skb_copy_bits(skb, off, page_address(p[i].page), n))
			goto out_free_page;
		p[i].offset = 0;
		p[i].size = n;
		off += n;
	}
	return nr;

out_free_page:
	i++;
out_free:
	while (i--)
		if (p[i].page)
			__free_page(p[i].page);
	return 0;
}

/* Take back the grants and ids of pieces put on no ring (under tx_lock). */
static void netfront_tx_unwind(struct xpv_netfront_queue *q,
			       const struct xpv_netif_seg *seg,
			       unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		struct xpv_netfront_tx_buf *b = &q->tx_buf[seg[i].id];

		/* Never published: the back end cannot hold it. */
		xpv_gnttab_end_access(b->gref);
		b->page = NULL;
		b->skb = NULL;
		xpv_netif_ids_put(&q->tx_ids, seg[i].id);
	}
}

/* The GSO extra and the checksum flags of a packet. */
static int netfront_tx_offloads(struct sk_buff *skb,
				struct xpv_netif_extra *ex, u16 *flags)
{
	*flags = 0;
	if (skb->ip_summed == CHECKSUM_PARTIAL)
		*flags = XPV_NETTXF_CSUM_BLANK | XPV_NETTXF_DATA_VALIDATED;
	else if (skb->ip_summed == CHECKSUM_UNNECESSARY)
		*flags = XPV_NETTXF_DATA_VALIDATED;
	if (!skb_is_gso(skb))
		return 0;
	memset(ex, 0, sizeof(*ex));
	ex->type = XPV_NETIF_EXTRA_GSO;
	ex->u.gso.size = skb_shinfo(skb)->gso_size;
	if (skb_shinfo(skb)->gso_type & SKB_GSO_TCPV4)
		ex->u.gso.type = XPV_NETIF_GSO_TCPV4;
	else if (skb_shinfo(skb)->gso_type & SKB_GSO_TCPV6)
		ex->u.gso.type = XPV_NETIF_GSO_TCPV6;
	else
		return -EINVAL;
	return 1;
}

/* Take the tx responses off the ring: each id answered gets its grant
 * back (a grant still in use breaks the queue: its page is left alone),
 * its bounce page freed, its reference to the skb dropped.  Under tx_lock.
 * Return: true when a response was taken.
 */
static bool netfront_tx_gc(struct xpv_netfront_queue *q)
{
	struct xpv_netif_tx_response rsp;
	unsigned int errors = 0;
	bool work = false;
	int err;

	if (!q->connected || q->broken)
		return false;
	do {
		while (xpv_netif_tx_front_get_response(&q->tx, &rsp)) {
			struct xpv_netfront_tx_buf *b;

			work = true;
			err = xpv_netif_tx_rsp_check(&q->tx_ids, &rsp);
			if (err == 1)
				continue;	/* the answer to an extra */
			if (err) {
				xpv_netfront_queue_broken(q, XPV_NETFRONT_BAD_TX,
							  "bad tx response",
							  err);
				return work;
			}
			b = &q->tx_buf[rsp.id];
			if (!xpv_gnttab_end_access(b->gref)) {
				/* Leave the page and skb to the back end. */
				xpv_netfront_queue_broken(q,
							  XPV_NETFRONT_GRANT_BUSY,
							  "tx grant still in use after its response",
							  0);
				return work;
			}
			if (rsp.status != XPV_NETIF_RSP_OKAY)
				errors++;
			if (b->page)
				__free_page(b->page);
			if (b->skb)
				dev_consume_skb_any(b->skb);
			b->page = NULL;
			b->skb = NULL;
			xpv_netif_ids_put(&q->tx_ids, rsp.id);
		}
		if (q->tx.r.broken) {
			xpv_netfront_queue_broken(q,
						  XPV_NETFRONT_BAD_PROD,
						  "bad tx response producer index",
						  0);
			return work;
		}
	} while (xpv_netif_tx_front_final_check(&q->tx));

	if (errors)
		netfront_tx_count(q, &q->stats->tx_errors, errors);
	if (xpv_netif_tx_front_free(&q->tx) >= XPV_NETFRONT_TX_MAX_SLOTS &&
	    netif_tx_queue_stopped(netdev_get_tx_queue(q->info->netdev,
						       q->index)))
		netif_tx_wake_queue(netdev_get_tx_queue(q->info->netdev,
							q->index));
	return work;
}

static netdev_tx_t netfront_start_xmit(struct sk_buff *skb,
				       struct net_device *dev)
{
	struct xpv_netfront_info *info = netdev_priv(dev);
	struct netfront_piece piece[XPV_NETIF_SLOTS_MAX];
	struct xpv_netif_seg seg[XPV_NETIF_SLOTS_MAX];
	struct xpv_netif_tx_request slots[XPV_NETFRONT_TX_MAX_SLOTS];
	struct xpv_netfront_queue *q;
	struct xpv_netif_extra ex;
	unsigned int qi = skb_get_queue_mapping(skb), nr, i, max, len;
	bool bounce, gso, v6;
	unsigned long flags;
	u16 txflags;
	int nex, n, id;

	if (unlikely(qi >= READ_ONCE(info->nr_queues)))
		goto out_drop_unlocked;
	q = &info->queues[qi];
	len = skb->len;
	v6 = vlan_get_protocol(skb) == htons(ETH_P_IPV6);

	nex = netfront_tx_offloads(skb, &ex, &txflags);
	if (nex < 0)
		goto out_drop_unlocked;
	gso = nex > 0;

	/* Without feature-sg the back end takes one slot per packet. */
	max = info->feat.tx.sg ? XPV_NETIF_SLOTS_MAX : 1;
	bounce = info->bounce;
	nr = bounce ? max + 1 : netfront_skb_pieces(skb, piece, max);
	/* A first slot shorter than an Ethernet header is refused by some
	 * back ends; a packet in too many pieces must be copied too.
	 */
	if (nr > max || piece[0].size < min_t(unsigned int, len, ETH_HLEN)) {
		bounce = true;
		nr = netfront_bounce(skb, piece, max);
		if (!nr)
			goto out_drop_unlocked;
	}

	spin_lock_irqsave(&q->tx_lock, flags);
	if (unlikely(!q->connected || q->broken))
		goto out_drop;
	if (unlikely(xpv_netif_tx_front_free(&q->tx) < nr + nex ||
		     q->tx_ids.nr - q->tx_ids.nr_out < nr)) {
		/* The queue is stopped before this can happen. */
		netif_tx_stop_queue(netdev_get_tx_queue(dev, qi));
		goto out_drop;
	}

	for (i = 0; i < nr; i++) {
		struct xpv_netfront_tx_buf *b;

		id = xpv_netif_ids_alloc(&q->tx_ids);
		if (WARN_ON_ONCE(id < 0)) {
			netfront_tx_unwind(q, seg, i);
			goto out_drop;
		}
		b = &q->tx_buf[id];
		xpv_gnttab_grant_access_ref(b->gref, info->xbdev->otherend_id,
					    xpv_gnttab_page_gfn(page_address(piece[i].page)),
					    true);
		b->page = bounce ? piece[i].page : NULL;
		b->skb = NULL;
		seg[i].gref = b->gref;
		seg[i].offset = piece[i].offset;
		seg[i].size = piece[i].size;
		seg[i].id = id;
	}

	n = xpv_netif_tx_build(slots, ARRAY_SIZE(slots), seg, nr, txflags,
			       gso ? &ex : NULL, nex);
	if (n < 0) {
		netfront_tx_unwind(q, seg, nr);
		goto out_drop;
	}
	for (i = 0; i < n; i++)
		xpv_netif_tx_front_put_request(&q->tx, &slots[i]);

	/* Every id granting a page of the skb holds a reference to it. */
	if (!bounce) {
		if (nr > 1)
			refcount_add(nr - 1, &skb->users);
		for (i = 0; i < nr; i++)
			q->tx_buf[seg[i].id].skb = skb;
	}

	u64_stats_update_begin(&q->stats->tx_syncp);
	u64_stats_inc(&q->stats->tx_packets);
	u64_stats_add(&q->stats->tx_bytes, len);
	if (gso) {
		u64_stats_inc(&q->stats->tx_gso);
		if (ex.u.gso.type == XPV_NETIF_GSO_TCPV6)
			u64_stats_inc(&q->stats->tx_gso6);
	}
	if (txflags & XPV_NETTXF_CSUM_BLANK) {
		u64_stats_inc(&q->stats->tx_csum);
		if (v6)
			u64_stats_inc(&q->stats->tx_csum6);
	}
	if (bounce)
		u64_stats_inc(&q->stats->tx_bounced);
	u64_stats_update_end(&q->stats->tx_syncp);
	skb_tx_timestamp(skb);

	if (xpv_netif_tx_front_push_requests(&q->tx)) {
		netfront_notify(q, &q->ev_tx);
		netfront_tx_count(q, &q->stats->tx_kicks, 1);
	}
	netfront_tx_gc(q);
	if (xpv_netif_tx_front_free(&q->tx) < XPV_NETFRONT_TX_MAX_SLOTS)
		netif_tx_stop_queue(netdev_get_tx_queue(dev, qi));
	spin_unlock_irqrestore(&q->tx_lock, flags);
	if (bounce)
		dev_consume_skb_any(skb);	/* the data is in our pages */
	return NETDEV_TX_OK;

out_drop:
	netfront_tx_count(q, &q->stats->tx_dropped, 1);
	spin_unlock_irqrestore(&q->tx_lock, flags);
	if (bounce)
		for (i = 0; i < nr; i++)
			__free_page(piece[i].page);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;

out_drop_unlocked:
	dev->stats.tx_dropped++;
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

/* At teardown: whether the back end still maps @gref (then count and log
 * it: the page goes to the deferred revocation, or is leaked).
 */
static bool netfront_still_mapped(struct xpv_netfront_queue *q,
				  const char *ring, unsigned int id,
				  grant_ref_t gref)
{
	if (xpv_gnttab_end_access(gref))
		return false;
	atomic_long_inc(&q->info->grants_deferred);
	netdev_warn(q->info->netdev,
		    "queue %u: %s id %u still mapped by the back end at teardown: its page is kept until the grant is revoked\n",
		    q->index, ring, id);
	return true;
}

/**
 * xpv_netfront_release_tx() - give back what a stopped queue sent
 * @q: the queue, its interrupts unbound
 *
 * Every outstanding id's grant is revoked; a page the back end still
 * holds is left to it (a bounce page is freed once it lets go, an skb is
 * leaked rather than reused).  The ids' grant references are freed.
 *
 * Context: process context, the queue stopped.
 */
void xpv_netfront_release_tx(struct xpv_netfront_queue *q)
{
	unsigned int id;

	for (id = 0; id < XPV_NETIF_MAX_IDS; id++) {
		struct xpv_netfront_tx_buf *b = &q->tx_buf[id];

		if (!b->gref)
			continue;
		if (!xpv_netif_ids_outstanding(&q->tx_ids, id)) {
			xpv_gnttab_free_refs(&b->gref, 1);
		} else if (b->page) {
			/* Frees the page once the back end lets go. */
			netfront_still_mapped(q, "tx", id, b->gref);
			xpv_gnttab_end_access_and_free(b->gref, b->page);
		} else if (!netfront_still_mapped(q, "tx", id, b->gref)) {
			xpv_gnttab_free_refs(&b->gref, 1);
			if (b->skb)
				dev_kfree_skb_any(b->skb);
		}
		/* else: the skb (and its reference) is leaked, never reused. */
		b->gref = 0;
		b->page = NULL;
		b->skb = NULL;
	}
	xpv_netif_ids_init(&q->tx_ids, XPV_NETIF_MAX_IDS);
}

/* ------------------------------------------------------------------ */
/* Receive.                                                            */
/* ------------------------------------------------------------------ */

static struct xpv_ring_evtchn *netfront_rx_ev(struct xpv_netfront_queue *q)
{
	return q->info->split ? &q->ev_rx : &q->ev_tx;
}

/**
 * xpv_netfront_rx_fill() - post empty pages on the rx ring
 * @q: the queue
 * @gfp: GFP_ATOMIC from NAPI, GFP_KERNEL at connect
 *
 * Each request's id is its slot.  A slot whose id is still held by an rx
 * chain being taken in stays empty until the chain completes.  An
 * untrusted back end gets zeroed pages.
 *
 * Context: NAPI, or process context before NAPI runs.
 * Return: the requests posted.
 */
int xpv_netfront_rx_fill(struct xpv_netfront_queue *q, gfp_t gfp)
{
	struct xpv_netfront_info *info = q->info;
	int posted = 0;

	if (!q->connected || q->broken)
		return 0;
	if (info->bounce)
		gfp |= __GFP_ZERO;
	while (xpv_netif_rx_front_free(&q->rx)) {
		u32 id = q->rx.r.req_prod_pvt & (q->rx.r.nr_ents - 1);
		struct xpv_netfront_rx_buf *b = &q->rx_buf[id];
		struct xpv_netif_rx_request req = { };
		struct page *page;

		if (xpv_netif_ids_outstanding(&q->rx_ids, id))
			break;
		page = alloc_page(gfp | __GFP_NOWARN);
		if (!page)
			break;
		xpv_gnttab_grant_access_ref(b->gref, info->xbdev->otherend_id,
					    xpv_gnttab_page_gfn(page_address(page)),
					    false);
		b->page = page;
		xpv_netif_ids_take(&q->rx_ids, id);
		req.id = id;
		req.gref = b->gref;
		xpv_netif_rx_front_put_request(&q->rx, &req);
		posted++;
	}
	if (posted && xpv_netif_rx_front_push_requests(&q->rx)) {
		netfront_notify(q, netfront_rx_ev(q));
		netfront_rx_count(q, &q->stats->rx_kicks, 1);
	}
	return posted;
}

/**
 * xpv_netfront_release_rx() - take back the pages a stopped queue posted
 * @q: the queue, its interrupts unbound and NAPI stopped
 *
 * Context: process context.
 */
void xpv_netfront_release_rx(struct xpv_netfront_queue *q)
{
	unsigned int id;

	for (id = 0; id < XPV_NETIF_MAX_IDS; id++) {
		struct xpv_netfront_rx_buf *b = &q->rx_buf[id];

		if (!b->gref)
			continue;
		if (b->page) {
			/* Frees the page once the back end lets go. */
			netfront_still_mapped(q, "rx", id, b->gref);
			xpv_gnttab_end_access_and_free(b->gref, b->page);
		} else {
			xpv_gnttab_free_refs(&b->gref, 1);
		}
		b->gref = 0;
		b->page = NULL;
	}
	xpv_netif_ids_init(&q->rx_ids, XPV_NETIF_MAX_IDS);
	q->rx_in_chain = false;
}

/* Take back the pages of a completed chain: every slot's grant must be
 * revoked (the back end copied and answered); returns false when one is
 * still in use (the queue is then broken and the pages left alone).
 */
static bool netfront_rx_reclaim(struct xpv_netfront_queue *q,
				const struct xpv_netif_rx_pkt *pkt)
{
	unsigned int i;

	for (i = 0; i < pkt->nr_slots; i++) {
		if (!xpv_gnttab_end_access(q->rx_buf[pkt->ids[i]].gref)) {
			xpv_netfront_queue_broken(q,
						  XPV_NETFRONT_GRANT_BUSY,
						  "rx grant still in use after its response",
						  0);
			return false;
		}
	}
	return true;
}

/* Free the pages of a completed chain not taken by an skb; free its ids. */
static void netfront_rx_put(struct xpv_netfront_queue *q,
			    const struct xpv_netif_rx_pkt *pkt)
{
	unsigned int i;

	for (i = 0; i < pkt->nr_slots; i++) {
		struct xpv_netfront_rx_buf *b = &q->rx_buf[pkt->ids[i]];

		if (b->page)
			__free_page(b->page);
		b->page = NULL;
		xpv_netif_ids_put(&q->rx_ids, pkt->ids[i]);
	}
}

/* Build the skb of a valid chain; its pages move into the skb. */
static struct sk_buff *netfront_rx_skb(struct xpv_netfront_queue *q,
				       const struct xpv_netif_rx_pkt *pkt)
{
	unsigned int pull = min_t(u32, pkt->len, XPV_NETFRONT_RX_PULL);
	unsigned int copy0, i, first;
	struct xpv_netfront_rx_buf *b;
	struct sk_buff *skb;

	if (!pkt->nr_frags)
		return NULL;
	/* More pieces than an skb has fragments: copy the first one whole. */
	copy0 = pkt->frag[0].size;
	if (pkt->nr_frags <= MAX_SKB_FRAGS)
		copy0 = min_t(unsigned int, copy0, pull);
	skb = napi_alloc_skb(&q->napi, max(copy0, pull));
	if (!skb)
		return NULL;
	b = &q->rx_buf[pkt->frag[0].id];
	skb_put_data(skb, page_address(b->page) + pkt->frag[0].offset, copy0);
	first = 1;
	if (copy0 < pkt->frag[0].size) {
		skb_add_rx_frag(skb, 0, b->page, pkt->frag[0].offset + copy0,
				pkt->frag[0].size - copy0, PAGE_SIZE);
		b->page = NULL;
	}
	for (i = first; i < pkt->nr_frags; i++) {
		b = &q->rx_buf[pkt->frag[i].id];
		if (WARN_ON_ONCE(skb_shinfo(skb)->nr_frags >= MAX_SKB_FRAGS)) {
			kfree_skb(skb);
			return NULL;
		}
		skb_add_rx_frag(skb, skb_shinfo(skb)->nr_frags, b->page,
				pkt->frag[i].offset, pkt->frag[i].size,
				PAGE_SIZE);
		b->page = NULL;
	}
	if (skb_headlen(skb) < pull &&
	    !__pskb_pull_tail(skb, pull - skb_headlen(skb))) {
		kfree_skb(skb);
		return NULL;
	}
	return skb;
}

/* Hand one completed chain to the stack (or drop it); false: broken. */
static bool netfront_rx_packet(struct xpv_netfront_queue *q,
			       const struct xpv_netif_rx_pkt *pkt, int err)
{
	struct net_device *dev = q->info->netdev;
	struct sk_buff *skb = NULL;
	unsigned int len = pkt->len;
	bool gso = pkt->gso.type != XPV_NETIF_GSO_NONE;
	bool csum = pkt->flags & (XPV_NETRXF_CSUM_BLANK |
				  XPV_NETRXF_DATA_VALIDATED);

	if (!netfront_rx_reclaim(q, pkt))
		return false;
	if (err)
		net_warn_ratelimited("%s: queue %u: rx packet dropped: %s\n",
				     dev->name, q->index,
				     xpv_netif_err_str(err));
	else
		skb = netfront_rx_skb(q, pkt);
	netfront_rx_put(q, pkt);
	if (skb) {
		skb->protocol = eth_type_trans(skb, dev);
		/* skb_checksum_setup() reads the IP header from here. */
		skb_reset_network_header(skb);
		if (xpv_netif_skb_offloads(skb,
					   pkt->flags & XPV_NETRXF_CSUM_BLANK,
					   pkt->flags & XPV_NETRXF_DATA_VALIDATED,
					   &pkt->gso)) {
			kfree_skb(skb);
			skb = NULL;
		}
	}
	if (!skb) {
		netfront_rx_count(q, &q->stats->rx_dropped, 1);
		return true;
	}
	skb_record_rx_queue(skb, q->index);
	napi_gro_receive(&q->napi, skb);

	u64_stats_update_begin(&q->stats->rx_syncp);
	u64_stats_inc(&q->stats->rx_packets);
	u64_stats_add(&q->stats->rx_bytes, len);
	if (gso) {
		u64_stats_inc(&q->stats->rx_gso);
		if (pkt->gso.type == XPV_NETIF_GSO_TCPV6)
			u64_stats_inc(&q->stats->rx_gso6);
	}
	if (csum)
		u64_stats_inc(&q->stats->rx_csum_ok);
	u64_stats_update_end(&q->stats->rx_syncp);
	return true;
}

/* Take up to @budget packets off the rx ring; returns how many. */
static int netfront_rx(struct xpv_netfront_queue *q, int budget)
{
	struct xpv_netif_rx_parser *p = &q->rx_parser;
	struct xpv_netif_rx_response rsp;
	int done = 0, err;

	while (done < budget) {
		if (!xpv_netif_rx_front_get_response(&q->rx, &rsp)) {
			if (q->rx.r.broken)
				xpv_netfront_queue_broken(q,
							  XPV_NETFRONT_BAD_PROD,
							  "bad rx response producer index",
							  0);
			break;
		}
		if (!q->rx_in_chain) {
			err = xpv_netif_rx_parse_init(p, &q->rx_lim,
						      &q->rx_ids);
			if (err) {
				xpv_netfront_queue_broken(q, XPV_NETFRONT_BAD_RX,
							  "rx limits", err);
				break;
			}
			q->rx_in_chain = true;
		}
		err = xpv_netif_rx_parse_rsp(p, q->rx.r.rsp_cons - 1, &rsp);
		if (err == 1)
			continue;
		q->rx_in_chain = false;
		if (xpv_netif_err_fatal(err)) {
			xpv_netfront_queue_broken(q, XPV_NETFRONT_BAD_RX,
						  "bad rx response", err);
			break;
		}
		if (!netfront_rx_packet(q, &p->pkt, err))
			break;
		done++;
	}
	return done;
}

/**
 * xpv_netfront_napi_poll() - NAPI: receive, refill the rx ring
 * @napi: the queue's NAPI context
 * @budget: most packets to hand to the stack
 *
 * Context: softirq.
 * Return: the packets received.
 */
int xpv_netfront_napi_poll(struct napi_struct *napi, int budget)
{
	struct xpv_netfront_queue *q =
		container_of(napi, struct xpv_netfront_queue, napi);
	int done = 0;

	if (q->connected && !READ_ONCE(q->broken)) {
		done = netfront_rx(q, budget);
		xpv_netfront_rx_fill(q, GFP_ATOMIC);
	}
	if (done < budget && napi_complete_done(napi, done) &&
	    q->connected && !READ_ONCE(q->broken) &&
	    xpv_netif_rx_front_final_check(&q->rx))
		napi_schedule(napi);
	return done;
}

/* Responses waiting on the rx ring (a hint for the interrupt handler). */
static bool netfront_rx_pending(struct xpv_netfront_queue *q)
{
	struct xpv_sring *s = q->rx.r.sring;

	return q->connected && s &&
	       READ_ONCE(s->rsp_prod) != READ_ONCE(q->rx.r.rsp_cons);
}

/**
 * xpv_netfront_tx_interrupt() - tx event channel (split channels)
 * @irq: the IRQ (bound for late EOI)
 * @dev_id: the queue
 *
 * Context: hard IRQ.
 * Return: IRQ_HANDLED.
 */
irqreturn_t xpv_netfront_tx_interrupt(int irq, void *dev_id)
{
	struct xpv_netfront_queue *q = dev_id;
	unsigned long flags;
	bool work;

	WRITE_ONCE(q->stats->tx_irqs, q->stats->tx_irqs + 1);
	spin_lock_irqsave(&q->tx_lock, flags);
	work = netfront_tx_gc(q);
	spin_unlock_irqrestore(&q->tx_lock, flags);
	xpv_evtchn_lateeoi(irq, work ? 0 : XPV_EOI_SPURIOUS);
	return IRQ_HANDLED;
}

/**
 * xpv_netfront_rx_interrupt() - rx event channel (split channels)
 * @irq: the IRQ (bound for late EOI)
 * @dev_id: the queue
 *
 * Context: hard IRQ.
 * Return: IRQ_HANDLED.
 */
irqreturn_t xpv_netfront_rx_interrupt(int irq, void *dev_id)
{
	struct xpv_netfront_queue *q = dev_id;
	bool work = netfront_rx_pending(q);

	WRITE_ONCE(q->stats->rx_irqs, q->stats->rx_irqs + 1);
	if (work)
		napi_schedule(&q->napi);
	xpv_evtchn_lateeoi(irq, work ? 0 : XPV_EOI_SPURIOUS);
	return IRQ_HANDLED;
}

/**
 * xpv_netfront_interrupt() - the one event channel of a queue
 * @irq: the IRQ (bound for late EOI)
 * @dev_id: the queue
 *
 * Context: hard IRQ.
 * Return: IRQ_HANDLED.
 */
irqreturn_t xpv_netfront_interrupt(int irq, void *dev_id)
{
	struct xpv_netfront_queue *q = dev_id;
	unsigned long flags;
	bool work, rx;

	WRITE_ONCE(q->stats->tx_irqs, q->stats->tx_irqs + 1);
	spin_lock_irqsave(&q->tx_lock, flags);
	work = netfront_tx_gc(q);
	spin_unlock_irqrestore(&q->tx_lock, flags);
	rx = netfront_rx_pending(q);
	if (rx)
		napi_schedule(&q->napi);
	xpv_evtchn_lateeoi(irq, work || rx ? 0 : XPV_EOI_SPURIOUS);
	return IRQ_HANDLED;
}

/* ------------------------------------------------------------------ */
/* The netdev.                                                         */
/* ------------------------------------------------------------------ */

static int netfront_open(struct net_device *dev)
{
	struct xpv_netfront_info *info = netdev_priv(dev);
	unsigned int i;

	for (i = 0; i < info->nr_queues; i++) {
		napi_enable(&info->queues[i].napi);
		napi_schedule(&info->queues[i].napi);
	}
	netif_tx_start_all_queues(dev);
	return 0;
}

static int netfront_stop(struct net_device *dev)
{
	struct xpv_netfront_info *info = netdev_priv(dev);
	unsigned int i;

	netif_tx_stop_all_queues(dev);
	for (i = 0; i < info->nr_queues; i++)
		napi_disable(&info->queues[i].napi);
	return 0;
}

static void netfront_get_stats64(struct net_device *dev,
				 struct rtnl_link_stats64 *tot)
{
	struct xpv_netfront_info *info = netdev_priv(dev);
	u64 v[XPV_NETFRONT_NR_QSTATS];
	unsigned int i;

	for (i = 0; i < info->max_queues; i++) {
		xpv_netfront_queue_stats(&info->qstats[i], v);
		tot->tx_packets += v[0];
		tot->tx_bytes += v[1];
		tot->tx_dropped += v[5];
		tot->tx_errors += v[6];
		tot->rx_packets += v[8];
		tot->rx_bytes += v[9];
		tot->rx_dropped += v[12];
	}
	tot->tx_dropped += dev->stats.tx_dropped;
}

static netdev_features_t netfront_fix_features(struct net_device *dev,
					       netdev_features_t features)
{
	struct xpv_netfront_info *info = netdev_priv(dev);
	const struct xpv_netif_dir *tx = &info->feat.tx;

	if (!tx->sg)
		features &= ~NETIF_F_SG;
	if (!tx->csum)
		features &= ~NETIF_F_IP_CSUM;
	if (!tx->ipv6_csum)
		features &= ~NETIF_F_IPV6_CSUM;
	if (!tx->gso_tcpv4)
		features &= ~NETIF_F_TSO;
	if (!tx->gso_tcpv6)
		features &= ~NETIF_F_TSO6;
	return features;
}

static int netfront_set_features(struct net_device *dev,
				 netdev_features_t features)
{
	if (!(features & NETIF_F_SG) && dev->mtu > ETH_DATA_LEN) {
		netdev_info(dev, "no scatter-gather: MTU reduced to %u\n",
			    ETH_DATA_LEN);
		dev->mtu = ETH_DATA_LEN;
	}
	return 0;
}

static int netfront_change_mtu(struct net_device *dev, int mtu)
{
	if (mtu > ETH_DATA_LEN && !(dev->features & NETIF_F_SG))
		return -EINVAL;
	dev->mtu = mtu;
	return 0;
}

static u16 netfront_select_queue(struct net_device *dev, struct sk_buff *skb,
				 struct net_device *sb_dev)
{
	unsigned int n = dev->real_num_tx_queues;

	return n > 1 ? skb_get_hash(skb) % n : 0;
}

const struct net_device_ops xpv_netfront_netdev_ops = {
	.ndo_open = netfront_open,
	.ndo_stop = netfront_stop,
	.ndo_start_xmit = netfront_start_xmit,
	.ndo_select_queue = netfront_select_queue,
	.ndo_get_stats64 = netfront_get_stats64,
	.ndo_fix_features = netfront_fix_features,
	.ndo_set_features = netfront_set_features,
	.ndo_change_mtu = netfront_change_mtu,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

/* ------------------------------------------------------------------ */
/* ethtool.                                                            */
/* ------------------------------------------------------------------ */

static void netfront_get_drvinfo(struct net_device *dev,
				 struct ethtool_drvinfo *info)
{
	struct xpv_netfront_info *nf = netdev_priv(dev);

	strscpy(info->driver, "xpv-netfront", sizeof(info->driver));
	strscpy(info->bus_info, nf->xbdev->nodename, sizeof(info->bus_info));
}

static void netfront_get_ringparam(struct net_device *dev,
				   struct ethtool_ringparam *ring,
				   struct kernel_ethtool_ringparam *kring,
				   struct netlink_ext_ack *extack)
{
	ring->rx_max_pending = XPV_NETIF_MAX_IDS;
	ring->tx_max_pending = XPV_NETIF_MAX_IDS;
	ring->rx_pending = XPV_NETIF_MAX_IDS;
	ring->tx_pending = XPV_NETIF_MAX_IDS;
}

static void netfront_get_channels(struct net_device *dev,
				  struct ethtool_channels *ch)
{
	struct xpv_netfront_info *info = netdev_priv(dev);

	ch->max_combined = info->max_queues;
	ch->combined_count = READ_ONCE(info->nr_queues);
}

/* Device-wide counters before the per-queue ones. */
static const char *const netfront_dev_stats[] = {
	"queues", "split_event_channels", "bounce", "broken", "peer_notifies",
	"bad_rx_rsp", "bad_tx_rsp", "bad_rsp_prod", "grant_busy",
	"bad_backend_keys", "grants_deferred",
};

static int netfront_get_sset_count(struct net_device *dev, int sset)
{
	struct xpv_netfront_info *info = netdev_priv(dev);

	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return ARRAY_SIZE(netfront_dev_stats) +
	       info->max_queues * XPV_NETFRONT_NR_QSTATS;
}

static void netfront_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	struct xpv_netfront_info *info = netdev_priv(dev);
	unsigned int i, j;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < ARRAY_SIZE(netfront_dev_stats); i++)
		ethtool_sprintf(&data, "%s", netfront_dev_stats[i]);
	for (i = 0; i < info->max_queues; i++)
		for (j = 0; j < XPV_NETFRONT_NR_QSTATS; j++)
			ethtool_sprintf(&data, "q%u_%s", i,
					xpv_netfront_qstat_names[j]);
}

static void netfront_get_ethtool_stats(struct net_device *dev,
				       struct ethtool_stats *stats, u64 *data)
{
	struct xpv_netfront_info *info = netdev_priv(dev);
	unsigned int i;

	*data++ = READ_ONCE(info->nr_queues);
	*data++ = info->split;
	*data++ = info->bounce;
	*data++ = READ_ONCE(info->broken);
	*data++ = READ_ONCE(info->peer_notifies);
	for (i = 0; i < XPV_NETFRONT_NR_BREAKS; i++)
		*data++ = atomic_long_read(&info->breaks[i]);
	*data++ = READ_ONCE(info->bad_keys);
	*data++ = atomic_long_read(&info->grants_deferred);
	for (i = 0; i < info->max_queues; i++) {
		xpv_netfront_queue_stats(&info->qstats[i], data);
		data += XPV_NETFRONT_NR_QSTATS;
	}
}

const struct ethtool_ops xpv_netfront_ethtool_ops = {
	.get_drvinfo = netfront_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_ringparam = netfront_get_ringparam,
	.get_channels = netfront_get_channels,
	.get_sset_count = netfront_get_sset_count,
	.get_strings = netfront_get_strings,
	.get_ethtool_stats = netfront_get_ethtool_stats,
};

/**
 * xpv_netfront_stats_show() - the counters as text (sysfs)
 * @info: the device
 * @buf: a page
 * @size: its size
 *
 * One line "q<N> name=value ..." per queue the device can have, after a
 * line with the device's mode, features and announcements made.
 *
 * Return: the bytes written.
 */
int xpv_netfront_stats_show(struct xpv_netfront_info *info, char *buf,
			    size_t size)
{
	netdev_features_t f = info->netdev->features;
	u64 v[XPV_NETFRONT_NR_QSTATS];
	unsigned int i, j;
	int len;

	len = scnprintf(buf, size,
			"queues=%u split=%u bounce=%u broken=%u sg=%u csum=%u csum6=%u tso=%u tso6=%u mtu=%u notify=%lu bad_rx=%ld bad_tx=%ld bad_prod=%ld grant_busy=%ld bad_keys=%lu deferred=%ld\n",
			READ_ONCE(info->nr_queues), info->split, info->bounce,
			READ_ONCE(info->broken), !!(f & NETIF_F_SG),
			!!(f & NETIF_F_IP_CSUM), !!(f & NETIF_F_IPV6_CSUM),
			!!(f & NETIF_F_TSO), !!(f & NETIF_F_TSO6),
			info->netdev->mtu, READ_ONCE(info->peer_notifies),
			atomic_long_read(&info->breaks[XPV_NETFRONT_BAD_RX]),
			atomic_long_read(&info->breaks[XPV_NETFRONT_BAD_TX]),
			atomic_long_read(&info->breaks[XPV_NETFRONT_BAD_PROD]),
			atomic_long_read(&info->breaks[XPV_NETFRONT_GRANT_BUSY]),
			READ_ONCE(info->bad_keys),
			atomic_long_read(&info->grants_deferred));
	for (i = 0; i < info->max_queues; i++) {
		xpv_netfront_queue_stats(&info->qstats[i], v);
		len += scnprintf(buf + len, size - len, "q%u", i);
		for (j = 0; j < XPV_NETFRONT_NR_QSTATS; j++)
			len += scnprintf(buf + len, size - len, " %s=%llu",
					 xpv_netfront_qstat_names[j], v[j]);
		len += scnprintf(buf + len, size - len, "\n");
	}
	return len;
}
