// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv network back end, data plane: the vif net device and one kernel
 * thread per queue.
 *
 * Each queue's thread loops over its two rings:
 *
 *   guest tx   - requests copied off the tx ring once each and fed to
 *                netif_proto's chain parser; a complete, valid packet is
 *                grant-copied into a fresh skb (its protocol headers, up
 *                to 256 bytes, into the linear area: XSA-423/432; the rest
 *                packed into whole pages as fragments, zero-length slots
 *                never becoming one: XSA-448), every slot answered, and
 *                the skb handed to the stack (with tx_mode=map the
 *                fragments are grant-mapped instead, and the slots
 *                answered once the stack is done with the pages: see
 *                "Guest tx by grant map"); a malformed packet is
 *                answered NETIF_RSP_ERROR and counted per rule; a chain
 *                breaking a fatal rule, or a producer index claiming more
 *                requests than the ring holds, breaks the queue
 *   guest rx   - packets the stack gave to the vif wait in a per-queue
 *                list bounded in bytes (the stack's queue is stopped while
 *                it is full); the head packet goes out only when the front
 *                end posted all the slots it needs (XSA-392), and is
 *                grant-copied packed into those pages, with a GSO extra
 *                for a GSO skb; a head packet waiting longer than the
 *                stall timeout makes the queue stalled: its packets are
 *                dropped until the front end posts requests again
 *   push, notify, late EOI - once per pass; an event that found no work
 *                is acknowledged as spurious (a flooding front end gets
 *                throttled)
 *
 * Why a thread per queue rather than NAPI: grant copies may sleep (the
 * native provider retries GNTST_eagain with a sleep), the late EOI needs
 * a context that ran after the work anyway, and the block back end's
 * model (blkback.c) is the same, so the two back ends share one shape.
 * Packets reach the stack with netif_receive_skb_list() under
 * local_bh_disable(), as tun does from process context.
 */
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_vlan.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <xpv/events.h>
#include <xpv/grant.h>

#include "back.h"
#include "netif_skb.h"

/* Packets per ring and pass before the other ring gets its turn. */
#define NB_BUDGET	64

/**
 * struct nb_priv - the vif net device's private area
 * @vif: the back end it belongs to
 */
struct nb_priv {
	struct xpv_netback *vif;
};

static struct xpv_netback *nb_vif(struct net_device *dev)
{
	return ((struct nb_priv *)netdev_priv(dev))->vif;
}

static void nb_add(struct xpv_netback_queue *q, enum xpv_netback_stat stat,
		   u64 n)
{
	WRITE_ONCE(q->st->c[stat], q->st->c[stat] + n);
}

static void nb_inc(struct xpv_netback_queue *q, enum xpv_netback_stat stat)
{
	nb_add(q, stat, 1);
}

static domid_t nb_otherend(struct xpv_netback_queue *q)
{
	return q->vif->dev->otherend_id;
}

/* ------------------------------------------------------------------ */
/* Grant copy.                                                         */
/* ------------------------------------------------------------------ */

/* Add to the batch the copy operations moving @len bytes between our
 * buffer @local and the front end's page (@gref, @goff), one per local page
 * touched; the foreign side stays within its page (the callers check that).
 * Return: false when the operation array is full.
 */
static bool nb_copy_add(struct xpv_netback_queue *q, void *local,
			unsigned int len, u32 gref, unsigned int goff,
			bool to_guest)
{
	while (len) {
		unsigned int off = offset_in_page(local);
		unsigned int chunk = min_t(unsigned int, len, PAGE_SIZE - off);
		struct gnttab_copy *op;

		if (q->nr_copy >= XPV_NETBACK_COPY_CAP)
			return false;
		op = &q->copy[q->nr_copy++];
		memset(op, 0, sizeof(*op));
		if (to_guest) {
			op->source.u.gmfn = xpv_gnttab_page_gfn(local);
			op->source.domid = DOMID_SELF;
			op->source.offset = off;
			op->dest.u.ref = gref;
			op->dest.domid = nb_otherend(q);
			op->dest.offset = goff;
			op->flags = GNTCOPY_dest_gref;
		} else {
			op->source.u.ref = gref;
			op->source.domid = nb_otherend(q);
			op->source.offset = goff;
			op->dest.u.gmfn = xpv_gnttab_page_gfn(local);
			op->dest.domid = DOMID_SELF;
			op->dest.offset = off;
			op->flags = GNTCOPY_source_gref;
		}
		op->len = chunk;
		local += chunk;
		goff += chunk;
		len -= chunk;
	}
	return true;
}

/* Whether the @nops operations from @op0 of the batch succeeded. */
static bool nb_copy_ok(struct xpv_netback_queue *q, unsigned int op0,
		       unsigned int nops)
{
	unsigned int i;

	for (i = 0; i < nops; i++)
		if (q->copy[op0 + i].status != GNTST_okay)
			return false;
	return true;
}

/* Do the batch's copies (each operation's status tells how it went). */
static void nb_copy_flush(struct xpv_netback_queue *q)
{
	if (q->nr_copy)
		xpv_gnttab_copy(q->copy, q->nr_copy);
	q->nr_copy = 0;
}

/* ------------------------------------------------------------------ */
/* Guest tx: from the front end's tx ring to the stack.                */
/* ------------------------------------------------------------------ */

/* Answer the slots of a packet, in the order they were consumed: the first
 * data slot, its @nr_extras extras (XPV_NETIF_RSP_NULL), the other data
 * slots; @ids holds the ids of the @nr_data data slots.
 */
static void nb_tx_respond_ids(struct xpv_netback_queue *q, const u16 *ids,
			      unsigned int nr_data, unsigned int nr_extras,
			      s16 status)
{
	struct xpv_netif_tx_response rsp = { };
	unsigned int i;

	rsp.id = ids[0];
	rsp.status = status;
	xpv_netif_tx_back_put_response(&q->tx, &rsp);
	rsp.id = 0;
	rsp.status = XPV_NETIF_RSP_NULL;
	for (i = 0; i < nr_extras; i++)
		xpv_netif_tx_back_put_response(&q->tx, &rsp);
	for (i = 1; i < nr_data && i < XPV_NETIF_SLOTS_CAP; i++) {
		rsp.id = ids[i];
		rsp.status = status;
		xpv_netif_tx_back_put_response(&q->tx, &rsp);
	}
}

/* The ids of a packet's data slots, in ring order. Return: how many. */
static unsigned int nb_tx_ids(const struct xpv_netif_tx_pkt *pkt, u16 *ids)
{
	unsigned int i, n = min_t(unsigned int, pkt->nr_data,
				  XPV_NETIF_SLOTS_CAP);

	for (i = 0; i < n; i++)
		ids[i] = pkt->seg[i].id;
	return n;
}

/* Answer every slot of a packet, in the order they were consumed. */
static void nb_tx_respond(struct xpv_netback_queue *q,
			  const struct xpv_netif_tx_pkt *pkt, s16 status)
{
	u16 ids[XPV_NETIF_SLOTS_CAP];
	unsigned int n = nb_tx_ids(pkt, ids);

	nb_tx_respond_ids(q, ids, n, pkt->nr_extras, status);
}

/* A fresh skb for a guest packet, with room for its planned header bytes. */
static struct sk_buff *nb_tx_alloc_skb(const struct xpv_netif_tx_pkt *pkt)
{
	struct sk_buff *skb;

	skb = alloc_skb(NET_SKB_PAD + NET_IP_ALIGN + pkt->hdr_len,
			GFP_KERNEL | __GFP_NOWARN);
	if (skb)
		skb_reserve(skb, NET_SKB_PAD + NET_IP_ALIGN);
	return skb;
}

/* Add to the batch the copies of a packet's planned header bytes into its
 * skb's linear area, from as many leading slots as they span (XSA-423/432:
 * in both tx modes the headers are copied, never mapped).
 * Return: false when the operation array is full.
 */
static bool nb_tx_copy_hdr(struct xpv_netback_queue *q,
			   struct xpv_netback_txb *b)
{
	const struct xpv_netif_tx_pkt *pkt = &b->pkt;
	unsigned int i, left = pkt->hdr_len;
	u8 *dst = b->skb->data;

	for (i = 0; i < pkt->hdr_segs && left; i++) {
		const struct xpv_netif_seg *seg = &pkt->seg[i];
		unsigned int take = min_t(unsigned int, left, seg->size);

		if (!take)
			continue;
		if (!nb_copy_add(q, dst, take, seg->gref, seg->offset, false))
			return false;
		dst += take;
		left -= take;
	}
	return !left;
}

/* Check a complete skb's protocol headers (parsed from its linear copy)
 * against the offloads its packet asked for, and queue it for the stack.
 * Return: false when it was dropped (counted, freed).
 */
static bool nb_tx_deliver(struct xpv_netback_queue *q,
			  const struct xpv_netif_tx_pkt *pkt,
			  struct sk_buff *skb, struct list_head *deliver)
{
	struct net_device *dev = q->vif->netdev;
	bool hdr_ok;
	u32 hlen;

	hdr_ok = !xpv_netif_hdr_len(skb->data, skb_headlen(skb), pkt->len,
				    &hlen) && hlen <= skb_headlen(skb);
	skb->protocol = eth_type_trans(skb, dev);
	skb_reset_network_header(skb);
	/* XSA-423: what the stack reads must be in the linear area. */
	if ((!hdr_ok && (pkt->flags & XPV_NETTXF_CSUM_BLANK ||
			 pkt->gso.type != XPV_NETIF_GSO_NONE)) ||
	    xpv_netif_skb_offloads(skb, pkt->flags & XPV_NETTXF_CSUM_BLANK,
				   pkt->flags & XPV_NETTXF_DATA_VALIDATED,
				   &pkt->gso)) {
		nb_inc(q, XPV_NETBACK_TX_BAD_HEADERS);
		kfree_skb(skb);
		return false;
	}
	skb_probe_transport_header(skb);
	skb_record_rx_queue(skb, q->index);

	nb_inc(q, XPV_NETBACK_TX_PACKETS);
	nb_add(q, XPV_NETBACK_TX_BYTES, pkt->len);
	if (pkt->gso.type != XPV_NETIF_GSO_NONE)
		nb_inc(q, XPV_NETBACK_TX_GSO);
	if (pkt->flags & XPV_NETTXF_CSUM_BLANK)
		nb_inc(q, XPV_NETBACK_TX_CSUM_BLANK);
	list_add_tail(&skb->list, deliver);
	return true;
}

/* ------------------------------------------------------------------ */
/* Guest tx by grant map (tx_mode=map).                                */
/* ------------------------------------------------------------------ */

/* The headers are still grant-copied into the linear area; each fragment
 * (data past the header, never empty: XSA-448) is mapped read-only into a
 * page of the queue's pool, in one map hypercall per batch, and the skb
 * points at those pages. The skb carries a zerocopy callback (ubuf_info):
 * when the stack is done with the pages (the skb freed, or its fragments
 * copied first, as for local delivery or a tap) the callback puts the
 * packet on the queue's done list and wakes the thread, which unmaps the
 * done packets in one hypercall per batch and only then answers their
 * slots. Teardown waits until every packet came back and is unmapped.
 * Each fragment holds one ring slot until then, so a pool with as many
 * pages and entries as the ring has slots never runs dry; when it does
 * (a page whose unmap failed is never reused) or a packet has more
 * fragments than an skb holds, that packet is copied instead.
 */

static bool nb_txm_on(const struct xpv_netback_queue *q)
{
	return q->txm;
}

/* The stack is done with a mapped packet's pages. Any context. */
static void nb_txm_callback(struct sk_buff *skb, struct ubuf_info *ubuf,
			    bool zerocopy_success)
{
	struct xpv_netback_txm *m = container_of(ubuf, struct xpv_netback_txm,
						 ubuf);
	struct xpv_netback_queue *q = m->q;
	unsigned long flags;

	m->copied = !zerocopy_success;
	/* The wake-up under the lock: once the entry is seen the queue may
	 * go away (teardown), and this touches nothing of it after.
	 */
	spin_lock_irqsave(&q->txm_lock, flags);
	list_add_tail(&m->node, &q->txm_done);
	set_bit(XPV_NETBACK_Q_KICK, &q->flags);
	wake_up(&q->wq);
	spin_unlock_irqrestore(&q->txm_lock, flags);
}

/* Unmap the batch of q->unmap_ops, then answer and free the retiring
 * packets (@respond false in teardown: the ring is going away).
 */
static void nb_txm_retire_flush(struct xpv_netback_queue *q, bool respond)
{
	struct xpv_netback_txm *m, *tmp;
	unsigned int i;

	if (q->nr_unmap) {
		xpv_gnttab_unmap_pages(q->unmap_ops, q->unmap_pages,
				       q->nr_unmap);
		nb_add(q, XPV_NETBACK_TX_GNT_UNMAP, q->nr_unmap);
		nb_inc(q, XPV_NETBACK_TX_GNT_CALLS);
		for (i = 0; i < q->nr_unmap; i++) {
			if (q->unmap_ops[i].status == GNTST_okay) {
				q->pool[q->pool_nr++] = q->unmap_pages[i];
				continue;
			}
			/* Still mapped: the page is never used again. */
			netdev_warn_once(q->vif->netdev,
					 "queue %u: grant unmap failed (%d): page leaked\n",
					 q->index, q->unmap_ops[i].status);
		}
		q->nr_unmap = 0;
	}
	list_for_each_entry_safe(m, tmp, &q->txm_retiring, node) {
		if (respond)
			nb_tx_respond_ids(q, m->ids, m->nr_data, m->nr_extras,
					  m->status);
		if (m->copied)
			nb_inc(q, XPV_NETBACK_TX_MAP_COPIED);
		list_move(&m->node, &q->txm_free);
		atomic_dec(&q->txm_inflight);
	}
}

/* Put a packet's mappings into the unmap batch; it is answered (with
 * m->status) and freed at the batch's flush.
 */
static void nb_txm_retire(struct xpv_netback_queue *q,
			  struct xpv_netback_txm *m, bool respond)
{
	unsigned int i;

	if (q->nr_unmap + m->nr_pages > XPV_NETBACK_MAP_CAP)
		nb_txm_retire_flush(q, respond);
	for (i = 0; i < m->nr_pages; i++) {
		if (!(m->mapped & BIT(i))) {
			q->pool[q->pool_nr++] = m->pages[i];
			continue;
		}
		xpv_gnttab_set_unmap_op(&q->unmap_ops[q->nr_unmap], m->pages[i],
					GNTMAP_host_map | GNTMAP_readonly,
					m->handles[i]);
		q->unmap_pages[q->nr_unmap++] = m->pages[i];
	}
	m->mapped = 0;
	m->nr_pages = 0;
	list_add_tail(&m->node, &q->txm_retiring);
}

/* Unmap and answer the packets the stack is done with. */
static void nb_txm_reap(struct xpv_netback_queue *q, bool respond)
{
	struct xpv_netback_txm *m, *tmp;
	LIST_HEAD(done);

	spin_lock_irq(&q->txm_lock);
	list_splice_init(&q->txm_done, &done);
	spin_unlock_irq(&q->txm_lock);
	list_for_each_entry_safe(m, tmp, &done, node) {
		list_del(&m->node);
		nb_txm_retire(q, m, respond);
	}
	nb_txm_retire_flush(q, respond);
}

static bool nb_txm_done_pending(struct xpv_netback_queue *q)
{
	bool pending;

	spin_lock_irq(&q->txm_lock);
	pending = !list_empty(&q->txm_done);
	spin_unlock_irq(&q->txm_lock);
	return pending;
}

/* Teardown: wait for every mapped packet to come back from the stack and
 * unmap it, so that no mapping of the front end's pages outlives the vif.
 */
static void nb_txm_drain(struct xpv_netback_queue *q)
{
	unsigned int waited = 0;

	if (!nb_txm_on(q))
		return;
	for (;;) {
		nb_txm_reap(q, false);
		if (!atomic_read(&q->txm_inflight))
			break;
		if (wait_event_timeout(q->wq, nb_txm_done_pending(q),
				       10 * HZ))
			continue;
		waited += 10;
		netdev_warn(q->vif->netdev,
			    "queue %u: %d mapped packets still in the stack after %u s\n",
			    q->index, atomic_read(&q->txm_inflight), waited);
	}
}

/* Plan a valid packet with fragments the map way: the header copies and
 * one read-only map per fragment into the batch.
 * Return: false when the packet is to be copied instead (nothing done);
 * true when it is planned or, on failure (counted), dropped.
 */
static bool nb_tx_prepare_map(struct xpv_netback_queue *q,
			      struct xpv_netback_txb *b)
{
	const struct xpv_netif_tx_pkt *pkt = &b->pkt;
	struct xpv_netback_txm *m;
	unsigned int i;

	BUILD_BUG_ON(MAX_SKB_FRAGS > 32);	/* bits of txm.mapped */
	if (!nb_txm_on(q) || !pkt->nr_frags || pkt->nr_frags > MAX_SKB_FRAGS ||
	    list_empty(&q->txm_free) || q->pool_nr < pkt->nr_frags)
		return false;

	b->skb = nb_tx_alloc_skb(pkt);
	if (!b->skb) {
		nb_inc(q, XPV_NETBACK_TX_NOMEM);
		q->nr_copy = b->op0;
		return true;
	}
	if (!nb_tx_copy_hdr(q, b)) {
		nb_inc(q, XPV_NETBACK_TX_COPY_ERR);
		goto out_drop;
	}
	b->nops = q->nr_copy - b->op0;

	m = list_first_entry(&q->txm_free, struct xpv_netback_txm, node);
	list_del(&m->node);
	atomic_inc(&q->txm_inflight);
	m->status = XPV_NETIF_RSP_OKAY;
	m->copied = false;
	m->mapped = 0;
	m->nr_pages = 0;
	m->nr_data = nb_tx_ids(pkt, m->ids);
	m->nr_extras = pkt->nr_extras;
	b->m = m;
	b->map0 = q->nr_map;
	for (i = 0; i < pkt->nr_frags; i++) {
		const struct xpv_netif_frag *f = &pkt->frag[i];
		struct page *page = q->pool[--q->pool_nr];

		m->pages[m->nr_pages++] = page;
		xpv_gnttab_set_map_op(&q->map_ops[q->nr_map], page,
				      GNTMAP_host_map | GNTMAP_readonly,
				      pkt->seg[f->seg].gref, nb_otherend(q));
		q->map_pages[q->nr_map++] = page;
	}
	return true;

out_drop:
	q->nr_copy = b->op0;
	kfree_skb(b->skb);
	b->skb = NULL;
	return true;
}

/* Map the batch's fragments in one hypercall; each packet's map status
 * is looked at by nb_txm_mapped().
 */
static void nb_txm_map_flush(struct xpv_netback_queue *q)
{
	if (!q->nr_map)
		return;
	xpv_gnttab_map_pages(q->map_ops, q->map_pages, q->nr_map);
	nb_add(q, XPV_NETBACK_TX_GNT_MAP, q->nr_map);
	nb_inc(q, XPV_NETBACK_TX_GNT_CALLS);
}

/* Record a packet's map results. Return: every fragment is mapped. */
static bool nb_txm_mapped(struct xpv_netback_queue *q,
			  struct xpv_netback_txb *b)
{
	struct xpv_netback_txm *m = b->m;
	bool ok = true;
	unsigned int i;

	for (i = 0; i < m->nr_pages; i++) {
		const struct gnttab_map_grant_ref *op = &q->map_ops[b->map0 + i];

		if (op->status != GNTST_okay) {
			ok = false;
			continue;
		}
		m->handles[i] = op->handle;
		m->mapped |= BIT(i);
	}
	return ok;
}

/* A mapped packet whose header and fragments arrived: complete its skb
 * (the fragments point at the mapped pages) and queue it for the stack.
 */
static void nb_tx_finish_map(struct xpv_netback_queue *q,
			     struct xpv_netback_txb *b,
			     struct list_head *deliver)
{
	const struct xpv_netif_tx_pkt *pkt = &b->pkt;
	struct xpv_netback_txm *m = b->m;
	struct sk_buff *skb = b->skb;
	unsigned int i;

	skb_put(skb, pkt->hdr_len);
	for (i = 0; i < pkt->nr_frags; i++) {
		const struct xpv_netif_frag *f = &pkt->frag[i];

		/* The stack's put_page() takes this back: the pool keeps its
		 * own reference.
		 */
		get_page(m->pages[i]);
		skb_fill_page_desc(skb, i, m->pages[i], f->offset, f->size);
		skb->len += f->size;
		skb->data_len += f->size;
		skb->truesize += PAGE_SIZE;
	}
	b->skb = NULL;
	b->m = NULL;
	if (!nb_tx_deliver(q, pkt, skb, deliver)) {
		/* Dropped before the callback was armed: unmap now. */
		nb_txm_retire(q, m, true);
		return;
	}
	/* Armed last: nothing before netif_receive_skb may copy the
	 * fragments and call back while the packet is still ours.
	 */
	m->ubuf.callback = nb_txm_callback;
	refcount_set(&m->ubuf.refcnt, 1);
	m->ubuf.flags = SKBFL_ZEROCOPY_ENABLE;
	skb_zcopy_init(skb, &m->ubuf);
	nb_inc(q, XPV_NETBACK_TX_MAPPED);
}

/* Give a queue (its tx ring set up, its thread not started) what
 * tx_mode=map needs: one map entry and one unpopulated page per tx ring
 * slot. Without them the queue copies. Return: 0 or -ENOMEM.
 */
static int nb_txm_alloc(struct xpv_netback_queue *q)
{
	unsigned int n = q->tx.r.nr_ents, i;

	q->pool = kvcalloc(n, sizeof(*q->pool), GFP_KERNEL);
	q->txm = kvcalloc(n, sizeof(*q->txm), GFP_KERNEL);
	if (!q->pool || !q->txm)
		goto out_free;
	if (xpv_gnttab_alloc_pages(n, q->pool))
		goto out_free;
	q->pool_nr = n;
	q->nr_txm = n;
	INIT_LIST_HEAD(&q->txm_free);
	for (i = 0; i < n; i++) {
		q->txm[i].q = q;
		list_add_tail(&q->txm[i].node, &q->txm_free);
	}
	return 0;

out_free:
	kvfree(q->txm);
	kvfree(q->pool);
	q->txm = NULL;
	q->pool = NULL;
	return -ENOMEM;
}

/* Free what nb_txm_alloc() gave (every packet drained). */
static void nb_txm_free(struct xpv_netback_queue *q)
{
	if (!q->txm)
		return;
	xpv_gnttab_free_pages(q->pool_nr, q->pool);
	kvfree(q->pool);
	kvfree(q->txm);
	q->pool = NULL;
	q->pool_nr = 0;
	q->txm = NULL;
	q->nr_txm = 0;
}

/* ------------------------------------------------------------------ */
/* Guest tx by grant copy, and what both modes share.                  */
/* ------------------------------------------------------------------ */

static void nb_free_pages(struct page **pages, unsigned int n)
{
	while (n--)
		__free_page(pages[n]);
}

/* Give back what a dropped packet's copy was going to fill. */
static void nb_tx_drop_data(struct xpv_netback_txb *b)
{
	nb_free_pages(b->pages, b->npages);
	b->npages = 0;
	kfree_skb(b->skb);
	b->skb = NULL;
}

/* Allocate a valid packet's skb and pages and add its copies to the batch:
 * the planned header bytes into the linear area, the rest packed into
 * whole pages.  On failure (counted) the packet is answered with an error
 * at the flush.
 */
static void nb_tx_prepare(struct xpv_netback_queue *q,
			  struct xpv_netback_txb *b)
{
	const struct xpv_netif_tx_pkt *pkt = &b->pkt;
	u32 fbytes = pkt->len - pkt->hdr_len;
	unsigned int npages = DIV_ROUND_UP(fbytes, PAGE_SIZE);
	unsigned int i, pos;

	if (nb_tx_prepare_map(q, b))
		return;
	if (nb_txm_on(q) && pkt->nr_frags)
		nb_inc(q, XPV_NETBACK_TX_MAP_FALLBACK);
	b->skb = nb_tx_alloc_skb(pkt);
	if (!b->skb)
		goto out_nomem;
	for (b->npages = 0; b->npages < npages; b->npages++) {
		b->pages[b->npages] = alloc_page(GFP_KERNEL | __GFP_NOWARN);
		if (!b->pages[b->npages])
			goto out_nomem;
	}

	if (!nb_tx_copy_hdr(q, b))
		goto out_no_room;
	/* The fragments, packed back to back into our pages. */
	pos = 0;
	for (i = 0; i < pkt->nr_frags; i++) {
		const struct xpv_netif_frag *f = &pkt->frag[i];
		const struct xpv_netif_seg *seg = &pkt->seg[f->seg];
		unsigned int off = f->offset, size = f->size;

		while (size) {
			unsigned int poff = pos % PAGE_SIZE;
			unsigned int chunk = min_t(unsigned int, size,
						   PAGE_SIZE - poff);
			struct page *page = b->pages[pos / PAGE_SIZE];

			if (!nb_copy_add(q, page_address(page) + poff, chunk,
					 seg->gref, off, false))
				goto out_no_room;
			off += chunk;
			size -= chunk;
			pos += chunk;
		}
	}
	if (pos != fbytes)
		goto out_no_room;	/* the plan does not add up: never */
	b->nops = q->nr_copy - b->op0;
	return;

out_no_room:
	nb_inc(q, XPV_NETBACK_TX_COPY_ERR);
	goto out_drop;
out_nomem:
	nb_inc(q, XPV_NETBACK_TX_NOMEM);
out_drop:
	q->nr_copy = b->op0;
	nb_tx_drop_data(b);
}

/* A copied packet whose data arrived: complete its skb and queue it. */
static void nb_tx_finish(struct xpv_netback_queue *q,
			 struct xpv_netback_txb *b, struct list_head *deliver)
{
	const struct xpv_netif_tx_pkt *pkt = &b->pkt;
	u32 fbytes = pkt->len - pkt->hdr_len;
	struct sk_buff *skb = b->skb;
	unsigned int i;

	skb_put(skb, pkt->hdr_len);
	for (i = 0; i < b->npages; i++)
		skb_fill_page_desc(skb, i, b->pages[i], 0,
				   min_t(u32, PAGE_SIZE, fbytes - i * PAGE_SIZE));
	skb->len += fbytes;
	skb->data_len = fbytes;
	skb->truesize += b->npages * PAGE_SIZE;
	b->skb = NULL;		/* the skb owns the pages now */
	b->npages = 0;
	nb_tx_deliver(q, pkt, skb, deliver);
}

/* Copy and map the batch's data (one hypercall each), then answer its
 * copied packets in ring order (the front end may reuse their pages once
 * answered) and queue the good ones for the stack. A mapped packet is
 * answered once its pages are unmapped: at once when it failed, else
 * when the stack is done with it.
 */
static void nb_tx_flush(struct xpv_netback_queue *q,
			struct list_head *deliver)
{
	unsigned int i;

	if (q->nr_copy) {
		nb_add(q, XPV_NETBACK_TX_GNT_COPY, q->nr_copy);
		nb_inc(q, XPV_NETBACK_TX_GNT_CALLS);
	}
	nb_copy_flush(q);
	nb_txm_map_flush(q);
	for (i = 0; i < q->nr_txb; i++) {
		struct xpv_netback_txb *b = &q->txb[i];
		bool ok = !b->err && b->skb;

		if (ok && !nb_copy_ok(q, b->op0, b->nops)) {
			nb_inc(q, XPV_NETBACK_TX_COPY_ERR);
			ok = false;
		}
		if (b->m) {
			if (!nb_txm_mapped(q, b) && ok) {
				nb_inc(q, XPV_NETBACK_TX_MAP_ERR);
				ok = false;
			}
			if (ok) {
				nb_tx_finish_map(q, b, deliver);
				continue;
			}
			b->m->status = XPV_NETIF_RSP_ERROR;
			nb_txm_retire(q, b->m, true);
			b->m = NULL;
			nb_tx_drop_data(b);
			continue;
		}
		nb_tx_respond(q, &b->pkt, ok ? XPV_NETIF_RSP_OKAY :
				  XPV_NETIF_RSP_ERROR);
		if (ok)
			nb_tx_finish(q, b, deliver);
		else
			nb_tx_drop_data(b);
	}
	q->nr_txb = 0;
	q->nr_map = 0;
	nb_txm_retire_flush(q, true);
}

/* A complete chain: into the batch, valid or to be dropped (its slots are
 * answered at the flush, in order with the others).
 */
static void nb_tx_add(struct xpv_netback_queue *q,
		      const struct xpv_netif_tx_pkt *pkt, int err,
		      struct list_head *deliver)
{
	struct xpv_netback_txb *b;

	if (q->nr_txb == XPV_NETBACK_BATCH ||
	    q->nr_copy + XPV_NETBACK_MAX_COPY > XPV_NETBACK_COPY_CAP ||
	    q->nr_map + MAX_SKB_FRAGS > XPV_NETBACK_MAP_CAP)
		nb_tx_flush(q, deliver);
	b = &q->txb[q->nr_txb++];
	memcpy(&b->pkt, pkt, sizeof(*pkt));
	b->err = err;
	b->skb = NULL;
	b->npages = 0;
	b->op0 = q->nr_copy;
	b->nops = 0;
	b->m = NULL;
	b->map0 = q->nr_map;
	nb_add(q, XPV_NETBACK_TX_ZERO_SLOTS, pkt->nr_zero);
	if (err) {
		nb_inc(q, XPV_NETBACK_TX_MALFORMED);
		if (-err >= 1 && -err <= XPV_NETIF_E_HASH)
			nb_inc(q, XPV_NETBACK_BAD_FIRST + (-err - 1));
		netdev_dbg(q->vif->netdev, "queue %u: malformed packet dropped: %s\n",
			   q->index, xpv_netif_err_str(err));
		return;
	}
	nb_tx_prepare(q, b);
}

/* The front end broke a ring: stop consuming, let the control plane act. */
static void nb_broken(struct xpv_netback_queue *q, enum xpv_netback_stat stat,
		      const char *why)
{
	if (q->broken)
		return;
	q->broken = true;
	WRITE_ONCE(q->st->c[stat], 1);
	netdev_err(q->vif->netdev, "queue %u: %s: queue stopped\n", q->index,
		   why);
	xpv_netback_queue_broken(q);
}

/* Take up to @budget packets off the tx ring into batches.
 * Return: true when requests may remain (the budget ran out).
 */
static bool nb_tx_take(struct xpv_netback_queue *q, unsigned int budget,
		       struct list_head *deliver)
{
	struct xpv_netif_tx_request slot;
	unsigned int done = 0;
	int ret;

	while (done < budget) {
		if (!q->parsing) {
			if (xpv_netif_tx_parse_init(&q->parser, &q->tx_lim)) {
				nb_broken(q, XPV_NETBACK_TX_FATAL,
					  "bad tx limits");
				return false;
			}
			q->parsing = true;
		}
		if (!xpv_netif_tx_back_get_request(&q->tx, &slot)) {
			if (!q->tx.r.broken &&
			    xpv_netif_tx_back_final_check(&q->tx))
				continue;
			if (q->tx.r.broken)
				nb_broken(q, XPV_NETBACK_TX_FATAL,
					  "tx request producer index out of range");
			/* A chain cut short goes on at the next pass. */
			return false;
		}
		q->since_eoi++;
		nb_inc(q, XPV_NETBACK_TX_SLOTS);
		ret = xpv_netif_tx_parse_slot(&q->parser, &slot);
		if (ret == 1)
			continue;
		q->parsing = false;
		if (xpv_netif_err_fatal(ret)) {
			netdev_err(q->vif->netdev, "queue %u: tx chain: %s\n",
				   q->index, xpv_netif_err_str(ret));
			nb_broken(q, XPV_NETBACK_TX_FATAL, "fatal tx chain");
			return false;
		}
		nb_tx_add(q, &q->parser.pkt, ret, deliver);
		done++;
	}
	return true;
}

/* Guest tx: take packets, copy them in batches, answer them, and queue
 * them for the stack.  Return: true when requests may remain.
 */
static bool nb_tx(struct xpv_netback_queue *q, unsigned int budget,
		  struct list_head *deliver)
{
	bool more = nb_tx_take(q, budget, deliver);

	nb_tx_flush(q, deliver);
	return more;
}

/* ------------------------------------------------------------------ */
/* Guest rx: from the stack to the front end's rx ring.                */
/* ------------------------------------------------------------------ */

static u32 nb_rx_max_data(struct xpv_netback_queue *q)
{
	return q->vif->feat.rx.sg ? XPV_NETIF_SLOTS_MAX : 1;
}

static bool nb_rx_gso(const struct sk_buff *skb, u8 *type)
{
	if (!skb_is_gso(skb))
		return false;
	if (skb_shinfo(skb)->gso_type & SKB_GSO_TCPV4)
		*type = XPV_NETIF_GSO_TCPV4;
	else if (skb_shinfo(skb)->gso_type & SKB_GSO_TCPV6)
		*type = XPV_NETIF_GSO_TCPV6;
	else
		*type = XPV_NETIF_GSO_NONE;
	return true;
}

/* Slots @skb needs on the rx ring (data packed, plus a GSO extra). */
static u32 nb_rx_slots(const struct sk_buff *skb)
{
	return xpv_netif_rx_slots_needed(skb->len, skb_is_gso(skb), false);
}

/* Take the head packet off the queue; restart the stack's queue. */
static struct sk_buff *nb_rx_dequeue(struct xpv_netback_queue *q)
{
	struct net_device *dev = q->vif->netdev;
	struct sk_buff *skb;

	spin_lock_bh(&q->rx_lock);
	skb = __skb_dequeue(&q->rx_queue);
	if (skb)
		q->rx_bytes -= skb->len;
	if (q->rx_stopped && q->rx_bytes <= xpv_netback_rx_queue_bytes / 2) {
		q->rx_stopped = false;
		netif_tx_wake_queue(netdev_get_tx_queue(dev, q->index));
	}
	spin_unlock_bh(&q->rx_lock);
	return skb;
}

static void nb_rx_purge(struct xpv_netback_queue *q,
			enum xpv_netback_stat stat)
{
	struct sk_buff *skb;

	while ((skb = nb_rx_dequeue(q))) {
		nb_inc(q, stat);
		dev_kfree_skb(skb);
	}
}

/* Add to the batch the copies of @skb into the pages of the @needed rx
 * requests whose grants are @grefs (consumed in ring order): the linear
 * area then each fragment, packed, each data slot filled to the page but
 * the last; the GSO extra takes the second slot.
 */
static void nb_rx_prepare(struct xpv_netback_queue *q,
			  struct xpv_netback_rxb *b, const u32 *grefs)
{
	struct sk_buff *skb = b->skb;
	u32 nr_extras = b->gso_type != XPV_NETIF_GSO_NONE ? 1 : 0;
	u32 ndata = b->needed - nr_extras;
	unsigned int k = 0, doff = 0;
	int f;

	b->ok = true;
	memset(b->sizes, 0, sizeof(b->sizes));
	for (f = -1; b->ok && f < (int)skb_shinfo(skb)->nr_frags; f++) {
		u8 *src;
		unsigned int len;

		if (f < 0) {
			src = skb->data;
			len = skb_headlen(skb);
		} else {
			const skb_frag_t *frag = &skb_shinfo(skb)->frags[f];

			src = skb_frag_address(frag);
			len = skb_frag_size(frag);
		}
		while (len && b->ok) {
			unsigned int chunk = min_t(unsigned int, len,
						   XPV_NETIF_PAGE_SIZE - doff);
			u32 slot = k ? k + nr_extras : 0;

			if (k >= ndata) {
				b->ok = false;
				break;
			}
			b->ok = nb_copy_add(q, src, chunk, grefs[slot], doff,
					    true);
			b->sizes[k] += chunk;
			src += chunk;
			len -= chunk;
			doff += chunk;
			if (doff == XPV_NETIF_PAGE_SIZE) {
				k++;
				doff = 0;
			}
		}
	}
	b->nops = q->nr_copy - b->op0;
}

/* Write the responses of one packet of the batch, in its slots. */
static void nb_rx_respond(struct xpv_netback_queue *q,
			  const struct xpv_netback_rxb *b, bool ok)
{
	const struct sk_buff *skb = b->skb;
	u32 nr_extras = b->gso_type != XPV_NETIF_GSO_NONE ? 1 : 0;
	u32 ndata = b->needed - nr_extras;
	unsigned int j, k;
	u16 flags0 = 0;

	if (skb->ip_summed == CHECKSUM_PARTIAL)
		flags0 |= XPV_NETRXF_CSUM_BLANK | XPV_NETRXF_DATA_VALIDATED;
	else if (skb->ip_summed == CHECKSUM_UNNECESSARY)
		flags0 |= XPV_NETRXF_DATA_VALIDATED;
	if (nr_extras)
		flags0 |= XPV_NETRXF_EXTRA_INFO;

	for (j = 0, k = 0; j < b->needed; j++) {
		struct xpv_netif_rx_response *rsp;

		rsp = xpv_netif_rx_back_new_response(&q->rx);
		if (!rsp)
			return;	/* only on a broken ring */
		if (nr_extras && j == 1) {
			struct xpv_netif_extra ex = { };

			ex.type = XPV_NETIF_EXTRA_GSO;
			ex.u.gso.size = skb_shinfo(skb)->gso_size;
			ex.u.gso.type = b->gso_type;
			memcpy(rsp, &ex, sizeof(ex));
			continue;
		}
		rsp->id = b->ids[j];
		rsp->offset = 0;
		rsp->flags = k ? 0 : flags0;
		if (k + 1 < ndata)
			rsp->flags |= XPV_NETRXF_MORE_DATA;
		rsp->status = ok ? (s16)b->sizes[k] : XPV_NETIF_RSP_ERROR;
		k++;
	}
}

/* Copy the batch's packets in one hypercall and answer them in order. */
static void nb_rx_flush(struct xpv_netback_queue *q)
{
	unsigned int i;

	nb_copy_flush(q);
	for (i = 0; i < q->nr_rxb; i++) {
		struct xpv_netback_rxb *b = &q->rxb[i];
		bool ok = b->ok && nb_copy_ok(q, b->op0, b->nops);

		nb_rx_respond(q, b, ok);
		nb_add(q, XPV_NETBACK_RX_SLOTS, b->needed);
		if (ok) {
			nb_inc(q, XPV_NETBACK_RX_PACKETS);
			nb_add(q, XPV_NETBACK_RX_BYTES, b->skb->len);
			if (b->gso_type != XPV_NETIF_GSO_NONE)
				nb_inc(q, XPV_NETBACK_RX_GSO);
			if (b->skb->ip_summed == CHECKSUM_PARTIAL)
				nb_inc(q, XPV_NETBACK_RX_CSUM_BLANK);
		} else {
			nb_inc(q, XPV_NETBACK_RX_COPY_ERR);
		}
		dev_consume_skb_any(b->skb);
		b->skb = NULL;
	}
	q->nr_rxb = 0;
}

/* Requests the front end must have posted before a stalled queue resumes. */
static u32 nb_rx_resume_slots(struct xpv_netback_queue *q)
{
	return min_t(u32, nb_rx_max_data(q) + 1, q->rx.r.nr_ents);
}

/* Take up to @budget packets for the guest, with their requests, into
 * batches.  Return: true when packets may remain that fit now (the budget
 * ran out); *@waiting tells whether the head packet waits for rx requests.
 */
static bool nb_rx_take(struct xpv_netback_queue *q, unsigned int budget,
		       bool *waiting)
{
	u32 grefs[XPV_NETBACK_RX_PKT_SLOTS];
	struct xpv_netback_rxb *b;
	u64 timeout = msecs_to_jiffies(READ_ONCE(xpv_netback_rx_stall_ms));
	unsigned int done = 0;

	*waiting = false;
	while (done < budget) {
		enum xpv_netif_rx_room room;
		struct sk_buff *skb;
		u32 needed, i;
		u8 gso_type = XPV_NETIF_GSO_NONE;
		bool gso;
		int avail;

		avail = xpv_netif_rx_back_requests(&q->rx);
		if (avail < 0) {
			nb_broken(q, XPV_NETBACK_RX_FATAL,
				  "rx request producer index out of range");
			return false;
		}
		if (q->stalled) {
			if ((u32)avail < nb_rx_resume_slots(q)) {
				xpv_netif_rx_back_final_check(&q->rx);
				return false;
			}
			q->stalled = false;
			netdev_info(q->vif->netdev, "queue %u: front end posts rx requests again\n",
				    q->index);
		}

		spin_lock_bh(&q->rx_lock);
		skb = skb_peek(&q->rx_queue);
		spin_unlock_bh(&q->rx_lock);
		if (!skb) {
			xpv_netif_rx_stall_update(&q->stall, jiffies, true,
						  timeout);
			return false;
		}
		gso = nb_rx_gso(skb, &gso_type);
		needed = nb_rx_slots(skb);
		room = gso && gso_type == XPV_NETIF_GSO_NONE ?
			XPV_NETIF_RX_DROP :
			xpv_netif_rx_room(needed, gso ? 1 : 0, nb_rx_max_data(q),
					  q->rx.r.nr_ents, avail);
		if (room == XPV_NETIF_RX_WAIT) {
			/* Ask for an event on the next request, look again. */
			xpv_netif_rx_back_final_check(&q->rx);
			avail = xpv_netif_rx_back_requests(&q->rx);
			if (avail >= 0 && (u32)avail >= needed)
				continue;
			if (!xpv_netif_rx_stall_update(&q->stall, jiffies,
						       false, timeout)) {
				*waiting = true;
				return false;
			}
			/* XSA-392: the front end does not post enough. */
			q->stalled = true;
			nb_inc(q, XPV_NETBACK_RX_STALLS);
			netdev_warn(q->vif->netdev, "queue %u: front end stalled: %d rx requests posted, %u needed for %u ms; dropping its packets\n",
				    q->index, avail, needed,
				    READ_ONCE(xpv_netback_rx_stall_ms));
			nb_rx_purge(q, XPV_NETBACK_RX_DROP_STALL);
			xpv_netif_rx_stall_update(&q->stall, jiffies, true,
						  timeout);
			return false;
		}
		skb = nb_rx_dequeue(q);
		if (room == XPV_NETIF_RX_DROP) {
			nb_inc(q, XPV_NETBACK_RX_DROP_SIZE);
			dev_kfree_skb(skb);
			continue;
		}
		xpv_netif_rx_stall_update(&q->stall, jiffies, true, timeout);
		if (q->nr_rxb == XPV_NETBACK_BATCH ||
		    q->nr_copy + XPV_NETBACK_MAX_COPY > XPV_NETBACK_COPY_CAP)
			nb_rx_flush(q);
		b = &q->rxb[q->nr_rxb++];
		b->skb = skb;
		b->needed = needed;
		b->gso_type = gso_type;
		b->op0 = q->nr_copy;
		for (i = 0; i < needed; i++) {
			struct xpv_netif_rx_request req;

			if (!xpv_netif_rx_back_get_request(&q->rx, &req)) {
				/* FITS said they were there: a broken ring. */
				q->nr_rxb--;
				q->nr_copy = b->op0;
				dev_kfree_skb(skb);
				nb_broken(q, XPV_NETBACK_RX_FATAL,
					  "rx requests vanished");
				return false;
			}
			b->ids[i] = req.id;
			grefs[i] = req.gref;
		}
		q->since_eoi += needed;
		nb_rx_prepare(q, b, grefs);
		done++;
	}
	return true;
}

/* Guest rx: send packets in batches.  Return: as nb_rx_take(). */
static bool nb_rx(struct xpv_netback_queue *q, unsigned int budget,
		  bool *waiting)
{
	bool more = nb_rx_take(q, budget, waiting);

	nb_rx_flush(q);
	return more;
}

/* ------------------------------------------------------------------ */
/* The queue's thread.                                                 */
/* ------------------------------------------------------------------ */

static void nb_notify(struct xpv_netback_queue *q, bool rx)
{
	int irq = rx && q->ev_rx.irq ? q->ev_rx.irq : q->ev_tx.irq;

	nb_inc(q, XPV_NETBACK_NOTIFY);
	xpv_evtchn_notify_irq(irq);
}

static void nb_deliver(struct list_head *deliver)
{
	if (list_empty(deliver))
		return;
	local_bh_disable();
	netif_receive_skb_list(deliver);
	local_bh_enable();
}

/* Return: true when the head rx packet waits for requests. */
static bool nb_pass(struct xpv_netback_queue *q)
{
	LIST_HEAD(deliver);
	bool more_tx = false, more_rx = false, waiting = false, eoi = false;
	unsigned int eoi_flags;

	clear_bit(XPV_NETBACK_Q_KICK, &q->flags);
	smp_mb__after_atomic();	/* clear before looking at the rings */
	if (nb_txm_on(q))
		nb_txm_reap(q, !q->broken);
	if (!q->broken)
		more_tx = nb_tx(q, NB_BUDGET, &deliver);
	if (!q->broken && xpv_netif_tx_back_push_responses(&q->tx))
		nb_notify(q, false);
	nb_deliver(&deliver);
	if (!q->broken)
		more_rx = nb_rx(q, NB_BUDGET, &waiting);
	if (!q->broken && xpv_netif_rx_back_push_responses(&q->rx))
		nb_notify(q, true);

	if (more_tx || more_rx) {
		set_bit(XPV_NETBACK_Q_KICK, &q->flags);
		return false;
	}
	/* A broken ring's events stay unacknowledged: the port stays masked. */
	if (q->broken)
		return false;
	/* Work done by passes the stack started counts for the next event. */
	eoi_flags = q->since_eoi ? 0 : XPV_EOI_SPURIOUS;
	if (test_and_clear_bit(XPV_NETBACK_Q_EOI_TX, &q->flags)) {
		xpv_evtchn_lateeoi(q->ev_tx.irq, eoi_flags);
		eoi = true;
	}
	if (test_and_clear_bit(XPV_NETBACK_Q_EOI_RX, &q->flags)) {
		xpv_evtchn_lateeoi(q->ev_rx.irq, eoi_flags);
		eoi = true;
	}
	if (eoi)
		q->since_eoi = 0;
	return waiting;
}

static bool nb_has_work(struct xpv_netback_queue *q)
{
	return test_bit(XPV_NETBACK_Q_KICK, &q->flags) || kthread_should_stop();
}

static int nb_thread(void *arg)
{
	struct xpv_netback_queue *q = arg;
	bool waiting = false;

	while (!kthread_should_stop()) {
		long timeout = waiting ? HZ / 4 : MAX_SCHEDULE_TIMEOUT;

		wait_event_interruptible_timeout(q->wq, nb_has_work(q), timeout);
		if (kthread_should_stop())
			break;
		waiting = nb_pass(q);
		cond_resched();
	}
	return 0;
}

static void nb_kick(struct xpv_netback_queue *q)
{
	set_bit(XPV_NETBACK_Q_KICK, &q->flags);
	wake_up(&q->wq);
}

/**
 * xpv_netback_tx_interrupt() - the front end signalled the tx (or only)
 *	event channel of a queue
 * @irq: the channel's IRQ (bound with late EOI)
 * @dev_id: the queue
 *
 * Wakes the queue's thread, which acknowledges the event once it looked at
 * the rings.
 *
 * Context: hard IRQ.
 * Return: IRQ_HANDLED.
 */
irqreturn_t xpv_netback_tx_interrupt(int irq, void *dev_id)
{
	struct xpv_netback_queue *q = dev_id;

	nb_inc(q, XPV_NETBACK_EVENTS);
	set_bit(XPV_NETBACK_Q_EOI_TX, &q->flags);
	nb_kick(q);
	return IRQ_HANDLED;
}

/**
 * xpv_netback_rx_interrupt() - the front end signalled the rx event
 *	channel of a queue (split channels only): it posted rx requests
 * @irq: the channel's IRQ (bound with late EOI)
 * @dev_id: the queue
 *
 * Context: hard IRQ.
 * Return: IRQ_HANDLED.
 */
irqreturn_t xpv_netback_rx_interrupt(int irq, void *dev_id)
{
	struct xpv_netback_queue *q = dev_id;

	nb_inc(q, XPV_NETBACK_EVENTS);
	set_bit(XPV_NETBACK_Q_EOI_RX, &q->flags);
	nb_kick(q);
	return IRQ_HANDLED;
}

/* ------------------------------------------------------------------ */
/* The net device.                                                     */
/* ------------------------------------------------------------------ */

static netdev_tx_t nb_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct xpv_netback *vif = nb_vif(dev);
	u16 qi = skb_get_queue_mapping(skb);
	u32 bound = READ_ONCE(xpv_netback_rx_queue_bytes);
	unsigned int nr = READ_ONCE(vif->nr_queues);
	struct xpv_netback_queue *queues, *q;

	smp_rmb();	/* the count before the array it counts */
	queues = READ_ONCE(vif->queues);
	if (!queues || qi >= nr) {
		dev_core_stats_tx_dropped_inc(dev);
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	q = &queues[qi];
	/* Pages another back end mapped (ours with tx_mode=map, or the stock
	 * one) are copied here, as tun does: our grant copy reads local
	 * frames only, and a guest that posts no rx requests must not keep
	 * another guest's pages mapped.
	 */
	if (q->broken || q->stalled || !skb->len ||
	    skb_orphan_frags_rx(skb, GFP_ATOMIC)) {
		nb_inc(q, XPV_NETBACK_RX_DROP_FULL);
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}

	spin_lock(&q->rx_lock);
	if (!xpv_netif_rx_queue_admit(q->rx_bytes, skb->len, bound)) {
		/* Full: stop the stack's queue (the next packets wait in its
		 * qdisc) until the thread has taken half of the bytes out,
		 * as when a packet fills the queue exactly.
		 */
		q->rx_stopped = true;
		netif_tx_stop_queue(netdev_get_tx_queue(dev, qi));
		spin_unlock(&q->rx_lock);
		nb_inc(q, XPV_NETBACK_RX_DROP_FULL);
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	__skb_queue_tail(&q->rx_queue, skb);
	q->rx_bytes += skb->len;
	if (q->rx_bytes >= bound) {
		q->rx_stopped = true;
		netif_tx_stop_queue(netdev_get_tx_queue(dev, qi));
	}
	spin_unlock(&q->rx_lock);
	nb_kick(q);
	return NETDEV_TX_OK;
}

static int nb_open(struct net_device *dev)
{
	if (READ_ONCE(nb_vif(dev)->nr_queues))
		netif_tx_start_all_queues(dev);
	return 0;
}

static int nb_close(struct net_device *dev)
{
	netif_tx_disable(dev);
	return 0;
}

static int nb_change_mtu(struct net_device *dev, int mtu)
{
	struct xpv_netback *vif = nb_vif(dev);
	int max = ETH_DATA_LEN;

	if (!READ_ONCE(vif->nr_queues) || vif->feat.rx.sg)
		max = ETH_MAX_MTU - VLAN_ETH_HLEN;
	if (mtu > max)
		return -EINVAL;
	dev->mtu = mtu;
	return 0;
}

/* What the front end takes on its rx ring (all of it until connected). */
static netdev_features_t nb_fix_features(struct net_device *dev,
					 netdev_features_t features)
{
	struct xpv_netback *vif = nb_vif(dev);
	const struct xpv_netif_dir *rx = &vif->feat.rx;

	if (!READ_ONCE(vif->nr_queues))
		return features;
	if (!rx->sg)
		features &= ~NETIF_F_SG;
	if (!rx->gso_tcpv4)
		features &= ~NETIF_F_TSO;
	if (!rx->gso_tcpv6)
		features &= ~NETIF_F_TSO6;
	if (!rx->csum)
		features &= ~NETIF_F_IP_CSUM;
	if (!rx->ipv6_csum)
		features &= ~NETIF_F_IPV6_CSUM;
	return features;
}

static void nb_get_stats64(struct net_device *dev,
			   struct rtnl_link_stats64 *s)
{
	struct xpv_netback *vif = nb_vif(dev);
	unsigned int q;

	netdev_stats_to_stats64(s, &dev->stats);
	for (q = 0; q < XPV_NETBACK_MAX_QUEUES; q++) {
		const u64 *c = vif->stats[q].c;

		/* The vif receives what the guest transmits, and back. */
		s->rx_packets += READ_ONCE(c[XPV_NETBACK_TX_PACKETS]);
		s->rx_bytes += READ_ONCE(c[XPV_NETBACK_TX_BYTES]);
		s->rx_errors += READ_ONCE(c[XPV_NETBACK_TX_MALFORMED]) +
				READ_ONCE(c[XPV_NETBACK_TX_BAD_HEADERS]) +
				READ_ONCE(c[XPV_NETBACK_TX_COPY_ERR]);
		s->rx_dropped += READ_ONCE(c[XPV_NETBACK_TX_NOMEM]);
		s->tx_packets += READ_ONCE(c[XPV_NETBACK_RX_PACKETS]);
		s->tx_bytes += READ_ONCE(c[XPV_NETBACK_RX_BYTES]);
		s->tx_errors += READ_ONCE(c[XPV_NETBACK_RX_COPY_ERR]);
		s->tx_dropped += READ_ONCE(c[XPV_NETBACK_RX_DROP_FULL]) +
				 READ_ONCE(c[XPV_NETBACK_RX_DROP_SIZE]) +
				 READ_ONCE(c[XPV_NETBACK_RX_DROP_STALL]);
	}
}

static const struct net_device_ops nb_netdev_ops = {
	.ndo_start_xmit = nb_start_xmit,
	.ndo_open = nb_open,
	.ndo_stop = nb_close,
	.ndo_change_mtu = nb_change_mtu,
	.ndo_fix_features = nb_fix_features,
	.ndo_get_stats64 = nb_get_stats64,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

/* ------------------------------------------------------------------ */
/* ethtool.                                                            */
/* ------------------------------------------------------------------ */

/* Names of enum xpv_netback_stat; the guest's view: tx = from the guest. */
static const char nb_stat_names[XPV_NETBACK_NR_STATS][ETH_GSTRING_LEN] = {
	[XPV_NETBACK_TX_PACKETS] = "guest_tx_packets",
	[XPV_NETBACK_TX_BYTES] = "guest_tx_bytes",
	[XPV_NETBACK_TX_GSO] = "guest_tx_gso",
	[XPV_NETBACK_TX_CSUM_BLANK] = "guest_tx_csum_blank",
	[XPV_NETBACK_TX_SLOTS] = "guest_tx_slots",
	[XPV_NETBACK_TX_ZERO_SLOTS] = "guest_tx_zero_slots",
	[XPV_NETBACK_TX_MALFORMED] = "guest_tx_malformed",
	[XPV_NETBACK_TX_BAD_HEADERS] = "guest_tx_bad_headers",
	[XPV_NETBACK_TX_COPY_ERR] = "guest_tx_copy_errors",
	[XPV_NETBACK_TX_NOMEM] = "guest_tx_nomem",
	[XPV_NETBACK_TX_FATAL] = "guest_tx_ring_broken",
	[XPV_NETBACK_RX_PACKETS] = "guest_rx_packets",
	[XPV_NETBACK_RX_BYTES] = "guest_rx_bytes",
	[XPV_NETBACK_RX_GSO] = "guest_rx_gso",
	[XPV_NETBACK_RX_CSUM_BLANK] = "guest_rx_csum_blank",
	[XPV_NETBACK_RX_SLOTS] = "guest_rx_slots",
	[XPV_NETBACK_RX_DROP_FULL] = "guest_rx_drop_full",
	[XPV_NETBACK_RX_DROP_SIZE] = "guest_rx_drop_size",
	[XPV_NETBACK_RX_DROP_STALL] = "guest_rx_drop_stall",
	[XPV_NETBACK_RX_STALLS] = "guest_rx_stalls",
	[XPV_NETBACK_RX_COPY_ERR] = "guest_rx_copy_errors",
	[XPV_NETBACK_RX_FATAL] = "guest_rx_ring_broken",
	[XPV_NETBACK_TX_GNT_COPY] = "guest_tx_grant_copy_ops",
	[XPV_NETBACK_TX_GNT_MAP] = "guest_tx_grant_map_ops",
	[XPV_NETBACK_TX_GNT_UNMAP] = "guest_tx_grant_unmap_ops",
	[XPV_NETBACK_TX_GNT_CALLS] = "guest_tx_grant_calls",
	[XPV_NETBACK_TX_MAPPED] = "guest_tx_mapped",
	[XPV_NETBACK_TX_MAP_COPIED] = "guest_tx_map_copied",
	[XPV_NETBACK_TX_MAP_FALLBACK] = "guest_tx_map_fallback",
	[XPV_NETBACK_TX_MAP_ERR] = "guest_tx_map_errors",
	[XPV_NETBACK_EVENTS] = "events",
	[XPV_NETBACK_NOTIFY] = "notifications",
	[XPV_NETBACK_BAD_FIRST + XPV_NETIF_E_SHORT - 1] = "guest_tx_bad_short",
	[XPV_NETBACK_BAD_FIRST + XPV_NETIF_E_TOO_BIG - 1] = "guest_tx_bad_too_big",
	[XPV_NETBACK_BAD_FIRST + XPV_NETIF_E_TOO_MANY_SLOTS - 1] =
		"guest_tx_bad_too_many_slots",
	[XPV_NETBACK_BAD_FIRST + XPV_NETIF_E_FRAG_OVERRUN - 1] =
		"guest_tx_bad_frag_overrun",
	[XPV_NETBACK_BAD_FIRST + XPV_NETIF_E_GSO_TYPE - 1] =
		"guest_tx_bad_gso_type",
	[XPV_NETBACK_BAD_FIRST + XPV_NETIF_E_GSO_SIZE - 1] =
		"guest_tx_bad_gso_size",
	[XPV_NETBACK_BAD_FIRST + XPV_NETIF_E_EXTRA_UNSUPP - 1] =
		"guest_tx_bad_extra",
	[XPV_NETBACK_BAD_FIRST + XPV_NETIF_E_MCAST_ADDR - 1] =
		"guest_tx_bad_mcast_addr",
	[XPV_NETBACK_BAD_FIRST + XPV_NETIF_E_HASH - 1] = "guest_tx_bad_hash",
};

/* Totals first, then every counter per queue (the device's queue count). */
static int nb_get_sset_count(struct net_device *dev, int sset)
{
	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return XPV_NETBACK_NR_STATS * (1 + dev->num_tx_queues);
}

static void nb_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	unsigned int q, i;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < XPV_NETBACK_NR_STATS; i++)
		ethtool_sprintf(&data, "%s", nb_stat_names[i]);
	for (q = 0; q < dev->num_tx_queues; q++)
		for (i = 0; i < XPV_NETBACK_NR_STATS; i++)
			ethtool_sprintf(&data, "q%u_%s", q, nb_stat_names[i]);
}

static void nb_get_ethtool_stats(struct net_device *dev,
				 struct ethtool_stats *stats, u64 *data)
{
	struct xpv_netback *vif = nb_vif(dev);
	unsigned int nq = min_t(unsigned int, dev->num_tx_queues,
				XPV_NETBACK_MAX_QUEUES);
	unsigned int q, i;

	for (i = 0; i < XPV_NETBACK_NR_STATS; i++) {
		u64 sum = 0;

		for (q = 0; q < nq; q++)
			sum += READ_ONCE(vif->stats[q].c[i]);
		*data++ = sum;
	}
	for (q = 0; q < dev->num_tx_queues; q++)
		for (i = 0; i < XPV_NETBACK_NR_STATS; i++)
			*data++ = q < nq ? READ_ONCE(vif->stats[q].c[i]) : 0;
}

static void nb_get_drvinfo(struct net_device *dev,
			   struct ethtool_drvinfo *info)
{
	struct xpv_netback *vif = nb_vif(dev);

	strscpy(info->driver, "xpv-netback", sizeof(info->driver));
	strscpy(info->bus_info, dev_name(&vif->dev->dev),
		sizeof(info->bus_info));
}

static const struct ethtool_ops nb_ethtool_ops = {
	.get_drvinfo = nb_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_sset_count = nb_get_sset_count,
	.get_strings = nb_get_strings,
	.get_ethtool_stats = nb_get_ethtool_stats,
};

/**
 * xpv_netback_netdev_alloc() - allocate (not register) a vif's net device
 * @vif: the back end
 * @name: the device name, vif<domid>.<devid>
 * @max_queues: queues the device can ever have (the most we offer)
 *
 * The device address is fe:ff:ff:ff:ff:ff, as with Linux's netback: a
 * bridge takes the lowest port address as its own, so a vif must never
 * win.  The carrier stays off until a front end connects.
 *
 * Context: process context.
 * Return: the device, or NULL.
 */
struct net_device *xpv_netback_netdev_alloc(struct xpv_netback *vif,
					    const char *name,
					    unsigned int max_queues)
{
	static const u8 addr[ETH_ALEN] = { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct net_device *dev;

	dev = alloc_netdev_mq(sizeof(struct nb_priv), name, NET_NAME_USER,
			      ether_setup, max_queues);
	if (!dev)
		return NULL;
	((struct nb_priv *)netdev_priv(dev))->vif = vif;
	dev->netdev_ops = &nb_netdev_ops;
	dev->ethtool_ops = &nb_ethtool_ops;
	dev->hw_features = NETIF_F_SG | NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM |
			   NETIF_F_TSO | NETIF_F_TSO6;
	dev->features = dev->hw_features | NETIF_F_RXCSUM;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU - VLAN_ETH_HLEN;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE;
	eth_hw_addr_set(dev, addr);
	netif_carrier_off(dev);
	return dev;
}

/* ------------------------------------------------------------------ */
/* Set-up and teardown (called by the control plane).                 */
/* ------------------------------------------------------------------ */

/**
 * xpv_netback_queue_init() - prepare a new queue's private state
 * @q: the queue, zeroed, with @q->vif, @q->index and @q->st set
 *
 * Context: process context, the vif's mutex held.
 */
void xpv_netback_queue_init(struct xpv_netback_queue *q)
{
	init_waitqueue_head(&q->wq);
	spin_lock_init(&q->rx_lock);
	__skb_queue_head_init(&q->rx_queue);
	q->rx_bytes = 0;
	q->rx_stopped = false;
	q->parsing = false;
	q->stalled = false;
	q->broken = false;
	memset(&q->stall, 0, sizeof(q->stall));
	spin_lock_init(&q->txm_lock);
	INIT_LIST_HEAD(&q->txm_done);
	INIT_LIST_HEAD(&q->txm_retiring);
	INIT_LIST_HEAD(&q->txm_free);
	atomic_set(&q->txm_inflight, 0);
}

/**
 * xpv_netback_queue_start() - start the queue's thread
 * @q: a queue set up by xpv_netback_queue_init(), its IRQs bound
 *
 * The thread looks at the rings once at start, so requests queued before
 * the event channels were bound are not missed. With tx_mode=map the
 * queue gets its map pool first (without it, it copies).
 *
 * Context: process context.
 * Return: 0 or a negative errno.
 */
int xpv_netback_queue_start(struct xpv_netback_queue *q)
{
	struct task_struct *task;

	if (READ_ONCE(xpv_netback_tx_map) && !q->txm && nb_txm_alloc(q))
		netdev_warn(q->vif->netdev,
			    "queue %u: no pages to map guest tx into: copying\n",
			    q->index);

	set_bit(XPV_NETBACK_Q_KICK, &q->flags);
	task = kthread_run(nb_thread, q, "%s", q->name);
	if (IS_ERR(task))
		return PTR_ERR(task);
	q->task = task;
	return 0;
}

/**
 * xpv_netback_queue_stop() - stop the queue's thread
 * @q: the queue; the stack no longer calls the device's transmit for it
 *
 * With tx_mode=map, then waits until the stack gave back every packet
 * whose fragments are mapped, and unmaps them (not answered: the rings
 * are going away).
 *
 * Context: process context; may sleep for as long as the stack holds a
 * packet of the queue.
 */
void xpv_netback_queue_stop(struct xpv_netback_queue *q)
{
	if (q->task) {
		kthread_stop(q->task);
		q->task = NULL;
	}
	nb_txm_drain(q);
}

/**
 * xpv_netback_queue_free() - drop what a stopped queue still holds
 * @q: a queue whose thread has stopped and whose IRQs are unbound
 *
 * Packets still waiting for the guest are dropped (and counted); the map
 * pool (tx_mode=map), drained by xpv_netback_queue_stop(), is freed.
 *
 * Context: process context.
 */
void xpv_netback_queue_free(struct xpv_netback_queue *q)
{
	nb_txm_free(q);
	q->rx_stopped = false;	/* the device's queues stay stopped */
	nb_rx_purge(q, XPV_NETBACK_RX_DROP_FULL);
}
