// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv block front end, data plane: blk-mq queue_rq() turns a block request
 * into one blkif request on the ring of its hardware queue; the event
 * channel's interrupt takes responses off the ring, validates each against
 * the ring's shadow table (blkif_proto.c), gives the data grants back and
 * completes the block requests.
 *
 * Data goes either through grants of the request's own pages (revoked on
 * completion) or, with feature-persistent or when the back end is not
 * trusted, is copied through a bounded pool of pages granted once per ring.
 * blkif has no FUA flag: a FUA write is followed by a flush on the same
 * ring and completes with it.
 *
 * A back end that breaks the protocol (an unknown, duplicate or mismatched
 * response, a bad producer index, a grant still mapped after its answer)
 * breaks that ring: nothing more is queued on it and the device is switched
 * to Closing from process context.  Nothing here BUG()s on back end input.
 */
#include <linux/blkdev.h>
#include <linux/cdrom.h>
#include <linux/hdreg.h>
#include <linux/highmem.h>
#include <linux/interrupt.h>
#include <linux/mm.h>
#include <linux/workqueue.h>
#include <xpv/events.h>
#include <xpv/grant.h>

#include "front.h"

/**
 * struct xpv_blkfront_pdu - per block request driver data
 * @status: completion status, set before blk_mq_complete_request()
 */
struct xpv_blkfront_pdu {
	blk_status_t status;
};

/* ------------------------------------------------------------------ */
/* Data grants: two variants behind one dispatcher.                    */
/*                                                                     */
/* direct:     each data page of the request is granted to the back    */
/*             end (read-only for writes) and revoked on completion.   */
/* persistent: the data is copied through pages granted once for the   */
/*             whole connection (feature-persistent, or trusted=N);    */
/*             nothing is revoked per request and the request's own    */
/*             pages are never shown to the back end.                  */
/* ------------------------------------------------------------------ */

/* Grant @page for one segment; the reference goes to @seg->ref. */
static void blkfront_grant_direct(struct xpv_blkfront_ring *ring,
				  struct xpv_blkfront_seg *seg,
				  grant_ref_t ref, bool write)
{
	xpv_gnttab_grant_access_ref(ref, ring->info->xbdev->otherend_id,
				    xpv_gnttab_page_gfn(page_address(seg->page)),
				    write);
	seg->ref = ref;
}

/* Bounce one segment through a persistent grant; its gref is returned. */
static grant_ref_t blkfront_grant_persistent(struct xpv_blkfront_ring *ring,
					     struct xpv_blkfront_seg *seg,
					     bool write)
{
	u32 idx = ring->pgnt_free[--ring->nr_pgnt_free];
	struct xpv_blkfront_pgnt *p = &ring->pgnt[idx];

	if (write)
		memcpy_from_page(page_address(p->page) + seg->offset,
				 seg->page, seg->offset, seg->len);
	seg->ref = idx;
	return p->gref;
}

/*
 * Grant the data pages of @rq and fill @req; the segments go to @s.  More
 * than 11 segments go into the id's indirect page.
 */
static blk_status_t blkfront_map_data(struct xpv_blkfront_ring *ring,
				      struct request *rq,
				      struct xpv_blkif_req *req,
				      struct xpv_blkfront_shadow *s)
{
	struct xpv_blkfront_info *info = ring->info;
	struct xpv_blkif_seg seg[XPV_BLKIF_MAX_SEGS];
	grant_ref_t *refs = ring->refs, ind_ref = 0;
	bool write = rq_data_dir(rq) == WRITE;
	u8 op = write ? XPV_BLKIF_OP_WRITE : XPV_BLKIF_OP_READ;
	bool persistent = info->bounce;
	void *ind = NULL;
	struct scatterlist *sg;
	bool indirect;
	int nseg, i;

	sg_init_table(ring->sg, info->max_segs);
	nseg = blk_rq_map_sg(rq->q, rq, ring->sg);
	if (WARN_ON_ONCE(nseg <= 0 || nseg > info->max_segs))
		return BLK_STS_IOERR;
	indirect = nseg > XPV_BLKIF_MAX_SEGS;
	if (indirect && WARN_ON_ONCE(!s->indirect))
		return BLK_STS_IOERR;

	/* Check everything that can fail before taking any grant. */
	for_each_sg(ring->sg, sg, nseg, i) {
		unsigned int off = offset_in_page(sg->offset);

		/* The queue limits keep each segment inside one page. */
		if (WARN_ON_ONCE(!sg->length || off + sg->length > PAGE_SIZE ||
				 (off | sg->length) & (SECTOR_SIZE - 1)))
			return BLK_STS_IOERR;
		s->seg[i].page = sg_page(sg) + (sg->offset >> PAGE_SHIFT);
		s->seg[i].offset = off;
		s->seg[i].len = sg->length;
	}
	if (persistent) {
		/* The pool holds at least one request of max_segs. */
		if (ring->nr_pgnt_free < nseg)
			return BLK_STS_RESOURCE;
	} else {
		if (xpv_gnttab_alloc_refs(nseg, refs))
			return BLK_STS_RESOURCE;
		if (indirect && xpv_gnttab_alloc_refs(1, &ind_ref)) {
			xpv_gnttab_free_refs(refs, nseg);
			return BLK_STS_RESOURCE;
		}
	}

	if (indirect)
		ind = page_address(s->indirect);
	for (i = 0; i < nseg; i++) {
		struct xpv_blkfront_seg *sp = &s->seg[i];
		struct xpv_blkif_seg one;

		if (persistent) {
			one.gref = blkfront_grant_persistent(ring, sp, write);
		} else {
			blkfront_grant_direct(ring, sp, refs[i], write);
			one.gref = refs[i];
		}
		one.first_sect = sp->offset >> SECTOR_SHIFT;
		one.last_sect = ((sp->offset + sp->len) >> SECTOR_SHIFT) - 1;
		if (indirect)
			xpv_blkif_indirect_put(&ind, i, &one);
		else
			seg[i] = one;
	}
	s->nr_segs = nseg;
	s->persistent = persistent;
	if (!indirect)
		return xpv_blkif_build_rw(req, op, 0, info->handle,
					  blk_rq_pos(rq), seg, nseg) ?
			BLK_STS_IOERR : BLK_STS_OK;

	/*
	 * The descriptors are written before the page is granted.  In
	 * persistent mode the page stays granted (read-write, as the back end
	 * maps persistent grants) for the whole connection.
	 */
	if (!persistent) {
		s->indirect_gref = ind_ref;
		xpv_gnttab_grant_access_ref(s->indirect_gref,
					    info->xbdev->otherend_id,
					    xpv_gnttab_page_gfn(ind), true);
		s->indirect_granted = true;
	}
	return xpv_blkif_build_indirect(req, op, 0, info->handle,
					blk_rq_pos(rq), nseg,
					&s->indirect_gref) ?
		BLK_STS_IOERR : BLK_STS_OK;
}

/*
 * Give back the data grants of one id.  Persistent: copy read data out of
 * the persistent pages when @copy_out, and return them to the pool.
 * Direct: revoke each grant.  A grant the back end still maps stays in
 * @s (s->nr_segs counts those left): its page is the block request's own,
 * so the request must not complete until a later call revokes it (the
 * grant layer's deferred revocation could keep the page allocated, but not
 * stop its owner from reusing it once the request completed).
 *
 * Return: true when nothing is left mapped that should not be.
 */
static bool blkfront_end_data(struct xpv_blkfront_ring *ring,
			      struct xpv_blkfront_shadow *s, bool copy_out)
{
	unsigned int i, kept = 0;
	bool all = true;

	for (i = 0; i < s->nr_segs; i++) {
		struct xpv_blkfront_seg *sp = &s->seg[i];

		if (s->persistent) {
			struct xpv_blkfront_pgnt *p = &ring->pgnt[sp->ref];

			if (copy_out)
				memcpy_to_page(sp->page, sp->offset,
					       page_address(p->page) +
					       sp->offset, sp->len);
			ring->pgnt_free[ring->nr_pgnt_free++] = sp->ref;
			continue;
		}
		if (xpv_gnttab_try_end_access_and_free(sp->ref))
			continue;
		s->seg[kept++] = *sp;
		all = false;
	}
	s->nr_segs = kept;
	if (s->indirect_granted) {
		if (!xpv_gnttab_try_end_access_and_free(s->indirect_gref)) {
			/* The page now belongs to the deferred revocation. */
			xpv_gnttab_end_access_and_free(s->indirect_gref,
						       s->indirect);
			s->indirect = NULL;
			all = false;
		}
		s->indirect_gref = 0;
		s->indirect_granted = false;
	}
	return all;
}

/* ------------------------------------------------------------------ */
/* Submission.                                                         */
/* ------------------------------------------------------------------ */

static bool blkfront_is_write(struct request *rq)
{
	return req_op(rq) == REQ_OP_WRITE || req_op(rq) == REQ_OP_DISCARD ||
	       req_op(rq) == REQ_OP_SECURE_ERASE;
}

/* Put @req on the ring under a new id for @rq.  Called with ring->lock. */
static int blkfront_push(struct xpv_blkfront_ring *ring,
			 struct xpv_blkif_req *req, u32 want_id,
			 struct request *rq)
{
	/* Cannot fail: a slot and an id were checked free by the caller. */
	if (WARN_ON_ONCE(xpv_blkif_shadow_alloc(&ring->tab, req) ||
			 req->id != want_id))
		return -EIO;
	ring->shadow[want_id].rq = rq;
	xpv_blkif_front_put(&ring->fr, req);
	if (xpv_front_push_reqs(&ring->fr.r))
		xpv_evtchn_notify(ring->ev.port);
	return 0;
}

static blk_status_t blkfront_queue_rq(struct blk_mq_hw_ctx *hctx,
				      const struct blk_mq_queue_data *bd)
{
	struct xpv_blkfront_ring *ring = hctx->driver_data;
	struct xpv_blkfront_info *info = ring->info;
	struct xpv_blkfront_shadow *s;
	struct request *rq = bd->rq;
	struct xpv_blkif_req req;
	unsigned long flags;
	blk_status_t sts;
	u32 id;

	blk_mq_start_request(rq);
	spin_lock_irqsave(&ring->lock, flags);
	if (!ring->connected || ring->closing || ring->broken) {
		sts = BLK_STS_IOERR;
		goto out_unlock;
	}
	/* The block layer only warns about writes to a read-only disk. */
	if ((info->vdisk_info & XPV_VDISK_READONLY) && blkfront_is_write(rq)) {
		sts = BLK_STS_IOERR;
		goto out_unlock;
	}
	if (!xpv_front_free(&ring->fr.r) || !ring->tab.nr_free) {
		sts = BLK_STS_RESOURCE;
		goto out_unlock;
	}
	/*
	 * The grants go straight into the shadow entry of the id the table
	 * hands out next (the free list's head; nothing else takes ids while
	 * we hold the lock).
	 */
	id = ring->tab.free_head;
	s = &ring->shadow[id];
	s->fua = false;
	s->kept = false;

	switch (req_op(rq)) {
	case REQ_OP_FLUSH:
		if (!info->flush_op ||
		    xpv_blkif_build_flush(&req, info->flush_op, 0,
					  info->handle)) {
			sts = BLK_STS_NOTSUPP;
			goto out_unlock;
		}
		break;
	case REQ_OP_DISCARD:
	case REQ_OP_SECURE_ERASE:
		if (!info->discard || (req_op(rq) == REQ_OP_SECURE_ERASE &&
				       !info->secure_discard)) {
			sts = BLK_STS_NOTSUPP;
			goto out_unlock;
		}
		xpv_blkif_build_discard(&req, 0, blk_rq_pos(rq),
					blk_rq_sectors(rq),
					req_op(rq) == REQ_OP_SECURE_ERASE);
		break;
	case REQ_OP_WRITE:
		/* blkif has no FUA: a flush follows the write (see below). */
		s->fua = (rq->cmd_flags & REQ_FUA) && info->flush_op;
		fallthrough;
	case REQ_OP_READ:
		sts = blkfront_map_data(ring, rq, &req, s);
		if (sts) {
			blkfront_end_data(ring, s, false);
			goto out_unlock;
		}
		break;
	default:
		sts = BLK_STS_NOTSUPP;
		goto out_unlock;
	}

	if (blkfront_push(ring, &req, id, rq)) {
		blkfront_end_data(ring, s, false);
		sts = BLK_STS_IOERR;
		goto out_unlock;
	}
	sts = BLK_STS_OK;
out_unlock:
	spin_unlock_irqrestore(&ring->lock, flags);
	return sts;
}

/* ------------------------------------------------------------------ */
/* Completion.                                                         */
/* ------------------------------------------------------------------ */

static void blkfront_complete(struct request *rq)
{
	struct xpv_blkfront_pdu *pdu = blk_mq_rq_to_pdu(rq);

	blk_mq_end_request(rq, pdu->status);
}

/* What one validated response means for its block request. */
static blk_status_t blkfront_status(struct xpv_blkfront_info *info,
				    const struct xpv_blkif_rsp *rsp)
{
	if (rsp->status == XPV_BLKIF_RSP_OKAY)
		return BLK_STS_OK;
	if (rsp->status != XPV_BLKIF_RSP_EOPNOTSUPP)
		return BLK_STS_IOERR;
	/* The back end withdrew a feature: stop using it. */
	if ((rsp->operation == XPV_BLKIF_OP_FLUSH_DISKCACHE ||
	     rsp->operation == XPV_BLKIF_OP_WRITE_BARRIER) && info->disk) {
		info->flush_op = 0;
		blk_queue_write_cache(info->disk->queue, false, false);
	}
	if (rsp->operation == XPV_BLKIF_OP_DISCARD && info->disk) {
		info->discard = false;
		blk_queue_max_discard_sectors(info->disk->queue, 0);
	}
	return BLK_STS_NOTSUPP;
}

/* Called with ring->lock held. */
static void blkfront_ring_broken(struct xpv_blkfront_ring *ring,
				 const char *why, u64 id)
{
	if (!ring->broken)
		dev_err(&ring->info->xbdev->dev,
			"queue %u: %s (id %llu): ring disabled\n",
			ring->index, why, id);
	ring->broken = true;
	schedule_work(&ring->info->fatal_work);
}

/*
 * FUA: the write completed; send a flush under a new id (the write's
 * response freed a slot and an id) and complete @rq when it is answered.
 * With the flush withdrawn meanwhile the disk is write-through now and
 * @rq completes as it is.  Called with ring->lock held.
 *
 * Return: true when the flush went out and @rq waits for it.
 */
static bool blkfront_fua_flush(struct xpv_blkfront_ring *ring,
			       struct request *rq)
{
	struct xpv_blkfront_info *info = ring->info;
	struct xpv_blkfront_pdu *pdu = blk_mq_rq_to_pdu(rq);
	struct xpv_blkif_req req;
	u32 id;

	if (!info->flush_op)
		return false;
	if (WARN_ON_ONCE(!ring->tab.nr_free || !xpv_front_free(&ring->fr.r)) ||
	    xpv_blkif_build_flush(&req, info->flush_op, 0, info->handle)) {
		pdu->status = BLK_STS_IOERR;
		return false;
	}
	id = ring->tab.free_head;
	ring->shadow[id].fua = false;
	ring->shadow[id].kept = false;
	ring->shadow[id].nr_segs = 0;
	if (blkfront_push(ring, &req, id, rq)) {
		pdu->status = BLK_STS_IOERR;
		return false;
	}
	return true;
}

/**
 * xpv_blkfront_interrupt() - the event channel handler of one ring
 * @irq: the IRQ (bound for late EOI)
 * @dev_id: the ring
 *
 * Context: hard IRQ.
 * Return: IRQ_HANDLED.
 */
irqreturn_t xpv_blkfront_interrupt(int irq, void *dev_id)
{
	struct xpv_blkfront_ring *ring = dev_id;
	unsigned int eoi = XPV_EOI_SPURIOUS, nr_done = 0, i;
	struct xpv_blkif_rsp rsp;
	unsigned long flags;
	bool idle = false;

	spin_lock_irqsave(&ring->lock, flags);
	if (!ring->connected || ring->broken || ring->held)
		goto out_unlock;
	do {
		while (xpv_blkif_front_get(&ring->fr, &rsp)) {
			struct xpv_blkfront_shadow *s;
			struct xpv_blkfront_pdu *pdu;
			struct request *rq;
			bool fua;

			eoi = 0;
			if (xpv_blkif_rsp_check(&ring->tab, &rsp)) {
				blkfront_ring_broken(ring, "invalid response",
						     rsp.id);
				goto out_unlock;
			}
			s = &ring->shadow[rsp.id];
			if (!blkfront_end_data(ring, s,
					       rsp.operation == XPV_BLKIF_OP_READ &&
					       rsp.status == XPV_BLKIF_RSP_OKAY)) {
				/* Never hand back a page the peer can write. */
				blkfront_ring_broken(ring,
						     "grant still mapped after response",
						     rsp.id);
				goto out_unlock;
			}
			rq = s->rq;
			fua = s->fua;
			s->rq = NULL;
			s->fua = false;
			xpv_blkif_shadow_free(&ring->tab, rsp.id);
			pdu = blk_mq_rq_to_pdu(rq);
			pdu->status = blkfront_status(ring->info, &rsp);
			if (fua && !pdu->status && blkfront_fua_flush(ring, rq))
				continue;	/* completes with the flush */
			ring->done[nr_done++] = rq;
		}
		if (ring->fr.r.broken) {
			blkfront_ring_broken(ring, "bad response producer index",
					     0);
			goto out_unlock;
		}
	} while (xpv_front_final_check(&ring->fr.r));
	idle = ring->closing && ring->tab.nr_free == ring->tab.nr;
out_unlock:
	spin_unlock_irqrestore(&ring->lock, flags);

	/* Outside the lock: completion may queue the next request here. */
	for (i = 0; i < nr_done; i++)
		blk_mq_complete_request(ring->done[i]);
	/* The back end is closing and this ring drained: finish the close. */
	if (idle)
		mod_delayed_work(system_wq, &ring->info->close_work, 0);
	xpv_evtchn_lateeoi(irq, eoi);
	return IRQ_HANDLED;
}

/**
 * xpv_blkfront_ring_idle() - whether a ring has no request in flight
 * @ring: the ring
 *
 * Context: any; takes the ring lock.
 * Return: true when no id is outstanding.
 */
bool xpv_blkfront_ring_idle(struct xpv_blkfront_ring *ring)
{
	unsigned long flags;
	bool idle;

	if (!ring->shadow)
		return true;
	spin_lock_irqsave(&ring->lock, flags);
	idle = ring->tab.nr_free == ring->tab.nr;
	spin_unlock_irqrestore(&ring->lock, flags);
	return idle;
}

/**
 * xpv_blkfront_fail_inflight() - end every request still on a ring
 * @ring: a ring whose interrupt is unbound and which is no longer connected
 *
 * Persistent grants go back to the pool (revoked when the ring is freed).
 * A request with a direct grant the back end still maps is not ended: its
 * page belongs to whoever issued the request, who would reuse it while the
 * back end can still write it.  It stays on the ring (counted once in the
 * device's kept_total) and a later call retries its revocations; it fails
 * once they all succeed.
 *
 * Context: process.
 * Return: the number of requests still held back.
 */
unsigned int xpv_blkfront_fail_inflight(struct xpv_blkfront_ring *ring)
{
	unsigned int id, nr = 0, held = 0, i;

	if (!ring->shadow)
		return 0;
	spin_lock_irq(&ring->lock);
	for (id = 0; id < ring->tab.nr; id++) {
		struct xpv_blkfront_shadow *s = &ring->shadow[id];
		struct xpv_blkfront_pdu *pdu;

		if (!s->rq)
			continue;
		blkfront_end_data(ring, s, false);
		if (s->nr_segs) {
			if (!s->kept)
				atomic_long_add(s->nr_segs,
						&ring->info->kept_total);
			s->kept = true;
			held++;
			continue;
		}
		xpv_blkif_shadow_free(&ring->tab, id);
		pdu = blk_mq_rq_to_pdu(s->rq);
		pdu->status = BLK_STS_IOERR;
		ring->done[nr++] = s->rq;
		s->rq = NULL;
		s->fua = false;
		s->kept = false;
	}
	spin_unlock_irq(&ring->lock);
	for (i = 0; i < nr; i++)
		blk_mq_complete_request(ring->done[i]);
	return held;
}

/**
 * xpv_blkfront_kept() - requests and pages a ring holds back
 * @ring: the ring
 * @reqs: incremented by the requests held back by xpv_blkfront_fail_inflight()
 * @pages: incremented by their pages the back end still maps
 *
 * Context: any; takes the ring lock.
 */
void xpv_blkfront_kept(struct xpv_blkfront_ring *ring, unsigned int *reqs,
		       unsigned int *pages)
{
	unsigned long flags;
	unsigned int id;

	if (!ring->shadow)
		return;
	spin_lock_irqsave(&ring->lock, flags);
	for (id = 0; id < ring->tab.nr; id++) {
		if (ring->shadow[id].rq && ring->shadow[id].kept) {
			(*reqs)++;
			*pages += ring->shadow[id].nr_segs;
		}
	}
	spin_unlock_irqrestore(&ring->lock, flags);
}

/**
 * xpv_blkfront_requeue_inflight() - hand every request on a dead ring back
 * @ring: a ring whose interrupt is unbound, after a restore in a new domain
 *
 * The back end that had these requests is gone with the old domain, and
 * none of them was answered to the block layer: each goes back on the
 * queue's requeue list, to be built and granted again on the new ring
 * once the queue is restarted.  A write the old back end had already done
 * is done again with the same data, which changes nothing.  Their grants
 * are in the new (empty) grant table, so revoking them succeeds at once.
 *
 * Context: process.
 * Return: the number of requests requeued.
 */
unsigned int xpv_blkfront_requeue_inflight(struct xpv_blkfront_ring *ring)
{
	unsigned int id, nr = 0, i;

	if (!ring->shadow)
		return 0;
	spin_lock_irq(&ring->lock);
	for (id = 0; id < ring->tab.nr; id++) {
		struct xpv_blkfront_shadow *s = &ring->shadow[id];

		if (!s->rq)
			continue;
		blkfront_end_data(ring, s, false);
		xpv_blkif_shadow_free(&ring->tab, id);
		ring->done[nr++] = s->rq;
		s->rq = NULL;
		s->fua = false;
		s->kept = false;
	}
	spin_unlock_irq(&ring->lock);
	for (i = 0; i < nr; i++)
		blk_mq_requeue_request(ring->done[i], false);
	return nr;
}

/* ------------------------------------------------------------------ */
/* Stalls: the ring state and the blk-mq timeout hook.                 */
/* ------------------------------------------------------------------ */

/* Called with ring->lock held (or on a ring nothing else uses). */
static int blkfront_ring_state_locked(struct xpv_blkfront_ring *ring,
				      char *buf, size_t size)
{
	struct xpv_front_ring_snap snap;

	if (!ring->mem.sring)
		return scnprintf(buf, size, "queue %u: no ring\n", ring->index);
	xpv_front_snapshot(&ring->fr.r, &snap);
	return scnprintf(buf, size,
			 "queue %u: req_prod_pvt=%u rsp_cons=%u req_prod=%u req_event=%u rsp_prod=%u rsp_event=%u free_slots=%u/%u free_ids=%u/%u pool=%u/%u timeouts=%lu kicks=%lu%s%s%s: %s\n",
			 ring->index, snap.req_prod_pvt, snap.rsp_cons,
			 snap.req_prod, snap.req_event, snap.rsp_prod,
			 snap.rsp_event, snap.free, snap.nr_ents,
			 ring->tab.nr_free, ring->tab.nr, ring->nr_pgnt_free,
			 ring->nr_pgnt, ring->nr_timeouts, ring->nr_kicks,
			 ring->connected ? "" : " disconnected",
			 ring->closing ? " closing" : "",
			 ring->broken ? " broken" : "",
			 xpv_front_stall_hint(&snap));
}

/**
 * xpv_blkfront_ring_state() - one line with a ring's indices and resources
 * @ring: the ring
 * @buf: destination
 * @size: its size
 *
 * The private indices (req_prod_pvt, rsp_cons), the shared ones (req_prod,
 * req_event, rsp_prod, rsp_event), free slots and ids, free persistent
 * pages, the timeout counters, the flags and what the indices suggest
 * (xpv_front_stall_hint()).
 *
 * Context: any; takes the ring lock.
 * Return: the length written, newline included.
 */
int xpv_blkfront_ring_state(struct xpv_blkfront_ring *ring, char *buf,
			    size_t size)
{
	unsigned long flags;
	int len;

	spin_lock_irqsave(&ring->lock, flags);
	len = blkfront_ring_state_locked(ring, buf, size);
	spin_unlock_irqrestore(&ring->lock, flags);
	return len;
}

/*
 * A request outstanding for xpv_blkfront_request_timeout seconds: report
 * the ring once per timeout period (one line, its indices) and kick the
 * back end once with it.  The request is never completed here: the back
 * end may still be serving it, and its pages must stay ours until it
 * answers.
 */
static enum blk_eh_timer_return blkfront_timeout(struct request *rq)
{
	struct xpv_blkfront_ring *ring = rq->mq_hctx->driver_data;
	struct xpv_blkfront_info *info = ring->info;
	char state[320];
	unsigned long flags;
	bool report, kicked = false;

	spin_lock_irqsave(&ring->lock, flags);
	ring->nr_timeouts++;
	report = !ring->last_report ||
		 time_after_eq(jiffies, ring->last_report + rq->timeout);
	if (report) {
		ring->last_report = jiffies ? jiffies : 1;
		if (ring->connected && !ring->broken && ring->ev.port) {
			xpv_evtchn_notify(ring->ev.port);
			ring->nr_kicks++;
			kicked = true;
		}
		blkfront_ring_state_locked(ring, state, sizeof(state));
	}
	spin_unlock_irqrestore(&ring->lock, flags);
	if (report)
		dev_err(&info->xbdev->dev,
			"%s: request tag %d (op %u, sector %llu) outstanding for over %u s; %s; %s",
			info->disk ? info->disk->disk_name : "?", rq->tag,
			req_op(rq), (unsigned long long)blk_rq_pos(rq),
			rq->timeout / HZ,
			kicked ? "kicked the back end" : "ring down, no kick",
			state);
	return BLK_EH_RESET_TIMER;
}

/* ------------------------------------------------------------------ */
/* The disk.                                                           */
/* ------------------------------------------------------------------ */

static int blkfront_init_hctx(struct blk_mq_hw_ctx *hctx, void *data,
			      unsigned int index)
{
	struct xpv_blkfront_info *info = data;

	if (WARN_ON_ONCE(index >= info->nr_rings))
		return -EINVAL;
	hctx->driver_data = &info->rings[index];
	return 0;
}

static const struct blk_mq_ops blkfront_mq_ops = {
	.queue_rq = blkfront_queue_rq,
	.complete = blkfront_complete,
	.init_hctx = blkfront_init_hctx,
	.timeout = blkfront_timeout,
};

/* A made-up geometry for tools that still ask (HDIO_GETGEO). */
static int blkfront_getgeo(struct block_device *bdev, struct hd_geometry *hg)
{
	sector_t cylinders = get_capacity(bdev->bd_disk);

	hg->heads = 0xff;
	hg->sectors = 0x3f;
	sector_div(cylinders, hg->heads * hg->sectors);
	hg->cylinders = cylinders > 0xffff ? 0xffff : cylinders;
	return 0;
}

/* CD-ROM probing tools ask whether this is a CD-ROM ("info" bit 0). */
static int blkfront_ioctl(struct block_device *bdev, fmode_t mode,
			  unsigned int cmd, unsigned long arg)
{
	struct xpv_blkfront_info *info = bdev->bd_disk->private_data;

	if (cmd == CDROM_GET_CAPABILITY)
		return info->vdisk_info & XPV_VDISK_CDROM ? 0 : -EINVAL;
	return -ENOTTY;
}

static const struct block_device_operations blkfront_fops = {
	.owner = THIS_MODULE,
	.getgeo = blkfront_getgeo,
	.ioctl = blkfront_ioctl,
};

/**
 * xpv_blkfront_disk_name() - the xvd name of a disk index
 * @index: 0 for xvda
 * @buf: destination
 * @size: its size
 *
 * Return: 0, or -EINVAL for an index beyond xvdzz.
 */
int xpv_blkfront_disk_name(int index, char *buf, size_t size)
{
	if (index < 0)
		return -EINVAL;
	if (index < 26) {
		snprintf(buf, size, "xvd%c", 'a' + index);
		return 0;
	}
	index -= 26;
	if (index >= 26 * 26)
		return -EINVAL;
	snprintf(buf, size, "xvd%c%c", 'a' + index / 26, 'a' + index % 26);
	return 0;
}

static void blkfront_set_limits(struct xpv_blkfront_info *info,
				struct request_queue *q)
{
	blk_queue_logical_block_size(q, info->sector_size);
	blk_queue_physical_block_size(q, info->physical_sector_size);
	/* One segment is one granted page: never cross a page. */
	blk_queue_max_segments(q, info->max_segs);
	blk_queue_max_segment_size(q, PAGE_SIZE);
	blk_queue_segment_boundary(q, PAGE_SIZE - 1);
	blk_queue_max_hw_sectors(q, info->max_segs *
				 XPV_BLKIF_SECTORS_PER_PAGE);
	/*
	 * The back end refuses a segment that is not a whole number of
	 * logical blocks: buffers must be aligned to the logical block.
	 */
	blk_queue_dma_alignment(q, info->sector_size - 1);
	/* A volatile cache when the back end can flush; FUA is write+flush. */
	blk_queue_write_cache(q, info->flush_op != 0, info->flush_op != 0);
	if (info->discard) {
		blk_queue_max_discard_sectors(q, UINT_MAX >> SECTOR_SHIFT);
		q->limits.discard_granularity = info->discard_granularity;
		q->limits.discard_alignment = info->discard_alignment;
		if (info->secure_discard)
			blk_queue_max_secure_erase_sectors(q, UINT_MAX >>
							   SECTOR_SHIFT);
	}
}

/**
 * xpv_blkfront_add_disk() - create and announce the disk of a device
 * @info: a device whose rings are connected and whose geometry was read
 *
 * Context: process; @info->mutex held.
 * Return: 0 or a negative errno.
 */
int xpv_blkfront_add_disk(struct xpv_blkfront_info *info)
{
	struct blk_mq_tag_set *set = &info->tag_set;
	struct gendisk *disk;
	int err;

	memset(set, 0, sizeof(*set));
	set->ops = &blkfront_mq_ops;
	set->nr_hw_queues = info->nr_rings;
	/* One request is one slot: the ring is never full. */
	set->queue_depth = info->rings[0].tab.nr;
	set->numa_node = NUMA_NO_NODE;
	set->flags = BLK_MQ_F_SHOULD_MERGE;
	set->cmd_size = sizeof(struct xpv_blkfront_pdu);
	set->driver_data = info;
	set->timeout = xpv_blkfront_request_timeout * HZ;
	err = blk_mq_alloc_tag_set(set);
	if (err)
		return err;

	disk = blk_mq_alloc_disk(set, info);
	if (IS_ERR(disk)) {
		err = PTR_ERR(disk);
		goto out_free_tag_set;
	}
	disk->major = xpv_blkfront_major;
	disk->first_minor = info->index << XPV_BLKFRONT_PART_SHIFT;
	disk->minors = 1 << XPV_BLKFRONT_PART_SHIFT;
	disk->fops = &blkfront_fops;
	disk->private_data = info;
	err = xpv_blkfront_disk_name(info->index, disk->disk_name,
				     DISK_NAME_LEN);
	if (err)
		goto out_put_disk;
	blkfront_set_limits(info, disk->queue);
	set_capacity(disk, info->sectors);
	set_disk_ro(disk, info->vdisk_info & XPV_VDISK_READONLY);
	if (info->vdisk_info & (XPV_VDISK_REMOVABLE | XPV_VDISK_CDROM))
		disk->flags |= GENHD_FL_REMOVABLE;

	info->disk = disk;
	err = device_add_disk(&info->xbdev->dev, disk, NULL);
	if (err)
		goto out_clear_disk;
	return 0;

out_clear_disk:
	info->disk = NULL;
out_put_disk:
	put_disk(disk);
out_free_tag_set:
	blk_mq_free_tag_set(set);
	return err;
}

/**
 * xpv_blkfront_del_disk() - remove the disk of a device
 * @info: the device; its rings must already fail new requests
 *
 * Context: process; @info->mutex held.
 */
void xpv_blkfront_del_disk(struct xpv_blkfront_info *info)
{
	if (!info->disk)
		return;
	blk_mark_disk_dead(info->disk);
	del_gendisk(info->disk);
	put_disk(info->disk);
	blk_mq_free_tag_set(&info->tag_set);
	info->disk = NULL;
}
