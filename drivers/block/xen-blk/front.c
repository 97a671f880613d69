// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv block front end, data plane: blk-mq queue_rq() turns a block request
 * into one blkif request on the ring of its hardware queue; the event
 * channel's interrupt takes responses off the ring, validates each against
 * the ring's shadow table (blkif_proto.c), revokes the data grants and
 * completes the block requests.
 *
 * A back end that breaks the protocol (an unknown, duplicate or mismatched
 * response, a bad producer index, a grant still mapped after its answer)
 * breaks that ring: nothing more is queued on it and the device is switched
 * to Closing from process context.  Nothing here BUG()s on back end input.
 */
#include <linux/blkdev.h>
#include <linux/interrupt.h>
#include <linux/mm.h>
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
/* Submission.                                                         */
/* ------------------------------------------------------------------ */

static bool blkfront_end_grants(struct xpv_blkfront_shadow *s);

/*
 * Grant the data pages of @rq and fill @req; the grants go to @s.  More
 * than 11 segments go into the id's indirect page, granted read-only.
 */
static blk_status_t blkfront_map_data(struct xpv_blkfront_ring *ring,
				      struct request *rq,
				      struct xpv_blkif_req *req,
				      struct xpv_blkfront_shadow *s)
{
	struct xpv_blkfront_info *info = ring->info;
	struct xpv_blkif_seg seg[XPV_BLKIF_MAX_SEGS];
	bool write = rq_data_dir(rq) == WRITE;
	domid_t domid = info->xbdev->otherend_id;
	void *ind = NULL;
	struct scatterlist *sg;
	bool indirect;
	int nseg, i;

	sg_init_table(ring->sg, info->max_segs);
	nseg = blk_rq_map_sg(rq->q, rq, ring->sg);
	if (WARN_ON_ONCE(nseg <= 0 || nseg > info->max_segs))
		return BLK_STS_IOERR;
	indirect = nseg > XPV_BLKIF_MAX_SEGS;
	if (indirect) {
		if (WARN_ON_ONCE(!s->indirect))
			return BLK_STS_IOERR;
		ind = page_address(s->indirect);
		if (xpv_gnttab_alloc_refs(1, &s->indirect_gref))
			return BLK_STS_RESOURCE;
	}
	if (xpv_gnttab_alloc_refs(nseg, s->gref)) {
		if (indirect)
			xpv_gnttab_free_refs(&s->indirect_gref, 1);
		return BLK_STS_RESOURCE;
	}

	for_each_sg(ring->sg, sg, nseg, i) {
		struct page *page = sg_page(sg) + (sg->offset >> PAGE_SHIFT);
		unsigned int off = offset_in_page(sg->offset);
		unsigned int len = sg->length;
		struct xpv_blkif_seg one;

		/* The queue limits keep each segment inside one page. */
		if (WARN_ON_ONCE(!len || off + len > PAGE_SIZE ||
				 (off | len) & (SECTOR_SIZE - 1))) {
			xpv_gnttab_free_refs(s->gref, nseg);
			if (indirect)
				xpv_gnttab_free_refs(&s->indirect_gref, 1);
			return BLK_STS_IOERR;
		}
		xpv_gnttab_grant_access_ref(s->gref[i], domid,
					    xpv_gnttab_page_gfn(page_address(page)),
					    write);
		s->page[i] = page;
		one.gref = s->gref[i];
		one.first_sect = off >> SECTOR_SHIFT;
		one.last_sect = ((off + len) >> SECTOR_SHIFT) - 1;
		if (indirect)
			xpv_blkif_indirect_put(&ind, i, &one);
		else
			seg[i] = one;
	}
	s->nr_grefs = nseg;
	if (!indirect)
		return xpv_blkif_build_rw(req, write ? XPV_BLKIF_OP_WRITE :
					  XPV_BLKIF_OP_READ, 0, info->handle,
					  blk_rq_pos(rq), seg, nseg) ?
			BLK_STS_IOERR : BLK_STS_OK;

	/* The descriptors are written before the page is granted. */
	xpv_gnttab_grant_access_ref(s->indirect_gref, domid,
				    xpv_gnttab_page_gfn(ind), true);
	s->indirect_granted = true;
	return xpv_blkif_build_indirect(req, write ? XPV_BLKIF_OP_WRITE :
					XPV_BLKIF_OP_READ, 0, info->handle,
					blk_rq_pos(rq), nseg,
					&s->indirect_gref) ?
		BLK_STS_IOERR : BLK_STS_OK;
}

/*
 * Revoke the data grants of one id.  A grant the back end still maps keeps
 * its page (and reference) until the back end lets go.
 *
 * Return: true when every grant was revoked at once.
 */
static bool blkfront_end_grants(struct xpv_blkfront_shadow *s)
{
	bool all = true;
	unsigned int i;

	for (i = 0; i < s->nr_grefs; i++) {
		if (xpv_gnttab_try_end_access_and_free(s->gref[i]))
			continue;
		get_page(s->page[i]);
		xpv_gnttab_end_access_and_free(s->gref[i], s->page[i]);
		all = false;
	}
	s->nr_grefs = 0;
	if (s->indirect_granted &&
	    !xpv_gnttab_try_end_access_and_free(s->indirect_gref)) {
		/* The page now belongs to the deferred revocation. */
		xpv_gnttab_end_access_and_free(s->indirect_gref, s->indirect);
		s->indirect = NULL;
		all = false;
	}
	s->indirect_granted = false;
	return all;
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
	if (!ring->connected || ring->broken) {
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
		if (!info->discard) {
			sts = BLK_STS_NOTSUPP;
			goto out_unlock;
		}
		xpv_blkif_build_discard(&req, 0, blk_rq_pos(rq),
					blk_rq_sectors(rq),
					req_op(rq) == REQ_OP_SECURE_ERASE);
		break;
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		sts = blkfront_map_data(ring, rq, &req, s);
		if (sts) {
			blkfront_end_grants(s);
			goto out_unlock;
		}
		break;
	default:
		sts = BLK_STS_NOTSUPP;
		goto out_unlock;
	}

	/* Cannot fail: a slot and an id were checked free above. */
	if (WARN_ON_ONCE(xpv_blkif_shadow_alloc(&ring->tab, &req) ||
			 req.id != id)) {
		blkfront_end_grants(s);
		sts = BLK_STS_IOERR;
		goto out_unlock;
	}
	s->rq = rq;
	xpv_blkif_front_put(&ring->fr, &req);
	if (xpv_front_push_reqs(&ring->fr.r))
		xpv_evtchn_notify(ring->evtchn);
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

	spin_lock_irqsave(&ring->lock, flags);
	if (!ring->connected || ring->broken)
		goto out_unlock;
	do {
		while (xpv_blkif_front_get(&ring->fr, &rsp)) {
			struct xpv_blkfront_shadow *s;
			struct xpv_blkfront_pdu *pdu;

			eoi = 0;
			if (xpv_blkif_rsp_check(&ring->tab, &rsp)) {
				blkfront_ring_broken(ring, "invalid response",
						     rsp.id);
				goto out_unlock;
			}
			s = &ring->shadow[rsp.id];
			if (!blkfront_end_grants(s)) {
				/* Never hand back a page the peer can write. */
				blkfront_ring_broken(ring,
						     "grant still mapped after response",
						     rsp.id);
				goto out_unlock;
			}
			xpv_blkif_shadow_free(&ring->tab, rsp.id);
			pdu = blk_mq_rq_to_pdu(s->rq);
			pdu->status = blkfront_status(ring->info, &rsp);
			ring->done[nr_done++] = s->rq;
			s->rq = NULL;
		}
		if (ring->fr.r.broken) {
			blkfront_ring_broken(ring, "bad response producer index",
					     0);
			goto out_unlock;
		}
	} while (xpv_front_final_check(&ring->fr.r));
out_unlock:
	spin_unlock_irqrestore(&ring->lock, flags);

	/* Outside the lock: completion may queue the next request here. */
	for (i = 0; i < nr_done; i++)
		blk_mq_complete_request(ring->done[i]);
	xpv_evtchn_lateeoi(irq, eoi);
	return IRQ_HANDLED;
}

/**
 * xpv_blkfront_fail_inflight() - end every request still on a ring
 * @ring: a ring whose interrupt is unbound and which is no longer connected
 *
 * Grants the back end still maps are revoked later and keep their pages.
 *
 * Context: process.
 */
void xpv_blkfront_fail_inflight(struct xpv_blkfront_ring *ring)
{
	unsigned int id, nr = 0, i;

	if (!ring->shadow)
		return;
	spin_lock_irq(&ring->lock);
	for (id = 0; id < ring->tab.nr; id++) {
		struct xpv_blkfront_shadow *s = &ring->shadow[id];
		struct xpv_blkfront_pdu *pdu;

		if (!s->rq)
			continue;
		blkfront_end_grants(s);
		pdu = blk_mq_rq_to_pdu(s->rq);
		pdu->status = BLK_STS_IOERR;
		ring->done[nr++] = s->rq;
		s->rq = NULL;
	}
	spin_unlock_irq(&ring->lock);
	for (i = 0; i < nr; i++)
		blk_mq_complete_request(ring->done[i]);
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
};

static const struct block_device_operations blkfront_fops = {
	.owner = THIS_MODULE,
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
	blk_queue_dma_alignment(q, SECTOR_SIZE - 1);
	/* No FUA: the block layer sends flushes on their own. */
	blk_queue_write_cache(q, info->flush_op != 0, false);
	if (info->discard) {
		blk_queue_max_discard_sectors(q, UINT_MAX >> SECTOR_SHIFT);
		q->limits.discard_granularity = info->discard_granularity ?:
						info->physical_sector_size;
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
	if (info->vdisk_info & XPV_VDISK_REMOVABLE)
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
