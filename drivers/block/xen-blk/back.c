// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv block back end, data plane: one kernel thread per ring.
 *
 * The thread loops over its ring:
 *
 *   answer what finished  - requests whose bios completed: unmap their
 *                           private grants (persistent ones stay mapped),
 *                           write the responses in place
 *   take new requests     - each one copied once out of the ring and
 *                           validated (blkif_proto.c) before anything else;
 *                           a refused request is answered at once and
 *                           nothing else happens; an accepted one gets its
 *                           grants mapped in one batch (indirect pages
 *                           first, their segments copied out once and
 *                           checked) and its bios submitted under a plug
 *   push and notify       - once per pass, and only when the front end's
 *                           rsp_event asks for it
 *   late EOI              - when the ring is empty, the event that woke us
 *                           is acknowledged, flagged spurious if it found
 *                           no request (repeated spurious events delay the
 *                           unmask: a front end flooding us with events
 *                           gets throttled)
 *
 * A producer index that claims more requests than the ring can hold marks
 * the ring broken: nothing more is consumed from it, its events are no
 * longer acknowledged, and the control plane moves the device to Closing.
 * Bios complete in interrupt context; they only put the request on the
 * done list and wake the thread, which does the unmapping and answering.
 */
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/kthread.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <xpv/events.h>
#include <xpv/grant.h>

#include "back.h"

#define PGNT_NONE	XPV_BLKBACK_PGNT_NONE

/*
 * Test only (scenario xpv-migrate): requests stay in flight this long
 * after their I/O is done, so that a front end being suspended has
 * requests on its ring, which it must replay after a restore.  A ring
 * being stopped answers what it holds at once.
 */
#define BLKBACK_HOLD_MAX_MS	10000
static unsigned int hold_responses_ms;
module_param(hold_responses_ms, uint, 0644);
MODULE_PARM_DESC(hold_responses_ms,
		 "Test only: answer each read, write or flush this many ms after its I/O completed (at most 10000; default 0: at once). Disconnecting answers at once");

static void blkback_add(struct xpv_blkback_ring *ring,
			enum xpv_blkback_stat stat, u64 n)
{
	WRITE_ONCE(ring->st->c[stat], ring->st->c[stat] + n);
}

static void blkback_inc(struct xpv_blkback_ring *ring,
			enum xpv_blkback_stat stat)
{
	blkback_add(ring, stat, 1);
}

/* ------------------------------------------------------------------ */
/* Pages to map grants into.                                           */
/* ------------------------------------------------------------------ */

/* Take @n unpopulated pages, from the ring's pool first. */
static int blkback_pool_get(struct xpv_blkback_ring *ring,
			    struct page **pages, unsigned int n)
{
	unsigned int take = min(n, ring->pool_nr), i;
	int err;

	for (i = 0; i < take; i++)
		pages[i] = ring->pool[--ring->pool_nr];
	if (take == n)
		return 0;
	err = xpv_gnttab_alloc_pages(n - take, pages + take);
	if (err) {
		for (i = 0; i < take; i++)
			ring->pool[ring->pool_nr++] = pages[i];
	}
	return err;
}

/* Give back a page that holds no mapping. */
static void blkback_pool_put(struct xpv_blkback_ring *ring, struct page *page)
{
	if (ring->pool_nr < ring->pool_cap)
		ring->pool[ring->pool_nr++] = page;
	else
		xpv_gnttab_free_pages(1, &page);
}

/* ------------------------------------------------------------------ */
/* Grant mapping.                                                      */
/* ------------------------------------------------------------------ */

/* Unmap the @n operations prepared in ring->unmap_ops. */
static void blkback_unmap_flush(struct xpv_blkback_ring *ring, unsigned int n)
{
	unsigned int i;

	xpv_gnttab_unmap_pages(ring->unmap_ops, ring->unmap_pages, n);
	for (i = 0; i < n; i++) {
		if (ring->unmap_ops[i].status == GNTST_okay) {
			blkback_pool_put(ring, ring->unmap_pages[i]);
			continue;
		}
		/* Still mapped: the page must never be reused. */
		dev_warn_ratelimited(&ring->be->dev->dev,
				     "ring %u: grant unmap failed (%d): page leaked\n",
				     ring->index, ring->unmap_ops[i].status);
	}
}

static void blkback_unmap_add(struct xpv_blkback_ring *ring, unsigned int *n,
			      struct page *page, grant_handle_t handle)
{
	struct gnttab_unmap_grant_ref *op = &ring->unmap_ops[*n];

	xpv_gnttab_set_unmap_op(op, page, GNTMAP_host_map, handle);
	op->status = GNTST_general_error;
	ring->unmap_pages[(*n)++] = page;
	if (*n == ring->max_segs) {
		blkback_unmap_flush(ring, *n);
		*n = 0;
	}
}

/*
 * Release @n segments: private mappings are unmapped (in batches) and
 * their pages go back to the pool; persistent ones lose one user.
 */
static void blkback_unmap(struct xpv_blkback_ring *ring,
			  struct xpv_blkback_seg *segs, unsigned int n)
{
	unsigned int i, m = 0;

	for (i = 0; i < n; i++) {
		struct xpv_blkback_seg *s = &segs[i];

		if (s->pgnt != PGNT_NONE) {
			xpv_blkback_pgnt_put(&ring->pc, s->pgnt);
			s->pgnt = PGNT_NONE;
		} else if (s->mapped) {
			blkback_unmap_add(ring, &m, s->page, s->handle);
			s->mapped = false;
		}
	}
	if (m)
		blkback_unmap_flush(ring, m);
}

/* Unmap up to @max idle persistent grants, least recently used first. */
static unsigned int blkback_pgnt_reclaim(struct xpv_blkback_ring *ring,
					 unsigned int max)
{
	unsigned int n, i, m = 0;

	n = xpv_blkback_pgnt_evict(&ring->pc, min(max, ring->max_segs),
				   ring->pc_out);
	for (i = 0; i < n; i++)
		blkback_unmap_add(ring, &m, ring->pc_out[i].page,
				  ring->pc_out[i].handle);
	if (m)
		blkback_unmap_flush(ring, m);
	blkback_add(ring, XPV_BLKBACK_PGNT_EVICTED, n);
	return n;
}

/* Keep a fresh private mapping as a persistent grant if there is room. */
static void blkback_pgnt_keep(struct xpv_blkback_ring *ring,
			      struct xpv_blkback_seg *s)
{
	u32 idx;

	if (xpv_blkback_pgnt_full(&ring->pc) &&
	    !blkback_pgnt_reclaim(ring, max(ring->pc.cap / 20, 1U)))
		return;		/* every entry is in use: stay private */
	idx = xpv_blkback_pgnt_add(&ring->pc, s->gref, s->handle, s->page);
	if (idx == PGNT_NONE)
		return;		/* the same gref twice in one request */
	s->pgnt = idx;
	s->mapped = false;
	blkback_inc(ring, XPV_BLKBACK_PGNT_MAPS);
}

/*
 * Map the grants of @n segments (gref set in each) in one batch.  With
 * persistent grants, references already mapped are reused and new
 * mappings are kept while there is room; a persistent mapping is always
 * writable (the front end grants those pages for reads and writes).
 * Return: 0, or a negative errno with nothing of this call left mapped.
 */
static int blkback_map(struct xpv_blkback_ring *ring,
		       struct xpv_blkback_seg *segs, unsigned int n,
		       bool readonly)
{
	struct xpv_blkback *be = ring->be;
	bool persistent = ring->pc.cap > 0;
	u32 flags = GNTMAP_host_map;
	unsigned int i, j, m = 0;
	int err;

	if (readonly && !persistent)
		flags |= GNTMAP_readonly;

	for (i = 0; i < n; i++) {
		struct xpv_blkback_seg *s = &segs[i];

		s->pgnt = PGNT_NONE;
		s->mapped = false;
		if (persistent) {
			s->pgnt = xpv_blkback_pgnt_get(&ring->pc, s->gref);
			if (s->pgnt != PGNT_NONE) {
				s->page = ring->pc.ent[s->pgnt].page;
				blkback_inc(ring, XPV_BLKBACK_PGNT_HITS);
				continue;
			}
		}
		ring->map_idx[m++] = i;
	}
	if (!m)
		return 0;

	err = blkback_pool_get(ring, ring->map_pages, m);
	if (err)
		goto out_release;
	for (j = 0; j < m; j++) {
		struct gnttab_map_grant_ref *op = &ring->map_ops[j];

		xpv_gnttab_set_map_op(op, ring->map_pages[j], flags,
				      segs[ring->map_idx[j]].gref,
				      be->dev->otherend_id);
		op->status = GNTST_general_error;
	}
	err = xpv_gnttab_map_pages(ring->map_ops, ring->map_pages, m);
	for (j = 0; j < m; j++) {
		struct xpv_blkback_seg *s = &segs[ring->map_idx[j]];

		if (ring->map_ops[j].status != GNTST_okay) {
			blkback_pool_put(ring, ring->map_pages[j]);
			if (!err)
				err = -EIO;
			continue;
		}
		s->page = ring->map_pages[j];
		s->handle = ring->map_ops[j].handle;
		s->mapped = true;
	}
	if (err)
		goto out_release;
	if (persistent) {
		for (j = 0; j < m; j++)
			blkback_pgnt_keep(ring, &segs[ring->map_idx[j]]);
	}
	return 0;

out_release:
	blkback_unmap(ring, segs, n);
	return err;
}

/* ------------------------------------------------------------------ */
/* Responses.                                                          */
/* ------------------------------------------------------------------ */

static void blkback_answer(struct xpv_blkback_ring *ring, u64 id, u8 op,
			   s16 status)
{
	/* Fails only on a broken ring, which gets no more responses. */
	xpv_blkif_back_respond(&ring->br, id, op, status);
}

static void blkback_push(struct xpv_blkback_ring *ring)
{
	if (xpv_back_push_rsps(&ring->br.r))
		xpv_evtchn_notify_irq(ring->ev.irq);
}

/* A request validation refused: answer it, and nothing else. */
static void blkback_refuse(struct xpv_blkback_ring *ring,
			   const struct xpv_blkif_req *req, int err)
{
	if (err == -EOPNOTSUPP)
		blkback_inc(ring, XPV_BLKBACK_UNSUPP_REQ);
	else
		blkback_inc(ring, XPV_BLKBACK_INVAL_REQ);
	dev_dbg(&ring->be->dev->dev,
		"ring %u: refused request op %u id %llu: %d\n", ring->index,
		req->operation, req->id, err);
	blkback_answer(ring, req->id, xpv_blkif_rsp_op(req),
		       xpv_blkif_rsp_status(err));
}

/* ------------------------------------------------------------------ */
/* Block I/O.                                                          */
/* ------------------------------------------------------------------ */

/* The request's I/O is over: queue it for answering. */
static void blkback_req_done(struct xpv_blkback_req *preq)
{
	struct xpv_blkback_ring *ring = preq->ring;
	unsigned long flags;

	spin_lock_irqsave(&ring->done_lock, flags);
	list_add_tail(&preq->list, &ring->done);
	/* Under the lock: the ring outlives this wake-up. */
	wake_up(&ring->wq);
	spin_unlock_irqrestore(&ring->done_lock, flags);
}

static void blkback_hold_expired(struct timer_list *t)
{
	struct xpv_blkback_req *preq = from_timer(preq, t, hold);

	blkback_req_done(preq);
}

/* Drop one reference; the last one queues the request for answering. */
static void blkback_req_put(struct xpv_blkback_req *preq)
{
	unsigned int hold = min_t(unsigned int, READ_ONCE(hold_responses_ms),
				  BLKBACK_HOLD_MAX_MS);

	if (!atomic_dec_and_test(&preq->bios))
		return;
	if (hold && !READ_ONCE(preq->ring->stopping)) {
		mod_timer(&preq->hold, jiffies + msecs_to_jiffies(hold));
		return;
	}
	blkback_req_done(preq);
}

static void blkback_bio_done(struct bio *bio)
{
	struct xpv_blkback_req *preq = bio->bi_private;

	if (bio->bi_status)
		WRITE_ONCE(preq->status, bio->bi_status == BLK_STS_NOTSUPP ?
			   XPV_BLKIF_RSP_EOPNOTSUPP : XPV_BLKIF_RSP_ERROR);
	bio_put(bio);
	blkback_req_put(preq);
}

static struct bio *blkback_bio(struct xpv_blkback_req *preq,
			       unsigned int nr_vecs, blk_opf_t opf,
			       sector_t sector)
{
	struct bio *bio = bio_alloc(preq->ring->be->bdev, nr_vecs, opf,
				    GFP_NOIO);

	bio->bi_iter.bi_sector = sector;
	bio->bi_private = preq;
	bio->bi_end_io = blkback_bio_done;
	return bio;
}

static void blkback_bio_submit(struct xpv_blkback_req *preq, struct bio *bio)
{
	atomic_inc(&preq->bios);
	submit_bio(bio);
}

/* Submit the bios of a mapped request (or a bare flush). */
static void blkback_submit(struct xpv_blkback_req *preq, sector_t sector)
{
	struct bio *bio = NULL;
	blk_opf_t opf;
	unsigned int i;

	switch (preq->op) {
	case XPV_BLKIF_OP_READ:
		opf = REQ_OP_READ;
		break;
	case XPV_BLKIF_OP_WRITE:
		opf = REQ_OP_WRITE | REQ_SYNC | REQ_IDLE;
		break;
	default:
		/*
		 * FLUSH_DISKCACHE and WRITE_BARRIER: flush first; with data,
		 * also write through.
		 */
		opf = REQ_OP_WRITE | REQ_SYNC | REQ_PREFLUSH;
		if (preq->nr_segs)
			opf |= REQ_FUA;
		break;
	}

	atomic_set(&preq->bios, 1);	/* held while submitting */
	if (!preq->nr_segs) {
		blkback_bio_submit(preq, blkback_bio(preq, 0, opf, 0));
		blkback_req_put(preq);
		return;
	}
	for (i = 0; i < preq->nr_segs; i++) {
		struct xpv_blkback_seg *s = &preq->segs[i];
		unsigned int off = s->first_sect << SECTOR_SHIFT;
		unsigned int len = (s->last_sect - s->first_sect + 1) <<
				   SECTOR_SHIFT;

		if (!bio || bio_add_page(bio, s->page, len, off) != len) {
			if (bio)
				blkback_bio_submit(preq, bio);
			bio = blkback_bio(preq, min_t(unsigned int,
						      preq->nr_segs - i,
						      BIO_MAX_VECS),
					  opf, sector);
			/* A fresh bio has room for one more page. */
			WARN_ON_ONCE(bio_add_page(bio, s->page, len, off) != len);
		}
		sector += len >> SECTOR_SHIFT;
	}
	blkback_bio_submit(preq, bio);
	blkback_req_put(preq);
}

/* A discard or secure erase, done synchronously by the ring's thread. */
static void blkback_discard(struct xpv_blkback_ring *ring,
			    const struct xpv_blkif_req *req,
			    const struct xpv_blkif_io *io)
{
	struct block_device *bdev = ring->be->bdev;
	s16 status;
	int err;

	blkback_inc(ring, XPV_BLKBACK_DS_REQ);
	if (req->flag & XPV_BLKIF_DISCARD_SECURE)
		err = blkdev_issue_secure_erase(bdev, io->sector_number,
						io->nr_sectors, GFP_KERNEL);
	else
		err = blkdev_issue_discard(bdev, io->sector_number,
					   io->nr_sectors, GFP_KERNEL);
	status = xpv_blkif_rsp_status(err);
	if (status != XPV_BLKIF_RSP_OKAY)
		blkback_inc(ring, XPV_BLKBACK_IO_ERR);
	blkback_answer(ring, req->id, xpv_blkif_rsp_op(req), status);
}

/*
 * Map the indirect pages, copy the segment descriptors out of them once,
 * unmap them, and check the copy.
 */
static int blkback_read_indirect(struct xpv_blkback_ring *ring,
				 const struct xpv_blkif_limits *lim,
				 const struct xpv_blkif_req *req,
				 struct xpv_blkif_io *io)
{
	struct xpv_blkback_seg ind[XPV_BLKIF_MAX_INDIRECT_PAGES];
	void *pages[XPV_BLKIF_MAX_INDIRECT_PAGES];
	unsigned int i, n = io->nr_indirect_pages;
	int err;

	if (io->nr_segments > ring->max_segs)
		return -EINVAL;	/* validation already refuses this */
	for (i = 0; i < n; i++)
		ind[i].gref = req->indirect_grefs[i];
	err = blkback_map(ring, ind, n, true);
	if (err) {
		blkback_inc(ring, XPV_BLKBACK_MAP_ERR);
		return err;
	}
	for (i = 0; i < n; i++)
		pages[i] = page_address(ind[i].page);
	xpv_blkif_indirect_copy(ring->wire, (const void *const *)pages,
				io->nr_segments);
	blkback_unmap(ring, ind, n);
	err = xpv_blkif_segs_check(lim, io, ring->wire, io->nr_segments);
	if (err)
		blkback_inc(ring, XPV_BLKBACK_INVAL_REQ);
	return err;
}

/* Answer every request whose I/O finished. */
static void blkback_reap(struct xpv_blkback_ring *ring)
{
	struct xpv_blkback_req *preq, *next;
	LIST_HEAD(done);

	spin_lock_irq(&ring->done_lock);
	list_splice_init(&ring->done, &done);
	spin_unlock_irq(&ring->done_lock);

	list_for_each_entry_safe(preq, next, &done, list) {
		list_del(&preq->list);
		blkback_unmap(ring, preq->segs, preq->nr_segs);
		if (preq->status == XPV_BLKIF_RSP_OKAY) {
			if (preq->op == XPV_BLKIF_OP_READ)
				blkback_add(ring, XPV_BLKBACK_RD_SECT, preq->nr_sectors);
			else
				blkback_add(ring, XPV_BLKBACK_WR_SECT, preq->nr_sectors);
		} else {
			blkback_inc(ring, XPV_BLKBACK_IO_ERR);
		}
		blkback_answer(ring, preq->id, preq->rsp_op, preq->status);
		list_add(&preq->list, &ring->free);
		atomic_dec(&ring->inflight);
	}
}

/*
 * Wait until every request of this ring is answered, and push the answers.
 * @plug is the pass's plug (or NULL): its bios must reach the device
 * before we wait for them.
 */
static void blkback_quiesce(struct xpv_blkback_ring *ring,
			    struct blk_plug *plug)
{
	if (plug) {
		blk_finish_plug(plug);
		blk_start_plug(plug);
	}
	while (atomic_read(&ring->inflight)) {
		if (!wait_event_timeout(ring->wq, !list_empty(&ring->done),
					30 * HZ))
			dev_warn(&ring->be->dev->dev,
				 "ring %u: still waiting for %d requests of the backing device\n",
				 ring->index, atomic_read(&ring->inflight));
		blkback_reap(ring);
	}
	blkback_push(ring);
}

/*
 * @plug: the pass's plug, for a WRITE_BARRIER: it waits for every earlier
 * request of the ring, and the ring takes nothing more until it is done.
 */
static void blkback_dispatch(struct xpv_blkback_ring *ring,
			     const struct xpv_blkif_req *req,
			     struct blk_plug *plug)
{
	struct xpv_blkback_req *preq;
	const struct xpv_blkif_seg *wire;
	struct xpv_blkif_limits lim;
	struct xpv_blkif_io io;
	unsigned int i;
	int err;

	blkback_inc(ring, XPV_BLKBACK_REQ);
	/*
	 * An online resize (blkback_resize()) may change the size at any
	 * time: this request is checked against one reading of it.
	 */
	lim = ring->be->lim;
	lim.sectors = READ_ONCE(ring->be->lim.sectors);
	err = xpv_blkif_req_check(&lim, req, &io);
	if (err) {
		blkback_refuse(ring, req, err);
		return;
	}

	switch (io.op) {
	case XPV_BLKIF_OP_DISCARD:
		blkback_discard(ring, req, &io);
		return;
	case XPV_BLKIF_OP_READ:
		blkback_inc(ring, XPV_BLKBACK_RD_REQ);
		break;
	case XPV_BLKIF_OP_WRITE:
		blkback_inc(ring, XPV_BLKBACK_WR_REQ);
		break;
	case XPV_BLKIF_OP_WRITE_BARRIER:
		blkback_inc(ring, XPV_BLKBACK_B_REQ);
		/* Everything before the barrier completes before it. */
		blkback_quiesce(ring, plug);
		break;
	default:
		blkback_inc(ring, XPV_BLKBACK_F_REQ);
		break;
	}

	wire = req->seg;
	if (io.indirect) {
		blkback_inc(ring, XPV_BLKBACK_INDIRECT_REQ);
		err = blkback_read_indirect(ring, &lim, req, &io);
		if (err) {
			blkback_answer(ring, req->id, xpv_blkif_rsp_op(req),
				       xpv_blkif_rsp_status(err));
			return;
		}
		wire = ring->wire;
	}

	/*
	 * There are as many request structs as ring slots and the ring
	 * refuses more unanswered requests than slots: one is always free.
	 */
	if (WARN_ON_ONCE(list_empty(&ring->free))) {
		blkback_answer(ring, req->id, xpv_blkif_rsp_op(req),
			       XPV_BLKIF_RSP_ERROR);
		return;
	}
	preq = list_first_entry(&ring->free, struct xpv_blkback_req, list);
	list_del(&preq->list);
	atomic_inc(&ring->inflight);
	preq->id = req->id;
	preq->rsp_op = xpv_blkif_rsp_op(req);
	preq->op = io.op;
	preq->nr_sectors = io.nr_sectors;
	preq->status = XPV_BLKIF_RSP_OKAY;
	preq->nr_segs = io.nr_segments;
	for (i = 0; i < preq->nr_segs; i++) {
		preq->segs[i].gref = wire[i].gref;
		preq->segs[i].first_sect = wire[i].first_sect;
		preq->segs[i].last_sect = wire[i].last_sect;
	}

	err = blkback_map(ring, preq->segs, preq->nr_segs,
			  io.op != XPV_BLKIF_OP_READ);
	if (err) {
		blkback_inc(ring, XPV_BLKBACK_MAP_ERR);
		preq->nr_segs = 0;
		preq->status = XPV_BLKIF_RSP_ERROR;
		atomic_set(&preq->bios, 1);
		blkback_req_put(preq);
		return;
	}
	blkback_submit(preq, io.sector_number);
	/* And the barrier completes before anything after it starts. */
	if (io.op == XPV_BLKIF_OP_WRITE_BARRIER)
		blkback_quiesce(ring, plug);
}

/* ------------------------------------------------------------------ */
/* The ring's thread.                                                  */
/* ------------------------------------------------------------------ */

/*
 * Take up to one ring's worth of requests.
 * Return: true when requests may remain (the budget ran out).
 */
static bool blkback_consume(struct xpv_blkback_ring *ring,
			    struct blk_plug *plug)
{
	struct xpv_blkif_req req;
	unsigned int budget = ring->nr_reqs;

	while (budget--) {
		if (!xpv_blkif_back_get(&ring->br, &req)) {
			if (!ring->br.r.broken &&
			    xpv_back_final_check(&ring->br.r))
				continue;
			if (ring->br.r.broken) {
				ring->broken = true;
				xpv_blkback_ring_broken(ring);
			}
			return false;
		}
		ring->since_eoi++;
		blkback_dispatch(ring, &req, plug);
	}
	return true;
}

static bool blkback_has_work(struct xpv_blkback_ring *ring)
{
	return test_bit(XPV_BLKBACK_RING_KICK, &ring->flags) ||
	       !list_empty(&ring->done);
}

static void blkback_pass(struct xpv_blkback_ring *ring)
{
	struct blk_plug plug;
	bool more = false;

	clear_bit(XPV_BLKBACK_RING_KICK, &ring->flags);
	smp_mb__after_atomic();	/* clear before looking at the ring */
	blkback_reap(ring);
	if (!ring->broken) {
		blk_start_plug(&plug);
		more = blkback_consume(ring, &plug);
		blk_finish_plug(&plug);
		/*
		 * A fast device (null_blk, a cached loop file) completes
		 * bios as the plug is flushed: answer them in this pass,
		 * before the EOI, rather than in a second one.
		 */
		blkback_reap(ring);
	}
	blkback_push(ring);
	if (more) {
		set_bit(XPV_BLKBACK_RING_KICK, &ring->flags);
		return;
	}
	/* A broken ring's events stay unacknowledged: the port stays masked. */
	if (!ring->broken &&
	    test_and_clear_bit(XPV_BLKBACK_RING_EOI, &ring->flags)) {
		xpv_evtchn_lateeoi(ring->ev.irq,
				   ring->since_eoi ? 0 : XPV_EOI_SPURIOUS);
		ring->since_eoi = 0;
	}
}

static int blkback_thread(void *arg)
{
	struct xpv_blkback_ring *ring = arg;

	while (!kthread_should_stop()) {
		wait_event_interruptible(ring->wq, blkback_has_work(ring) ||
					 kthread_should_stop());
		if (kthread_should_stop())
			break;
		blkback_pass(ring);
		cond_resched();
	}
	/* Complete everything in flight before the thread ends. */
	blkback_quiesce(ring, NULL);
	return 0;
}

/**
 * xpv_blkback_interrupt() - the front end signalled a ring
 * @irq: the ring's IRQ (bound with late EOI)
 * @dev_id: the ring
 *
 * Wakes the ring's thread, which acknowledges the event once it has looked
 * at the ring.
 *
 * Context: hard IRQ.
 * Return: IRQ_HANDLED.
 */
irqreturn_t xpv_blkback_interrupt(int irq, void *dev_id)
{
	struct xpv_blkback_ring *ring = dev_id;

	set_bit(XPV_BLKBACK_RING_EOI, &ring->flags);
	set_bit(XPV_BLKBACK_RING_KICK, &ring->flags);
	wake_up(&ring->wq);
	return IRQ_HANDLED;
}

/* ------------------------------------------------------------------ */
/* Set-up and teardown (called by the control plane).                 */
/* ------------------------------------------------------------------ */

/**
 * xpv_blkback_ring_init() - allocate a ring's request structs and caches
 * @ring: the ring, attached to its shared page(s) (@ring->br) and with
 *	@ring->be, @ring->index and @ring->st set
 * @pgnt_cap: persistent grants this ring may keep (0: none)
 * @pool_cap: unused unpopulated pages it may keep
 *
 * Context: process context, the device's mutex held.
 * Return: 0 or -ENOMEM (what was allocated is freed by
 * xpv_blkback_ring_free()).
 */
int xpv_blkback_ring_init(struct xpv_blkback_ring *ring,
			  unsigned int pgnt_cap, unsigned int pool_cap)
{
	unsigned int nr = ring->br.r.nr_ents, i;
	u32 max = ring->be->lim.max_indirect_segs;
	u32 nr_buckets;

	ring->max_segs = max > XPV_BLKIF_MAX_SEGS ? max : XPV_BLKIF_MAX_SEGS;
	ring->nr_reqs = nr;
	ring->pool_cap = pool_cap;
	init_waitqueue_head(&ring->wq);
	spin_lock_init(&ring->done_lock);
	INIT_LIST_HEAD(&ring->done);
	INIT_LIST_HEAD(&ring->free);
	atomic_set(&ring->inflight, 0);
	xpv_blkback_pgnt_init(&ring->pc, NULL, 0, NULL, 0);

	ring->reqs = kvcalloc(nr, sizeof(*ring->reqs), GFP_KERNEL);
	for (i = 0; ring->reqs && i < nr; i++)
		timer_setup(&ring->reqs[i].hold, blkback_hold_expired, 0);
	ring->segs = kvcalloc((size_t)nr * ring->max_segs, sizeof(*ring->segs),
			      GFP_KERNEL);
	ring->wire = kvcalloc(ring->max_segs, sizeof(*ring->wire), GFP_KERNEL);
	ring->map_ops = kvcalloc(ring->max_segs, sizeof(*ring->map_ops),
				 GFP_KERNEL);
	ring->map_pages = kvcalloc(ring->max_segs, sizeof(*ring->map_pages),
				   GFP_KERNEL);
	ring->map_idx = kvcalloc(ring->max_segs, sizeof(*ring->map_idx),
				 GFP_KERNEL);
	ring->unmap_ops = kvcalloc(ring->max_segs, sizeof(*ring->unmap_ops),
				   GFP_KERNEL);
	ring->unmap_pages = kvcalloc(ring->max_segs,
				     sizeof(*ring->unmap_pages), GFP_KERNEL);
	ring->pool = kvcalloc(max(pool_cap, 1U), sizeof(*ring->pool),
			      GFP_KERNEL);
	if (!ring->reqs || !ring->segs || !ring->wire || !ring->map_ops ||
	    !ring->map_pages || !ring->map_idx || !ring->unmap_ops ||
	    !ring->unmap_pages || !ring->pool)
		return -ENOMEM;

	for (i = 0; i < nr; i++) {
		struct xpv_blkback_req *preq = &ring->reqs[i];

		preq->ring = ring;
		preq->segs = &ring->segs[(size_t)i * ring->max_segs];
		list_add_tail(&preq->list, &ring->free);
	}

	if (!pgnt_cap)
		return 0;
	nr_buckets = roundup_pow_of_two(pgnt_cap);
	ring->pc_ent = kvcalloc(pgnt_cap, sizeof(*ring->pc_ent), GFP_KERNEL);
	ring->pc_bucket = kvcalloc(nr_buckets, sizeof(*ring->pc_bucket),
				   GFP_KERNEL);
	ring->pc_out = kvcalloc(ring->max_segs, sizeof(*ring->pc_out),
				GFP_KERNEL);
	if (!ring->pc_ent || !ring->pc_bucket || !ring->pc_out)
		return -ENOMEM;
	return xpv_blkback_pgnt_init(&ring->pc, ring->pc_ent, pgnt_cap,
				     ring->pc_bucket, nr_buckets);
}

/**
 * xpv_blkback_ring_start() - start the ring's thread
 * @ring: a ring set up by xpv_blkback_ring_init(), its IRQ bound
 *
 * The thread looks at the ring once at start, so requests queued before
 * the event channel was bound are not missed.
 *
 * Context: process context.
 * Return: 0 or a negative errno.
 */
int xpv_blkback_ring_start(struct xpv_blkback_ring *ring)
{
	struct task_struct *task;

	set_bit(XPV_BLKBACK_RING_KICK, &ring->flags);
	task = kthread_run(blkback_thread, ring, "%s", ring->name);
	if (IS_ERR(task))
		return PTR_ERR(task);
	ring->task = task;
	return 0;
}

/**
 * xpv_blkback_ring_stop() - stop the ring's thread
 * @ring: the ring
 *
 * Responses held back by the test knob hold_responses_ms are released;
 * then the thread waits for every request in flight to complete and
 * answers it.  The IRQ stays bound (the caller unbinds it afterwards).
 *
 * Context: process context; may sleep until the backing device completes
 * the outstanding I/O.
 */
void xpv_blkback_ring_stop(struct xpv_blkback_ring *ring)
{
	unsigned int i;

	if (!ring->task)
		return;
	/* Held responses (hold_responses_ms) go now; no new one is held. */
	WRITE_ONCE(ring->stopping, true);
	for (i = 0; i < ring->nr_reqs; i++) {
		if (del_timer(&ring->reqs[i].hold))
			blkback_req_done(&ring->reqs[i]);
	}
	kthread_stop(ring->task);
	ring->task = NULL;
}

/**
 * xpv_blkback_ring_free() - unmap every persistent grant and free a ring
 * @ring: a stopped ring whose IRQ is unbound
 *
 * Context: process context.
 */
void xpv_blkback_ring_free(struct xpv_blkback_ring *ring)
{
	unsigned int i;

	for (i = 0; ring->reqs && i < ring->nr_reqs; i++)
		del_timer_sync(&ring->reqs[i].hold);
	if (ring->pc.cap) {
		while (blkback_pgnt_reclaim(ring, ring->max_segs))
			;
		if (ring->pc.nr)
			dev_warn(&ring->be->dev->dev,
				 "ring %u: %u persistent grants still in use: leaked\n",
				 ring->index, ring->pc.nr);
	}
	if (ring->pool_nr)
		xpv_gnttab_free_pages(ring->pool_nr, ring->pool);
	ring->pool_nr = 0;
	kvfree(ring->pc_ent);
	kvfree(ring->pc_bucket);
	kvfree(ring->pc_out);
	kvfree(ring->pool);
	kvfree(ring->unmap_pages);
	kvfree(ring->unmap_ops);
	kvfree(ring->map_idx);
	kvfree(ring->map_pages);
	kvfree(ring->map_ops);
	kvfree(ring->wire);
	kvfree(ring->segs);
	kvfree(ring->reqs);
	ring->pc_ent = NULL;
	ring->pc_bucket = NULL;
	ring->pc_out = NULL;
	ring->pool = NULL;
	ring->unmap_pages = NULL;
	ring->unmap_ops = NULL;
	ring->map_idx = NULL;
	ring->map_pages = NULL;
	ring->map_ops = NULL;
	ring->wire = NULL;
	ring->segs = NULL;
	ring->reqs = NULL;
	xpv_blkback_pgnt_init(&ring->pc, NULL, 0, NULL, 0);
}
